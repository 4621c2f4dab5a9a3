"""Score the name matcher on labelled pairs: precision and recall of its 'same indicator' calls."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from cnplan.match.matcher import Matcher, same_indicator


@dataclass(frozen=True)
class NamePair:
    """Two indicator names with their units, and whether they stand for one indicator."""

    a: str
    unit_a: str
    b: str
    unit_b: str
    same: bool


@dataclass(frozen=True)
class PairScore:
    """Counts of the matcher's calls against the labels, and the figures made from them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """Share of the pairs called 'same' that are the same."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the same pairs that were called 'same'."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_pairs(path: str | os.PathLike[str]) -> list[NamePair]:
    """Labelled pairs from a CSV file (a, unit_a, b, unit_b, same; # lines are comments)."""
    with open(path, encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return [
        NamePair(r["a"], r["unit_a"], r["b"], r["unit_b"], r["same"].strip() == "1")
        for r in csv.DictReader(lines)
    ]


def score_pairs(pairs: list[NamePair], matcher: Matcher = Matcher()) -> tuple[PairScore, list[NamePair]]:
    """The matcher's counts on the pairs, and the pairs it got wrong."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    wrong = []
    for pair in pairs:
        said = same_indicator(pair.a, pair.unit_a, pair.b, pair.unit_b, matcher)
        key = ("t" if said == pair.same else "f") + ("p" if said else "n")
        counts[key] += 1
        if said != pair.same:
            wrong.append(pair)
    return PairScore(**counts), wrong
