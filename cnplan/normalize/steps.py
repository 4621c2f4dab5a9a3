"""Normalization steps: each a pure ``str -> str`` function, testable alone."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import cache

import regex

from cnplan import lexicon
from cnplan.marks import HEADING_MARKER, LINE_END_PUNCT

HAN = r"\p{Han}"
# CJK punctuation and quotes that glue to Chinese text without spaces.
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"

TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = regex.compile(rf"(?<=\p{{Han}})[(（][a-zü{TONE_VOWELS}]*[{TONE_VOWELS}][a-zü{TONE_VOWELS}]*[)）]")

# Full-width ASCII that becomes half-width; Chinese punctuation (，！？；：（）～ …) stays.
_KEEP_FULLWIDTH = set("，！？；：（）［］｛｝＂＇～｀")
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
_HALFWIDTH[0x3000] = 0x20


def char_class(codepoints: Iterable[int]) -> str:
    """A regex character class of code points, written as ranges (re scans a class fast; regex does not)."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges)
    return f"[{body}]"


_HALFWIDTH_RUN = re.compile(char_class(_HALFWIDTH) + "+")

_SPACES_NEAR_CJK = regex.compile(rf"(?<=[{HAN}{CJK_PUNCT}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{HAN}{CJK_PUNCT}])")
_SPACES_DIGIT_SIGN = regex.compile(r"(?<=\d)[ \t]+(?=[%.])|(?<=\d\.)[ \t]+(?=\d)")
_LINE_NUMBER = regex.compile(r"^(\d{1,4})、")
_GLUED_YEARS = regex.compile(r"(?<!\d)((?:19|20)\d\d)((?:19|20)\d\d)(?!\d)")
_PAGE_CANDIDATE = regex.compile(rf"(?:(?<={HAN})|(?<=^))(\d{{1,3}})(?=[{HAN}]|$)", regex.M)
_DECIMAL_COMMA = regex.compile(r"(?<![\d.、])(\d+)、(\d{1,2})(?=[万亿千]|%)")
_URL = regex.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。；]+")


# Kangxi radicals and CJK compatibility ideographs that PDF text layers give for ordinary characters
# (⼀ U+2F00 for 一, ⽣ for 生): Unicode's own compatibility mapping, one character to one.
_RADICALS = {
    cp: ord(folded)
    for cp in [*range(0x2F00, 0x2FE0), *range(0x2E80, 0x2F00), *range(0xF900, 0xFB00)]
    if len(folded := unicodedata.normalize("NFKC", chr(cp))) == 1 and folded != chr(cp)
}


_RADICAL_RUN = re.compile(char_class(_RADICALS) + "+")


def fold_radicals(text: str) -> str:
    """Kangxi radicals and compatibility ideographs from PDF copies to ordinary characters: ⽣产 -> 生产."""
    return _translate_runs(text, _RADICAL_RUN, _RADICALS)


def _translate_runs(text: str, runs: re.Pattern[str], table: dict[int, int]) -> str:
    """str.translate applied only to the runs a pattern finds: rare characters cost a C-level scan."""
    return runs.sub(lambda m: m.group().translate(table), text)


