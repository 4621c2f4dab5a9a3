"""The crosswalk over all pairs of the gold sets' names, by concept (evaluation/name_concepts.csv).

Run: python evaluation/match_concepts.py [CONCEPTS.csv] [--wrong]
"""

from __future__ import annotations

import sys
from pathlib import Path

from cnplan.evaluate.concepts import concept_sizes, load_concepts, score_concepts

CONCEPTS = Path(__file__).resolve().parent / "name_concepts.csv"


def main(argv: list[str]) -> None:
    """Print precision and recall of `auto` and of `auto` + `suggest`; the wrong pairs with --wrong."""
    args = [a for a in argv if not a.startswith("--")]
    concepts = load_concepts(args[0] if args else CONCEPTS)
    sizes = concept_sizes(concepts)
    print(
        f"{len(concepts)} names, {len(sizes)} concepts, {sum(1 for s in sizes.values() if s > 1)} with two names or more"
    )
    auto, both, wrong = score_concepts(concepts)
    print("decisions         pairs together  right  precision  recall")
    for label, s in (("auto", auto), ("auto + suggest", both)):
        print(f"{label:<16}  {s.together:14}  {s.right:5}  {s.precision:9.3f}  {s.recall:6.3f}")
    print(f"pairs of one concept: {both.same}")
    if "--wrong" in argv:
        for kind, a, b in wrong:
            print(f"{kind} {a[0]} [{a[1]}]  ~  {b[0]} [{b[1]}]")


if __name__ == "__main__":
    main(sys.argv[1:])
