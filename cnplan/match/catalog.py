"""The indicator catalog (cnplan/lexicon/indicators.csv, or a user's file of the same columns)."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from functools import cache

from cnplan import lexicon
from cnplan.lexicon import LexiconError

COLUMNS = ("indicator_id", "name_zh", "name_en", "unit", "domain", "aliases")
REQUIRED = COLUMNS[:-1]


@dataclass(frozen=True)
class CatalogEntry:
    """A canonical indicator: id, standard names, base unit, domain and the other names it goes by."""

    indicator_id: str
    name_zh: str
    name_en: str
    unit: str
    domain: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The standard Chinese name, then the aliases."""
        return (self.name_zh, *self.aliases)


def _rows(text: str, source: str) -> list[dict[str, str]]:
    """CSV rows of a catalog text (comment lines starting with # left out), checking the columns."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise LexiconError(f"{source}: missing columns {missing}")
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def parse_catalog(text: str, source: str = "catalog") -> tuple[CatalogEntry, ...]:
    """Catalog entries from CSV text; an empty field, a repeated id or a name given twice is an error."""
    entries: list[CatalogEntry] = []
    owner: dict[str, str] = {}
    for number, row in enumerate(_rows(text, source), start=2):
        empty = [c for c in REQUIRED if not row.get(c)]
        if empty:
            raise LexiconError(f"{source}: row {number} has no {empty[0]}")
        entry = CatalogEntry(
            row["indicator_id"],
            row["name_zh"],
            row["name_en"],
            row["unit"],
            row["domain"],
            tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip()),
        )
        if entry.indicator_id in {e.indicator_id for e in entries}:
            raise LexiconError(f"{source}: row {number} repeats the id {entry.indicator_id}")
        for name in entry.names:
            if owner.setdefault(name, entry.indicator_id) != entry.indicator_id:
                raise LexiconError(f"{source}: row {number}: {name!r} already names {owner[name]}")
        entries.append(entry)
    return tuple(entries)


@cache
def load_catalog(path: str | os.PathLike[str] | None = None) -> tuple[CatalogEntry, ...]:
    """The bundled catalog, or a user's catalog file of the same columns (read once per path)."""
    if path is None:
        return parse_catalog(lexicon.read_text("indicators.csv"), "indicators.csv")
    with open(path, encoding="utf-8-sig") as f:
        return parse_catalog(f.read(), str(path))
