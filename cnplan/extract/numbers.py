"""Numbers as written in Chinese planning texts: Arabic, Chinese numerals, and both mixed."""

from __future__ import annotations

import regex

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = rf"[{CHINESE_NUMERAL_CHARS}]+"
# 1万5千, 3万2千 — a mixed number whose 万 is inside the number, not the unit's multiplier.
MIXED = r"\d+万\d+千"
_MIXED = regex.compile(r"(\d+)万(\d+)千")
_ARABIC = regex.compile(ARABIC)
NUMBER = rf"(?:{MIXED}|{ARABIC}|{CHINESE})"
NUMBER_RE = regex.compile(NUMBER)


def parse_chinese(text: str) -> float | None:
    """Value of a Chinese numeral (一百二十 -> 120, 两 -> 2, 十二 -> 12, 三万五千 -> 35000)."""
    if not text:
        return None
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        # digit by digit, as in 二〇一五
        return float("".join(str(DIGITS[ch]) for ch in text))
    total, section, number = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            number = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if number is None else number) * SMALL_UNITS[ch]
            number = None
        elif ch in BIG_UNITS:
            section += number or 0
            total += (section or 1) * BIG_UNITS[ch]
            section, number = 0, None
        else:
            return None
    return float(total + section + (number or 0))


def parse_number(text: str) -> float | None:
    """Value of an Arabic, Chinese or mixed number as written; None when it is none of these."""
    text = text.strip()
    if not text:
        return None
    mixed = _MIXED.fullmatch(text)
    if mixed:
        return float(int(mixed.group(1)) * 10_000 + int(mixed.group(2)) * 1000)
    if _ARABIC.fullmatch(text):
        return float(text.replace(",", ""))
    return parse_chinese(text)


_CHINESE_ONLY = regex.compile(f"[{CHINESE_NUMERAL_CHARS}{''.join(BIG_UNITS)}]+")


def is_chinese(text: str) -> bool:
    """True when a number is written in Chinese numerals only."""
    return _CHINESE_ONLY.fullmatch(text) is not None
