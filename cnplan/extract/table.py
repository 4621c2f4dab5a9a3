"""Assemble the indicator table: one row per quantity, every column of the spec, in document order."""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache, partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from cnplan import lexicon
from cnplan.errors import CnplanError
from cnplan.extract import context, indicator
from cnplan.extract.quantities import Quantity, find_quantities
from cnplan.extract.region import detect_region, gazetteer
from cnplan.extract.timing import TimeExpr, find_time_exprs, periods
from cnplan.marks import first_of, last_of
from cnplan.match.matcher import Matcher, match_names
from cnplan.normalize import NormalizedText, Part, Sentence, normalize
from cnplan.normalize.text_tables import binding_words
from cnplan.output import csv_rows, render_rows
from cnplan.parallel import pool_map
from cnplan.read import Document, read, walk
from cnplan.segment import tokenizer

if TYPE_CHECKING:  # pandas is imported where a frame is made: `cnplan extract` to CSV starts without it
    import pandas as pd

CLAUSE_BREAKS = "，,；;。！？!?"
# Bullets of a list whose items share the deadline of the paragraph above them (到2026年，… / ——创新能力。…).
BULLETS = ("——", "—", "•", "·", "●", "▪")
OPENING_CLAUSE = 10
# 比2015年, 较上年, 是2015年的3.75倍: the year is the base of a comparison, not the figure's own year.
# What every deadline holds (到2025年, 截至, 2025年前, “十四五”期末): a sentence without one carries none.
_DEADLINE_HINT = regex.compile("[到至截前末]")
COMPARISON_BASE = regex.compile(r"(?:比|较|与|同|相比|对比|是)$")


@dataclass
class Indicator:
    """One row of the indicator table (extraction spec, section 1)."""

    doc: str
    part: int
    region: str
    sentence_no: int
    char_start: int
    char_end: int
    kind: str
    indicator: str
    value: float
    value_max: float | None
    unit: str
    comparator: str
    value_base: float | None
    unit_base: str
    year: int | None
    year_text: str
    period: str
    cue: str
    sentence: str
    indicator_id: str = ""
    indicator_score: float | None = None
    genre: str = ""  # after the spec's columns: the genre and the year the document is written for
    doc_year: int | None = None
    binding: str = ""  # 约束性 or 预期性, where the table or the text says so

    def values(self) -> tuple:
        """The row's values in column order (a shallow, fast asdict)."""
        return _column_values(self)


COLUMNS = [f.name for f in fields(Indicator)]
_column_values = attrgetter(*COLUMNS)


@dataclass(frozen=True)
class _Heading:
    """A heading in force: its level, the kind its words set and its time expression."""

    level: int
    kind: str = ""
    time: TimeExpr | None = None


@dataclass
class _Section:
    """The headings a sentence stands under, outermost first; the innermost that says something wins."""

    stack: list[_Heading] = field(default_factory=list)
    kind: str = ""  # set by the innermost heading that sets one
    time: TimeExpr | None = None  # of the innermost heading that has one

    def enter(self, heading: _Heading) -> None:
        """Open a heading: it closes those of its own level and below."""
        self.stack = [h for h in self.stack if h.level < heading.level] + [heading]
        self.kind = next((h.kind for h in reversed(self.stack) if h.kind), "")
        self.time = next((h.time for h in reversed(self.stack) if h.time is not None), None)


@cache
def _kind_cues() -> tuple[tuple[str, str, int], ...]:
    """(word, kind, weight) cues, longest word first."""
    rows = lexicon.table("kind_cues.csv", ("word", "kind", "weight"))
    out = [(r["word"], r["kind"], int(r["weight"])) for r in rows]
    return tuple(sorted(out, key=lambda c: -len(c[0])))


@cache
def _cue_index() -> tuple[regex.Pattern[str], dict[str, tuple[tuple[str, str, int], ...]]]:
    """A class of the cues' first characters, and the cues by first character (longest first)."""
    by_first: dict[str, list[tuple[str, str, int]]] = {}
    for cue in _kind_cues():
        by_first.setdefault(cue[0][0], []).append(cue)
    first = regex.compile("[" + regex.escape("".join(sorted(by_first))) + "]")
    return first, {ch: tuple(cues) for ch, cues in by_first.items()}


@cache
def _review_neutral() -> frozenset[str]:
    """Target cues that in a review section report what was done (kind_cues.csv, in_review = no)."""
    return frozenset(
        r["word"] for r in lexicon.table("kind_cues.csv", ("word",)) if r.get("in_review") == "no"
    )


