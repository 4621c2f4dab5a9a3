"""Match indicator names to the catalog: normalized names scored with rapidfuzz, all at once, unit-guarded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from rapidfuzz import fuzz, process

from cnplan.match.catalog import CatalogEntry, load_catalog
from cnplan.match.names import (
    aside_signature,
    compare_form,
    family_mask,
    guard_key,
    loose_covered,
    loose_key,
    normalize_name,
    parts_agree,
    sorted_words,
    unit_family,
    units_agree,
)

# Chosen on the labelled pairs of tests/data/name_pairs.csv (evaluation/match_pairs.py prints the curve).
DEFAULT_MIN_SCORE = 90.0


@dataclass(frozen=True)
class Matcher:
    """Which catalog to match against (None: the bundled one) and the lowest score that counts."""

    catalog: str | None = None
    min_score: float = DEFAULT_MIN_SCORE


@dataclass(frozen=True)
class Match:
    """A name's catalog indicator and its score 0-100; an empty id when nothing scores high enough."""

    indicator_id: str = ""
    score: float | None = None


@dataclass(frozen=True)
class _Choices:
    """Every name of every catalog entry, normalized, with its entry, unit family and parts, and its
    subject as names are scored (compare_form, its sorted words, its qualifiers)."""

    keys: tuple[str, ...]
    forms: tuple[str, ...]
    form_words: tuple[str, ...]
    signatures: tuple[str, ...]
    loose: tuple
    entries: tuple[CatalogEntry, ...]
    owner: np.ndarray
    families: np.ndarray
    guards: np.ndarray


@cache
def _choices(catalog: str | None) -> _Choices:
    """The catalog's names laid out for cdist (built once per catalog)."""
    entries = load_catalog(catalog)
    keys, owner, families = [], [], []
    for i, entry in enumerate(entries):
        for name in entry.names:
            keys.append(normalize_name(name))
            owner.append(i)
            families.append(unit_family(entry.unit))
    forms = tuple(compare_form(k) for k in keys)
    return _Choices(
        tuple(keys),
        forms,
        tuple(sorted_words(f) for f in forms),
        tuple(aside_signature(k) for k in keys),
        tuple(loose_key(k) for k in keys),
        entries,
        np.array(owner),
        np.array(families, dtype=object),
        np.array([guard_key(k) for k in keys], dtype=object),
    )


@cache
def _by_id(catalog: str | None) -> dict[str, CatalogEntry]:
    """The catalog's entries by id (built once per catalog)."""
    return {e.indicator_id: e for e in load_catalog(catalog)}


def entry_of(indicator_id: str, catalog: str | None = None) -> CatalogEntry | None:
    """The catalog entry with this id, if any."""
    return _by_id(catalog).get(indicator_id)


@dataclass(frozen=True)
class _Allowed:
    """The choices a kind of name may match: their indices, and their names as _Choices holds them."""

    index: np.ndarray
    keys: tuple[str, ...]
    forms: tuple[str, ...]
    form_words: tuple[str, ...]
    signatures: tuple[str, ...]
    loose: tuple


