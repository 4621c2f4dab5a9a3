"""Load the data files of cnplan/lexicon once and hand them out read-only.

Every rule that a linguist may want to change lives here as CSV or TXT; the code
only interprets it. Lines starting with ``#`` are comments in both kinds of file.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files


class LexiconError(ValueError):
    """A lexicon file is malformed: names the file, the line and the fault."""


def path(name: str) -> str:
    """Filesystem path of a bundled lexicon file."""
    return str(files(__name__).joinpath(name))


def read_text(name: str) -> str:
    """The raw text of a bundled lexicon file."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def words(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a TXT lexicon (first whitespace-separated field)."""
    out = []
    for line in read_text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.split()[0])
    return tuple(out)


@cache
def table(name: str, required: tuple[str, ...] = ()) -> tuple[dict[str, str], ...]:
    """Rows of a CSV lexicon as dicts, checking that the required columns exist and are filled."""
    lines = [ln for ln in read_text(name).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise LexiconError(f"{name}: missing columns {missing}")
    rows = []
    for i, row in enumerate(reader, start=2):
        clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
        empty = [c for c in required if not clean.get(c)]
        if empty:
            raise LexiconError(f"{name}: row {i} has no {empty[0]}")
        rows.append(clean)
    return tuple(rows)
