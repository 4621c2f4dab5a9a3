"""Write output files atomically (temp file + rename), so a killed run never leaves half a file."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnplan.errors import CnplanError

if TYPE_CHECKING:  # imported where a table is read or an empty parquet written
    import pandas as pd

FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx", "dta")
STREAM_FORMATS = ("csv", "tsv", "jsonl")  # those that can go to stdout
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".json": "jsonl"}
EXTENSIONS |= {".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".dta": "dta"}
SUFFIX = {fmt: f".{fmt}" for fmt in FORMATS}  # the extension each format is written with
WHOLE_FORMATS = ("xlsx", "dta")  # written whole at close, from the pieces kept in memory


class UnknownFormat(CnplanError):
    """An output name whose extension is no table format cnplan writes."""


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


# Names of devices and open descriptors: written in place even when they lead to a regular file
# (`-o /dev/stdout > out.csv`), for the shell holds that file open and a rename would swap it away.
STREAM_FOLDERS = ("/dev/", "/proc/")


@dataclass(frozen=True)
class Target:
    """Where an output goes: a regular file (or none yet) replaced atomically, or a special file written in place."""

    path: Path
    in_place: bool  # a device, FIFO or terminal (/dev/null, /dev/stdout): opened and written, never replaced


def output_target(path: str | os.PathLike[str]) -> Target:
    """The real file to write for an output path: links resolved; a special file is written in place.

    A rename only ever replaces a regular file or nothing: `-o link.csv` writes the link's target and
    keeps the link, `-o /dev/null` writes to the device and leaves its node alone.
    """
    given = Path(path)
    if os.path.abspath(given).startswith(STREAM_FOLDERS):  # /dev/stdout, /dev/fd/3: an open descriptor
        return Target(given, True)
    try:
        mode = os.stat(given).st_mode
    except FileNotFoundError:  # nothing there yet, or a dangling link: create what the link names
        return Target(Path(os.path.realpath(given)), False)
    if stat.S_ISDIR(mode):
        raise CnplanError(
            str(given), "is a folder; give a file name (or end the name with / for a file in it)"
        )
    if stat.S_ISREG(mode):
        return Target(Path(os.path.realpath(given)), False)
    return Target(given, True)


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call write(tmp_path) on a temp file beside path, then rename it over path (a special file: in place)."""
    target = output_target(path)
    if target.in_place:
        write(str(target.path))
        return
    tmp = temp_beside(target.path)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target.path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def format_for(path: str | None, given: str | None) -> str:
    """The table format: the one given, else the output file's extension; csv for stdout or no extension.

    An extension that is no table format (`x.xlsx` aside, `x.txt`, `x.docx`) is refused: a table is
    never written under a name that says it is something else.
    """
    if given:
        return given
    if not path:
        return "csv"
    suffix = Path(path).suffix.lower()
    if not suffix or not Path(path).stem:  # `out`, `/dev/stdout`, `.hidden`: no extension, csv
        return "csv"
    if suffix not in EXTENSIONS:
        known = ", ".join(SUFFIX.values())
        raise UnknownFormat(
            path, f"{suffix} is no table format; end the name with {known} (or give --format)"
        )
    return EXTENSIONS[suffix]


def output_file(output: str, stem: str, fmt: str | None) -> str:
    """The file -o names: as given; a name ending in / (or an existing folder) gets `stem` and the format's
    extension inside it (`-o out/` writes `out/indicators.csv`)."""
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        return os.path.join(output, stem + SUFFIX[fmt or "csv"])
    return output


def table_to_string(df: pd.DataFrame, fmt: str) -> str:
    """Render a table as CSV, TSV or JSON Lines text."""
    if fmt == "jsonl":
        return df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
    return df.to_csv(index=False, sep="\t" if fmt == "tsv" else ",")


def render_rows(df: pd.DataFrame, fmt: str) -> str:
    """The rows of a table piece as text to append: CSV or TSV without header, or JSON Lines."""
    if not len(df):
        return ""
    if fmt == "jsonl":
        return table_to_string(df, "jsonl")
    return df.to_csv(index=False, header=False, sep="\t" if fmt == "tsv" else ",")


