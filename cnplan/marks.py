"""Punctuation and heading marks of Chinese documents, shared by the reading, normalizing and extracting stages."""

from __future__ import annotations

from functools import cache

import regex

SENTENCE_END = "。！？；!?;"
# A line ending in one of these closes what it says; the next line starts something new.
LINE_END_PUNCT = SENTENCE_END + "：:”’」』）)】"
# The numbering that opens a heading: 一、 （二） 3. 第四章
HEADING_MARKER = regex.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十]+[章节部分篇])"
)


_WIDE = regex.compile(r"[\u2e81-\U0010ffff]")
# Characters whose UTF-8 length does not tell their width: narrow ones beyond ASCII, and those beyond the BMP.
_UNEVEN = regex.compile(r"[\u0080-\u2e80\U00010000-\U0010ffff]")


def display_width(text: str) -> int:
    """Display width: two columns for a CJK character (from U+2E81 on), one for others."""
    if _UNEVEN.search(text) is None:  # ASCII is one byte, the rest three: the width follows from the bytes
        return (len(text) + len(text.encode("utf-8"))) // 2
    return len(text) + len(_WIDE.findall(text))


@cache
def _any_of(chars: str, reverse: bool) -> regex.Pattern[str]:
    """A pattern of any one of the characters (scanning backwards if reverse), compiled once."""
    return regex.compile(f"[{regex.escape(chars)}]", regex.REVERSE if reverse else 0)


def first_of(chars: str, text: str, start: int = 0, end: int | None = None) -> int:
    """Position of the first of the characters in text[start:end], or -1: one scan, not a find per mark."""
    m = _any_of(chars, False).search(text, start, len(text) if end is None else end)
    return m.start() if m else -1


def last_of(chars: str, text: str, start: int = 0, end: int | None = None) -> int:
    """Position of the last of the characters in text[start:end], or -1: one scan, not an rfind per mark."""
    m = _any_of(chars, True).search(text, start, len(text) if end is None else end)
    return m.start() if m else -1