def strongest_cue(text: str) -> tuple[str, str, int]:
    """The kind cue of highest weight in a text (the latest one on a tie): (word, kind, weight)."""
    first, by_first = _cue_index()
    best, best_pos = ("", "", -1), -1
    for m in first.finditer(text):  # positions go up: a later cue of equal weight replaces the best
        pos = m.start()
        for cue in by_first[m.group()]:
            weight = cue[2]
            if (weight > best[2] or weight == best[2] and pos > best_pos) and text.startswith(cue[0], pos):
                best, best_pos = cue, pos
    return best


def decide_kind(
    clause: str, time: TimeExpr | None, section: _Section, ctx: context.PartContext, ref_year: int | None
) -> tuple[str, str]:
    """target or actual, and the word that decided it."""
    word, kind, weight = strongest_cue(clause)
    if section.kind == "actual" and word in _review_neutral():
        word, kind, weight = "", "", -1
    if weight >= 2:
        return kind, word
    if time is not None and time.deadline and _ahead(time, section, ctx):
        return "target", time.text
    if time is not None and time.year is not None and ref_year is not None and time.relative is None:
        if time.year < ref_year:
            return "actual", ""
        if time.year > ref_year:
            return "target", ""
    if time is not None and time.relative is not None and time.relative != 0:
        return ("target", time.text) if time.relative > 0 else ("actual", time.text)
    if section.kind:
        return section.kind, ""
    if weight == 1:
        return kind, word
    return ctx.implied.kind, ""


def _ahead(time: TimeExpr, section: _Section, ctx: context.PartContext) -> bool:
    """True when a deadline lies ahead of the text: 到2016年 in a review of 2016 reports, not plans."""
    if time.year is None:
        return section.kind != "actual"  # 到20XX年底 in a review of the base reports a stock
    if ctx.year is None or time.year > ctx.year:
        return True
    return time.year == ctx.year and section.kind != "actual" and not ctx.implied.year_done


def _cue_scope(sentence: str, end: int) -> str:
    """The text whose cue words speak for a quantity: its clause, and a short opening clause."""
    start = last_of(CLAUSE_BREAKS, sentence, 0, end) + 1
    first = first_of(CLAUSE_BREAKS, sentence)
    opening = sentence[: first + 1] if 0 <= first <= OPENING_CLAUSE and first < start else ""
    return opening + sentence[start:end]


def default_year(kind: str, section: _Section, ctx: context.PartContext) -> tuple[int | None, str, str]:
    """(year, year_text, period) of a quantity with no time expression of its own."""
    if section.time is not None:
        return section.time.year, section.time.text, section.time.period
    defaults = ctx.implied
    rule = defaults.target_year if kind == "target" else defaults.actual_year
    if rule == "period" or (rule == "base" and ctx.period):
        if not ctx.period:
            return None, "", ""
        first, last = periods()[ctx.period]
        return (last, "", ctx.period) if rule == "period" else (first - 1, "", "")
    if rule == "none" or ctx.year is None:
        return None, "", ""
    return (ctx.year - 1 if rule == "previous" else ctx.year), "", ""


def _heading(heading: tuple[int, str], times: list[TimeExpr], ctx: context.PartContext) -> _Heading:
    """What a heading sets: kind from its words (else from its year against the document's), time."""
    level, title = heading
    kind = context.section_kind(title)
    time = next((t for t in times if t.start < len(title) + 4), None)
    if not kind and time is not None and time.year is not None and ctx.year is not None:
        kind = "target" if time.year > ctx.year else "actual" if time.year < ctx.year else ""
    return _Heading(level, kind, time)


def _pick_time(
    times: list[TimeExpr], sentence: str, q: Quantity, carried: TimeExpr | None
) -> TimeExpr | None:
    """The time expression a quantity refers to: the nearest before it in its sentence, else the carried one."""
    best = None
    for t in times:
        if t.end > q.start:
            break
        if COMPARISON_BASE.search(sentence[max(0, t.start - 2) : t.start]):
            continue
        best = t
    return best or carried


@cache
def _taiwan_names() -> frozenset[str]:
    """Full names of the divisions of Taiwan."""
    return frozenset(d.name for d in gazetteer() if d.province == "台湾省")


def _is_taiwan(region: str, text: str) -> bool:
    """True for a document of Taiwan (民国 years)."""
    if "民国" in text[:5000]:
        return True
    return region in _taiwan_names()


_PART = attrgetter("part")


def _sentences_of(norm: NormalizedText, part: Part) -> tuple[Sentence, ...]:
    """The sentences of one article (they are in document order, so an article's are one run)."""
    first = bisect_left(norm.sentences, part.index, key=_PART)
    return norm.sentences[first : bisect_right(norm.sentences, part.index, lo=first, key=_PART)]


