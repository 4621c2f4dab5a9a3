"""The normalization pipeline and the article and sentence split with offsets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import regex

from cnplan.marks import SENTENCE_END
from cnplan.normalize import steps
from cnplan.normalize.script import detect_script, to_simplified
from cnplan.normalize.text_tables import rebuild_text_tables

Step = Callable[[str], str]

# Order matters: script conversion before the lexicon-driven boilerplate (written simplified),
# line labels and text tables (cells set off by spaces) before spaces are closed, spaces before year
# ranges and page numbers are read.
STEPS: tuple[tuple[str, Step], ...] = (
    ("fold_radicals", steps.fold_radicals),
    ("strip_pinyin", steps.strip_pinyin),
    ("to_simplified", to_simplified),
    ("to_halfwidth", steps.to_halfwidth),
    ("mark_foreign_digits", steps.mark_foreign_digits),
    ("drop_boilerplate", steps.drop_boilerplate),
    ("strip_urls", steps.strip_urls),
    ("strip_line_numbers", steps.strip_line_numbers),
    ("rebuild_text_tables", rebuild_text_tables),
    ("close_spaces", steps.close_spaces),
    ("join_digit_groups", steps.join_digit_groups),
    ("fold_circle_zero", steps.fold_circle_zero),
    ("split_glued_years", steps.split_glued_years),
    ("drop_page_numbers", steps.drop_page_numbers),
    ("drop_page_furniture", steps.drop_page_furniture),
    ("join_broken_lines", steps.join_broken_lines),
    ("fix_decimal_comma", steps.fix_decimal_comma),
    ("squeeze_blank_lines", steps.squeeze_blank_lines),
)


@dataclass(frozen=True)
class Part:
    """An article of a multi-article file: 1-based index and its span in the normalized text."""

    index: int
    start: int
    end: int
    title: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence: 0-based index in the document, span in the normalized text, article index."""

    index: int
    start: int
    end: int
    part: int


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text with its script, articles and sentences."""

    text: str
    script: str
    parts: tuple[Part, ...] = field(default_factory=tuple)
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)

    def sentence_text(self, sentence: Sentence) -> str:
        """The text of one sentence."""
        return self.text[sentence.start : sentence.end]


def normalize_text(text: str, skip: frozenset[str] = frozenset()) -> str:
    """Run every normalization step (but those named in skip) over the text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    for name, step in STEPS:
        if name not in skip:
            text = step(text)
    return text


def split_parts(text: str) -> tuple[Part, ...]:
    """Split at article headers (【篇一】, 篇二:); text before the first header belongs to article 1."""
    starts: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if steps.is_part_header(line):
            starts.append((pos, line.strip()))
        pos += len(line) + 1
    if not starts:
        return (Part(1, 0, len(text)),)
    starts[0] = (0, starts[0][1])
    bounds = [s for s, _ in starts] + [len(text)]
    return tuple(Part(i + 1, bounds[i], bounds[i + 1], starts[i][1]) for i in range(len(starts)))


_SENTENCE = regex.compile(rf"[^\n{SENTENCE_END}]*(?:[{SENTENCE_END}]+[”’」』)）]*|\n|$)")


def split_sentences(text: str, parts: tuple[Part, ...]) -> tuple[Sentence, ...]:
    """Split at 。！？； and line ends; each sentence keeps its span and article index."""
    out: list[Sentence] = []
    part_i = 0
    for m in _SENTENCE.finditer(text):
        raw = m.group()
        kept = raw.strip()  # str.strip drops what str.isspace calls white space
        if not kept:
            continue
        start = m.start() + len(raw) - len(raw.lstrip())
        end = start + len(kept)
        while part_i + 1 < len(parts) and start >= parts[part_i + 1].start:
            part_i += 1
        out.append(Sentence(len(out), start, end, parts[part_i].index))
    return tuple(out)


def normalize(text: str) -> NormalizedText:
    """Normalize a document's text and split it into articles and sentences with offsets."""
    script = detect_script(text)
    clean = normalize_text(text)
    parts = split_parts(clean)
    return NormalizedText(clean, script, parts, split_sentences(clean, parts))
