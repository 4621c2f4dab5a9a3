"""The kind and year of a figure, and what its sentence states about it, from the document's frames.

A figure's own cue words decide first (kind_cues.csv, weighted), then its time expression against
the year the document is written for, then the section it stands in, then its genre
(genre_defaults.csv); a figure with no time of its own takes the section's, else the genre's year.
"""

from __future__ import annotations

from functools import cache

import regex

from cnplan import lexicon
from cnplan.extract import context
from cnplan.extract.quantities import Quantity
from cnplan.extract.timing import TimeExpr, periods
from cnplan.marks import first_of, last_of
from cnplan.normalize.text_tables import binding_words

CLAUSE_BREAKS = "，,；;。！？!?"
OPENING_CLAUSE = 10
# 比2015年, 较上年, 是2015年的3.75倍: the year is the base of a comparison, not the figure's own year.
COMPARISON_BASE = regex.compile(r"(?:比|较|与|同|相比|对比|是)$")
# What every deadline holds (到2025年, 截至, 2025年前, “十四五”期末): a sentence without one carries none.
DEADLINE_HINT = regex.compile("[到至截前末]")


@cache
def _kind_cues() -> tuple[tuple[str, str, int], ...]:
    """(word, kind, weight) cues, longest word first."""
    rows = lexicon.table("kind_cues.csv", ("word", "kind", "weight"))
    out = [(r["word"], r["kind"], int(r["weight"])) for r in rows]
    return tuple(sorted(out, key=lambda c: -len(c[0])))


@cache
def _cue_index() -> tuple[regex.Pattern[str], dict[str, tuple[tuple[str, str, int], ...]]]:
    """A class of the cues' first characters, and the cues by first character (longest first)."""
    by_first: dict[str, list[tuple[str, str, int]]] = {}
    for cue in _kind_cues():
        by_first.setdefault(cue[0][0], []).append(cue)
    first = regex.compile("[" + regex.escape("".join(sorted(by_first))) + "]")
    return first, {ch: tuple(cues) for ch, cues in by_first.items()}


@cache
def _review_neutral() -> frozenset[str]:
    """Target cues that in a review section report what was done (kind_cues.csv, in_review = no)."""
    return frozenset(
        r["word"] for r in lexicon.table("kind_cues.csv", ("word",)) if r.get("in_review") == "no"
    )


def strongest_cue(text: str) -> tuple[str, str, int]:
    """The kind cue of highest weight in a text (the latest one on a tie): (word, kind, weight)."""
    first, by_first = _cue_index()
    best, best_pos = ("", "", -1), -1
    for m in first.finditer(text):  # positions go up: a later cue of equal weight replaces the best
        pos = m.start()
        for cue in by_first[m.group()]:
            weight = cue[2]
            if (weight > best[2] or weight == best[2] and pos > best_pos) and text.startswith(cue[0], pos):
                best, best_pos = cue, pos
    return best


def decide_kind(
    clause: str,
    time: TimeExpr | None,
    section: context.Section,
    ctx: context.PartContext,
    ref_year: int | None,
) -> tuple[str, str]:
    """target or actual, and the word that decided it."""
    word, kind, weight = strongest_cue(clause)
    if section.kind == "actual" and word in _review_neutral():
        word, kind, weight = "", "", -1
    if weight >= 2:
        return kind, word
    if time is not None and time.deadline and _ahead(time, section, ctx):
        return "target", time.text
    if time is not None and time.year is not None and ref_year is not None and time.relative is None:
        if time.year < ref_year:
            return "actual", ""
        if time.year > ref_year:
            return "target", ""
    if time is not None and time.relative is not None and time.relative != 0:
        return ("target", time.text) if time.relative > 0 else ("actual", time.text)
    if section.kind:
        return section.kind, ""
    if weight == 1:
        return kind, word
    return ctx.implied.kind, ""


def _ahead(time: TimeExpr, section: context.Section, ctx: context.PartContext) -> bool:
    """True when a deadline lies ahead of the text: 到2016年 in a review of 2016 reports, not plans."""
    if time.year is None:
        return section.kind != "actual"  # 到20XX年底 in a review of the base reports a stock
    if ctx.year is None or time.year > ctx.year:
        return True
    return time.year == ctx.year and section.kind != "actual" and not ctx.implied.year_done


def cue_scope(sentence: str, end: int) -> str:
    """The text whose cue words speak for a quantity: its clause, and a short opening clause."""
    start = last_of(CLAUSE_BREAKS, sentence, 0, end) + 1
    first = first_of(CLAUSE_BREAKS, sentence)
    opening = sentence[: first + 1] if 0 <= first <= OPENING_CLAUSE and first < start else ""
    return opening + sentence[start:end]


def default_year(
    kind: str, section: context.Section, ctx: context.PartContext
) -> tuple[int | None, str, str]:
    """(year, year_text, period) of a quantity with no time expression of its own."""
    if section.time is not None:
        return section.time.year, section.time.text, section.time.period
    defaults = ctx.implied
    rule = defaults.target_year if kind == "target" else defaults.actual_year
    if rule == "period" or (rule == "base" and ctx.period):
        if not ctx.period:
            return None, "", ""
        first, last = periods()[ctx.period]
        return (last, "", ctx.period) if rule == "period" else (first - 1, "", "")
    if rule == "none" or ctx.year is None:
        return None, "", ""
    return (ctx.year - 1 if rule == "previous" else ctx.year), "", ""


def pick_time(times: list[TimeExpr], sentence: str, q: Quantity, carried: TimeExpr | None) -> TimeExpr | None:
    """The time expression a quantity refers to: the nearest before it in its sentence, else the carried one."""
    best = None
    for t in times:
        if t.end > q.start:
            break
        if COMPARISON_BASE.search(sentence[max(0, t.start - 2) : t.start]):
            continue
        best = t
    return best or carried


def binding_of(sentence: str) -> str:
    """约束性 or 预期性 when a sentence states its indicator's binding (binding.csv), else ''."""
    if "性" not in sentence:  # every attribute word ends in 性: most sentences need no scan
        return ""
    return next((b for word, b in binding_words().items() if word in sentence), "")
