"""Indicator names brought to one wording (lexicon name_rules.csv), and unit families for the unit guard."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import regex

from cnplan import lexicon
from cnplan.extract.units import split_multiplier, units
from cnplan.lexicon import LexiconError
from cnplan.segment.tokenizer import words as cut_words

RULES_FILE = "name_rules.csv"
PARTS_FILE = "name_parts.csv"
SYNONYMS_FILE = "name_synonyms.csv"


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
def synonyms() -> tuple[tuple[str, str], ...]:
    """(word, canonical word) of name_synonyms.csv, longest word first."""
    pairs = []
    for row in lexicon.table(SYNONYMS_FILE, ("words",)):
        words = [w.strip() for w in row["words"].split("|") if w.strip()]
        if len(words) < 2:
            raise LexiconError(f"{SYNONYMS_FILE}: {row['words']!r}: a group needs two words or more")
        pairs += [(w, words[0]) for w in words[1:]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _synonym_pattern() -> tuple[regex.Pattern[str], dict[str, str]]:
    """One longest-first pattern of every synonym, and what each becomes."""
    pairs = synonyms()
    return regex.compile("|".join(regex.escape(w) for w, _ in pairs) or "(?!)"), dict(pairs)


def apply_synonyms(name: str) -> str:
    """A name with each synonym written as its group's first word: 公共财政预算收入 -> 一般公共预算收入."""
    pattern, canonical = _synonym_pattern()
    return pattern.sub(lambda m: canonical[m.group(0)], name)


@cache
def normalize_name(name: str) -> str:
    """An indicator name in the wording names are compared in: 全社会R&D经费支出占GDP的比例 -> 研发经费占GDP比重."""
    out = name.strip()
    for pattern, replace in name_rules():
        out = pattern.sub(replace, out)
    out = apply_synonyms(out)
    return out or name.strip()


@dataclass(frozen=True)
class PartRule:
    """One row of name_parts.csv: a value of a part, whether the part is strict, its pattern."""

    part: str
    value: str
    strict: bool
    aside: bool
    pattern: regex.Pattern[str]


@cache
def part_rules() -> tuple[PartRule, ...]:
    """The rows of name_parts.csv, compiled and checked."""
    out = []
    for pattern, row in _compiled(PARTS_FILE, ("part", "value", "strict", "pattern")):
        if row["strict"] not in ("yes", "no") or row.get("aside", "no") not in ("yes", "no"):
            raise LexiconError(f"{PARTS_FILE}: {row['part']} {row['value']}: strict and aside are yes or no")
        out.append(
            PartRule(row["part"], row["value"], row["strict"] == "yes", row.get("aside") == "yes", pattern)
        )
    for rule in out:
        if any(r.part == rule.part and r.strict != rule.strict for r in out):
            raise LexiconError(f"{PARTS_FILE}: part {rule.part} is strict in one row and not in another")
    return tuple(out)


SHARE_BASE = regex.compile(r"占[^占]*?的?(?=比重|比例|份额)")


def without_base(normalized: str) -> str:
    """A share's name without its base: 高新技术产业产值占规上工业产值比重 -> 高新技术产业产值比重."""
    return SHARE_BASE.sub("", normalized) if "占" in normalized else normalized


@cache
def name_parts(normalized: str) -> tuple[tuple[str, str], ...]:
    """The parts a normalized name states, as sorted (part, value) pairs: (change, up), (scope, urban) ...
    A grade keeps the token it found (grade, 4A级); a share's base is left out (see without_base)."""
    normalized = without_base(normalized)
    found = set()
    for rule in part_rules():
        if rule.value == "token":
            found.update((rule.part, m) for m in rule.pattern.findall(normalized))
        elif rule.pattern.search(normalized):
            found.add((rule.part, rule.value))
    return tuple(sorted(found))


@cache
def _parts_where(flag: str) -> frozenset[str]:
    """The parts whose rows have a flag set: `strict` (absence is a value too) or `aside` (qualifiers)."""
    return frozenset(r.part for r in part_rules() if getattr(r, flag))


def _key_of(normalized: str, parts: frozenset[str]) -> str:
    """The values a name states of some parts, as one key ('' for none)."""
    return ";".join(f"{p}={v}" for p, v in name_parts(normalized) if p in parts)


@cache
def guard_key(normalized: str) -> str:
    """The strict parts of a normalized name as one key: names must have the same key to match."""
    return _key_of(normalized, _parts_where("strict"))


@cache
def loose_key(normalized: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The loose parts a normalized name states: (part, values)."""
    strict = _parts_where("strict")
    by: dict[str, set[str]] = {}
    for p, v in name_parts(normalized):
        if p not in strict:
            by.setdefault(p, set()).add(v)
    return tuple(sorted((p, frozenset(v)) for p, v in by.items()))


def loose_conflict(a: tuple, b: tuple) -> bool:
    """Whether two names state a loose part differently (城镇 vs 农村); unstated agrees with anything."""
    other = dict(b)
    return any(part in other and other[part] != values for part, values in a)


@cache
def compare_form(normalized: str) -> str:
    """What two names' subjects are compared in: the normalized name without the words of its qualifiers
    (aside=yes in name_parts.csv: 城镇调查失业率 and 调查失业率 compare alike; their parts are checked apart)."""
    out = normalized
    for rule in part_rules():
        if rule.aside:
            out = rule.pattern.sub("", out)
    return out or normalized


@cache
def aside_signature(normalized: str) -> str:
    """The qualifiers (aside=yes parts) a name states, as one key: '' for none."""
    return _key_of(normalized, _parts_where("aside"))


def loose_covered(query: tuple, key: tuple) -> bool:
    """Whether a catalog name states every loose part a name states, alike (国内旅游收入 is no 旅游收入:
    a part of it); a name that states none is covered by any (调查失业率 is 城镇调查失业率)."""
    other = dict(key)
    return all(other.get(part) == values for part, values in query)


def parts_agree(a: str, b: str) -> bool:
    """Whether two normalized names can be one indicator by their parts: strict equal, loose no conflict."""
    return guard_key(a) == guard_key(b) and not loose_conflict(loose_key(a), loose_key(b))


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
