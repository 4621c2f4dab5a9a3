"""What a document says about itself: its genre, the year it is written for, the region it speaks for
and the section headings a sentence stands under, each read from the signal lexicons.

The assembly of the table (table.py) only reads these frames; the kind and year of each figure are
decided in decide.py from them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import regex

from cnplan import lexicon
from cnplan.extract.region import detect_division, gazetteer, region_level
from cnplan.extract.timing import TimeExpr, period_in, roc_year
from cnplan.marks import HEADING_MARKER

TITLE_ZONE = 200
TITLE_LINES = 2
YEAR = regex.compile(r"(?<![\d])((?:19|20)\d\d)年")
# Names of other documents: 《山东省智能制造发展规划》 in a plan's preamble says nothing of its own genre.
QUOTED_TITLE = regex.compile(r"《[^《》\n]{0,60}》|「[^「」\n]{0,60}」")
HEADING_TITLE = regex.compile(
    r"^([^，,。：:；;!！?？]{2,24}?)(?=[，,。：:；;!！?？]|、[\d一二三四五六七八九十]+、|$)"
)
ARTICLE_HEADER = regex.compile(r"^\s*(?:【篇|篇[一二三四五六七八九十\d]+\s*[:：])")
TOP_MARKER = regex.compile(r"[一二三四五六七八九十]+、|第")
LEAD_IN_END = "：:"
CLOSING = "。；;"
# A dominant year makes the document's year clear when it is mentioned this often and this exclusively.
DOMINANT_MIN_COUNT, DOMINANT_MIN_SHARE = 5, 0.6
YEAR_RULES = ("doc", "previous", "base", "period", "none")


@dataclass(frozen=True)
class GenreDefaults:
    """What a genre implies for a quantity with no cue and no time of its own (genre_defaults.csv)."""

    kind: str
    actual_year: str
    target_year: str
    year_done: bool = False


@dataclass(frozen=True)
class PartContext:
    """What one article says about itself."""

    genre: str
    year: int | None
    period: str
    taiwan: bool
    defaults: GenreDefaults | None = None  # what the genre implies (genre_defaults.csv)
    region: str = ""
    region_code: str = ""  # GB/T 2260 of the region (Taiwan 71, Hong Kong 81, Macao 82)
    region_level: str = ""  # province, prefecture or county

    @property
    def implied(self) -> GenreDefaults:
        """What the genre implies for kind and year."""
        return self.defaults if self.defaults is not None else genre_defaults(self.genre)


@dataclass(frozen=True)
class YearSignal:
    """A signal of the year a document is written for (doc_years.csv)."""

    name: str
    lines: int
    offset: int
    genres: frozenset[str]
    pattern: regex.Pattern[str]


@cache
def _genres() -> tuple[tuple[str, str], ...]:
    """(word, genre) pairs, in lexicon order."""
    return tuple((r["word"], r["genre"]) for r in lexicon.table("genres.csv", ("word", "genre")))


@cache
def _genre_defaults() -> dict[str, GenreDefaults]:
    """Genre -> what it implies for kind and year, validated."""
    out = {}
    for r in lexicon.table("genre_defaults.csv", ("kind", "actual_year", "target_year")):
        if r["kind"] not in ("actual", "target"):
            raise lexicon.LexiconError(f"genre_defaults.csv: kind {r['kind']!r} is not actual or target")
        for column in ("actual_year", "target_year"):
            if r[column] not in YEAR_RULES:
                raise lexicon.LexiconError(f"genre_defaults.csv: {column} {r[column]!r} not in {YEAR_RULES}")
        if r.get("year_done", "no") not in ("yes", "no"):
            raise lexicon.LexiconError(f"genre_defaults.csv: year_done {r['year_done']!r} is not yes or no")
        out[r.get("genre", "")] = GenreDefaults(
            r["kind"], r["actual_year"], r["target_year"], r.get("year_done") == "yes"
        )
    if "" not in out:
        raise lexicon.LexiconError("genre_defaults.csv: no row for the empty genre")
    return out


def genre_defaults(genre: str) -> GenreDefaults:
    """What a genre implies for kind and year (the empty genre's row for an unknown one)."""
    table = _genre_defaults()
    return table.get(genre, table[""])


@cache
def _year_signals() -> tuple[YearSignal, ...]:
    """The document-year signals, strongest first, their patterns compiled and checked."""
    out = []
    for r in lexicon.table("doc_years.csv", ("signal", "lines", "offset", "pattern")):
        try:
            pattern = regex.compile(r["pattern"], regex.M)
        except regex.error as exc:
            raise lexicon.LexiconError(f"doc_years.csv: {r['signal']}: bad pattern ({exc})") from None
        if not {"y", "roc"} & set(pattern.groupindex):
            raise lexicon.LexiconError(f"doc_years.csv: {r['signal']}: the pattern has no group y or roc")
        genres = frozenset(g for g in r.get("genres", "").split("|") if g)
        out.append(YearSignal(r["signal"], int(r["lines"]), int(r["offset"]), genres, pattern))
    return tuple(out)


@cache
def _section_words() -> tuple[tuple[str, str], ...]:
    """(word, kind) pairs of heading words."""
    return tuple((r["word"], r["kind"]) for r in lexicon.table("sections.csv", ("word", "kind")))


def _leading_lines(text: str, n: int) -> str:
    """The first n non-empty lines of a text (all of it when n is 0)."""
    if n <= 0:
        return text
    lines = []
    for line in text.split("\n", 4 * n + 8):
        if line.strip():
            lines.append(line)
            if len(lines) == n:
                break
    return "\n".join(lines)


def detect_genre(text: str) -> str:
    """The genre named in the title lines, else in the opening of a text; '' when none is named."""
    for zone in (_leading_lines(text, TITLE_LINES)[:TITLE_ZONE], text[:TITLE_ZONE]):
        zone = QUOTED_TITLE.sub("", zone)
        for word, genre in _genres():
            if word in zone:
                return genre
    return ""


def _signal_year(match: regex.Match[str]) -> int | None:
    """The Gregorian year a signal's match names."""
    groups = match.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    return roc_year(groups["roc"]) if groups.get("roc") else None


def detect_year(text: str, genre: str) -> int | None:
    """The year a text is written for, from the first signal of doc_years.csv it holds; else None."""
    for signal in _year_signals():
        if signal.genres and genre not in signal.genres:
            continue
        m = signal.pattern.search(_leading_lines(text, signal.lines))
        year = _signal_year(m) if m else None
        if year is not None:
            return year + signal.offset
    years = Counter(int(y) for y in YEAR.findall(text))
    if years:
        year, count = years.most_common(1)[0]
        if count >= DOMINANT_MIN_COUNT and count >= DOMINANT_MIN_SHARE * sum(years.values()):
            return year + 1 if genre_defaults(genre).actual_year == "previous" else year
    return None


def _genre_of_review(text: str) -> str:
    """The genre a year signal of doc_years.csv that holds for one genre only implies (2023年工作回顾: gwr)."""
    for signal in _year_signals():
        if len(signal.genres) == 1 and signal.pattern.search(_leading_lines(text, signal.lines)):
            return next(iter(signal.genres))
    return ""


def part_context(text: str) -> PartContext:
    """Genre, year, plan period, script origin and region of an article."""
    genre = detect_genre(text) or _genre_of_review(text)
    year = detect_year(text, genre)
    division = detect_division(text)
    region = division.name if division else ""
    return PartContext(
        genre,
        year,
        period_in(title_of(text)),
        _is_taiwan(region, text),
        genre_defaults(genre),
        region,
        division.adcode if division else "",
        region_level(division),
    )


@cache
def _taiwan_names() -> frozenset[str]:
    """Full names of the divisions of Taiwan."""
    return frozenset(d.name for d in gazetteer() if d.province == "台湾省")


def _is_taiwan(region: str, text: str) -> bool:
    """True for a document of Taiwan (民国 years)."""
    if "民国" in text[:5000]:
        return True
    return region in _taiwan_names()


def title_of(text: str, width: int = 30) -> str:
    """The title of an article: its first line (with an article header, the header too), at most width chars."""
    lines = [ln for ln in text.split("\n", 3)[:3] if ln.strip()]
    if not lines:
        return ""
    if ARTICLE_HEADER.match(lines[0]) and len(lines) > 1:
        return lines[0] + lines[1][:width]
    return lines[0][:width]


def heading_of(sentence: str, line_start: bool, line_len: int) -> tuple[int, str] | None:
    """(level, title) when a sentence is a heading: a short line, or a numbered short title."""
    marker = HEADING_MARKER.match(sentence)
    level = 3
    if marker:
        tag = marker.group()
        level = 1 if TOP_MARKER.match(tag) else 2
    if line_start and line_len <= 40:
        end = sentence.rstrip()[-1:]
        # a line closed by 。 is a paragraph; one closed by a colon without a number is a lead-in
        if end not in CLOSING and (marker or end not in LEAD_IN_END):
            return level if marker else 1, sentence
    if marker:
        rest = sentence[marker.end() :]
        m = HEADING_TITLE.match(rest)
        if m:
            return level, m.group(1)
    return None


def section_kind(title: str) -> str:
    """The kind a heading's words set: 'actual', 'target' or ''."""
    for word, kind in _section_words():
        if word in title:
            return kind
    return ""


@dataclass(frozen=True)
class Heading:
    """A heading in force: its level, the kind its words set and its time expression."""

    level: int
    kind: str = ""
    time: TimeExpr | None = None


@dataclass
class Section:
    """The headings a sentence stands under, outermost first; the innermost that says something wins."""

    stack: list[Heading] = field(default_factory=list)
    kind: str = ""  # set by the innermost heading that sets one
    time: TimeExpr | None = None  # of the innermost heading that has one

    def enter(self, heading: Heading) -> None:
        """Open a heading: it closes those of its own level and below."""
        self.stack = [h for h in self.stack if h.level < heading.level] + [heading]
        self.kind = next((h.kind for h in reversed(self.stack) if h.kind), "")
        self.time = next((h.time for h in reversed(self.stack) if h.time is not None), None)


def heading_frame(heading: tuple[int, str], times: list[TimeExpr], ctx: PartContext) -> Heading:
    """What a heading sets: kind from its words (else from its year against the document's), time."""
    level, title = heading
    kind = section_kind(title)
    time = next((t for t in times if t.start < len(title) + 4), None)
    if not kind and time is not None and time.year is not None and ctx.year is not None:
        kind = "target" if time.year > ctx.year else "actual" if time.year < ctx.year else ""
    return Heading(level, kind, time)


def review_year(ctx: PartContext) -> int | None:
    """The year a review section of the document speaks of: Y-1 in a work report delivered in Y."""
    if ctx.year is not None and ctx.implied.actual_year == "previous":
        return ctx.year - 1
    return ctx.year


def reference_year(section: Section, ctx: PartContext, review: int | None) -> int | None:
    """The year 今年, 全年 and 年内 mean: the section's year, else the reviewed year in a review, else the
    document's year."""
    if section.time is not None and section.time.year:
        return section.time.year
    return review if section.kind == "actual" else ctx.year
