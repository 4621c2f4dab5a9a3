"""Assemble the indicator table: one row per quantity, every column of the spec, in document order."""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from cnplan.errors import CnplanError, CnplanWarning
from cnplan.extract import context, decide, indicator
from cnplan.extract.quantities import find_quantities
from cnplan.extract.timing import TimeExpr, find_time_exprs
from cnplan.match.matcher import Matcher, match_names
from cnplan.normalize import NormalizedText, Part, Sentence, normalize
from cnplan.output import csv_rows, render_rows
from cnplan.parallel import pool_map
from cnplan.read import MAX_SIZE, Document, read, read_warning, walk
from cnplan.segment import tokenizer

if TYPE_CHECKING:  # pandas is imported where a frame is made: `cnplan extract` to CSV starts without it
    import pandas as pd

# Bullets of a list whose items share the deadline of the paragraph above them (到2026年，… / ——创新能力。…).
BULLETS = ("——", "—", "•", "·", "●", "▪")


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
    region_code: str = ""  # GB/T 2260 code of region (a string: 110000, 710100), for a merge with yearbooks
    region_level: str = ""  # province, prefecture or county

    def values(self) -> tuple:
        """The row's values in column order (a shallow, fast asdict)."""
        return _column_values(self)


COLUMNS = [f.name for f in fields(Indicator)]
_column_values = attrgetter(*COLUMNS)


_PART = attrgetter("part")


def _sentences_of(norm: NormalizedText, part: Part) -> tuple[Sentence, ...]:
    """The sentences of one article (they are in document order, so an article's are one run)."""
    first = bisect_left(norm.sentences, part.index, key=_PART)
    return norm.sentences[first : bisect_right(norm.sentences, part.index, lo=first, key=_PART)]


def extract_part(doc: str, norm: NormalizedText, part: Part) -> list[Indicator]:
    """Rows of one article of a normalized document."""
    text = norm.text
    part_text = text[part.start : part.end]
    ctx = context.part_context(part_text)
    region = ctx.region
    review = context.review_year(ctx)
    section = context.Section()
    ref_year = context.reference_year(section, ctx, review)  # changes only where a heading is entered
    carried: TimeExpr | None = None
    frame: TimeExpr | None = None  # the deadline a paragraph ended with: its bulleted items below share it
    in_item = False  # the current line is a bulleted item
    rows: list[Indicator] = []
    for s in _sentences_of(norm, part):
        sentence = text[s.start : s.end]
        line_start = s.start == 0 or text[s.start - 1] == "\n"
        line_len = (
            999  # the line's length matters only where a line starts (a text without breaks is one line)
        )
        if line_start:
            line_end = text.find("\n", s.start)
            line_len = (line_end if line_end >= 0 else len(text)) - s.start
        heading = context.heading_of(sentence, line_start, line_len)
        if heading:  # a heading's own 今年 is the document's year: 二、今年工作安排
            section.enter(
                context.heading_frame(heading, find_time_exprs(sentence, ctx.year, ctx.taiwan), ctx)
            )
            ref_year = context.reference_year(section, ctx, review)
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
        needed = quantities or (not heading and decide.DEADLINE_HINT.search(sentence) is not None)
        times = find_time_exprs(sentence, ref_year, ctx.taiwan, ctx.year) if needed else []
        binding = decide.binding_of(sentence) if quantities else ""
        first_row = len(rows)
        for q in quantities:
            time = decide.pick_time(times, sentence, q, carried)
            kind, kind_cue = decide.decide_kind(
                decide.cue_scope(sentence, q.end), time, section, ctx, ref_year
            )
            if time is not None:
                year, year_text, period = time.year, time.text, time.period
            else:
                year, year_text, period = decide.default_year(kind, section, ctx)
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
                    region_code=ctx.region_code,
                    region_level=ctx.region_level,
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
            if t.deadline and not decide.COMPARISON_BASE.search(sentence[max(0, t.start - 2) : t.start])
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
    document: Document | os.PathLike[str] | str, doc: str | None = None, matcher: Matcher | None = Matcher()
) -> list[Indicator]:
    """Every quantity of a document as typed rows: a Document, a file given as a Path, or text given as a str.

    Nothing is guessed: a str is always text (`extract_text`), a file is a Path (or `read()` first).
    """
    if isinstance(document, os.PathLike):
        document = read(document)
    if isinstance(document, Document):
        doc = doc if doc is not None else os.path.splitext(os.path.basename(document.path))[0]
        return extract_text(document.text, doc, matcher)
    return extract_text(document, doc or "", matcher)