def strip_pinyin(text: str) -> str:
    """Drop tone-marked pinyin that web copies insert after characters: 領(lǐng) -> 領."""
    return _PINYIN.sub("", text)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and signs (％ ． ／ …) to half-width; Chinese punctuation stays."""
    return _translate_runs(text, _HALFWIDTH_RUN, _HALFWIDTH)


def strip_urls(text: str) -> str:
    """Drop web addresses."""
    return _URL.sub("", text)


@cache
def _boilerplate_rules() -> tuple[tuple[str, str, int], ...]:
    """(phrase, action, max_len) rules of the boilerplate lexicon."""
    rows = lexicon.table("boilerplate.csv", ("phrase", "action", "max_len"))
    return tuple((r["phrase"], r["action"], int(r["max_len"])) for r in rows)


@cache
def _boilerplate_phrases() -> re.Pattern[str] | None:
    """Any phrase of the boilerplate lexicon, to pass over texts that have none at C speed."""
    phrases = [phrase for phrase, _, _ in _boilerplate_rules()]
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


def drop_boilerplate(text: str) -> str:
    """Drop web-page furniture lines named in the boilerplate lexicon."""
    rules = _boilerplate_rules()
    anywhere = _boilerplate_phrases()
    if anywhere is None or not anywhere.search(text):
        return text
    out: list[str] = []
    skipping = False
    for line in text.split("\n"):
        bare = line.strip()
        if skipping and not is_part_header(bare):
            continue
        skipping = False
        drop = False
        for phrase, action, max_len in rules:
            if action == "rest" and bare.startswith(phrase) and len(bare) <= max_len:
                skipping = drop = True
                break
            if action == "line" and phrase in bare and len(bare) <= max_len:
                drop = True
                break
        if not drop:
            out.append(line)
    return "\n".join(out)


_PART_HEADER = regex.compile(
    r"^\s*(?:【篇([一二三四五六七八九十\d]+)】|篇([一二三四五六七八九十\d]+)\s*[:：])"
)


def is_part_header(line: str) -> bool:
    """True for a line that opens an article of a multi-article file (【篇一】, 篇二:)."""
    return bool(_PART_HEADER.match(line))


def strip_line_numbers(text: str) -> str:
    """Drop scraper line labels 1、 2、 3、 … when every non-empty line carries the next one."""
    lines = text.split("\n")
    full = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(full) < 3:
        return text
    numbers = []
    for i in full:
        m = _LINE_NUMBER.match(lines[i].strip())
        if not m:
            return text
        numbers.append(int(m.group(1)))
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return text
    for i in full:
        lines[i] = _LINE_NUMBER.sub("", lines[i].strip(), count=1)
    return "\n".join(lines)


def close_spaces(text: str) -> str:
    """Close spaces that PDF copies leave inside Chinese words and around numbers: 工 业化 -> 工业化."""
    text = _SPACES_NEAR_CJK.sub("", text)
    text = _SPACES_DIGIT_SIGN.sub("", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# Thousands set off by a space (HK and English-style copies: 超过67 000个房间), between words, not table cells.
_DIGIT_GROUPS = regex.compile(r"(?<=[\p{Han}，、（(：:])\d{1,3}(?: \d{3})+(?=[\p{Han}%])")
# ○ (white circle) written for 〇 among Chinese numerals, as Taiwan's gazettes write 三○% and 二○○一.
_CIRCLE_ZERO = regex.compile(r"(?<=[一二三四五六七八九〇])○|○(?=[一二三四五六七八九〇○])")


# Digits mean ASCII digits (full-width ones are folded to them before): the decimal digits of other
# scripts (٣, U+11F55) would match a pattern's \d but are no number of a Chinese document.
_FOREIGN_DIGIT = regex.compile(r"(?V1)[\d--[0-9]]")


def mark_foreign_digits(text: str) -> str:
    """Replace decimal digits other than ASCII with U+FFFD, so that no rule reads them as a number."""
    return _FOREIGN_DIGIT.sub("\ufffd", text) if not text.isascii() else text


def join_digit_groups(text: str) -> str:
    """Close the spaces that set off thousands inside a number: 67 000个 -> 67000个."""
    return _DIGIT_GROUPS.sub(lambda m: m.group().replace(" ", ""), text)


def fold_circle_zero(text: str) -> str:
    """Read ○ among Chinese numerals as the numeral zero 〇: 三○% -> 三〇%."""
    return _CIRCLE_ZERO.sub("〇", text) if "○" in text else text


def split_glued_years(text: str) -> str:
    """Restore the dash of glued year ranges: (20112015) -> (2011-2015)."""

    def fix(m: regex.Match[str]) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        return f"{a}-{b}" if 0 < b - a <= 30 else m.group()

    return _GLUED_YEARS.sub(fix, text)


def _page_chain(cands: list[tuple[int, int]], min_gap: int) -> list[int]:
    """Indices of the longest run of candidates whose values go 1 by 1 up, each a page away."""
    best: dict[int, tuple[int, int]] = {}  # value -> (chain length, index of its last candidate)
    prev: dict[int, int] = {}
    for i, (pos, value) in enumerate(cands):
        length, link = 1, -1
        before = best.get(value - 1)
        if before and pos - cands[before[1]][0] >= min_gap:
            length, link = before[0] + 1, before[1]
        if length > best.get(value, (0, -1))[0]:
            best[value] = (length, i)
            prev[i] = link
    if not best:
        return []
    length, last = max(best.values())
    chain = []
    while last != -1:
        chain.append(last)
        last = prev[last]
    return chain[::-1]


def _even_pages(positions: list[int], length: int) -> bool:
    """True when positions are spread like page breaks: similar gaps, covering most of the text."""
    gaps = sorted(b - a for a, b in zip(positions, positions[1:]))
    median = gaps[len(gaps) // 2]
    return (
        gaps[0] >= 0.4 * median
        and gaps[-1] <= 2.5 * median
        and positions[-1] - positions[0] + 1.5 * median >= 0.6 * length
    )


def drop_page_numbers(text: str, min_run: int = 3, min_gap: int = 150) -> str:
    """Remove page numbers glued into running text (生态5建设) when they form the page sequence."""
    cands = [(m.start(), int(m.group(1))) for m in _PAGE_CANDIDATE.finditer(text)]
    chain = _page_chain(cands, min_gap)
    if len(chain) < min_run or not _even_pages([cands[i][0] for i in chain], len(text)):
        return text
    out, last = [], 0
    for i in chain:
        pos, value = cands[i]
        out.append(text[last:pos])
        last = pos + len(str(value))
    out.append(text[last:])
    return "".join(out)


# A text is hard-wrapped when this share of its lines stand near a common length, no longer than
# WRAP_MAX characters. Lengths are counted in characters: a printed line holds about as many whatever
# they are, and digits, though narrower, only let it hold more.
WRAP_SHARE, WRAP_NEAR, WRAP_MAX, WRAP_MIN_LINES = 0.4, 0.85, 120, 12
# A line at least this share of the wrap length that does not close its sentence continues on the next;
# lower than WRAP_NEAR, for lines that stop before a word too long to fit (…从2015年的 / 2.69万亿元).
JOIN_NEAR = 0.75
# Page furniture of a plain-text copy: a short line repeated on every page, a bare page number.
RUNNING_MIN, RUNNING_MAX_LEN = 3, 30


def wrap_width(lines: list[str]) -> int | None:
    """The length (characters) a text was hard-wrapped at, or None when its lines run free.

    The wrap length is the length w that most lines stand just under (between WRAP_NEAR * w and w);
    a text is wrapped when at least WRAP_SHARE of its lines do.
    """
    lengths = [n for n in map(len, lines) if n >= 8]
    # a line is at least as wide as it is long: when too few lines are short enough, no width can win
    narrow = [line for line in lines if 8 <= len(line) <= WRAP_MAX]
    if len(lengths) < WRAP_MIN_LINES or len(narrow) < WRAP_SHARE * len(lengths):
        return None
    widths = sorted(map(len, narrow))
    best, best_count = 0, 0
    for w in sorted(set(widths)):
        if w > WRAP_MAX:
            break
        count = bisect_right(widths, w) - bisect_left(widths, WRAP_NEAR * w)
        if count >= best_count:
            best, best_count = w, count
    return best if best_count >= WRAP_SHARE * len(lengths) else None


def _furniture(lines: list[str]) -> set[int]:
    """Indices of page furniture: short unpunctuated lines seen on several pages, bare page numbers."""
    running = {
        line
        for line, n in Counter(lines).items()
        if n >= RUNNING_MIN
        and 0 < len(line) <= RUNNING_MAX_LEN
        and line[-1] not in LINE_END_PUNCT
        and not HEADING_MARKER.match(line)
    }
    numbers = [
        (i, int(line)) for i, line in enumerate(lines) if line.isascii() and line.isdigit() and len(line) <= 5
    ]
    pairs = [(i, j) for (i, a), (j, b) in zip(numbers, numbers[1:]) if b == a + 1]
    out = {k for pair in pairs for k in pair} if len(pairs) >= RUNNING_MIN - 1 else set()  # pages count up
    if running:
        out.update(i for i, line in enumerate(lines) if line in running)
    return out


def drop_page_furniture(text: str) -> str:
    """Remove running lines and bare page numbers of a paged copy, closing the gap they leave mid-sentence."""
    lines = text.split("\n")
    furniture = _furniture(lines)
    if not furniture:
        return text
    out: list[str] = []
    closing = False  # inside a gap left by furniture after a line that did not end its sentence
    for i, line in enumerate(lines):
        if i in furniture:
            closing = bool(out) and (closing or (bool(out[-1]) and out[-1][-1] not in LINE_END_PUNCT))
            while closing and out and not out[-1]:
                out.pop()
            continue
        if closing and not line:
            continue
        closing = False
        out.append(line)
    return "\n".join(out)


def join_broken_lines(text: str, min_len: int = 60) -> str:
    """Re-join hard-wrapped lines: a line that stops mid-sentence near the wrap length continues on the next."""
    lines = text.split("\n")
    # lines of a wrapped text are short: when the average line is longer than any wrap, none is
    width = wrap_width(lines) if len(text) <= WRAP_MAX * len(lines) else None
    limit = 0.0 if width is None else JOIN_NEAR * width
    out: list[str] = []  # the lines, with a line break before each that starts a new line
    previous = ""  # the last line as it stood in the text: a joined line is as wide as its last piece
    for line in lines:
        if not (
            line
            and previous
            and previous[-1] not in LINE_END_PUNCT
            and (len(previous) >= min_len or (width is not None and len(previous) >= limit))
            and not is_part_header(line)
        ):
            out.append("\n")
        out.append(line)
        previous = line
    return "".join(out)[1:]


def fix_decimal_comma(text: str) -> str:
    """Read 、 as a decimal point where nothing else fits: 22、5万人次 -> 22.5万人次."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text)


_BLANK_LINES = re.compile(r"\n{3,}")


def squeeze_blank_lines(text: str) -> str:
    """Collapse runs of blank lines into one and trim the ends."""
    return _BLANK_LINES.sub("\n\n", text).strip("\n")
