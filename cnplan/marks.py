"""Punctuation and heading marks of Chinese documents, shared by the reading, normalizing and extracting stages."""

from __future__ import annotations

import regex

SENTENCE_END = "。！？；!?;"
# A line ending in one of these closes what it says; the next line starts something new.
LINE_END_PUNCT = SENTENCE_END + "：:”’」』）)】"
# The numbering that opens a heading: 一、 （二） 3. 第四章
HEADING_MARKER = regex.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十]+[章节部分篇])"
)
