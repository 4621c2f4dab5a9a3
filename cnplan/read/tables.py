"""Turn the rows of a table (Word, web page) into sentences the extractor reads like running text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cnplan import lexicon

_SPACE = re.compile(r"\s+")
_NON_YEAR_DIGIT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|(\d)")
_BARE_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_EMPTY = frozenset({"", "-", "—", "——", "－", "/", "／", "…", "无"})
PROSE_CELL = 60  # a cell this long, or holding a full stop, is running text, not a value


@cache
def header_roles() -> dict[str, str]:
    """Header cell text -> role of its column (table_headers.csv)."""
    roles = {"name", "unit", "attribute", "index", "group", "change"}
    out = {}
    for row in lexicon.table("table_headers.csv", required=("header", "role")):
        if row["role"] not in roles:
            raise lexicon.LexiconError(f"table_headers.csv: unknown role {row['role']!r}")
        out[_SPACE.sub("", row["header"])] = row["role"]
    return out


def clean_cell(cell: str) -> str:
    """A cell's text on one line: runs of spaces and line breaks become one space."""
    return _SPACE.sub(" ", cell).strip()


def _has_value(cell: str) -> bool:
    """True when a cell holds a digit that is not part of a year."""
    return any(m.group(1) for m in _NON_YEAR_DIGIT.finditer(cell))


def _is_header(row: Sequence[str]) -> bool:
    """True for a first row of labels: two or more cells and no number but years."""
    return sum(1 for c in row if c) >= 2 and not any(_has_value(c) for c in row)


def _is_prose(row: Sequence[str]) -> bool:
    """True for a row of running text (a layout table), read paragraph by paragraph."""
    return any(len(c) >= PROSE_CELL or "。" in c for c in row)


def _with_unit(cell: str, unit: str) -> str:
    """A bare number with the row's unit attached: 2.5 + % -> 2.5%."""
    return cell + unit if unit not in _EMPTY and _BARE_NUMBER.fullmatch(cell) else cell


def _plain_row(row: Sequence[str]) -> list[str]:
    """A row without a header: 'label | value | value' -> 'label为value，value。'."""
    cells = [c for c in dict.fromkeys(row) if c not in _EMPTY]
    if not cells:
        return []
    if _is_prose(cells) or not any(_has_value(c) for c in cells):
        return cells if _is_prose(cells) else ["，".join(cells)]
    if not _has_value(cells[0]):
        return [f"{cells[0]}为{'，'.join(cells[1:])}。"] if len(cells) > 1 else [cells[0]]
    return ["，".join(cells) + "。"]


@dataclass(frozen=True)
class _Header:
    """A table's header row: its labels, the role of each column and where name, unit and attribute stand."""

    labels: tuple[str, ...]
    roles: tuple[str, ...]
    name: int
    unit: int | None
    attribute: int | None

    @classmethod
    def of(cls, labels: Sequence[str]) -> _Header:
        """Read the roles of a header row from table_headers.csv."""
        known = header_roles()
        roles = tuple(known.get(_SPACE.sub("", label), "") for label in labels)
        where = {role: roles.index(role) for role in ("name", "unit", "attribute") if role in roles}
        name = where.get("name", next((j for j, r in enumerate(roles) if not r), 0))
        return cls(tuple(labels), roles, name, where.get("unit"), where.get("attribute"))


def _header_row(row: Sequence[str], header: _Header) -> list[str]:
    """A data row under a header: 'name<header>为<value><unit>，…（attribute）。'."""
    if _is_prose(row) or not any(_has_value(c) for c in row):
        return _plain_row(row)
    unit = row[header.unit] if header.unit is not None else ""
    parts = []
    for j, cell in enumerate(row):
        if header.roles[j] == "change" and _BARE_NUMBER.fullmatch(cell):
            parts.append(f"增长{cell}%")  # 较上年±% | 18.64: a change in percent, whatever the row's unit
            continue
        if j == header.name or header.roles[j] or cell in _EMPTY:
            continue
        label = header.labels[j]
        parts.append(f"{label}为{_with_unit(cell, unit)}" if label else _with_unit(cell, unit))
    attribute = row[header.attribute] if header.attribute is not None else ""
    note = f"（{attribute}）" if attribute not in _EMPTY else ""
    return [row[header.name] + "，".join(parts) + note + "。"] if parts else _plain_row(row)


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Sentences for the rows of a table; a first row of labels is read as the header of the others."""
    grid = [[clean_cell(c) for c in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    if len(grid) < 2 or not _is_header(grid[0]):
        return [line for row in grid for line in _plain_row(row)]
    header = _Header.of(grid[0])
    return [line for row in grid[1:] for line in _header_row(row, header)]