def csv_rows(rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """Rows as CSV text without header, as pandas' to_csv writes the same table: None and NaN empty,
    floats in their shortest form, minimal quoting, \n line ends (pandas costs milliseconds a piece)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", delimiter=delimiter).writerows(
        [None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows
    )
    return buffer.getvalue()


def write_table(
    df: pd.DataFrame, path: str, fmt: str = "csv", excel: bool = False, labels: dict[str, str] | None = None
) -> None:
    """Write a table atomically as csv (with a BOM for Excel if asked), tsv, jsonl, parquet, xlsx or dta
    (`labels`: Stata variable labels of columns the codebook does not know)."""
    with TableWriter(path, list(df.columns), fmt, excel, labels) as writer:
        writer.write(df)


class TableWriter:
    """Append DataFrames to one table file written atomically: the file appears whole, at close.

    Used as a context manager; memory holds one piece at a time, never the whole table.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        columns: list[str],
        fmt: str = "csv",
        excel: bool = False,
        labels: dict[str, str] | None = None,
    ):
        self.labels = labels
        self.target = output_target(path)
        self.columns = columns
        self.fmt = fmt
        self.excel = excel
        self._tmp: str | None = None
        self._file = None
        self._parquet = None
        self._schema = None

    def __enter__(self) -> TableWriter:
        self._tmp = str(self.target.path) if self.target.in_place else temp_beside(self.target.path)
        self._pieces: list[pd.DataFrame] = []  # xlsx, dta: written whole, at close
        if self.fmt in STREAM_FORMATS:
            encoding = "utf-8-sig" if self.excel and self.fmt in ("csv", "tsv") else "utf-8"
            self._file = open(self._tmp, "w", encoding=encoding, newline="")
            if self.fmt in ("csv", "tsv"):
                self._file.write(csv_rows([self.columns], "\t" if self.fmt == "tsv" else ","))
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append the rows of a DataFrame (with the writer's columns)."""
        if not len(df):
            return
        if self.fmt == "parquet":
            self._write_parquet(df)
        elif self.fmt in WHOLE_FORMATS:
            self._pieces.append(df)
        else:
            self._file.write(render_rows(df, self.fmt))

    def write_text(self, text: str) -> None:
        """Append rows already rendered by render_rows (csv and jsonl only)."""
        self._file.write(text)

    def _write_whole(self) -> None:
        """Write the kept pieces as one workbook or one Stata file."""
        import pandas as pd

        pieces = self._pieces
        frame = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=self.columns)
        if self.fmt == "xlsx":
            from cnplan.workbook import write_table_workbook

            write_table_workbook(frame, self._tmp)
        else:
            from cnplan.stata import write_dta

            write_dta(frame, self._tmp, self.labels)

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
            if self.fmt in WHOLE_FORMATS and exc_type is None:
                self._write_whole()
            if self.fmt == "parquet" and exc_type is None:
                if self._parquet is None:
                    import pandas as pd

                    pd.DataFrame(columns=self.columns).to_parquet(self._tmp, index=False)
                else:
                    self._parquet.close()
            if exc_type is None and not self.target.in_place:
                os.chmod(self._tmp, FILE_MODE)
                os.replace(self._tmp, self.target.path)
        finally:
            if self._tmp and not self.target.in_place and os.path.exists(self._tmp):
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
        elif fmt == "dta":
            frame = pd.read_stata(path)
        elif fmt == "xlsx":  # the sheets of a table written by cnplan, put back together
            sheets = pd.read_excel(path, sheet_name=None, dtype={c: str for c in TEXT_COLUMNS})
            frame = pd.concat(sheets.values(), ignore_index=True)
        else:
            sep = "\t" if fmt == "tsv" else ","
            text = {c: str for c in TEXT_COLUMNS}
            frame = pd.read_csv(path, encoding="utf-8-sig", sep=sep, dtype=text)
    except ImportError:
        raise CnplanError(str(path), "reading parquet needs pyarrow: pip install pyarrow") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CnplanError(str(path), f"cannot read the table: {str(exc).splitlines()[0]}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise CnplanError(str(path), f"not an indicator table: no {', '.join(missing)} column")
    return restore_dtypes(frame)


INTEGER_COLUMNS = (
    "year",
    "doc_year",
    "part",
    "sentence_no",
    "char_start",
    "char_end",
    "rows",
    "size",
    "count",
)
TEXT_COLUMNS = ("region_code", "indicator_id", "doc")  # codes keep their leading zeros, ids stay text


def read_tables(tables, required: tuple[str, ...] = ()) -> list[pd.DataFrame]:
    """Frames of tables given as a file, a DataFrame, or a list of either (files read and checked)."""
    import pandas as pd

    if isinstance(tables, (str, os.PathLike, pd.DataFrame)):
        tables = [tables]
    return [t if isinstance(t, pd.DataFrame) else read_table(t, required) for t in tables]


def one_table(tables, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of tables given as read_tables takes them, as one frame."""
    import pandas as pd

    frames = read_tables(tables, required)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def text_columns(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of a table with these columns as text (missing values and missing columns empty, a code read
    as a number, 320600.0, as 320600) and its year, if any, as a nullable integer: what compare and track read."""
    import pandas as pd

    frame = table.copy()
    for column in columns:
        frame[column] = (
            frame[column].map(_code_text).fillna("").astype(str) if column in frame.columns else ""
        )
    if "year" in frame.columns:
        frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame


def restore_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read back with the types cnplan wrote: years and counts as Int64 (no 2024.0), codes as text."""
    out = frame.copy()
    for column in INTEGER_COLUMNS:
        if column in out.columns:
            with contextlib.suppress(TypeError, ValueError):
                out[column] = out[column].astype("Float64").astype("Int64")
    for column in TEXT_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(_code_text).astype("string")
    return out


def _code_text(value: object) -> object:
    """A code as text: 320600.0 read as a number becomes '320600'; missing stays missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
