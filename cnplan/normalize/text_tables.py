"""Indicator tables that reach cnplan as plain text (a PDF or web copy, a row per printed line).

A five-year plan's main-indicator table copied as text looks like this, cells set off by spaces and
long names or units wrapped onto the lines around their row::

    指 标 单位 属性
    2025年 年均[累计]
    1 全市生产总值年均增长率 % 预期性 - 5左右
    万元/
    2 全员劳动生产率 预期性 36左右 -
    人
    全社会研发经费支出相当于
    6 % 预期性 4.5左右 -
    全市生产总值比例

``rebuild_text_tables`` finds such a table by its header (``table_headers.csv``: a name column and
a unit or attribute column) and a row holding an attribute word (``binding.csv``: 预期性, 约束性),
and writes each figure as a sentence the extractor reads like running text:
``全员劳动生产率2025年为36万元/人左右（预期性）。`` — the row's name, the column's year, the value
with the row's unit and its comparator, the attribute in brackets. Rows it cannot read stay as
they were.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon
from cnplan.read.tables import header_roles

# A header line is short; a table ends at a line of running text.
HEADER_MAX, TABLE_LINE_MAX = 40, 60
# Labels of value columns: a year (2025年, 2020年目标), an average or a cumulative figure.
_VALUE_LABEL = regex.compile(r"^(?:(?:19|20)\d\d年\S*|年均\S*|累计\S*|\[?累计\]?)$")
_YEAR = regex.compile(r"((?:19|20)\d\d)年")
# A value cell: [累计达到1000], >60, 5左右, <5.5, 19.5
_CELL = regex.compile(
    r"^\[?(?:累计达到|累计|五年累计)?(?P<about>约)?(?P<op>[><≥≤])?(?P<num>-?\d+(?:\.\d+)?)(?P<post>左右|以上|以下)?\]?$"
)
# Comparison signs as the words the extractor reads (comparators.csv).
OP_WORDS = {">": "超过", "<": "低于", "≥": "不低于", "≤": "不超过"}
_ROW_NUMBER = regex.compile(r"^\d{1,2}(?=\p{Han}|$)")
_FOOTNOTE = regex.compile(r"(?<=\p{Han})\d$")
_UNIT_PIECE = regex.compile(r"^[^\d\s]{1,3}(?:/[^\d\s]{0,3})?$")


@dataclass(frozen=True)
class _Row:
    """A table row as read: its name, unit, attribute word and value cells."""

    name: str
    unit: str
    attribute: str
    cells: tuple[str, ...]


@cache
def binding_words() -> dict[str, str]:
    """Attribute words of planning indicators and the binding they state (binding.csv)."""
    return {r["word"]: r["binding"] for r in lexicon.table("binding.csv", ("word", "binding"))}


@cache
def _header_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Header words of name columns, and of unit or attribute columns (table_headers.csv)."""
    roles = header_roles()
    names = tuple(h for h, r in roles.items() if r == "name" and len(h) >= 2)
    others = tuple(h for h, r in roles.items() if r in ("unit", "attribute"))
    return names, others


def is_table_header(line: str) -> bool:
    """True for the header line of an indicator table: short, naming a name column and a unit or attribute."""
    if len(line) > 2 * HEADER_MAX:  # spaces between letters at most double a header's length
        return False
    compact = line.replace(" ", "")
    if not compact or len(compact) > HEADER_MAX or compact[-1] in "。；;":
        return False
    names, others = _header_words()
    return any(w in compact for w in names) and any(w in compact for w in others)


def _attribute_at(tokens: list[str]) -> int:
    """Index of the attribute token of a row (预期性), -1 when the line is no row."""
    words = binding_words()
    return next((i for i, t in enumerate(tokens) if t in words), -1)


def _is_unit(token: str) -> bool:
    """True for a unit cell: %, a unit of the lexicon (with 万/亿), or a unit split at its slash (万元/)."""
    from cnplan.extract.units import split_multiplier, units

    if token in ("%", "‰") or token.endswith("/"):
        return True
    return split_multiplier(token)[1].split("/")[0] in units()


def _read_row(tokens: list[str], at: int) -> _Row:
    """A row's name, unit and cells from its tokens (the row number and footnote marks dropped)."""
    before = tokens[:at]
    if before and _ROW_NUMBER.match(before[0]):
        before[0] = _ROW_NUMBER.sub("", before[0])
    before = [t for t in before if t]
    unit = before.pop() if before and _is_unit(before[-1]) else ""
    name = _FOOTNOTE.sub("", "".join(before))
    return _Row(name, unit, tokens[at], tuple(tokens[at + 1 :]))


