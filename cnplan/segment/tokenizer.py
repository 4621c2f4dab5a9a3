"""A private jieba tokenizer (never jieba's global one) with the planning lexicon added."""

from __future__ import annotations

import logging
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import regex

from cnplan import lexicon

DEFAULT_FREQ = 20000
_CONTENT = regex.compile(r"[\p{Han}A-Za-z]")
_NUMBERISH = regex.compile(r"^[\d.%,，、]+$")


@dataclass(frozen=True)
class Token:
    """A word with its span in the segmented text."""

    text: str
    start: int
    end: int


def cache_dir() -> str:
    """Where jieba's prefix-dictionary cache is kept between runs (XDG cache, else the temp dir)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "cnplan"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".probe"
        probe.touch()
        probe.unlink()
        return str(path)
    except OSError:
        return tempfile.gettempdir()


def _planning_terms() -> list[tuple[str, int]]:
    """(term, frequency) pairs of the planning lexicon."""
    out = []
    text = Path(lexicon.path("planning_terms.txt")).read_text(encoding="utf-8")
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        freq = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else DEFAULT_FREQ
        out.append((fields[0], freq))
    return out


@cache
def tokenizer() -> jieba.Tokenizer:
    """The tokenizer, built once per process; jieba's dictionary cache is reused across runs."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = cache_dir()
    tok.initialize()
    for term, freq in _planning_terms():
        tok.add_word(term, freq)
    return tok


def segment(text: str) -> list[Token]:
    """Cut text into words with their spans (jieba's precise mode, no HMM for new words)."""
    return [Token(w, s, e) for w, s, e in tokenizer().tokenize(text, HMM=False)]


@cache
def _stopwords() -> frozenset[str]:
    """Words left out of term counts."""
    return frozenset(lexicon.words("stopwords.txt"))


def is_term(word: str, min_len: int = 2) -> bool:
    """True for a content word: long enough, with a letter or Han character, not a stopword or number."""
    return (
        len(word) >= min_len
        and bool(_CONTENT.search(word))
        and not _NUMBERISH.match(word)
        and word not in _stopwords()
    )


def term_counts(text: str, min_len: int = 2) -> Counter[str]:
    """Counts of the content words of a text."""
    return Counter(t.text for t in segment(text) if is_term(t.text, min_len))
