"""Scoring rules of the extraction spec (section 6), for users' own gold files.

A predicted row matches a gold row of the same document when base values and base units are
equal, range ends agree and the indicators are similar (partial ratio >= 50); each row matches
at most once: first a prediction whose sentence holds the gold quote, then one whose sentence nearly
holds it (partial ratio >= 80), each most similar first. Strict: kind and year right too. Full: strict, comparator right
and the indicator named nearly as the gold names it (ratio >= 70).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from cnplan.extract.units import MULTIPLIERS, units

MATCH_SIMILARITY = 50
PLACE_SIMILARITY = 80
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，：", "0123456789.%,:")
_WHITE = re.compile(r"\s+")
NAME_SIMILARITY = 70
DOC_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")
Row = dict[str, Any]


def is_blank(x: object) -> bool:
    """True for None, NaN and empty strings."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x).strip() == ""


def doc_key(doc: object) -> str:
    """A document id reduced to its last path component without extension."""
    name = PurePosixPath(str(doc).replace("\\", "/")).name
    for ext in DOC_SUFFIXES:
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def base(value: object, unit: object) -> tuple[float | None, str]:
    """A value and unit with leading multipliers applied: (60, 万人次) -> (600000.0, 人次)."""
    bare = "" if is_blank(unit) else str(unit).strip().replace("％", "%")
    if is_blank(value):
        return None, bare
    number = float(value)  # type: ignore[arg-type]
    unscaled = {u for u, info in units().items() if not info.scaled} | {"万元户"}
    while len(bare) > 1 and bare not in unscaled and bare[0] in MULTIPLIERS:
        number *= MULTIPLIERS[bare[0]]
        bare = bare[1:]
    return number, bare


def year_of(x: object) -> int | None:
    """A year as an int, None when blank or not a number."""
    if is_blank(x):
        return None
    try:
        return int(float(x))  # type: ignore[arg-type]
    except ValueError:
        return None


def _same(a: object, b: object) -> bool:
    """Equal as stripped strings, blanks equal to each other."""
    return (None if is_blank(a) else str(a).strip()) == (None if is_blank(b) else str(b).strip())


def _comparator(x: object) -> str:
    """A comparator, blank read as '='."""
    return "=" if is_blank(x) else str(x).strip()


def load_gold(path: str | Path) -> list[Row]:
    """Gold rows of a JSON Lines file, with base values computed."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number} is not JSON ({exc.msg})") from None
            missing = {"doc", "indicator", "value", "unit"} - set(row)
            if missing:
                raise ValueError(f"{path}: line {number} lacks {sorted(missing)}")
            rows.append(row)
    for r in rows:
        r["doc"] = doc_key(r["doc"])
        r["_v"], r["_u"] = base(r["value"], r["unit"])
        r["_vmax"], _ = base(r.get("value_max"), r["unit"])
    return rows


def load_pred(path: str | Path) -> list[Row]:
    """Predicted rows of an indicator table (CSV), with base values computed."""
    df = pd.read_csv(
        path,
        dtype={
            "unit": str,
            "indicator": str,
            "kind": str,
            "comparator": str,
            "sentence": str,
            "genre": str,
            "binding": str,
        },
    )
    missing = {"doc", "indicator", "value", "unit"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: the table lacks columns {sorted(missing)}")
    rows = []
    for r in df.to_dict("records"):
        r["doc"] = doc_key(r["doc"])
        r["indicator"] = "" if is_blank(r.get("indicator")) else str(r["indicator"])
        unit = "" if is_blank(r.get("unit")) else r["unit"]
        r["_v"], r["_u"] = base(r.get("value"), unit)
        r["_vmax"], _ = base(None if is_blank(r.get("value_max")) else r["value_max"], unit)
        rows.append(r)
    return rows


def _close(a: float | None, b: float | None) -> bool:
    """Equal within a relative tolerance of 1e-6; None only equals None."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _squeeze(text: object) -> str:
    """Text without white space, full-width digits and signs as ASCII: for comparing a quote with a sentence."""
    return _WHITE.sub("", "" if is_blank(text) else str(text)).translate(_FULL_WIDTH)


def place(quote: object, sentence: object) -> int:
    """How surely a predicted sentence is where the gold quote stands: 2 holds it, 1 nearly, 0 not."""
    q, s = _squeeze(quote), _squeeze(sentence)
    if not q or not s:
        return 0
    if q in s:
        return 2
    return 1 if fuzz.partial_ratio(q, s) >= PLACE_SIMILARITY else 0


