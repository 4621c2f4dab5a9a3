"""The review page: one self-contained HTML file of a normalized document, each extracted quantity
highlighted, its row shown on a click, and a list of the rows to check first."""

from __future__ import annotations

import html
import json
import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files

from cnplan.codebook import columns_of
from cnplan.extract.table import Indicator, extract_normalized
from cnplan.match.matcher import Matcher
from cnplan.normalize import NormalizedText
from cnplan.output import atomic_write_text

# The fields the side panel shows for a chosen row, in order.
SHOWN = (
    "indicator",
    "indicator_id",
    "indicator_score",
    "value",
    "value_max",
    "unit",
    "comparator",
    "year",
    "year_text",
    "period",
    "kind",
    "cue",
    "binding",
    "region",
    "region_code",
    "sentence_no",
    "char_start",
)
LOW_SCORE = 95.0  # a catalog link below this is worth a look, though above --min-score


@dataclass(frozen=True)
class Check:
    """Why a row is worth checking first: its reasons, in words."""

    row: int
    reasons: tuple[str, ...]


def check_reasons(row: Indicator, low_score: float = LOW_SCORE) -> tuple[str, ...]:
    """The reasons to check a row first: no year, no region, a weak link to the catalog (a name the catalog
    lacks is no reason: most figures of a report are not in any catalog)."""
    reasons = []
    if row.year is None:
        reasons.append("no year 无年份")
    if not row.region:
        reasons.append("no region 无地区")
    if row.indicator_id and row.indicator_score is not None and row.indicator_score < low_score:
        reasons.append(f"catalog score {row.indicator_score:.0f} 匹配分低")
    return tuple(reasons)


def checks(rows: Sequence[Indicator], low_score: float = LOW_SCORE) -> list[Check]:
    """The rows to check first: those with a reason, most reasons first, then in document order."""
    found = [Check(i, check_reasons(r, low_score)) for i, r in enumerate(rows)]
    return sorted((c for c in found if c.reasons), key=lambda c: (-len(c.reasons), c.row))


def spans(rows: Sequence[Indicator], length: int) -> list[tuple[int, int, tuple[int, ...]]]:
    """The highlighted spans: (start, end, rows), in text order; overlapping quantities share one span."""
    ordered = sorted(
        (max(0, r.char_start), min(length, r.char_end), i)
        for i, r in enumerate(rows)
        if r.char_end > r.char_start
    )
    merged: list[tuple[int, int, tuple[int, ...]]] = []
    for start, end, i in ordered:
        if merged and start < merged[-1][1]:
            s, e, members = merged[-1]
            merged[-1] = (s, max(e, end), (*members, i))
        else:
            merged.append((start, end, (i,)))
    return merged


def _title(rows: Sequence[Indicator], members: tuple[int, ...]) -> str:
    """The hover text of a span: each row in one line (indicator, value, unit, year, kind)."""
    lines = []
    for i in members:
        r = rows[i]
        value = f"{r.value:g}" + (f"–{r.value_max:g}" if r.value_max is not None else "")
        year = "" if r.year is None else f" {r.year}"
        lines.append(
            f"#{i + 1} {r.indicator} {r.comparator} {value}{r.unit}{year} {r.kind} {r.indicator_id}".strip()
        )
    return "\n".join(lines)


def marked_text(text: str, rows: Sequence[Indicator], flagged: frozenset[int] = frozenset()) -> str:
    """The document as HTML: text escaped, each quantity a <mark> carrying its rows and kind."""
    out, at = [], 0
    for start, end, members in spans(rows, len(text)):
        out.append(html.escape(text[at:start]))
        kind = rows[members[0]].kind
        classes = f"q {kind}" + (" flag" if flagged.intersection(members) else "")
        ids = " ".join(str(i) for i in members)
        out.append(
            f'<mark class="{classes}" id="q{members[0]}" data-rows="{ids}" tabindex="0" '
            f'title="{html.escape(_title(rows, members))}">{html.escape(text[start:end])}</mark>'
        )
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def _plain(value):
    """A JSON-safe value: NaN and infinity as null."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def rows_json(rows: Sequence[Indicator]) -> str:
    """The rows as JSON for the page's script, safe inside <script> (no `</`)."""
    return _script_json([{k: _plain(v) for k, v in asdict(r).items()} for r in rows])


