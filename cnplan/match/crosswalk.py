"""The crosswalk: every distinct indicator name of some tables, clustered, with a canonical name per cluster.

Names that match the catalog form the catalog's clusters; the others join the most alike name already
placed (same guards, agreeing units, score at least min_score) or start a cluster of their own. A user
reviews the crosswalk, corrects `cluster` and `canonical`, and feeds it back: reviewed names keep
what the file says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from cnplan.errors import CnplanError
from cnplan.match.matcher import Matcher, entry_of, match_names, similarity
from cnplan.match.names import family_mask, guard_key, normalize_name, sorted_words, unit_family
from cnplan.output import read_table

if TYPE_CHECKING:  # pandas is imported by the functions that make frames
    import pandas as pd

COLUMNS = ["name", "unit", "cluster", "canonical", "indicator_id", "score", "docs", "rows"]
KEY = ["name", "unit"]
CHUNK = 512  # names scored at a time against all names: bounds memory for large tables


def name_stats(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Distinct (indicator name, bare unit) of indicator tables: how many documents and rows use each."""
    import pandas as pd

    pieces = [t[["doc", "indicator", "unit_base"]] for t in tables if len(t)]
    if not pieces:
        return pd.DataFrame(columns=[*KEY, "docs", "rows"])
    frame = pd.concat(pieces, ignore_index=True).fillna({"indicator": "", "unit_base": ""})
    frame = frame[frame["indicator"].astype(str).str.strip() != ""]
    frame = frame.rename(columns={"indicator": "name", "unit_base": "unit"})
    stats = frame.groupby(KEY, sort=False).agg(docs=("doc", "nunique"), rows=("doc", "size")).reset_index()
    return stats.sort_values(["docs", "rows", "name", "unit"], ascending=[False, False, True, True])


