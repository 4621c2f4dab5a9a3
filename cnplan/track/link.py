"""Link each target to the figure a later document reports for it: the attainment table."""

from __future__ import annotations

import math
import os
from collections import defaultdict

import pandas as pd

from cnplan.extract.context import genre_defaults
from cnplan.extract.units import split_multiplier, to_base
from cnplan.match.crosswalk import cluster_map, read_crosswalk
from cnplan.match.matcher import DEFAULT_MIN_SCORE, part_similarity
from cnplan.match.names import normalize_name, parts_agree, unit_family
from cnplan.output import one_table, text_columns
from cnplan.track import rules

NEEDED = ("doc", "region", "kind", "year", "indicator", "value", "unit", "comparator", "sentence")
TRACK_COLUMNS = [
    "region",
    "region_code",
    "indicator_id",
    "indicator",
    "year",
    "target_value",
    "target_value_max",
    "comparator",
    "target_unit",
    "cue",
    "wording",
    "target_doc",
    "target_sentence",
    "actual_value",
    "actual_doc",
    "actual_sentence",
    "met",
    "gap",
    "persistence",
    "actual_unit",
    "actual_comparator",
    "direction",
]
TEXT = (
    "doc",
    "region",
    "region_code",
    "kind",
    "indicator",
    "indicator_id",
    "unit",
    "unit_base",
    "comparator",
    "cue",
    "sentence",
    "genre",
)


def published(doc_year, genre: str) -> float:
    """When a document appeared, as a year: its year, or the year after for a genre written once its
    year is over (a communiqué of 2024 appears in 2025); NaN when its year is unknown."""
    if doc_year is None or pd.isna(doc_year):
        return math.nan
    return int(doc_year) + (1 if genre_defaults(genre).year_done else 0)


def indicator_key(name: str, unit_base: str, indicator_id: str, clusters: dict | None) -> str:
    """What makes two rows one indicator: the reviewed crosswalk's cluster, else the catalog id, else the
    normalized name with its unit family (a level and its growth never share a key)."""
    if clusters:
        hit = clusters.get((name, unit_base))
        if hit is not None and hit[0]:
            return hit[0]
    if indicator_id:
        return indicator_id
    normalized = normalize_name(name) if name else ""
    return f"name:{normalized}|{unit_family(unit_base)}" if normalized else ""


def _prepared(table: pd.DataFrame, clusters: dict | None) -> pd.DataFrame:
    """The rows with text columns as text, a region key, an indicator key, a unit family and a date."""
    frame = text_columns(table, TEXT)
    for column in ("value_max", "value_base", "doc_year", "sentence_no"):
        if column not in frame.columns:
            frame[column] = math.nan
    if (frame["unit_base"] == "").all():  # a table without base units (not written by extract): make them
        based = [to_base(v, u) for v, u in zip(frame["value"], frame["unit"])]
        frame["value_base"], frame["unit_base"] = [b[0] for b in based], [b[1] for b in based]
    frame["region_key"] = [c if c else r for c, r in zip(frame["region_code"], frame["region"])]
    frame["key"] = [
        indicator_key(n, u, i, clusters)
        for n, u, i in zip(frame["indicator"], frame["unit_base"], frame["indicator_id"])
    ]
    frame["family"] = [unit_family(u) for u in frame["unit_base"]]
    frame["published"] = [published(y, g) for y, g in zip(frame["doc_year"], frame["genre"])]
    return frame


