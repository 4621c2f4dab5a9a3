"""Write output files atomically (temp file + rename), so a killed run never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

FORMATS = ("csv", "jsonl", "parquet")


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call write(tmp_path) on a temp file beside path, then rename it over path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def format_for(path: str | None, given: str | None) -> str:
    """The table format: the one given, else the output file's extension, else csv."""
    if given:
        return given
    if path:
        ext = Path(path).suffix.lower().lstrip(".")
        if ext in ("json", "jsonl", "ndjson"):
            return "jsonl"
        if ext in FORMATS:
            return ext
    return "csv"


def table_to_string(df: pd.DataFrame, fmt: str) -> str:
    """Render a table as CSV or JSON Lines text."""
    if fmt == "jsonl":
        return df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
    return df.to_csv(index=False)


def write_table(df: pd.DataFrame, path: str, fmt: str = "csv", excel: bool = False) -> None:
    """Write a table atomically as csv (with a BOM for Excel if asked), jsonl or parquet."""
    if fmt == "parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
        return
    encoding = "utf-8-sig" if excel and fmt == "csv" else "utf-8"
    text = table_to_string(df, fmt)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding=encoding))