def extract_text(text: str, doc: str = "", matcher: Matcher | None = Matcher()) -> list[Indicator]:
    """Every quantity of a text (not a file name) as typed rows."""
    return extract_normalized(normalize(text), doc, matcher)


def rows_frame(rows: Iterable[Indicator]) -> pd.DataFrame:
    """A DataFrame with the spec's columns, in order, typed for pandas."""
    return values_frame([r.values() for r in rows])


def values_frame(values: list) -> pd.DataFrame:
    """A typed DataFrame from rows given as value sequences in column order."""
    import pandas as pd

    return typed_rows(pd.DataFrame(values, columns=COLUMNS))


def typed_rows(df: pd.DataFrame) -> pd.DataFrame:
    """An indicator table with the dtypes every piece of a table shares (years Int64, values float)."""
    df["year"] = df["year"].astype("Int64")
    df["doc_year"] = df["doc_year"].astype("Int64")
    df["part"] = df["part"].astype("int64")
    for column in ("value", "value_max", "value_base", "indicator_score"):
        df[column] = df[column].astype("float64")  # None -> NaN, so every piece of a table has one type
    return df


def extract_frame(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    on_error: Callable[[CnplanError], None] | None = None,
    jobs: int = 1,
    matcher: Matcher | None = Matcher(),
    max_size: int = MAX_SIZE,
) -> pd.DataFrame:
    """The indicator table of every document under a path or paths (folders recursively) as a DataFrame."""
    import pandas as pd

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]

    frames = list(iter_frames(paths, on_error, jobs, matcher=matcher, max_size=max_size))
    if not frames:
        return rows_frame([])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


@dataclass(frozen=True)
class FileRows:
    """What extraction made of one readable file: its rows and, when it was read with repairs, a warning."""

    rows: list[Indicator]
    warning: CnplanWarning | None = None


def _extract_file(
    item: tuple[Path, str], matcher: Matcher | None, max_size: int = MAX_SIZE
) -> FileRows | CnplanError:
    """The rows of one file, or its error (returned, so it can cross from a worker process)."""
    path, doc = item
    try:
        document = read(path, max_size)
        return FileRows(extract_normalized(normalize(document.text), doc, matcher), read_warning(document))
    except CnplanError as exc:
        return exc
    except MemoryError:
        return CnplanError(path, "out of memory reading it; not read")
    except Exception as exc:  # a bug must not end the run or lose the other files: report it as this file's
        return CnplanError(path, f"internal error: {type(exc).__name__}: {exc}")


def render_indicators(rows: list[Indicator], fmt: str) -> str:
    """A document's rows as text to append to a table: CSV or TSV rows (written directly) or JSON Lines."""
    if fmt in ("csv", "tsv"):
        return csv_rows((r.values() for r in rows), "\t" if fmt == "tsv" else ",")
    return render_rows(rows_frame(rows), fmt)


def render_counted(rows: list[Indicator], fmt: str) -> tuple[str, int]:
    """A document's rows rendered (render_indicators) with their number, for a progress count."""
    return render_indicators(rows, fmt), len(rows)


def _extract_file_frame(
    item: tuple[Path, str],
    render: Callable[[list[Indicator]], object] | None = None,
    matcher: Matcher | None = Matcher(),
    max_size: int = MAX_SIZE,
) -> tuple[object, CnplanWarning | None] | CnplanError:
    """One file's typed frame, or its rows rendered (in the worker, to spare the parent), with its warning; or its error."""
    result = _extract_file(item, matcher, max_size)
    if isinstance(result, CnplanError):
        return result
    return (render(result.rows) if render else rows_frame(result.rows)), result.warning


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
    max_size: int = MAX_SIZE,
) -> Iterator:
    """One typed frame per readable document, in path order, on jobs processes; bad files go to on_error.

    With ``render`` (a picklable function, render_indicators say), each document's rows are rendered
    (to CSV text, say) in the worker and the rendering is yielded instead of a frame. Memory holds a
    few documents at a time, never the corpus. Files over max_size bytes are refused unread; a file read
    with repairs gives its rows and a CnplanWarning to on_error (never raised).
    """
    work = partial(_extract_file_frame, render=render, matcher=matcher, max_size=max_size)
    items = list(walk(paths))  # file names only, so the pool knows how many there are
    for result in pool_map(work, items, jobs, warm=partial(warm_up, matcher)):
        if isinstance(result, CnplanError):
            if on_error is None:
                raise result
            on_error(result)
            continue
        frame, warning = result
        if warning is not None and on_error is not None:
            on_error(warning)
        yield frame
