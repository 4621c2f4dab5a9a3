"""A batch's resume state: per file, its manifest record and its rows, stored once and compressed.

A state file is gzip text: the record as one JSON line, a JSON line with the lengths of the two CSV
blocks, then the indicator rows and the term rows as CSV (rendered by the worker). A rerun reads the
first line only; assembling the tables copies the CSV blocks.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pandas as pd

from cnplan.corpus import TERM_COLUMNS
from cnplan.extract import COLUMNS
from cnplan.output import atomic_write

SUFFIX = ".gz"
LEVEL = 6  # gzip level: a state at about a tenth of the CSV it holds, quickly written


def _numeric() -> tuple[str, ...]:
    """The indicator table's number columns, as the codebook types them."""
    from cnplan.codebook import columns_of

    return tuple(c for c, column in columns_of("indicators").items() if column.type in ("integer", "float"))


def write_state(path: str | os.PathLike[str], record: dict, indicators_csv: str, terms_csv: str) -> None:
    """Save one file's state atomically."""
    head = json.dumps(record, ensure_ascii=False) + "\n" + json.dumps([len(indicators_csv), len(terms_csv)])
    text = head + "\n" + indicators_csv + terms_csv
    data = gzip.compress(text.encode("utf-8"), compresslevel=LEVEL, mtime=0)
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def read_record(path: str | os.PathLike[str]) -> dict | None:
    """The record of a state (its first line only), or None when absent or unreadable (then redone)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.loads(f.readline())
    except (OSError, ValueError, EOFError):
        return None


def read_tables(path: str | os.PathLike[str]) -> tuple[str, str] | None:
    """The indicator and term CSV blocks of a state, or None when absent or unreadable."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            f.readline()
            sizes = json.loads(f.readline())
            rest = f.read()
    except (OSError, ValueError, EOFError):
        return None
    if len(rest) != sizes[0] + sizes[1]:
        return None
    return rest[: sizes[0]], rest[sizes[0] :]


def rows_frame_of(csv_text: str) -> pd.DataFrame:
    """The indicator rows of a CSV block as the typed frame extraction gives (for jsonl and parquet)."""
    from cnplan.extract.table import typed_rows, values_frame

    if not csv_text:
        return values_frame([])
    numeric = _numeric()
    dtypes = {c: str for c in COLUMNS if c not in numeric}
    frame = pd.read_csv(
        io.StringIO(csv_text),
        header=None,
        names=COLUMNS,
        dtype=dtypes,
        keep_default_na=False,
        na_values={c: [""] for c in numeric},
    )
    return typed_rows(frame)


def terms_frame_of(csv_text: str) -> pd.DataFrame:
    """The term rows of a CSV block as a frame."""
    if not csv_text:
        return pd.DataFrame(columns=TERM_COLUMNS)
    return pd.read_csv(
        io.StringIO(csv_text),
        header=None,
        names=TERM_COLUMNS,
        dtype={"doc": str, "term": str},
        keep_default_na=False,
    )