@cache
def _allowed(catalog: str | None, family: str, guard: str) -> _Allowed:
    """Choices a name may match: the same strict parts, and a unit family that agrees (cached)."""
    choices = _choices(catalog)
    index = np.flatnonzero((choices.guards == guard) & family_mask(family, choices.families))

    def pick(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(values[i] for i in index)

    return _Allowed(
        index,
        pick(choices.keys),
        pick(choices.forms),
        pick(choices.form_words),
        pick(choices.signatures),
        pick(choices.loose),
    )


def similarity(
    queries: Sequence[str],
    keys: Sequence[str],
    query_words: Sequence[str],
    key_words: Sequence[str],
    cutoff: float = 0,
) -> np.ndarray:
    """Score matrix of normalized names: the better of the character ratio and the sorted-word ratio
    (scores under the cutoff come out as 0, which spares rapidfuzz work)."""
    chars = process.cdist(queries, keys, scorer=fuzz.ratio, dtype=np.float32, score_cutoff=cutoff)
    words = process.cdist(query_words, key_words, scorer=fuzz.ratio, dtype=np.float32, score_cutoff=cutoff)
    return np.maximum(chars, words)


LOOSE_PENALTY = 5.0  # a subject alike once a loose part is set aside scores this much under an exact one


def part_similarity(
    names: Sequence[str],
    keys: Sequence[str],
    key_forms: Sequence[str] | None = None,
    key_form_words: Sequence[str] | None = None,
    cutoff: float = 0,
    key_signatures: Sequence[str] | None = None,
) -> np.ndarray:
    """Scores of normalized names by their subjects (compare_form: qualifiers set aside), less
    LOOSE_PENALTY where the two state different qualifiers (调查失业率 ~ 城镇调查失业率: 95, so a
    name's exact entry, 居民收入 for 居民收入, still comes first). One cdist, as fast as before."""
    key_forms = key_forms if key_forms is not None else [compare_form(k) for k in keys]
    key_form_words = key_form_words if key_form_words is not None else [sorted_words(f) for f in key_forms]
    forms = [compare_form(n) for n in names]
    scores = similarity(forms, key_forms, [sorted_words(f) for f in forms], key_form_words, cutoff)
    mine = [aside_signature(n) for n in names]
    theirs = key_signatures if key_signatures is not None else [aside_signature(k) for k in keys]
    rows, cols = np.nonzero(scores)  # few pairs pass the cutoff: penalize only those
    if not len(rows):
        return scores
    differ = np.fromiter((mine[r] != theirs[c] for r, c in zip(rows, cols)), dtype=bool, count=len(rows))
    scores[rows[differ], cols[differ]] -= LOOSE_PENALTY
    scores[scores < cutoff] = 0
    return scores


def match_names(names: Sequence[str], units: Sequence[str], matcher: Matcher = Matcher()) -> list[Match]:
    """The catalog match of each (name, unit), scored together with rapidfuzz.process.cdist."""
    choices = _choices(matcher.catalog)
    keyed = [(normalize_name(n), unit_family(u)) if n.strip() else None for n, u in zip(names, units)]
    pairs = sorted({k for k in keyed if k is not None})
    if not pairs or not choices.keys:
        return [Match() for _ in names]
    groups: dict[tuple[str, str], list[str]] = {}
    for query, family in pairs:
        groups.setdefault((family, guard_key(query)), []).append(query)
    found: dict[tuple[str, str], Match] = {}
    for (family, guard), queries in groups.items():
        allowed = _allowed(matcher.catalog, family, guard)
        if not allowed.keys:
            continue
        # only the choices a name may match are scored: fewer pairs for rapidfuzz, no masking after
        scores = part_similarity(
            queries, allowed.keys, allowed.forms, allowed.form_words, matcher.min_score, allowed.signatures
        )
        _mask_loose_conflicts(scores, queries, allowed.loose)
        best = scores.argmax(axis=1)
        for row, query in enumerate(queries):
            score = round(float(scores[row, best[row]]), 1)
            if score >= matcher.min_score:
                entry = choices.entries[choices.owner[allowed.index[best[row]]]]
                found[(query, family)] = Match(entry.indicator_id, score)
    return [found.get(k, Match()) if k is not None else Match() for k in keyed]


def _mask_loose_conflicts(scores: np.ndarray, queries: Sequence[str], key_loose: Sequence[tuple]) -> None:
    """Zero, in place, the scores of catalog names that do not state a loose part the name states as it
    does (国内 vs none, 城镇 vs 农村); only where a pair scored and a part is stated: the common case is free."""
    for row, query in enumerate(queries):
        mine = loose_key(query)
        if not mine:
            continue
        for col in np.flatnonzero(scores[row]):
            if not loose_covered(mine, key_loose[col]):
                scores[row, col] = 0


def name_score(a: str, b: str) -> float:
    """How alike two indicator names are, 0-100, once normalized; 0 when their parts disagree."""
    na, nb = normalize_name(a), normalize_name(b)
    if not parts_agree(na, nb):
        return 0.0
    return float(part_similarity([na], [nb])[0, 0])


def same_indicator(a: str, unit_a: str, b: str, unit_b: str, matcher: Matcher = Matcher()) -> bool:
    """Whether two names (with their units) stand for one indicator: the same catalog entry when both
    have one, else names alike enough (guards agreeing) and units that agree."""
    first, second = match_names([a, b], [unit_a, unit_b], matcher)
    if first.indicator_id and second.indicator_id:
        return first.indicator_id == second.indicator_id and parts_agree(normalize_name(a), normalize_name(b))
    return units_agree(unit_a, unit_b) and name_score(a, b) >= matcher.min_score
