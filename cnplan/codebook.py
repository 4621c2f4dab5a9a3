"""The codebook: every column cnplan writes, with its type and labels in Chinese and English (codebook.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from cnplan import lexicon
from cnplan.lexicon import LexiconError

if TYPE_CHECKING:
    import pandas as pd

TYPES = ("string", "integer", "float", "category")
TABLES = ("indicators", "manifest", "terms")
STATA_LABEL = 80  # characters a Stata variable label holds


@dataclass(frozen=True)
class Column:
    """One column of a cnplan table."""

    table: str
    column: str
    type: str
    label_zh: str
    label_en: str
    meaning: str

    @property
    def label(self) -> str:
        """Both labels, as a Stata variable label: 年份 year (at most 80 characters)."""
        return f"{self.label_zh} {self.label_en}"[:STATA_LABEL]


@cache
def codebook() -> tuple[Column, ...]:
    """The columns of codebook.csv, checked: a known table and type, each column once per table."""
    rows = lexicon.table("codebook.csv", ("table", "column", "type", "label_zh", "label_en", "meaning"))
    columns = tuple(Column(**r) for r in rows)
    seen: set[tuple[str, str]] = set()
    for c in columns:
        if c.table not in TABLES or c.type not in TYPES:
            raise LexiconError(
                f"codebook.csv: {c.column}: table must be one of {TABLES}, type one of {TYPES}"
            )
        if (c.table, c.column) in seen:
            raise LexiconError(f"codebook.csv: {c.table}.{c.column} is listed twice")
        seen.add((c.table, c.column))
    return columns


def columns_of(table: str) -> dict[str, Column]:
    """The codebook's columns of one table, by name, in order."""
    return {c.column: c for c in codebook() if c.table == table}


def codebook_frame(table: str | None = None) -> pd.DataFrame:
    """The codebook as a table (one table's columns, or all)."""
    import pandas as pd

    rows = [vars(c) for c in codebook() if table is None or c.table == table]
    return pd.DataFrame(rows, columns=["table", "column", "type", "label_zh", "label_en", "meaning"])
