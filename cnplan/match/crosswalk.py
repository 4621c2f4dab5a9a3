"""The crosswalk: every distinct indicator name of some tables, clustered, with a canonical name per cluster.

Names that match the catalog form the catalog's clusters; the others join the most alike name already
placed (same guards, agreeing units, score at least min_score) or start a cluster of their own. A user
reviews the crosswalk, corrects `cluster` and `canonical`, and feeds it back: reviewed names keep
what the file says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cnplan.errors import CnplanError
from cnplan.match.matcher import Matcher, entry_of, match_names, part_similarity
from cnplan.match.names import (
    aside_signature,
    compare_form,
    guard_key,
    loose_conflict,
    loose_key,
    normalize_name,
    sorted_words,
    unit_family,
)
from cnplan.output import read_table, read_tables

if TYPE_CHECKING:  # pandas is imported by the functions that make frames
    import pandas as pd

COLUMNS = [
    "name",
    "unit",
    "cluster",
    "canonical",
    "indicator_id",
    "score",
    "decision",
    "decided_by",
    "docs",
    "rows",
]
# auto: certain (the catalog's own name or alias, or the same name once normalized); suggest: probably the
# same, look (alike, parts agreeing); separate: a cluster of its own. A reviewer may write any decision;
# compare uses every row but `suggest` ones, which stand apart until reviewed.
KEY = ["name", "unit"]
CHUNK = 512  # names scored at a time against all names: bounds memory for large tables


def name_stats(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Distinct (indicator name, bare unit) of indicator tables: how many documents and rows use each."""
    import pandas as pd

    pieces = [t.reindex(columns=["doc", "indicator", "unit_base", "kind", "year"]) for t in tables if len(t)]
    if not pieces:
        return pd.DataFrame(columns=[*KEY, "docs", "rows", "seen"])
    frame = pd.concat(pieces, ignore_index=True).fillna({"indicator": "", "unit_base": ""})
    frame = frame[frame["indicator"].astype(str).str.strip() != ""]
    frame = frame.rename(columns={"indicator": "name", "unit_base": "unit"})
    frame["seen"] = _seen_keys(frame)
    stats = (
        frame.groupby(KEY, sort=False)
        .agg(
            docs=("doc", "nunique"),
            rows=("doc", "size"),
            seen=("seen", lambda x: frozenset(v for v in x if v)),
        )
        .reset_index()
    )
    return stats.sort_values(["docs", "rows", "name", "unit"], ascending=[False, False, True, True])


def _seen_keys(frame: pd.DataFrame) -> pd.Series:
    """Where each row is reported, as evidence against merging: doc|kind|year ('' without kind or year)."""
    import pandas as pd

    year = pd.to_numeric(frame["year"], errors="coerce")
    kind = frame["kind"].astype("string").fillna("")
    keys = frame["doc"].astype(str) + "|" + kind + "|" + year.fillna(0).astype("int64").astype(str)
    return keys.where(year.notna() & (kind != ""), "")


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
    for column in ("indicator_id", "score", "decision", "decided_by"):
        if column not in frame.columns:
            frame[column] = ""
    return frame.drop_duplicates(KEY, keep="last")