def _script_json(data) -> str:
    """JSON safe inside a <script> element (no `</`)."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def field_labels() -> list[tuple[str, str]]:
    """The side panel's fields with their labels from the codebook: (column, '中文 English')."""
    book = columns_of("indicators")
    return [(c, f"{book[c].label_zh} {book[c].label_en}" if c in book else c) for c in SHOWN]


@cache
def _asset(name: str) -> str:
    """A bundled CSS or JS file of the page."""
    return files("cnplan.review").joinpath(name).read_text(encoding="utf-8")


def _check_list(rows: Sequence[Indicator], found: list[Check]) -> str:
    """The side list of rows to check first, each linking to its highlight."""
    if not found:
        return (
            "<p>Nothing to check first: every row has a year and a region, every catalog link is strong.</p>"
        )
    items = []
    for c in found:
        r = rows[c.row]
        items.append(
            f'<li data-row="{c.row}"><a href="#q{c.row}">{html.escape(r.indicator or "（无名）")} '
            f"{r.value:g}{html.escape(r.unit)}</a> "
            f'<span class="why">{html.escape("; ".join(c.reasons))}</span></li>'
        )
    return f"<ol>{''.join(items)}</ol>"


def _about(rows: Sequence[Indicator]) -> str:
    """The region, genre and year a page is about, for its heading: the most common of each, if any."""
    out = []
    for values in ([r.region for r in rows], [r.genre for r in rows], [str(r.doc_year or "") for r in rows]):
        named = Counter(v for v in values if v)
        if named:
            out.append(named.most_common(1)[0][0])
    return ", ".join(out)


def review_html(
    norm: NormalizedText, rows: Sequence[Indicator], doc: str, low_score: float = LOW_SCORE
) -> str:
    """The whole page: inline CSS and JS, the marked document, the check list and the details panel."""
    found = checks(rows, low_score)
    flagged = frozenset(c.row for c in found)
    kinds = {k: sum(r.kind == k for r in rows) for k in ("target", "actual")}
    about = _about(rows)
    labels = _script_json(field_labels())
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cnplan review">
<title>{html.escape(doc)} · cnplan review</title>
<style>
{_asset("review.css")}</style>
</head>
<body>
<header>
<h1>{html.escape(doc)}</h1>
<p>{html.escape(about)} · {len(rows)} rows: {kinds["target"]} targets, {kinds["actual"]} actual figures ·
{len(found)} to check first</p>
<p class="legend"><span><mark class="key target">目标 target</mark></span><span><mark class="key actual">实际 actual</mark></span>
<span><mark class="key actual flag">to check 待核</mark></span>
<span class="keys">click a figure or a listed row; j / k: next / previous row</span></p>
</header>
<main>
<div id="doc">{marked_text(norm.text, rows, flagged)}</div>
<aside>
<section id="details" data-row=""><h2>Row 行</h2><div id="details-body"><p>Click a highlighted figure.</p></div></section>
<section id="check"><h2>Check first 优先核对 ({len(found)})</h2>{_check_list(rows, found)}</section>
</aside>
</main>
<script type="application/json" id="rows">{rows_json(rows)}</script>
<script type="application/json" id="labels">{labels}</script>
<script>
{_asset("review.js")}</script>
</body>
</html>
"""


def review_document(
    norm: NormalizedText, doc: str, matcher: Matcher | None = Matcher(), low_score: float = LOW_SCORE
) -> tuple[str, list[Indicator]]:
    """Extract a normalized document and build its review page; the page and the rows."""
    rows = extract_normalized(norm, doc, matcher)
    return review_html(norm, rows, doc, low_score), rows


def write_review(path: str | os.PathLike[str], page: str) -> None:
    """Write a review page atomically (never over a link or a device: see output.atomic_write)."""
    atomic_write_text(path, page)
