"""The rules of attainment, as data and small pure functions: how firmly a target is worded, whether it
is a floor or a ceiling, how near an approximate target must be come, and whether an outcome meets it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from cnplan import lexicon
from cnplan.lexicon import LexiconError
from cnplan.match.names import unit_family

WORDINGS = ("hard", "soft")
DIRECTIONS = ("floor", "ceiling")
MET = ("yes", "no", "unclear")
CEILING_COMPARATORS = frozenset({"<=", "<"})
EPS = 1e-9
CLAUSE_MARKS = "；;。！？，,"


@cache
def wording_words() -> tuple[tuple[str, str], ...]:
    """(word, wording) of target_wording.csv, longest word first, checked."""
    rows = lexicon.table("target_wording.csv", ("word", "wording"))
    bad = [r["word"] for r in rows if r["wording"] not in WORDINGS]
    if bad:
        raise LexiconError(f"target_wording.csv: {bad[0]}: wording must be one of {WORDINGS}")
    return tuple(sorted(((r["word"], r["wording"]) for r in rows), key=lambda p: -len(p[0])))


def wording(cue: str) -> str:
    """hard or soft, from a target's cue (确保, 以上: hard; 左右, 力争: soft); empty when the cue says neither."""
    for word, firmness in wording_words():
        if word in cue:
            return firmness
    return ""


@dataclass(frozen=True)
class CeilingRules:
    """What makes a target a ceiling: catalog ids, words of its name, words of its clause."""

    ids: frozenset[str]
    name_words: tuple[str, ...]
    clause_words: tuple[str, ...]


@cache
def ceiling_rules() -> CeilingRules:
    """The rules of target_direction.csv, checked."""
    rows = lexicon.table("target_direction.csv", ("by", "value", "direction"))
    for r in rows:
        if r["by"] not in ("indicator_id", "name", "clause") or r["direction"] != "ceiling":
            raise LexiconError(
                f"target_direction.csv: {r['value']}: by is indicator_id, name or clause; direction ceiling"
            )

    def of(kind: str) -> tuple[str, ...]:
        return tuple(r["value"] for r in rows if r["by"] == kind)

    return CeilingRules(frozenset(of("indicator_id")), of("name"), of("clause"))


def clause_of(sentence: str, name: str) -> str:
    """The clause of a sentence that holds an indicator's name (the whole sentence if not found)."""
    at = sentence.find(name) if name else -1
    if at < 0:
        return sentence
    start = max(sentence.rfind(mark, 0, at) for mark in CLAUSE_MARKS) + 1
    ends = [i for i in (sentence.find(mark, at + len(name)) for mark in CLAUSE_MARKS) if i >= 0]
    return sentence[start : min(ends, default=len(sentence))]


def direction(comparator: str, indicator_id: str, name: str, sentence: str) -> str:
    """floor (met when reached or exceeded) or ceiling (met when not exceeded: <=, prices, unemployment)."""
    rules = ceiling_rules()
    if comparator in CEILING_COMPARATORS or indicator_id in rules.ids:
        return "ceiling"
    if any(w in name for w in rules.name_words):
        return "ceiling"
    clause = clause_of(sentence, name)
    return "ceiling" if any(w in clause for w in rules.clause_words) else "floor"


@cache
def tolerance_rules() -> dict[str, tuple[str, float]]:
    """category -> (measure, amount) of tolerances.csv, checked; `*` for every other category."""
    out = {}
    for r in lexicon.table("tolerances.csv", ("category", "measure", "amount")):
        try:
            amount = float(r["amount"])
        except ValueError:
            raise LexiconError(
                f"tolerances.csv: {r['category']}: amount {r['amount']!r} is no number"
            ) from None
        if r["measure"] not in ("points", "share") or amount < 0:
            raise LexiconError(f"tolerances.csv: {r['category']}: measure is points or share, amount >= 0")
        out[r["category"]] = (r["measure"], amount)
    if "*" not in out:
        raise LexiconError("tolerances.csv: no row for category *")
    return out


def tolerance(value: float, unit: str) -> float:
    """How far an outcome may fall short of an approximate (左右) target of this value and unit."""
    rules = tolerance_rules()
    measure, amount = rules.get(unit_family(unit), rules["*"])  # the unit's category in units.csv
    return amount if measure == "points" else amount * abs(value)


def threshold(comparator: str, value: float, value_max: float | None, way: str, tol: float) -> float:
    """The one number an outcome must reach (a floor) or stay under (a ceiling) to meet the target.

    A range is met above its low end (a floor: exceeding is meeting) or under its high end (a ceiling);
    `~` allows the tolerance; `=`, `>=` and `>` are reached at the value.
    """
    has_max = not _nan(value_max)
    if way == "ceiling":
        if has_max:
            return value_max
        return value + tol if comparator == "~" else value
    return value - tol if comparator == "~" else value


def outcome_interval(comparator: str, value: float, value_max: float | None) -> tuple[float, float]:
    """What an outcome as written says the value is: 5.6 -> [5.6, 5.6]; 超过120 -> [120, inf); a range."""
    if not _nan(value_max):
        return value, value_max
    if comparator in (">=", ">"):
        return value, math.inf
    if comparator in ("<=", "<"):
        return -math.inf, value
    return value, value


def judge(way: str, bar: float, low: float, high: float) -> str:
    """yes, no or unclear: does an outcome between low and high meet a floor (or ceiling) at bar?"""
    slack = EPS * max(1.0, abs(bar))
    if way == "ceiling":
        if high <= bar + slack:
            return "yes"
        return "no" if low > bar + slack else "unclear"
    if low >= bar - slack:
        return "yes"
    return "no" if high < bar - slack else "unclear"


def met(
    comparator: str,
    value: float,
    value_max: float | None,
    unit: str,
    way: str,
    actual_comparator: str,
    actual: float,
    actual_max: float | None = None,
) -> str:
    """Whether an outcome (in the target's unit) meets a target: yes, no, or unclear."""
    if _nan(value) or _nan(actual):
        return "unclear"
    bar = threshold(comparator, value, value_max, way, tolerance(value, unit))
    low, high = outcome_interval(actual_comparator, actual, actual_max)
    return judge(way, bar, low, high)


def _nan(x) -> bool:
    """True for a missing number (None or NaN)."""
    return x is None or (isinstance(x, float) and math.isnan(x))