def _cell_text(cell: str, unit: str) -> str:
    """A value cell as text the extractor reads (>60 with % -> 超过60%), '' when it holds no figure."""
    m = _CELL.match(cell)
    if not m:
        return ""
    about = "约" if m.group("about") else ""
    return f"{OP_WORDS.get(m.group('op') or '', '')}{about}{m.group('num')}{unit}{m.group('post') or ''}"


def _sentences(row: _Row, labels: list[str]) -> list[str]:
    """One sentence per figure of a row: name, the column's year, value, unit, attribute."""
    if not row.name or len(row.cells) != len(labels):
        return []
    out = []
    for label, cell in zip(labels, row.cells):
        value = _cell_text(cell, row.unit)
        if not value:
            continue
        year = _YEAR.search(label)
        when = f"{year.group(1)}年" if year else ""
        out.append(f"{row.name}{when}为{value}（{row.attribute}）。")
    return out


def _labels(lines: list[str], start: int, end: int) -> list[str]:
    """The value-column labels in the header lines from start to end, in order."""
    return [t for line in lines[start:end] for t in line.split() if _VALUE_LABEL.match(t)]


def _table_end(lines: list[str], start: int) -> int:
    """Where the lines of a table end: at the first line of running text."""
    i = start
    while i < len(lines):
        line = lines[i].strip()
        if len(line.replace(" ", "")) > TABLE_LINE_MAX or line.endswith("。"):
            break
        i += 1
    return i


def _rebuild(lines: list[str], start: int, end: int, labels: list[str]) -> list[str]:
    """The lines of a table body with every readable row written as sentences; the rest kept."""
    body = [line.strip() for line in lines[start:end]]
    attribute = [_attribute_at(line.split()) for line in body]
    used: set[int] = set()
    written: dict[int, list[str]] = {}

    def free(k: int) -> bool:
        """True for a line next to a row that is a wrapped piece of one (no row, not taken yet)."""
        return 0 <= k < len(body) and attribute[k] < 0 and k not in used and " " not in body[k]

    for i, at in enumerate(attribute):
        if at < 0:
            continue
        row = _read_row(body[i].split(), at)
        taken: list[int] = []
        unit = row.unit
        if not unit and free(i - 1) and "/" in body[i - 1] and _UNIT_PIECE.match(body[i - 1]):
            unit = body[i - 1]  # 万元/ (or 人/亿) above the row ...
            taken.append(i - 1)
        if "/" in unit and free(i + 1) and _UNIT_PIECE.match(body[i + 1]) and "/" not in body[i + 1]:
            unit += body[i + 1]  # ... 人 (or 元) below it
            taken.append(i + 1)
        name = row.name
        if not name:  # 全社会研发经费支出相当于 / 6 % 预期性 … / 全市生产总值比例
            around = [k for k in (i - 1, i + 1) if free(k) and k not in taken]
            name = _FOOTNOTE.sub("", "".join(body[k] for k in around))
            taken.extend(around)
        sentences = _sentences(_Row(name, unit, row.attribute, row.cells), labels)
        if sentences:
            written[i] = sentences
            used.update(taken)
        else:  # a row without a figure (与经济增长基本同步) still ends where it ends
            written[i] = [body[i] + "。"]
    out = []
    for i, line in enumerate(body):
        if i in written:
            out.extend(written[i])
        elif i not in used:
            out.append(line)
    return out


@cache
def _name_header() -> regex.Pattern[str]:
    """Where a name column's header word stands (指标, 指 标): the lines worth testing as a header."""
    names, _ = _header_words()
    return regex.compile(
        "|".join(" ?".join(map(regex.escape, w)) for w in sorted(names, key=len, reverse=True))
    )


def rebuild_text_tables(text: str) -> str:
    """Write the rows of indicator tables copied as text as one sentence per figure."""
    if not any(word in text for word in binding_words()):
        return text  # no attribute word: no indicator table to read
    lines = text.split("\n")
    starts = [0]  # where each line starts, to find the lines holding a header word
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    candidates = sorted({bisect_right(starts, m.start()) - 1 for m in _name_header().finditer(text)})
    out: list[str] = []
    done = 0  # lines before this one are written
    for i in candidates:
        if i < done or not is_table_header(lines[i]):
            continue
        first_row = next(
            (k for k in range(i + 1, min(i + 8, len(lines))) if _attribute_at(lines[k].split()) >= 0), None
        )
        labels = _labels(lines, i, first_row) if first_row is not None else []
        if not labels:
            continue
        end = _table_end(lines, first_row)
        out.extend(lines[done:i])
        out.extend(_rebuild(lines, first_row, end, labels))
        done = end
    if not out:
        return text
    out.extend(lines[done:])
    return "\n".join(out)
