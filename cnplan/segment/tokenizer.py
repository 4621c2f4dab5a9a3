"""A private tokenizer (never jieba's global one) with the planning lexicon added.

The engine is jieba-fast-dat (jieba's algorithm over a C++ double-array trie, about 8x faster)
loaded with jieba's own dictionary, so the cuts are jieba's, word for word (tests check it). Where
jieba-fast-dat is not installed (Windows with Python 3.10-3.12 has no wheel), or with the environment
variable CNPLAN_TOKENIZER=jieba, jieba itself cuts: the same dictionary, the same words, slower.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
def engine():
    """The tokenizer module: jieba_fast_dat, or jieba where that is absent or CNPLAN_TOKENIZER=jieba."""
    if os.environ.get("CNPLAN_TOKENIZER", "") != "jieba":
        try:
            import jieba_fast_dat

            return jieba_fast_dat
        except ImportError:
            pass
    import jieba

    return jieba


@cache
def _dictionary() -> str:
    """jieba's own dictionary file, the one both engines cut with (found without importing jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("cnplan cuts words with jieba's dictionary: pip install jieba")
    return os.path.join(os.path.dirname(spec.origin), "dict.txt")


def _cached_trie(tok) -> None:
    """Load the dictionary trie from cnplan's cache, building it first (atomically) when absent."""
    # the engine's and the dictionary's files are rewritten on every reinstall; a stat is cheaper
    # than package metadata, and importing jieba for its version would cost 60 ms of start-up
    module = engine()
    stamp = os.stat(module.__file__).st_mtime_ns
    dictionary = os.stat(_dictionary())
    kind = "dat" if module.__name__ == "jieba_fast_dat" else "cache"
    final = (
        Path(cache_dir()) / f"{module.__name__}.{dictionary.st_size}.{dictionary.st_mtime_ns}.{stamp}.{kind}"
    )
    if final.exists():
        tok.cache_file = str(final)
        tok.initialize()
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
    os.close(fd)
    os.unlink(tmp)  # the engine writes the file itself; a half-written cache is never seen under its name
    try:
        tok.cache_file = tmp
        tok.initialize()
        if os.path.exists(tmp):
            os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@cache
def tokenizer():
    """The tokenizer, built once per process; the dictionary trie is cached across runs."""
    module = engine()
    module.setLogLevel(logging.WARNING)
    tok = module.Tokenizer(_dictionary())
    _cached_trie(tok)
    for term, freq in _planning_terms():
        tok.add_word(term, freq)
    return tok


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def words(text: str) -> list[str]:
    """Cut text into words (jieba's precise mode, no HMM for new words); a lone surrogate is a word of its own."""
    if _SURROGATE.search(text) is None:  # a string from the API may hold one; jieba's C++ core refuses it
        return tokenizer().lcut(text, HMM=False)
    out: list[str] = []
    last = 0
    for m in _SURROGATE.finditer(text):
        if m.start() > last:
            out.extend(tokenizer().lcut(text[last : m.start()], HMM=False))
        out.append(m.group())
        last = m.end()
    if last < len(text):
        out.extend(tokenizer().lcut(text[last:], HMM=False))
    return out


def segment(text: str) -> list[Token]:
    """Cut text into words with their spans."""
    out, start = [], 0
    for w in words(text):
        end = start + len(w)
        out.append(Token(w, start, end))
        start = end
    return out


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
    counts = Counter(words(text))  # count first: far fewer distinct words than words to test
    return Counter({w: n for w, n in counts.items() if is_term(w, min_len)})
