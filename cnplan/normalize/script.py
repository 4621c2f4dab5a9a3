"""Traditional -> simplified conversion, only where the text is traditional."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import opencc
import regex

from cnplan import lexicon
from cnplan.normalize import t2s


@cache
def traditional_only() -> frozenset[str]:
    """Characters that exist only in traditional script (t2s changes them and they are never a target)."""
    dict_dir = Path(opencc.__file__).parent / "dictionary"
    keys: set[str] = set()
    targets: set[str] = set()
    with open(dict_dir / "TSCharacters.txt", encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            keys.add(key)
            targets.update(values.split())
    return frozenset(keys - targets)


@cache
def _protected() -> regex.Pattern[str] | None:
    """Regex of the words t2s must leave alone, longest first."""
    terms = sorted(lexicon.words("t2s_protect.txt"), key=len, reverse=True)
    if not terms:
        return None
    return regex.compile("|".join(regex.escape(t) for t in terms))


def count_traditional(text: str) -> int:
    """How many characters of the text exist only in traditional script."""
    trad = traditional_only()
    return sum(1 for ch in text if ch in trad)


_NOT_HAN = re.compile("[^\u4e00-\u9fff]+")


def detect_script(text: str, sample: int = 5000) -> str:
    """'traditional', 'simplified' or 'mixed', from a scan of the text's first characters."""
    head = text[:sample]
    han = len(_NOT_HAN.sub("", head))  # the Han characters, counted in C
    if not han:
        return "simplified"
    share = count_traditional(head) / han
    if share > 0.05:
        return "traditional"
    return "mixed" if share > 0 else "simplified"


def _convert_keep(text: str) -> str:
    """Convert t2s, leaving protected words as written (after converting their own trad letters)."""
    pattern = _protected()
    conv = t2s.convert
    if pattern is None:
        return conv(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(conv(text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(conv(text[last:]))
    return "".join(out)


def to_simplified(text: str) -> str:
    """Convert traditional lines to simplified; lines with no traditional-only character stay as they are."""
    trad = traditional_only()
    if trad.isdisjoint(text):  # a C-level scan: simplified text costs next to nothing
        return text
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []  # consecutive traditional lines: converted at once, as a line break ends a clause
    for line in lines:
        if trad.isdisjoint(line):
            if run:
                out.append(_convert_keep("\n".join(run)))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(_convert_keep("\n".join(run)))
    return "\n".join(out)
