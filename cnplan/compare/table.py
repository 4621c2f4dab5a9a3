"""Figures of an indicator table grouped by canonical indicator: long form, and wide (region x indicator)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cnplan.extract.units import split_multiplier
from cnplan.match.catalog import load_catalog
from cnplan.match.crosswalk import cluster_map, read_crosswalk
from cnplan.match.matcher import Matcher, entry_of
from cnplan.output import one_table, text_columns

NEEDED = (
    "doc",
    "region",
    "kind",
    "year",
    "indicator",
    "value",
    "unit",
    "value_base",
    "unit_base",
    "sentence",
)
LONG_COLUMNS = [
    "region_code",
    "region",
    "kind",
    "year",
    "indicator_id",
    "indicator",
    "value",
    "unit",
    "comparator",
    "name",
    "value_as_written",
    "unit_as_written",
    "doc",
    "sentence_no",
    "sentence",
]
UNKNOWN_REGION = "(region unknown)"


@dataclass(frozen=True)
class Selection:
    """Which figures to compare: one kind, one year, some indicators; the latest year only."""

    kind: str | None = None
    year: int | None = None
    indicators: tuple[str, ...] = ()
    latest: bool = False

    def describe(self) -> str:
        """The selection in words, as the options give it: 'kind target, year 2025, indicator rd_intensity'."""
        parts = [f"kind {self.kind}"] if self.kind else []
        parts += [f"year {self.year}"] if self.year is not None else []
        parts += [f"indicator {', '.join(self.indicators)}"] if self.indicators else []
        parts += ["latest"] if self.latest else []
        return ", ".join(parts) or "all figures with an indicator"


def _clusters(
    table: pd.DataFrame, crosswalk: dict[tuple[str, str], tuple[str, str, str]] | None, matcher: Matcher
) -> tuple[list[str], list[str]]:
    """The cluster id and canonical name of each row: the crosswalk's, else its catalog indicator's."""
    ids, names = [], []
    for name, unit, indicator_id in zip(table["indicator"], table["unit_base"], table["indicator_id"]):
        hit = crosswalk.get((name, unit)) if crosswalk else None
        if hit is not None:
            ids.append(hit[0])
            names.append(hit[1])
        elif indicator_id:
            entry = entry_of(indicator_id, matcher.catalog)
            ids.append(indicator_id)
            names.append(entry.name_zh if entry else indicator_id)
        else:
            ids.append("")
            names.append("")
    return ids, names


def _column_unit(group: pd.DataFrame, matcher: Matcher) -> str:
    """The unit a cluster's figures are given in: the catalog's, else the one written most often."""
    entry = entry_of(group["indicator_id"].iat[0], matcher.catalog)
    if entry is not None:
        return entry.unit
    return group["unit_as_written"].value_counts().index[0]


def _in_unit(value: float, value_base: float, unit_base: str, written: str, unit: str) -> tuple[float, str]:
    """A figure in the column's unit when it converts (same bare unit), else as written."""
    factor, bare = split_multiplier(unit)
    if unit_base == bare and not pd.isna(value_base):
        return value_base / factor, unit
    return value, written


TEXT = (
    "indicator_id",
    "comparator",
    "unit",
    "unit_base",
    "indicator",
    "region",
    "region_code",
    "kind",
    "doc",
)


def _clean(table: pd.DataFrame) -> pd.DataFrame:
    """The columns compare reads, with text columns as text and the year as a nullable integer."""
    frame = text_columns(table, TEXT)
    if "sentence_no" not in frame.columns:
        frame["sentence_no"] = np.arange(len(frame))
    frame["region"] = frame["region"].replace("", UNKNOWN_REGION)
    return frame


def long_figures(
    table: pd.DataFrame,
    selection: Selection = Selection(),
    crosswalk: dict[tuple[str, str], tuple[str, str, str]] | None = None,
    matcher: Matcher = Matcher(),
) -> pd.DataFrame:
    """Every selected figure with a canonical indicator, in the indicator's unit, in a stable order."""
    frame = _clean(table)
    frame["cluster"], frame["canonical"] = _clusters(frame, crosswalk, matcher)
    keep = frame["cluster"] != ""
    if selection.kind:
        keep &= frame["kind"] == selection.kind
    if selection.year is not None:
        keep &= frame["year"] == selection.year
    if selection.indicators:
        keep &= frame["cluster"].isin(selection.indicators) | frame["indicator_id"].isin(selection.indicators)
    frame = frame[keep.fillna(False)]
    out = pd.DataFrame(
        {
            "region_code": frame["region_code"],
            "region": frame["region"],
            "kind": frame["kind"],
            "year": frame["year"],
            "indicator_id": frame["cluster"],
            "indicator": frame["canonical"],
            "comparator": frame["comparator"],
            "name": frame["indicator"],
            "value_as_written": frame["value"],
            "unit_as_written": frame["unit"],
            "unit_base": frame["unit_base"],
            "value_base": frame["value_base"],
            "doc": frame["doc"],
            "sentence_no": frame["sentence_no"],
            "sentence": frame["sentence"],
        }
    )
    values, units = [], []
    for _, group in out.groupby("indicator_id", sort=False):
        unit = _column_unit(group, matcher)
        for row in group.itertuples():
            v, u = _in_unit(row.value_as_written, row.value_base, row.unit_base, row.unit_as_written, unit)
            values.append((row.Index, v, u))
    if values:
        index, vals, units = zip(*values)
        out.loc[list(index), "value"] = list(vals)
        out.loc[list(index), "unit"] = list(units)
    else:
        out["value"], out["unit"] = [], []
    out = out.sort_values(["region", "kind", "indicator_id", "year", "doc", "sentence_no"], kind="stable")
    return out[LONG_COLUMNS].reset_index(drop=True)


