"""Evaluate: score an indicator table against hand annotations (extraction spec, section 6)."""

from cnplan.evaluate.scoring import evaluate_files, format_report, load_gold, load_pred, score, score_regions

__all__ = ["evaluate_files", "format_report", "load_gold", "load_pred", "score", "score_regions"]