def review_year(ctx: context.PartContext) -> int | None:
    """The year a review section of the document speaks of: Y-1 in a work report delivered in Y."""
    if ctx.year is not None and ctx.implied.actual_year == "previous":
        return ctx.year - 1
    return ctx.year


def binding_of(sentence: str) -> str:
    """约束性 or 预期性 when a sentence states its indicator's binding (binding.csv), else ''."""
    if "性" not in sentence:  # every attribute word ends in 性: most sentences need no scan
        return ""
    return next((b for word, b in binding_words().items() if word in sentence), "")


def reference_year(section: _Section, ctx: context.PartContext, review: int | None) -> int | None:
    """The year 今年, 全年 and 年内 mean: the section's year, else the reviewed year in a review, else the
    document's year."""
    if section.time is not None and section.time.year:
        return section.time.year
    return review if section.kind == "actual" else ctx.year


def extract_part(doc: str, norm: NormalizedText, part: Part) -> list[Indicator]:
    """Rows of one article of a normalized document."""
    text = norm.text
    part_text = text[part.start : part.end]
    region = detect_region(part_text)
    ctx = context.part_context(part_text, _is_taiwan(region, part_text))
    review = review_year(ctx)
    section = _Section()
    ref_year = reference_year(section, ctx, review)  # changes only where a heading is entered
    carried: TimeExpr | None = None
    frame: TimeExpr | None = None  # the deadline a paragraph ended with: its bulleted items below share it
    in_item = False  # the current line is a bulleted item
    rows: list[Indicator] = []
    for s in _sentences_of(norm, part):
        sentence = text[s.start : s.end]
        line_start = s.start == 0 or text[s.start - 1] == "\n"
        line_end = text.find("\n", s.start)
        line_len = (line_end if line_end >= 0 else len(text)) - s.start if line_start else 999
        heading = context.heading_of(sentence, line_start, line_len)
        if heading:  # a heading's own 今年 is the document's year: 二、今年工作安排
            section.enter(_heading(heading, find_time_exprs(sentence, ctx.year, ctx.taiwan), ctx))
            ref_year = reference_year(section, ctx, review)
        if line_start:
            if not in_item:
                frame = carried
            in_item = sentence.startswith(BULLETS)
            carried = frame if in_item else None
        elif indicator.LIST_MARKER.match(sentence):
            carried = None
        previous, floor = "", 0
        quantities = find_quantities(sentence)
        # times serve the sentence's own figures, and else only a deadline carried to the next sentence
        needed = quantities or (not heading and _DEADLINE_HINT.search(sentence) is not None)
        times = find_time_exprs(sentence, ref_year, ctx.taiwan, ctx.year) if needed else []
        binding = binding_of(sentence) if quantities else ""
        first_row = len(rows)
        for q in quantities:
            time = _pick_time(times, sentence, q, carried)
            kind, kind_cue = decide_kind(_cue_scope(sentence, q.end), time, section, ctx, ref_year)
            if time is not None:
                year, year_text, period = time.year, time.text, time.period
            else:
                year, year_text, period = default_year(kind, section, ctx)
            name = indicator.name(sentence, q, floor, times, previous)
            rows.append(
                Indicator(
                    doc=doc,
                    part=part.index,
                    region=region,
                    sentence_no=s.index,
                    char_start=s.start + q.start,
                    char_end=s.start + q.end,
                    kind=kind,
                    indicator=name,
                    value=q.value,
                    value_max=q.value_max,
                    unit=q.unit,
                    comparator=q.comparator,
                    value_base=q.value_base,
                    unit_base=q.unit_base,
                    year=year,
                    year_text=year_text,
                    period=period,
                    cue=q.cue or kind_cue,
                    sentence=sentence,
                    genre=ctx.genre,
                    doc_year=ctx.year,
                    binding=binding,
                )
            )
            previous = name
            floor = q.end + (len(q.cue) if q.cue and sentence.startswith(q.cue, q.end) else 0)
        if "分别" in sentence and len(quantities) > 1:
            names = indicator.distribute(sentence, quantities, [r.indicator for r in rows[first_row:]], times)
            for row, new_name in zip(rows[first_row:], names):
                row.indicator = new_name
        deadlines = [
            t
            for t in times
            if t.deadline and not COMPARISON_BASE.search(sentence[max(0, t.start - 2) : t.start])
        ]
        if deadlines and not heading:
            carried = deadlines[-1]
    return rows


