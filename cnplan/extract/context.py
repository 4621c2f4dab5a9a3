"""What a document says about itself: genre, the year it is written for, and its section headings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon
from cnplan.extract.timing import period_in
from cnplan.marks import HEADING_MARKER

TITLE_ZONE = 200
YEAR = regex.compile(r"(?<![\d])((?:19|20)\d\d)年")
REVIEW_HEADING = regex.compile(r"((?:19|20)\d\d)年(?:[^。，,\n]{0,6})?工作回顾")
OPENING_YEAR = regex.compile(
    r"^\s*((?:19|20)\d\d)年(?:[,，是]|[^\n。]{0,12}(?:工作|要点|重点|计划|总结|报告))"
)
HEADING_TITLE = regex.compile(
    r"^([^，,。：:；;!！?？]{2,24}?)(?=[，,。：:；;!！?？]|、[\d一二三四五六七八九十]+、|$)"
)
ARTICLE_HEADER = regex.compile(r"^\s*(?:【篇|篇[一二三四五六七八九十\d]+\s*[:：])")
TOP_MARKER = regex.compile(r"[一二三四五六七八九十]+、|第")
# A dominant year makes the document's year clear when it is mentioned this often and this exclusively.
DOMINANT_MIN_COUNT, DOMINANT_MIN_SHARE = 5, 0.6


@dataclass(frozen=True)
class PartContext:
    """What one article says about itself."""

    genre: str
    year: int | None
    period: str
    taiwan: bool


@cache
def _genres() -> tuple[tuple[str, str], ...]:
    """(word, genre) pairs, in lexicon order."""
    return tuple((r["word"], r["genre"]) for r in lexicon.table("genres.csv", ("word", "genre")))


@cache
def _section_words() -> tuple[tuple[str, str], ...]:
    """(word, kind) pairs of heading words."""
    return tuple((r["word"], r["kind"]) for r in lexicon.table("sections.csv", ("word", "kind")))


def detect_genre(text: str) -> str:
    """The genre named in the title zone of a text: gwr, summary, plan, programme, or ''."""
    head = text[:TITLE_ZONE]
    for word, genre in _genres():
        if word in head:
            return genre
    return ""


def detect_year(text: str, genre: str) -> int | None:
    """The year a text is written for, when the text makes it clear; else None."""
    review = REVIEW_HEADING.search(text)
    if genre == "gwr" and review:
        return int(review.group(1)) + 1
    for line in text.split("\n", 3)[:3]:
        m = OPENING_YEAR.match(line)
        if m:
            return int(m.group(1))
    years = Counter(int(y) for y in YEAR.findall(text))
    if years:
        year, count = years.most_common(1)[0]
        if count >= DOMINANT_MIN_COUNT and count >= DOMINANT_MIN_SHARE * sum(years.values()):
            return year + 1 if genre == "gwr" else year
    return None


def part_context(text: str, taiwan: bool = False) -> PartContext:
    """Genre, year, plan period and script origin of an article."""
    genre = detect_genre(text)
    if not genre and REVIEW_HEADING.search(text):
        genre = "gwr"
    return PartContext(genre, detect_year(text, genre), period_in(title_of(text)), taiwan)


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
    if line_start and line_len <= 40 and not sentence.rstrip().endswith(("。", "；", ";")):
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
