"""Indicator names brought to one wording (lexicon name_rules.csv), and unit families for the unit guard."""

from __future__ import annotations

from functools import cache

import numpy as np
import regex

from cnplan import lexicon
from cnplan.extract.units import split_multiplier, units
from cnplan.lexicon import LexiconError
from cnplan.segment.tokenizer import words as cut_words

RULES_FILE = "name_rules.csv"
GUARDS_FILE = "name_guards.csv"


def _compiled(name: str, required: tuple[str, ...]) -> tuple[tuple[regex.Pattern[str], dict[str, str]], ...]:
    """The rows of a lexicon file with their `pattern` compiled; a pattern that does not compile names its row."""
    out = []
    for number, row in enumerate(lexicon.table(name, required), start=2):
        try:
            out.append((regex.compile(row["pattern"]), row))
        except regex.error as exc:
            raise LexiconError(f"{name}: row {number}: bad pattern {row['pattern']!r}: {exc}") from None
    return tuple(out)


@cache
def name_rules() -> tuple[tuple[regex.Pattern[str], str], ...]:
    """The ordered rewrite rules of name_rules.csv, compiled."""
    return tuple((pattern, row.get("replace", "")) for pattern, row in _compiled(RULES_FILE, ("pattern",)))


@cache
def normalize_name(name: str) -> str:
    """An indicator name in the wording names are compared in: 全社会R&D经费支出占GDP的比例 -> 研发经费占GDP比重."""
    out = name.strip()
    for pattern, replace in name_rules():
        out = pattern.sub(replace, out)
    return out or name.strip()


@cache
def _guards() -> tuple[regex.Pattern[str], ...]:
    """The guard patterns of name_guards.csv, compiled."""
    return tuple(pattern for pattern, _ in _compiled(GUARDS_FILE, ("guard", "pattern")))


@cache
def guard_key(normalized: str) -> str:
    """What a normalized name says of its level and of being a change: names must agree on it to match."""
    return ";".join(",".join(sorted(set(g.findall(normalized)))) for g in _guards())


@cache
def sorted_words(normalized: str) -> str:
    """The words of a normalized name, sorted: 完成改造老旧小区 and 完成老旧小区改造 come out alike."""
    return "".join(sorted(cut_words(normalized)))


@cache
def unit_family(unit: str) -> str:
    """The family of a unit (count, money, percent, area ...); a rate (元/人) is its own; empty when unknown."""
    unit = unit.strip()
    if not unit:
        return ""
    if "/" in unit:
        return "rate:" + "/".join(split_multiplier(u)[1] for u in unit.split("/"))
    info = units().get(split_multiplier(unit)[1])
    return info.category if info is not None else ""


def family_mask(family: str, families: np.ndarray) -> np.ndarray:
    """Which of an array of unit families agree with one family: the same, or either unknown."""
    if not family:
        return np.ones(len(families), dtype=bool)
    return (families == family) | (families == "")


def units_agree(a: str, b: str) -> bool:
    """True unless both unit families are known and differ: a % figure never names a count of 家."""
    fa, fb = unit_family(a), unit_family(b)
    return not fa or not fb or fa == fb
