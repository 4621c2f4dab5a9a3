"""Tables as Stata 118 files (UTF-8): ASCII variable names, bilingual variable labels, value labels."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from cnplan.codebook import STATA_LABEL, columns_of

if TYPE_CHECKING:
    import pandas as pd

VALUE_LABELLED = ("kind", "region_level", "comparator")  # few values: stored as numbers with value labels
STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
STR_MAX = 2045  # bytes of a Stata str#; longer text goes to strL


def stata_name(name: str, taken: set[str]) -> str:
    """A valid, ASCII Stata variable name for a column: the name itself when it is one, else v1, v2 ..."""
    if STATA_NAME.fullmatch(name) and name not in taken:
        return name
    ascii_part = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:28]
    base = ascii_part if ascii_part and not ascii_part[0].isdigit() else "v"
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def default_labels(columns: list[str]) -> dict[str, str]:
    """Variable labels from the codebook for the columns it knows (the indicator table's, the manifest's)."""
    known = {**columns_of("terms"), **columns_of("manifest"), **columns_of("indicators")}
    return {c: known[c].label for c in columns if c in known}


def stata_frame(
    frame: pd.DataFrame, labels: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame made writable by Stata: safe names, value-labelled categories, and its variable labels."""
    import pandas as pd

    labels = {**default_labels(list(frame.columns)), **(labels or {})}
    out = pd.DataFrame(index=frame.index)
    taken: set[str] = set()
    variable_labels = {}
    for column in frame.columns:
        name = stata_name(str(column), taken)
        taken.add(name)
        values = frame[column]
        if column in VALUE_LABELLED:
            values = values.fillna("").astype(str).astype("category")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.astype(object).where(values.notna(), "").astype(str)
        elif pd.api.types.is_bool_dtype(values):
            values = values.astype("int8")
        out[name] = values
        label = labels.get(column, "" if name == column else str(column))
        if label:
            variable_labels[name] = label[:STATA_LABEL]
    return out, variable_labels


def write_dta(
    frame: pd.DataFrame, path: str | os.PathLike[str], labels: dict[str, str] | None = None
) -> None:
    """Write a table as a Stata 118 file at path (the caller makes it atomic)."""
    data, variable_labels = stata_frame(frame, labels)
    long_text = (
        [
            c
            for c in data.columns
            if data[c].dtype == object and data[c].map(lambda v: len(v.encode())).max() > STR_MAX
        ]
        if len(data)
        else []
    )
    data.to_stata(
        path,
        write_index=False,
        version=118,
        variable_labels=variable_labels,
        convert_strl=long_text,
    )