def extract_normalized(
    norm: NormalizedText, doc: str = "", matcher: Matcher | None = Matcher()
) -> list[Indicator]:
    """Rows of a normalized document, in document order, matched to the catalog (unless matcher is None)."""
    rows: list[Indicator] = []
    for part in norm.parts:
        rows.extend(extract_part(doc, norm, part))
    if matcher is not None:
        assign_indicators(rows, matcher)
    return rows


def assign_indicators(rows: list[Indicator], matcher: Matcher) -> None:
    """Fill indicator_id and indicator_score of rows from the catalog, all names of the rows at once."""
    matches = match_names([r.indicator for r in rows], [r.unit for r in rows], matcher)
    for row, match in zip(rows, matches):
        row.indicator_id, row.indicator_score = match.indicator_id, match.score


def extract(
    document: Document | str, doc: str | None = None, matcher: Matcher | None = Matcher()
) -> list[Indicator]:
    """Every quantity of a document (a Document or raw text) as typed rows."""
    if isinstance(document, Document):
        text = document.text
        doc = doc if doc is not None else os.path.splitext(os.path.basename(document.path))[0]
    else:
        text = document
    return extract_normalized(normalize(text), doc or "", matcher)


def rows_frame(rows: Iterable[Indicator]) -> pd.DataFrame:
    """A DataFrame with the spec's columns, in order, typed for pandas."""
    return values_frame([r.values() for r in rows])


def values_frame(values: list) -> pd.DataFrame:
    """A typed DataFrame from rows given as value sequences in column order."""
    import pandas as pd

    df = pd.DataFrame(values, columns=COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["doc_year"] = df["doc_year"].astype("Int64")
    df["part"] = df["part"].astype("int64")
    for column in ("value", "value_max", "value_base", "indicator_score"):
        df[column] = df[column].astype("float64")  # None -> NaN, so every piece of a table has one type
    return df


def extract_frame(
    paths: Iterable[str | os.PathLike[str]],
    on_error: Callable[[CnplanError], None] | None = None,
    jobs: int = 1,
    matcher: Matcher | None = Matcher(),
) -> pd.DataFrame:
    """The indicator table of every document under the paths (folders recursively) as a DataFrame."""
    import pandas as pd

    frames = list(iter_frames(paths, on_error, jobs, matcher=matcher))
    if not frames:
        return rows_frame([])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _extract_file(item: tuple[Path, str], matcher: Matcher | None) -> list[Indicator] | CnplanError:
    """The rows of one file, or its error (returned, so it can cross from a worker process)."""
    path, doc = item
    try:
        return extract_normalized(normalize(read(path).text), doc, matcher)
    except CnplanError as exc:
        return exc


def render_indicators(rows: list[Indicator], fmt: str) -> str:
    """A document's rows as text to append to a table: CSV rows (written directly) or JSON Lines."""
    if fmt == "csv":
        return csv_rows(r.values() for r in rows)
    return render_rows(rows_frame(rows), fmt)


def _extract_file_frame(
    item: tuple[Path, str],
    render: Callable[[list[Indicator]], object] | None = None,
    matcher: Matcher | None = Matcher(),
) -> object:
    """The typed frame of one file, or its rows rendered (in the worker, to spare the parent), or its error."""
    result = _extract_file(item, matcher)
    if isinstance(result, CnplanError):
        return result
    return render(result) if render else rows_frame(result)


def warm_up(matcher: Matcher | None = Matcher()) -> None:
    """Load the tokenizer and every lexicon extraction uses, so forked workers inherit them built."""
    tokenizer()
    extract_normalized(normalize("到2025年，高新技术企业达到5家。"), "", matcher)


def iter_frames(
    paths: Iterable[str | os.PathLike[str]],
    on_error: Callable[[CnplanError], None] | None = None,
    jobs: int = 1,
    render: Callable[[list[Indicator]], object] | None = None,
    matcher: Matcher | None = Matcher(),
) -> Iterator:
    """One typed frame per readable document, in path order, on jobs processes; bad files go to on_error.

    With ``render`` (a picklable function, render_indicators say), each document's rows are rendered
    (to CSV text, say) in the worker and the rendering is yielded instead of a frame. Memory holds a
    few documents at a time, never the corpus.
    """
    work = partial(_extract_file_frame, render=render, matcher=matcher)
    items = list(walk(paths))  # file names only, so the pool knows how many there are
    for result in pool_map(work, items, jobs, warm=partial(warm_up, matcher)):
        if isinstance(result, CnplanError):
            if on_error is None:
                raise result
            on_error(result)
            continue
        yield result
