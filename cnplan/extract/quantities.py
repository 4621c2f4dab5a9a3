"""Find quantities — number, unit, comparator — in a sentence, and skip what is no quantity."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon
from cnplan.extract.numbers import CHINESE_NUMERAL_CHARS, NUMBER, is_chinese, parse_number
from cnplan.extract.units import UnitInfo, split_multiplier, to_base, unit_pattern, units
from cnplan.marks import first_of, last_of

RANGE_SIGNS = "-－—–~～至到"
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『《", "”’」』》"
# A quoted span this short that holds a quantity is a slogan (“三个责任”, “六个抓手”).
SLOGAN_MAX = 60
TITLE_OPEN, TITLE_CLOSE = "《", "》"
TITLE_MAX = 100  # a document title in 《》 is at most this long


@dataclass(frozen=True)
class Quantity:
    """A number with its unit found in a text: values as written and in base units, span and surface."""

    value: float
    value_max: float | None
    unit: str
    comparator: str
    cue: str
    start: int
    end: int
    surface: str
    value_base: float | None
    value_max_base: float | None
    unit_base: str


@cache
def _comparators() -> dict[str, dict[str, str]]:
    """Comparator words by position: {'before': {word: op}, 'inside': ..., 'after': ...}."""
    out: dict[str, dict[str, str]] = {"before": {}, "inside": {}, "after": {}}
    for row in lexicon.table("comparators.csv", ("word", "position", "comparator")):
        out[row["position"]][row["word"]] = row["comparator"]
    return out


@cache
def _fixed_expressions() -> tuple[str, ...]:
    """Fixed expressions that look like quantities but are none."""
    return lexicon.words("fixed_expressions.txt")


@cache
def _pattern() -> regex.Pattern[str]:
    """The quantity regex: number, optional range end, optional 余/多, unit, optional after-comparator.

    The unit is required unless the number opens with 百分之, so bare numbers (years, list numbers,
    the 一 of 进一步) never become matches for Python to look at.
    """
    inside = "|".join(sorted(_comparators()["inside"], key=len, reverse=True))
    after = "|".join(sorted(_comparators()["after"], key=len, reverse=True))
    return regex.compile(
        rf"(?<![\d.])(?<!\d,)(?P<pct>百分之)?(?P<num>{NUMBER})"
        rf"(?:(?P<inside1>{inside})?(?P<u1>{unit_pattern()})?[{RANGE_SIGNS}](?P<num2>{NUMBER}))?"
        rf"(?P<inside>{inside})?(?:(?P<unit>{unit_pattern()})|(?(pct)|(?!)))(?P<after>{after})?"
    )


@cache
def _before_words() -> tuple[str, ...]:
    """The comparator words that stand before a number, longest first."""
    return tuple(sorted(_comparators()["before"], key=len, reverse=True))


def _comparator_before(text: str, start: int) -> tuple[str, str]:
    """A comparator word standing just before the number (近百家, 突破150亿元, 超3.3万亩)."""
    words = _before_words()
    window = text[max(0, start - 6) : start]
    if not window.endswith(words):  # one C-level test; most numbers have no comparator
        return "", ""
    for word in words:
        if window.endswith(word):
            return _comparators()["before"][word], word
    return "", ""


def _control_within(text: str, start: int) -> bool:
    """True when 控制在 stands shortly before the number (控制在…以内 is <=)."""
    return "控制在" in text[max(0, start - 8) : start]


def _in_title(text: str, start: int) -> bool:
    """True when the quantity sits inside a 《title》 (one of at most TITLE_MAX characters)."""
    lo = max(0, start - TITLE_MAX)  # a bounded look back: time stays linear in a sentence's length
    return text.rfind(TITLE_OPEN, lo, start) > text.rfind(TITLE_CLOSE, lo, start)


def _in_slogan(text: str, start: int, end: int) -> bool:
    """True when the quantity sits in a quoted phrase, a slogan rather than a measurement."""
    left = last_of(OPEN_QUOTES, text, max(0, start - SLOGAN_MAX), start)  # a slogan is short: look back
    if left < 0:  # and ahead only that far, so time stays linear in a sentence's length
        return False
    right = first_of(CLOSE_QUOTES, text, end, min(len(text), left + SLOGAN_MAX + 2))
    if right < 0:
        return False
    return first_of(CLOSE_QUOTES, text, left, start) < 0 and right - left - 1 <= SLOGAN_MAX


@cache
def _unit_info(unit: str) -> UnitInfo | None:
    """The lexicon entry of a unit as written, its 万/亿 prefix dropped (few distinct units: cached)."""
    bare_unit = unit
    for prefix in ("万亿", "亿", "万"):
        if bare_unit.startswith(prefix) and bare_unit != prefix:
            bare_unit = bare_unit[len(prefix) :]
            break
    return units().get(bare_unit.split("/")[0])


def _is_no_quantity(text: str, m: regex.Match[str]) -> bool:
    """Context rules for numbers that are no quantity: ordinals, words, slogans, fixed expressions."""
    start, end = m.start("num"), m.end()
    pct, num, unit = m.group("pct", "num", "unit")
    if pct:
        return False  # 百分之百 is a figure even when quoted for emphasis
    unit = unit or ""
    before = text[start - 1] if start else ""
    if before == "第" or before == "每" and not unit:
        return True
    info = _unit_info(unit)
    after = text[m.end("unit") : m.end("unit") + 1] if unit else ""
    if info is not None and after and after in _not_before().get(info.unit, ""):
        return True
    if after and after in OPEN_QUOTES and _counts_slogan(text, m.end("unit"), unit):
        return True
    chinese = is_chinese(num)
    if chinese:
        if info is not None and not info.after_chinese:
            return True
        if num == "一" and unit in _article_measures():  # 一个, 一批, 一轮: an article, not a count
            return True
        if before in _NUMERAL_WORD_LEFT:
            return True
        if num == "一" and text.endswith(_indefinite_left(), 0, start):
            return True  # 营造一个良好的环境: an article, not a count
        if num in ("百", "千") and unit[:1] in ("万", "亿"):
            return True  # 千万吨炼油, 百万吨乙烯: a size class, not a quantity
    if _in_title(text, start):
        return True
    if text.startswith(_fixed_expressions(), m.start()):
        return True
    return _in_slogan(text, start, end)


# Measure words that count slogans (三个“确保”, 五大“行动”); a quoted name after 项, 名, 户 ... names
# what is counted (56项“免申即享”政策, 2658名“企业知心人”).
SLOGAN_MEASURES = frozenset({"个", "大", "条", "种", "句", "字"})
# After the closing quote, a Han character other than these continues a noun phrase: 7个“保交楼”项目.
_PHRASE_END = frozenset("的和与及、等是为了在")


def _counts_slogan(text: str, quote: int, unit: str) -> bool:
    """True when a quoted phrase right after a quantity is the slogan it counts, not a name of the thing."""
    if unit not in SLOGAN_MEASURES:
        return False
    close = first_of(CLOSE_QUOTES, text, quote, min(len(text), quote + SLOGAN_MAX + 2))
    nxt = text[close + 1 : close + 2] if close >= 0 else ""
    return not (nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in _PHRASE_END)


# Characters that form words with a following Chinese numeral (统一, 唯一, 之一, 万一, 星期一).
_NUMERAL_WORD_LEFT = frozenset("统唯之万同专单逐划均期周初星礼合归不几数")


@cache
def _article_measures() -> frozenset[str]:
    """Measure words that after a lone 一 make an article or an ordinal (article_measures.txt)."""
    return frozenset(lexicon.words("article_measures.txt"))


@cache
def _indefinite_left() -> tuple[str, ...]:
    """Words after which 一 + measure word is an indefinite article."""
    return lexicon.words("indefinite_left.txt")


@cache
def _not_before() -> dict[str, str]:
    """For each unit, the characters that after it show it is part of a word."""
    return {row["unit"]: row.get("not_before", "") for row in lexicon.table("units.csv", ("unit",))}


MINUS_SIGNS = "-−－"
_HAN_CHAR = regex.compile(r"\p{Han}")


def _is_negative(text: str, start: int) -> bool:
    """True when a minus sign stands right before a number and right after a word (增长-3.2%), not in a range."""
    return (
        start >= 2
        and text[start - 1] in MINUS_SIGNS
        and text[start].isdigit()
        and _HAN_CHAR.match(text, start - 2) is not None
    )


_NUMERAL = regex.compile(rf"[\d{CHINESE_NUMERAL_CHARS}]")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in the text, in order, with spans into the text."""
    out: list[Quantity] = []
    if not _NUMERAL.search(text):  # no digit, no numeral: nothing for the full pattern to find
        return out
    for m in _pattern().finditer(text):
        pct, num, num2, u1, inside, written, after = m.group(
            "pct", "num", "num2", "u1", "inside", "unit", "after"
        )
        unit = "%" if pct else written or ""
        if not unit or _is_no_quantity(text, m):
            continue
        # a 万/亿 inside the number (12万305, 二兆六四六五) is counted in the unit's own multiplier
        scale = split_multiplier(unit)[0] if "万" in num or "亿" in num or "兆" in num else 1.0
        value = parse_number(num, scale)
        if value is None:
            continue
        begin = m.start()
        negative = begin > 1 and text[begin - 1] in MINUS_SIGNS and _is_negative(text, begin)
        if negative:  # 增长-3.2%: a fall written as a negative growth
            value = -value
        value_max = parse_number(num2, scale) if num2 else None
        if u1 and u1 != unit:
            continue  # 3项-5个: not a range of one unit
        if value_max is not None and value_max <= value:
            continue
        comparator, cue = "=", ""
        before_op, before_word = _comparator_before(text, begin)
        if after:
            cue = after
            comparator = _comparators()["after"][cue]
        elif inside:
            cue = inside
            comparator = _comparators()["inside"][cue]
        elif before_op:
            comparator, cue = before_op, before_word
        if comparator == "=" and _control_within(text, begin):
            comparator, cue = "<=", "控制在"
        value_base, unit_base = to_base(value, unit)
        value_max_base = None if value_max is None else to_base(value_max, unit)[0]
        start = begin - negative
        end = m.end("unit") if written else m.end("num")
        out.append(
            Quantity(
                value,
                value_max,
                unit,
                comparator,
                cue,
                start,
                end,
                text[start:end],
                value_base,
                value_max_base,
                unit_base,
            )
        )
    return out