def pick_figures(long: pd.DataFrame, selection: Selection = Selection()) -> pd.DataFrame:
    """One figure per table cell: per region, kind, (year,) indicator and unit, the last stated, and with
    `latest` the one of the latest year."""
    keys = ["region", "kind", "indicator_id", "unit"] + ([] if selection.latest else ["year"])
    ordered = long.assign(_year=long["year"].astype("float64").fillna(-np.inf))
    ordered = ordered.sort_values(["_year", "doc", "sentence_no"], kind="stable")
    return ordered.drop_duplicates(keys, keep="last").drop(columns="_year")


COLUMN_STYLES = ("name", "id")


def column_labels(long: pd.DataFrame, matcher: Matcher = Matcher()) -> dict[str, str]:
    """Per wide column headed by id, its label: the Chinese and English indicator names and the unit."""
    labels = {}
    for indicator_id, unit in long[["indicator_id", "unit"]].drop_duplicates().itertuples(index=False):
        entry = entry_of(indicator_id, matcher.catalog)
        name = f"{entry.name_zh} {entry.name_en}" if entry else indicator_id
        labels[_id_column(indicator_id, unit, long)] = f"{name} ({unit})"
    return labels


def _id_column(indicator_id: str, unit: str, long: pd.DataFrame) -> str:
    """The id heading of a column: the id, and its unit's place when one indicator comes in several units."""
    units = sorted(set(long.loc[long["indicator_id"] == indicator_id, "unit"]))
    return indicator_id if len(units) == 1 else f"{indicator_id}_{units.index(unit) + 1}"


def wide_figures(
    long: pd.DataFrame,
    selection: Selection = Selection(),
    matcher: Matcher = Matcher(),
    columns: str = "name",
) -> pd.DataFrame:
    """One row per region (and kind and year), one column per indicator, headed with its name and unit
    (`columns="name"`) or with its id (`"id"`: safe names for Stata and R; see column_labels)."""
    if selection.kind:
        long = long[long["kind"] == selection.kind]
    picked = pick_figures(long, selection)
    index = ["region"]
    if not selection.kind:
        index.append("kind")
    if not selection.latest and selection.year is None:
        index.append("year")
    if not len(picked):  # before any string arithmetic: an empty frame's columns may be float (pandas 3)
        return pd.DataFrame(columns=index)
    if columns == "id":
        heads = [_id_column(i, u, long) for i, u in zip(picked["indicator_id"], picked["unit"])]
        picked = picked.assign(column=heads)
    else:
        picked = picked.assign(
            column=picked["indicator"].astype(str) + " (" + picked["unit"].astype(str) + ")"
        )
    wide = picked.pivot_table(index=index, columns="column", values="value", aggfunc="last", dropna=False)
    rank = {e.indicator_id: i for i, e in enumerate(load_catalog(matcher.catalog))}
    columns = picked.drop_duplicates("column")
    columns = columns.assign(_rank=[rank.get(c, len(rank)) for c in columns["indicator_id"]])
    order = columns.sort_values(["_rank", "indicator_id", "unit"])["column"].tolist()
    wide = wide.reindex(columns=order).dropna(how="all").reset_index()
    wide.columns.name = None
    codes = picked.drop_duplicates("region").set_index("region")["region_code"]
    wide.insert(1, "region_code", wide["region"].map(codes).fillna(""))
    return wide


def compare_frame(
    tables,
    kind: str | None = None,
    year: int | None = None,
    indicators: Sequence[str] = (),
    latest: bool = False,
    long: bool = False,
    columns: str = "name",
    crosswalk: str | os.PathLike[str] | None = None,
    matcher: Matcher = Matcher(),
) -> pd.DataFrame:
    """Regions side by side (or, with long=True, the tidy panel) from indicator tables: files or DataFrames,
    one or a list; as `cnplan compare` writes them."""
    table = one_table(tables, NEEDED)
    selection = Selection(kind, year, tuple(indicators), latest)
    clusters = cluster_map(read_crosswalk(crosswalk)) if crosswalk else None
    figures = long_figures(table, selection, clusters, matcher)
    return figures if long else wide_figures(figures, selection, matcher, columns)


def compare_tables(
    paths: Sequence[str | os.PathLike[str]],
    selection: Selection = Selection(),
    crosswalk: str | None = None,
    matcher: Matcher = Matcher(),
) -> pd.DataFrame:
    """The long form of the selected figures of indicator table files (see long_figures)."""
    table = one_table(list(paths), NEEDED)
    clusters = cluster_map(read_crosswalk(crosswalk)) if crosswalk else None
    return long_figures(table, selection, clusters, matcher)