def match(gold: list[Row], pred: list[Row]) -> list[tuple[Row, Row]]:
    """Greedy one-to-one pairs: a prediction from the gold quote's own sentence first, most similar first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g["_u"] != p["_u"] or not _close(g["_v"], p["_v"]):
                continue
            if g["_vmax"] is not None and not _close(g["_vmax"], p["_vmax"]):
                continue
            similarity = fuzz.partial_ratio(g["indicator"], p["indicator"]) if p["indicator"] else 0
            if similarity >= MATCH_SIMILARITY:
                candidates.append((place(g.get("quote"), p.get("sentence")), similarity, gi, pi))
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return pairs


def is_strict(g: Row, p: Row) -> bool:
    """Kind and year right."""
    return _same(g.get("kind"), p.get("kind")) and year_of(g.get("year")) == year_of(p.get("year"))


def is_full(g: Row, p: Row) -> bool:
    """Strict, comparator right, and the indicator named nearly as the gold names it."""
    return (
        is_strict(g, p)
        and _comparator(g.get("comparator")) == _comparator(p.get("comparator"))
        and fuzz.ratio(g["indicator"], p["indicator"]) >= NAME_SIMILARITY
    )


def _ratio(a: float, b: float) -> float:
    """a / b, 0 when b is 0."""
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    """Harmonic mean of precision and recall."""
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold_rows: list[Row], pred_rows: list[Row]) -> dict[str, Any]:
    """Precision, recall, F1, strict and full F1 and accuracies, overall and per document."""
    gold_by_doc: dict[str, list[Row]] = defaultdict(list)
    pred_by_doc: dict[str, list[Row]] = defaultdict(list)
    for g in gold_rows:
        gold_by_doc[g["doc"]].append(g)
    for p in pred_rows:
        if p["doc"] in gold_by_doc:
            pred_by_doc[p["doc"]].append(p)
    per_doc, pairs_all = {}, []
    totals = dict(pred=0, matched=0, gold=0, strict=0, full=0)
    for doc in sorted(gold_by_doc):
        g, p = gold_by_doc[doc], pred_by_doc.get(doc, [])
        pairs = match(g, p)
        required = [(gg, pp) for gg, pp in pairs if not gg.get("optional")]
        counts = dict(
            pred=len(p) - (len(pairs) - len(required)),
            gold=sum(1 for x in g if not x.get("optional")),
            matched=len(required),
            strict=sum(1 for gg, pp in required if is_strict(gg, pp)),
            full=sum(1 for gg, pp in required if is_full(gg, pp)),
        )
        per_doc[doc] = counts
        for key in totals:
            totals[key] += counts[key]
        pairs_all += required
    precision, recall = _ratio(totals["matched"], totals["pred"]), _ratio(totals["matched"], totals["gold"])
    with_year = [(g, p) for g, p in pairs_all if year_of(g.get("year")) is not None]
    with_binding = [(g, p) for g, p in pairs_all if not is_blank(g.get("binding"))]
    n = len(pairs_all)
    return dict(
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        strict_f1=_f1(_ratio(totals["strict"], totals["pred"]), _ratio(totals["strict"], totals["gold"])),
        full_f1=_f1(_ratio(totals["full"], totals["pred"]), _ratio(totals["full"], totals["gold"])),
        kind_accuracy=_ratio(sum(_same(g.get("kind"), p.get("kind")) for g, p in pairs_all), n),
        year_accuracy=_ratio(
            sum(year_of(g["year"]) == year_of(p.get("year")) for g, p in with_year), len(with_year)
        ),
        comparator_accuracy=_ratio(
            sum(_comparator(g.get("comparator")) == _comparator(p.get("comparator")) for g, p in pairs_all), n
        ),
        indicator_similarity=_ratio(sum(fuzz.ratio(g["indicator"], p["indicator"]) for g, p in pairs_all), n),
        # beyond the spec's scorer: gold rows that carry a binding (约束性/预期性), predicted alike
        binding_accuracy=(
            _ratio(sum(_same(g["binding"], p.get("binding")) for g, p in with_binding), len(with_binding))
            if with_binding
            else None
        ),
        counts=totals,
        per_doc=per_doc,
    )


def score_regions(docs_path: str | Path, pred_rows: list[Row]) -> tuple[int, int]:
    """(documents or articles whose predicted region is exactly the gold one, those with a gold region)."""
    gold: dict[tuple[str, int | None], str | None] = {}
    with open(docs_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            key = doc_key(d["doc"])
            if d.get("regions"):
                for i, region in enumerate(d["regions"], start=1):
                    gold[(key, i)] = region
            else:
                gold[(key, None)] = d.get("region")
    seen: dict[tuple[str, int | None], set[str]] = defaultdict(set)
    for p in pred_rows:
        if is_blank(p.get("region")):
            continue
        part = None if is_blank(p.get("part")) else int(float(p["part"]))
        seen[(p["doc"], part)].add(str(p["region"]))
        seen[(p["doc"], None)].add(str(p["region"]))
    hits = sum(1 for k, r in gold.items() if r and seen.get(k) == {r})
    return hits, sum(1 for r in gold.values() if r)


def _group_figures(counts: dict[str, int]) -> dict[str, float]:
    """F1, strict F1 and full F1 of summed counts."""
    out = {}
    for key, hits in (("f1", "matched"), ("strict_f1", "strict"), ("full_f1", "full")):
        out[key] = _f1(_ratio(counts[hits], counts["pred"]), _ratio(counts[hits], counts["gold"]))
    return out


def by_group(result: dict[str, Any], pred_rows: list[Row], column: str) -> dict[str, dict[str, Any]]:
    """The per-document counts summed by a column of the predicted table (genre), with their F1s."""
    label: dict[str, str] = {}
    for p in pred_rows:
        if p["doc"] not in label and not is_blank(p.get(column)):
            label[p["doc"]] = str(p[column])
    groups: dict[str, dict[str, Any]] = {}
    for doc, counts in result["per_doc"].items():
        group = groups.setdefault(label.get(doc, "(none)"), dict.fromkeys(counts, 0) | {"docs": 0})
        group["docs"] += 1
        for key, value in counts.items():
            group[key] += value
    for group in groups.values():
        group.update(_group_figures(group))
    return dict(sorted(groups.items()))


def covered_gold(gold_rows: list[Row], pred_rows: list[Row], table: str | Path) -> list[Row]:
    """The gold rows of the documents the table has rows of; none shared is an error naming both sides."""
    docs = {p["doc"] for p in pred_rows}
    kept = [g for g in gold_rows if g["doc"] in docs]
    if gold_rows and not kept:
        example_gold = sorted({g["doc"] for g in gold_rows})[0]
        example_table = sorted(docs)[0] if docs else "no rows at all"
        raise ValueError(
            f"{table}: shares no document with the gold (gold doc ids look like {example_gold!r}, "
            f"the table's like {example_table!r})"
        )
    return kept


def evaluate_files(
    gold: str | Path,
    table: str | Path,
    docs: str | Path | None = None,
    by: str = "doc",
    all_docs: bool = False,
) -> dict[str, Any]:
    """Score a table file against a gold file; region accuracy from docs (default: GOLD.docs.jsonl).

    Only the gold documents the table has rows of are scored, unless all_docs (then a document the table
    lacks counts as all missed); `docs_scored` and `docs_gold` say how many. With by="genre", the result
    also holds the figures per genre of the table's genre column.
    """
    pred = load_pred(table)
    gold_rows = load_gold(gold)
    scored = gold_rows if all_docs else covered_gold(gold_rows, pred, table)
    result = score(scored, pred)
    result["docs_gold"] = len({g["doc"] for g in gold_rows})
    result["docs_scored"] = len({g["doc"] for g in scored})
    if by != "doc":
        result["per_group"] = by_group(result, pred, by)
    gold_path = Path(gold)
    docs_path = (
        Path(docs) if docs else gold_path.with_name(gold_path.name.removesuffix(".jsonl") + ".docs.jsonl")
    )
    result["region_accuracy"] = None
    if docs_path.exists():
        hits, known = score_regions(docs_path, pred)
        result["region_accuracy"] = hits / known if known else None
    return result


FIGURES = ("precision", "recall", "f1", "strict_f1", "full_f1", "kind_accuracy", "year_accuracy",
           "comparator_accuracy", "indicator_similarity", "region_accuracy", "binding_accuracy")  # fmt: skip


def format_report(result: dict[str, Any]) -> str:
    """The figures as a small text table, per document (or per group) then overall."""
    groups = result.get("per_group")
    if groups is not None:
        lines = [
            f"{'genre':14} {'docs':>4} {'gold':>5} {'pred':>5} {'match':>5} {'f1':>6} {'strict':>6} {'full':>6}"
        ]
        for name, c in groups.items():
            lines.append(
                f"{name:14} {c['docs']:4} {c['gold']:5} {c['pred']:5} {c['matched']:5} "
                f"{c['f1']:6.3f} {c['strict_f1']:6.3f} {c['full_f1']:6.3f}"
            )
    else:
        lines = [f"{'doc':40} {'gold':>5} {'pred':>5} {'match':>5} {'strict':>6} {'full':>5}"]
        for doc, c in result["per_doc"].items():
            lines.append(
                f"{doc:40} {c['gold']:5} {c['pred']:5} {c['matched']:5} {c['strict']:6} {c['full']:5}"
            )
    for key in FIGURES:
        value = result[key]
        shown = "-" if value is None else f"{value:.1f}" if key == "indicator_similarity" else f"{value:.3f}"
        lines.append(f"{key:22} {shown}")
    return "\n".join(lines)
