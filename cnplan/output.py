"""Write output files atomically (temp file + rename), so a killed run never leaves half a file."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cnplan.errors import CnplanError

if TYPE_CHECKING:  # imported where a table is read or an empty parquet written
    import pandas as pd

FORMATS = ("csv", "jsonl", "parquet")


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes 0600 files; outputs get the mode a plain open() would give them
FILE_MODE = 0o666 & ~_umask()


def _temp_prefix(target: Path) -> str:
    """The name start of a target's temp files: short (a 250-byte name stays writable), the target's own."""
    return ".cnplan-" + hashlib.sha1(os.fsencode(target.name)).hexdigest()[:10] + "."


def temp_beside(target: Path) -> str:
    """A new empty temp file beside target; temp files an earlier, killed run left for it are removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = _temp_prefix(target)
    for stale in target.parent.glob(prefix + "*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    os.close(fd)
    return tmp


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call write(tmp_path) on a temp file beside path, then rename it over path."""
    target = Path(path)
    tmp = temp_beside(target)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
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


def render_rows(df: pd.DataFrame, fmt: str) -> str:
    """The rows of a table piece as text to append: CSV without header, or JSON Lines."""
    if not len(df):
        return ""
    return table_to_string(df, "jsonl") if fmt == "jsonl" else df.to_csv(index=False, header=False)


def csv_rows(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text without header, as pandas' to_csv writes the same table: None and NaN empty,
    floats in their shortest form, minimal quoting, \n line ends (pandas costs milliseconds a piece)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows
    )
    return buffer.getvalue()


def write_table(df: pd.DataFrame, path: str, fmt: str = "csv", excel: bool = False) -> None:
    """Write a table atomically as csv (with a BOM for Excel if asked), jsonl or parquet."""
    with TableWriter(path, list(df.columns), fmt, excel) as writer:
        writer.write(df)


class TableWriter:
    """Append DataFrames to one table file written atomically: the file appears whole, at close.

    Used as a context manager; memory holds one piece at a time, never the whole table.
    """

    def __init__(
        self, path: str | os.PathLike[str], columns: list[str], fmt: str = "csv", excel: bool = False
    ):
        self.target = Path(path)
        self.columns = columns
        self.fmt = fmt
        self.excel = excel
        self._tmp: str | None = None
        self._file = None
        self._parquet = None
        self._schema = None

    def __enter__(self) -> TableWriter:
        self._tmp = temp_beside(self.target)
        if self.fmt != "parquet":
            encoding = "utf-8-sig" if self.excel and self.fmt == "csv" else "utf-8"
            self._file = open(self._tmp, "w", encoding=encoding, newline="")
            if self.fmt == "csv":
                self._file.write(csv_rows([self.columns]))
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append the rows of a DataFrame (with the writer's columns)."""
        if not len(df):
            return
        if self.fmt == "parquet":
            self._write_parquet(df)
        else:
            self._file.write(render_rows(df, self.fmt))

    def write_text(self, text: str) -> None:
        """Append rows already rendered by render_rows (csv and jsonl only)."""
        self._file.write(text)

    def _write_parquet(self, df: pd.DataFrame) -> None:
        """Append to the Parquet file, fixing its schema from the first piece."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._schema = pa.Schema.from_pandas(df, preserve_index=False)
            self._schema = pa.schema(
                [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in self._schema]
            )
            self._parquet = pq.ParquetWriter(self._tmp, self._schema)
        self._parquet.write_table(pa.Table.from_pandas(df, schema=self._schema, preserve_index=False))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._file is not None:
                self._file.close()
            if self.fmt == "parquet" and exc_type is None:
                if self._parquet is None:
                    import pandas as pd

                    pd.DataFrame(columns=self.columns).to_parquet(self._tmp, index=False)
                else:
                    self._parquet.close()
            if exc_type is None:
                os.chmod(self._tmp, FILE_MODE)
                os.replace(self._tmp, self.target)
        finally:
            if self._tmp and os.path.exists(self._tmp):
                os.unlink(self._tmp)


def read_table(path: str | os.PathLike[str], required: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table written by cnplan (csv, jsonl or parquet, by extension), checking its columns."""
    import pandas as pd

    fmt = format_for(os.fspath(path), None)
    try:
        if fmt == "parquet":
            frame = pd.read_parquet(path)
        elif fmt == "jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
        else:
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"indicator_id": str, "doc": str})
    except ImportError:
        raise CnplanError(str(path), "reading parquet needs pyarrow: pip install pyarrow") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CnplanError(str(path), f"cannot read the table: {str(exc).splitlines()[0]}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise CnplanError(str(path), f"not an indicator table: no {', '.join(missing)} column")
    return frame
