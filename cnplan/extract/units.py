"""The unit lexicon as a longest-first regex, and base values (万/亿 applied)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon

MULTIPLIERS = {"十": 1e1, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8}
# Multiplier prefixes that may stand before a unit, longest first.
PREFIXES = ("万亿", "千亿", "百亿", "十亿", "千万", "百万", "十万", "亿", "万")
# Units that may follow a slash to make a rate: 元/人, 万吨/年, 公斤/亩.
PER = (
    "人",
    "月",
    "年",
    "日",
    "天",
    "亩",
    "吨",
    "户",
    "小时",
    "平方米",
    "立方米",
    "公里",
    "亿元",
    "万元",
    "元",
    "辆",
    "床",
    "秒",
)


@dataclass(frozen=True)
class UnitInfo:
    """A unit of the lexicon."""

    unit: str
    category: str
    scaled: bool
    after_chinese: bool


@cache
def units() -> dict[str, UnitInfo]:
    """The unit lexicon, keyed by unit."""
    rows = lexicon.table("units.csv", ("unit", "category"))
    return {
        r["unit"]: UnitInfo(r["unit"], r["category"], r.get("scaled") != "no", r.get("after_chinese") != "no")
        for r in rows
    }


@cache
def unit_pattern() -> str:
    """Regex source matching a unit as written: optional multiplier, the unit, optional /per-unit."""
    names = sorted(units(), key=len, reverse=True)
    alt = "|".join(regex.escape(u) for u in names)
    prefixes = "|".join(PREFIXES)
    per = "|".join(sorted(PER, key=len, reverse=True))
    # a bare 万/亿 is a unit at a clause end or before 的 (三百六十多亿的经费), not before a word (千万不能)
    return rf"(?:(?:{prefixes})?(?:{alt})(?:/(?:{per}))?|(?:{prefixes})(?:(?![\p{{Han}}])|(?=的)))"


@cache
def split_multiplier(unit: str) -> tuple[float, str]:
    """Split a written unit into its multiplier and bare unit: 万人次 -> (1e4, 人次) (cached: units are few)."""
    table = units()
    factor = 1.0
    bare = unit.replace("％", "%").strip()
    while len(bare) > 1 and bare[0] in MULTIPLIERS:
        info = table.get(bare.split("/")[0])
        if info is not None and not info.scaled:
            break
        factor *= MULTIPLIERS[bare[0]]
        bare = bare[1:]
    return factor, bare


def to_base(value: float | None, unit: str) -> tuple[float | None, str]:
    """Apply a unit's multiplier to a value: (60, 万人次) -> (600000.0, 人次)."""
    factor, bare = split_multiplier(unit)
    return (None if value is None else value * factor), bare
