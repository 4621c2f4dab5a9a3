"""Precision and recall of the indicator-name matcher on the labelled pairs, over a range of thresholds.

Run: python evaluation/match_pairs.py [PAIRS.csv] [--wrong]
"""

from __future__ import annotations

import sys
from pathlib import Path

from cnplan.evaluate.pairs import load_pairs, score_pairs
from cnplan.match.matcher import DEFAULT_MIN_SCORE, Matcher

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "name_pairs.csv"


def main(argv: list[str]) -> None:
    """Print one line per threshold, and the pairs the default threshold gets wrong with --wrong."""
    args = [a for a in argv if not a.startswith("--")]
    pairs = load_pairs(args[0] if args else PAIRS)
    print(f"{len(pairs)} pairs, {sum(p.same for p in pairs)} labelled same")
    print("min_score  precision  recall   tp   fp   fn")
    for threshold in (70, 75, 80, 85, 88, 90, 92, 95, 100):
        figures, _ = score_pairs(pairs, Matcher(min_score=threshold))
        mark = "  <- default" if threshold == DEFAULT_MIN_SCORE else ""
        print(
            f"{threshold:9}  {figures.precision:9.3f}  {figures.recall:6.3f}  "
            f"{figures.tp:3}  {figures.fp:3}  {figures.fn:3}{mark}"
        )
    if "--wrong" in argv:
        _, wrong = score_pairs(pairs, Matcher())
        for p in wrong:
            print(("missed " if p.same else "merged ") + f"{p.a} [{p.unit_a}]  ~  {p.b} [{p.unit_b}]")


if __name__ == "__main__":
    main(sys.argv[1:])