def _join_clusters(
    names: Sequence[str],
    units: Sequence[str],
    placed: int,
    matcher: Matcher,
    seen: Sequence[frozenset[str]] | None = None,
) -> tuple[list[int], list[float]]:
    """For each name from index `placed` on, the earlier name it joins (or itself) and the score.

    `seen` holds, per name, the (doc, kind, year) it is reported in: two names in one document with the
    same kind and year are two indicators (a report does not give one figure twice under two names),
    so a name never joins a cluster that shares one with it."""
    normal = [normalize_name(n) for n in names]
    forms = [compare_form(n) for n in normal]
    form_words = [sorted_words(f) for f in forms]
    signatures = [aside_signature(n) for n in normal]
    families = np.array([unit_family(u) for u in units], dtype=object)
    guards = np.array([guard_key(n) for n in normal], dtype=object)
    loose = [loose_key(n) for n in normal]
    parent, scores = list(range(len(names))), [100.0] * len(names)
    evidence = [set(x) for x in seen] if seen is not None else None  # per cluster root: where it is seen
    kin = families.copy()  # the unit family of each name's cluster: the first known one of its members
    state = _Placing(normal, families, loose, seen, parent, scores, evidence, kin)
    groups: dict[str, list[int]] = {}
    for i, guard in enumerate(guards):  # a name joins only names with its strict parts: score within them
        groups.setdefault(guard, []).append(i)
    for members in groups.values():
        index = np.array(members)
        first = int(np.searchsorted(index, placed))  # the group's names to place start here
        sub = [normal[k] for k in members]
        sub_forms, sub_words = [forms[k] for k in members], [form_words[k] for k in members]
        sub_signatures = [signatures[k] for k in members]
        for start in range(first, len(members), CHUNK):
            stop = min(start + CHUNK, len(members))
            block = part_similarity(
                sub[start:stop], sub, sub_forms, sub_words, matcher.min_score, sub_signatures
            )
            for row, p in enumerate(range(start, stop)):
                _place(int(index[p]), index[:p], block[row, :p], matcher.min_score, state)
    return parent, scores


@dataclass
class _Placing:
    """What placing names into clusters reads and updates (one crosswalk's work, never shared)."""

    normal: list[str]
    families: np.ndarray
    loose: list
    seen: Sequence[frozenset[str]] | None
    parent: list[int]
    scores: list[float]
    evidence: list[set[str]] | None
    kin: np.ndarray


def _place(i: int, earlier: np.ndarray, row: np.ndarray, min_score: float, st: _Placing) -> None:
    """Place name i: join the best earlier name of its group allowed to, or stay a cluster of its own."""
    local = np.flatnonzero(row)
    hits = earlier[local]
    if st.families[i] and hits.size:
        ok = (st.kin[hits] == st.families[i]) | (st.kin[hits] == "")
        hits, local = hits[ok], local[ok]
    keep = np.ones(len(hits), dtype=bool)
    for n, j in enumerate(hits):
        if st.loose[i] and (
            loose_conflict(st.loose[i], st.loose[st.parent[j]]) or loose_conflict(st.loose[i], st.loose[j])
        ):
            keep[n] = False
        elif st.evidence is not None and st.seen[i] and st.normal[j] != st.normal[i]:
            keep[n] = st.evidence[st.parent[j]].isdisjoint(st.seen[i])
    hits, local = hits[keep], local[keep]
    if not hits.size:
        return
    values = row[local]
    best = int(np.argmax(values))  # the first of the best, in placing order
    if values[best] < min_score:
        return
    j = int(hits[best])
    st.parent[i], st.scores[i] = st.parent[j], round(float(values[best]), 1)
    if st.families[i] and not st.kin[j]:  # the cluster learns its unit family from this name
        members = np.flatnonzero(np.array(st.parent[:i]) == st.parent[j])
        st.kin[members] = st.families[i]
    st.kin[i] = st.kin[j] or st.families[i]
    if st.evidence is not None:
        st.evidence[st.parent[j]] |= st.seen[i]


