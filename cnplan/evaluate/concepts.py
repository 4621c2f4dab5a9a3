"""Score the crosswalk over all pairs of names by concept: how often its clusters put one indicator's
names together (recall) and only those (precision), for its `auto` rows and for `auto` + `suggest`."""

from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from cnplan.extract.units import split_multiplier
from cnplan.match.crosswalk import build_crosswalk
from cnplan.match.matcher import Matcher


@dataclass(frozen=True)
class ConceptScore:
    """Pair counts of one reading of the crosswalk against the concepts, and the figures made from them."""

    together: int  # pairs the crosswalk puts in one cluster
    right: int  # of those, pairs of one concept
    same: int  # pairs of one concept

    @property
    def precision(self) -> float:
        """Share of the pairs put together that are one concept."""
        return self.right / self.together if self.together else 1.0

    @property
    def recall(self) -> float:
        """Share of the pairs of one concept that are put together."""
        return self.right / self.same if self.same else 1.0


def load_concepts(path: str | os.PathLike[str]) -> dict[tuple[str, str], str]:
    """(name, unit as written) -> concept id, from a CSV with name, unit, concept (# lines are comments)."""
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {(r["name"], r["unit"]): r["concept"] for r in rows}


def _pairs(groups: dict[str, list[tuple[str, str]]]) -> set[frozenset]:
    """Every pair of members of each group."""
    return {frozenset(p) for members in groups.values() for p in combinations(sorted(set(members)), 2)}


def score_concepts(
    concepts: dict[tuple[str, str], str], matcher: Matcher = Matcher()
) -> tuple[ConceptScore, ConceptScore, list[tuple[str, tuple, tuple]]]:
    """The crosswalk of the concepts' names scored over all pairs: (auto, auto + suggest, wrong pairs)."""
    names = list(concepts)
    table = pd.DataFrame(
        {
            "doc": [f"n{i}" for i in range(len(names))],
            "indicator": [n for n, _ in names],
            "unit_base": [split_multiplier(u)[1] for _, u in names],
        }
    )
    walk = build_crosswalk([table], matcher)
    items = defaultdict(list)  # (name, bare unit) -> the names with their units as written it stands for
    for n, u in names:
        items[(n, split_multiplier(u)[1])].append((n, u))
    by_cluster: dict[str, list] = defaultdict(list)
    by_auto: dict[str, list] = defaultdict(list)
    for r in walk.itertuples(index=False):
        members = items.get((r.name, r.unit), [])
        by_cluster[r.cluster].extend(members)
        if r.decision == "auto":
            by_auto[r.cluster].extend(members)
    groups: dict[str, list] = {}
    for item, concept in concepts.items():
        groups.setdefault(concept, []).append(item)
    same = _pairs(groups)
    together, auto = _pairs(by_cluster), _pairs(by_auto)
    wrong = [("merged", *sorted(p)) for p in sorted(together - same, key=sorted)]
    wrong += [("missed", *sorted(p)) for p in sorted(same - together, key=sorted)]
    return (
        ConceptScore(len(auto), len(auto & same), len(same)),
        ConceptScore(len(together), len(together & same), len(same)),
        wrong,
    )


def concept_sizes(concepts: dict[tuple[str, str], str]) -> Counter:
    """How many names each concept has."""
    return Counter(concepts.values())