def read_crosswalk(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A reviewed crosswalk file; it must have name, unit, cluster and canonical columns."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CnplanError(str(path), f"cannot read the crosswalk: {exc}") from None
    missing = [c for c in ("name", "unit", "cluster", "canonical") if c not in frame.columns]
    if missing:
        raise CnplanError(str(path), f"not a crosswalk: no {', '.join(missing)} column")
    empty = frame[(frame["cluster"].str.strip() == "") | (frame["name"].str.strip() == "")]
    if len(empty):
        raise CnplanError(str(path), f"row {empty.index[0] + 2} has no name or cluster")
    for column in ("indicator_id", "score"):
        if column not in frame.columns:
            frame[column] = ""
    return frame.drop_duplicates(KEY, keep="last")


def _join_clusters(
    names: Sequence[str], units: Sequence[str], placed: int, matcher: Matcher
) -> tuple[list[int], list[float]]:
    """For each name from index `placed` on, the earlier name it joins (or itself) and the score."""
    normal = [normalize_name(n) for n in names]
    words = [sorted_words(n) for n in normal]
    families = np.array([unit_family(u) for u in units], dtype=object)
    guards = np.array([guard_key(n) for n in normal], dtype=object)
    parent, scores = list(range(len(names))), [100.0] * len(names)
    kin = families.copy()  # the unit family of each name's cluster: the first known one of its members
    for start in range(placed, len(names), CHUNK):
        stop = min(start + CHUNK, len(names))
        block = similarity(normal[start:stop], normal, words[start:stop], words, matcher.min_score)
        for row, i in enumerate(range(start, stop)):
            allowed = (guards[:i] == guards[i]) & family_mask(families[i], kin[:i])
            candidates = np.where(allowed, block[row, :i], 0)
            if i and candidates.max() >= matcher.min_score:
                j = int(np.argmax(candidates))
                parent[i], scores[i] = parent[j], round(float(candidates[j]), 1)
                if families[i] and not kin[j]:  # the cluster learns its unit family from this name
                    members = np.flatnonzero(np.array(parent[:i]) == parent[j])
                    kin[members] = families[i]
                kin[i] = kin[j] or families[i]
    return parent, scores


def build_crosswalk(
    tables: Iterable[pd.DataFrame], matcher: Matcher = Matcher(), reviewed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The crosswalk of the names of indicator tables; names in `reviewed` keep their reviewed cluster."""
    import pandas as pd

    stats = name_stats(tables)
    if reviewed is not None and len(reviewed):
        stats = stats.merge(
            reviewed[[*KEY, "cluster", "canonical", "indicator_id", "score"]], on=KEY, how="left"
        )
    else:
        stats = stats.assign(cluster=pd.NA, canonical=pd.NA, indicator_id=pd.NA, score=pd.NA)
    fixed = stats[stats["cluster"].notna()]
    rest = stats[stats["cluster"].isna()].copy()
    matches = match_names(rest["name"].tolist(), rest["unit"].tolist(), matcher)
    rest["indicator_id"] = [m.indicator_id for m in matches]
    rest["score"] = [m.score for m in matches]
    for i, m in zip(rest.index, matches):
        if m.indicator_id:
            entry = entry_of(m.indicator_id, matcher.catalog)
            rest.loc[i, ["cluster", "canonical"]] = [
                m.indicator_id,
                entry.name_zh if entry else m.indicator_id,
            ]
    done = pd.concat([fixed, rest[rest["cluster"].notna()]])
    todo = rest[rest["cluster"].isna()]
    names = done["name"].tolist() + todo["name"].tolist()
    units = done["unit"].tolist() + todo["unit"].tolist()
    parent, scores = _join_clusters(names, units, len(done), matcher)
    clusters = done["cluster"].tolist() + [None] * len(todo)
    canon = done["canonical"].tolist() + [None] * len(todo)
    ids = done["indicator_id"].tolist() + [""] * len(todo)
    taken = set(clusters[: len(done)])
    for i in range(len(done), len(names)):
        j = parent[i]
        if j == i:  # a cluster of its own, named after its first name (with the unit when that is taken)
            clusters[i] = names[i] if names[i] not in taken else f"{names[i]} [{units[i]}]"
            canon[i] = names[i]
            taken.add(clusters[i])
        else:
            clusters[i], canon[i], ids[i] = clusters[j], canon[j], ids[j]
    out = pd.concat([done, todo])
    out["cluster"], out["canonical"], out["indicator_id"] = clusters, canon, ids
    out["score"] = done["score"].tolist() + scores[len(done) :]
    out = out.fillna({"indicator_id": ""})
    return out[COLUMNS].sort_values(["cluster", "docs", "rows", "name"], ascending=[True, False, False, True])


def cluster_map(crosswalk: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(name, unit) -> (cluster, canonical name, indicator_id) of a crosswalk."""
    return {
        (r.name, r.unit): (r.cluster, r.canonical, r.indicator_id or "")
        for r in crosswalk.fillna("").itertuples(index=False)
    }


def _tables(tables, required: tuple[str, ...]) -> list[pd.DataFrame]:
    """Frames from a table file, a DataFrame, or a list of either."""
    import pandas as pd

    if isinstance(tables, (str, os.PathLike, pd.DataFrame)):
        tables = [tables]
    return [t if isinstance(t, pd.DataFrame) else read_table(t, required) for t in tables]


def crosswalk_frame(
    tables, reviewed: str | os.PathLike[str] | pd.DataFrame | None = None, matcher: Matcher = Matcher()
) -> pd.DataFrame:
    """The crosswalk of indicator tables (files or DataFrames, one or a list), keeping a reviewed one's decisions."""
    frames = _tables(tables, ("doc", "indicator", "unit_base"))
    if reviewed is not None and not hasattr(reviewed, "columns"):
        reviewed = read_crosswalk(reviewed)
    return build_crosswalk(frames, matcher, reviewed)


def crosswalk_tables(
    paths: Sequence[str | os.PathLike[str]], matcher: Matcher = Matcher(), reviewed: str | None = None
) -> pd.DataFrame:
    """The crosswalk of the names of indicator table files, keeping a reviewed crosswalk's decisions."""
    tables = [read_table(p, ("doc", "indicator", "unit_base")) for p in paths]
    return build_crosswalk(tables, matcher, read_crosswalk(reviewed) if reviewed else None)