def build_crosswalk(
    tables: Iterable[pd.DataFrame], matcher: Matcher = Matcher(), reviewed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The crosswalk of the names of indicator tables; names in `reviewed` keep their reviewed cluster."""
    import pandas as pd

    stats = name_stats(tables)
    if reviewed is not None and len(reviewed):
        reviewed = reviewed.assign(
            decision=reviewed.get("decision", "").replace("", "reviewed")
            if "decision" in reviewed
            else "reviewed",
            decided_by=reviewed.get("decided_by", "reviewer"),
        )
        columns = [*KEY, "cluster", "canonical", "indicator_id", "score", "decision", "decided_by"]
        stats = stats.merge(reviewed[columns], on=KEY, how="left")
    else:
        stats = stats.assign(
            cluster=pd.NA, canonical=pd.NA, indicator_id=pd.NA, score=pd.NA, decision=pd.NA, decided_by=pd.NA
        )
    fixed = stats[stats["cluster"].notna()]
    rest = stats[stats["cluster"].isna()].copy()
    matches = match_names(rest["name"].tolist(), rest["unit"].tolist(), matcher)
    rest["indicator_id"] = [m.indicator_id for m in matches]
    rest["score"] = [m.score for m in matches]
    for i, m in zip(rest.index, matches):
        if m.indicator_id:
            entry = entry_of(m.indicator_id, matcher.catalog)
            certain = m.score is not None and m.score >= 100
            rest.loc[i, ["cluster", "canonical", "decision", "decided_by"]] = [
                m.indicator_id,
                entry.name_zh if entry else m.indicator_id,
                "auto" if certain else "suggest",
                "catalog name or alias" if certain else f"catalog, alike {m.score:.0f}",
            ]
    done = pd.concat([fixed, rest[rest["cluster"].notna()]])
    todo = rest[rest["cluster"].isna()]
    names = done["name"].tolist() + todo["name"].tolist()
    units = done["unit"].tolist() + todo["unit"].tolist()
    seen = done["seen"].tolist() + todo["seen"].tolist()
    parent, scores = _join_clusters(names, units, len(done), matcher, seen)
    decisions = done["decision"].tolist() + [None] * len(todo)
    decided = done["decided_by"].tolist() + [None] * len(todo)
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
            decisions[i], decided[i] = "separate", "no name alike"
        else:
            clusters[i], canon[i], ids[i] = clusters[j], canon[j], ids[j]
            same = normalize_name(names[i]) == normalize_name(names[j])
            decisions[i] = "auto" if same else "suggest"
            decided[i] = (
                "same name once normalized" if same else f"subject alike {scores[i]:.0f}, parts agree"
            )
    heads = {parent[i] for i in range(len(done), len(names)) if parent[i] != i}
    for i in heads:
        if decisions[i] == "separate":  # a cluster's first name: the others were placed against it
            decisions[i], decided[i] = "auto", "first name of its cluster"
    out = pd.concat([done, todo])
    out["cluster"], out["canonical"], out["indicator_id"] = clusters, canon, ids
    out["decision"], out["decided_by"] = decisions, decided
    out["score"] = done["score"].tolist() + scores[len(done) :]
    out = out.fillna({"indicator_id": ""})
    return out[COLUMNS].sort_values(["cluster", "docs", "rows", "name"], ascending=[True, False, False, True])


def cluster_map(crosswalk: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(name, unit) -> (cluster, canonical name, indicator_id) of a crosswalk; a `suggest` row not yet
    reviewed stands apart, as its own name."""
    frame = crosswalk.fillna("")
    decisions = frame["decision"] if "decision" in frame else [""] * len(frame)
    out = {}
    for r, decision in zip(frame.itertuples(index=False), decisions):
        if decision == "suggest":
            out[(r.name, r.unit)] = (r.name, r.name, "")
        else:
            out[(r.name, r.unit)] = (r.cluster, r.canonical, r.indicator_id or "")
    return out


def crosswalk_frame(
    tables, reviewed: str | os.PathLike[str] | pd.DataFrame | None = None, matcher: Matcher = Matcher()
) -> pd.DataFrame:
    """The crosswalk of indicator tables (files or DataFrames, one or a list), keeping a reviewed one's decisions."""
    frames = read_tables(tables, ("doc", "indicator", "unit_base"))
    if reviewed is not None and not hasattr(reviewed, "columns"):
        reviewed = read_crosswalk(reviewed)
    return build_crosswalk(frames, matcher, reviewed)


def crosswalk_tables(
    paths: Sequence[str | os.PathLike[str]], matcher: Matcher = Matcher(), reviewed: str | None = None
) -> pd.DataFrame:
    """The crosswalk of the names of indicator table files, keeping a reviewed crosswalk's decisions."""
    tables = [read_table(p, ("doc", "indicator", "unit_base")) for p in paths]
    return build_crosswalk(tables, matcher, read_crosswalk(reviewed) if reviewed else None)