def _usable(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Rows of one kind that can be linked: a year, a region, an indicator key, a value."""
    keep = (
        (frame["kind"] == kind)
        & frame["year"].notna()
        & (frame["region_key"] != "")
        & (frame["key"] != "")
        & frame["value"].notna()
    )
    return frame[keep.fillna(False).astype(bool)]


def _later(target, actual) -> bool:
    """Whether an actual row can report on a target: another document, not earlier than the target's,
    and written after the target's year is over (a report of year Y appears after Y)."""
    if actual.doc == target.doc:
        return False
    if not math.isnan(actual.published):
        if actual.published <= int(target.year):
            return False
        if not math.isnan(target.published) and actual.published < target.published:
            return False
    return actual.family == target.family or not actual.family or not target.family


def _candidates(actuals: pd.DataFrame) -> tuple[dict[tuple, list], dict[tuple, list]]:
    """Actual rows by (region, indicator, year) and by (region, year), nearest document first, then in
    document order."""
    order = actuals.assign(_p=actuals["published"].fillna(math.inf))
    order = order.sort_values(["_p", "doc", "sentence_no"], kind="stable")
    by_key: dict[tuple, list] = defaultdict(list)
    by_year: dict[tuple, list] = defaultdict(list)
    for row in order.itertuples(index=False):
        by_key[(row.region_key, row.key, int(row.year))].append(row)
        by_year[(row.region_key, int(row.year))].append(row)
    return by_key, by_year


def _alike(target, rows) -> list:
    """Actual rows of the target's region and year whose name says the same indicator in other words
    (the parts agree and the subjects score at least the matcher's threshold: 外贸进出口总额增长 and
    进出口总额增长), best first, nearest document first among equals; never across two catalog ids."""
    allowed = [
        a
        for a in rows
        if not (target.indicator_id and a.indicator_id and target.indicator_id != a.indicator_id)
        and a.family == target.family
        and _later(target, a)
    ]
    mine = normalize_name(target.indicator)
    allowed = [a for a in allowed if parts_agree(mine, normalize_name(a.indicator))]
    if not allowed:
        return []
    scores = part_similarity(
        [mine], [normalize_name(a.indicator) for a in allowed], cutoff=DEFAULT_MIN_SCORE
    )[0]
    order = sorted((-score, n) for n, score in enumerate(scores) if score >= DEFAULT_MIN_SCORE)
    return [allowed[n] for _, n in order]


def persistence(targets: pd.DataFrame) -> list[int]:
    """Per target row, how many consecutive years up to its own the region set this same value for it."""
    values = defaultdict(set)
    for row in targets.itertuples(index=False):
        values[(row.region_key, row.key, int(row.year))].add(_same_value(row.value, row.value_max))
    out = []
    for row in targets.itertuples(index=False):
        mine, year, run = _same_value(row.value, row.value_max), int(row.year), 1
        while mine in values.get((row.region_key, row.key, year - run), ()):
            run += 1
        out.append(run)
    return out


def _same_value(value: float, value_max) -> tuple[float, float | None]:
    """A target's value as a key (rounded: 6.0 and 6 are the same target)."""
    high = None if value_max is None or pd.isna(value_max) else round(float(value_max), 6)
    return round(float(value), 6), high


def _in_target_unit(target, actual) -> tuple[float, float | None, str]:
    """The actual's value (and upper value) in the target's unit when the base units agree, else as written."""
    if actual.unit_base != target.unit_base or pd.isna(actual.value_base):
        return actual.value, actual.value_max, actual.unit
    factor = split_multiplier(target.unit)[0]
    high = None
    if actual.value_max is not None and not pd.isna(actual.value_max):
        high = actual.value_max * split_multiplier(actual.unit)[0] / factor
    return actual.value_base / factor, high, target.unit


def _one_row(target, actual, run: int) -> dict:
    """The attainment row of a target and its outcome (None when none was reported)."""
    way = rules.direction(target.comparator, target.indicator_id, target.indicator, target.sentence)
    row = {
        "region": target.region,
        "region_code": target.region_code,
        "indicator_id": target.indicator_id or (target.key if not target.key.startswith("name:") else ""),
        "indicator": target.indicator,
        "year": int(target.year),
        "target_value": target.value,
        "target_value_max": target.value_max,
        "comparator": target.comparator,
        "target_unit": target.unit,
        "cue": target.cue,
        "wording": rules.wording(target.cue),
        "target_doc": target.doc,
        "target_sentence": target.sentence,
        "persistence": run,
        "direction": way,
    }
    if actual is None:
        return row
    value, high, unit = _in_target_unit(target, actual)
    comparable = unit == target.unit
    row.update(
        {
            "actual_value": value,
            "actual_unit": unit,
            "actual_comparator": actual.comparator,
            "actual_doc": actual.doc,
            "actual_sentence": actual.sentence,
            "met": (
                rules.met(
                    target.comparator,
                    target.value,
                    target.value_max,
                    target.unit,
                    way,
                    actual.comparator,
                    value,
                    high,
                )
                if comparable
                else "unclear"
            ),
            "gap": round(value - target.value, 10) if comparable else math.nan,
        }
    )
    return row


def track_table(table: pd.DataFrame, clusters: dict | None = None) -> pd.DataFrame:
    """The attainment table of an indicator table: a row per target, with the outcome a later document
    reports for it (empty when none does), whether it was met, the gap and the target's persistence."""
    frame = _prepared(table, clusters)
    targets = _usable(frame, "target").drop_duplicates(
        ["region_key", "key", "year", "doc", "value", "value_max", "comparator"]
    )
    found, by_year = _candidates(_usable(frame, "actual"))
    runs = persistence(targets)
    out = []
    for target, run in zip(targets.itertuples(index=False), runs):
        options = [
            a for a in found.get((target.region_key, target.key, int(target.year)), ()) if _later(target, a)
        ]
        if not options:
            options = _alike(target, by_year.get((target.region_key, int(target.year)), ()))
        out.append(_one_row(target, options[0] if options else None, run))
    result = pd.DataFrame(out, columns=TRACK_COLUMNS)
    result["year"] = result["year"].astype("Int64")
    result["persistence"] = result["persistence"].astype("Int64")
    for column in ("actual_unit", "actual_comparator", "actual_doc", "actual_sentence", "met"):
        result[column] = result[column].astype(object).fillna("").astype(str)
    return result.sort_values(
        ["region", "indicator_id", "indicator", "year", "target_doc"], kind="stable"
    ).reset_index(drop=True)


def track_frame(
    tables,
    crosswalk: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The attainment table (see track_table) of indicator tables: files or DataFrames, one or a list,
    grouped by a reviewed crosswalk's clusters when one is given."""
    table = one_table(tables, NEEDED)
    clusters = cluster_map(read_crosswalk(crosswalk)) if crosswalk else None
    return track_table(table, clusters)
