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
BIG_UNITS = {"万": 10_000, "亿": 100_000_000, "兆": 1_000_000_000_000}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
DIGIT_CHARS = "零〇一二三四五六七八九"
# Absurd lengths are no quantities: a number is written in at most this many characters.
MAX_LEN = 24

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Chinese numerals; a 万/亿/兆 inside the number when numerals follow it (六万四千个); Taiwan's
# digit-by-digit numerals with 、 between thousands and ．/点 as the decimal point (二兆六、四六五, 一四．七).
CHINESE = (
    rf"[{CHINESE_NUMERAL_CHARS}]+(?:、[{DIGIT_CHARS}]{{3}})*(?:[万亿兆][{CHINESE_NUMERAL_CHARS}]+(?:、[{DIGIT_CHARS}]{{3}})*)*"
    rf"(?:[.点][{DIGIT_CHARS}]+)?"
)
# 1万5千, 12万305, 3亿5,000(万元): a number with a 万 or 亿 inside, not the unit's multiplier.
# Written as a suffix of the Arabic number, so the regex tries it only where a number has been read.
MIXED_TAIL = r"万\d+千|[万亿](?:\d,\d{3}|\d{1,4})(?![\d,.])"
_MIXED_THOUSANDS = regex.compile(r"(\d+)万(\d+)千")
_COMPOUND = regex.compile(r"([\d,]+)([万亿])([\d,]+)")
_ARABIC = regex.compile(ARABIC)
NUMBER = rf"(?:(?:{ARABIC})(?:{MIXED_TAIL})?|{CHINESE})"
NUMBER_RE = regex.compile(NUMBER)


def _digit_run(text: str) -> float | None:
    """A run of digit numerals read digit by digit (二〇一五, 一四.七), None when it is no such run."""
    whole, _, fraction = text.partition(".")
    if not whole or any(ch not in DIGITS for ch in whole + fraction) or (len(whole) < 2 and not fraction):
        return None
    digits = "".join(str(DIGITS[ch]) for ch in whole)
    if fraction:
        digits += "." + "".join(str(DIGITS[ch]) for ch in fraction)
    return float(digits)


def parse_chinese(text: str, scale: float = 1) -> float | None:
    """Value of a Chinese numeral in units of scale (一百二十 -> 120, 三万五千 -> 35000, 二兆六四六五 -> 26465 at 1e8)."""
    if not text:
        return None
    text = text.replace("、", "").replace("点", ".")
    run = _digit_run(text)
    if run is not None:
        return run
    head, _, fraction = text.partition(".")
    if fraction and (any(ch not in DIGITS for ch in fraction) or any(ch in BIG_UNITS for ch in head)):
        return None
    total, section, number, pending = 0, 0, None, ""
    for ch in head:
        if ch in DIGITS:
            if number is not None:  # digits written one by one after a big unit: 二兆六四六五
                pending = pending or str(number)
                pending += str(DIGITS[ch])
            number = DIGITS[ch]
        elif ch in SMALL_UNITS and not pending:
            section += (1 if number is None else number) * SMALL_UNITS[ch]
            number = None
        elif ch in BIG_UNITS and not pending:
            section += number or 0
            total += (section or 1) * BIG_UNITS[ch]
            section, number = 0, None
        else:
            return None
    if pending:
        return (total + section) / scale + float(pending)
    value = float(total + section + (number or 0))
    if fraction:
        value += float("0." + "".join(str(DIGITS[ch]) for ch in fraction))
    return value / scale if total else value


def parse_number(text: str, scale: float = 1) -> float | None:
    """Value of an Arabic, Chinese or mixed number as written, in units of scale (the unit's 万/亿)."""
    text = text.strip()
    if not text or len(text) > MAX_LEN:
        return None
    if _ARABIC.fullmatch(text):  # the common case first
        return float(text.replace(",", ""))
    if text[0].isdigit():
        mixed = _MIXED_THOUSANDS.fullmatch(text)
        if mixed:
            return float(int(mixed.group(1)) * 10_000 + int(mixed.group(2)) * 1000)
        compound = _COMPOUND.fullmatch(text)
        if compound:  # 12万305 (人次), 3亿5,000 (万元): the big unit's part in units of scale, plus the rest
            high, big, low = compound.groups()
            return float(high.replace(",", "")) * BIG_UNITS[big] / scale + float(low.replace(",", ""))
        return None
    return parse_chinese(text, scale)


_CHINESE_ONLY = regex.compile(f"[{CHINESE_NUMERAL_CHARS}{''.join(BIG_UNITS)}、.点]+")


def is_chinese(text: str) -> bool:
    """True when a number is written in Chinese numerals only."""
    return _CHINESE_ONLY.fullmatch(text) is not None
