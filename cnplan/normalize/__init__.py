"""Normalize: repair copy residue and split articles and sentences, keeping offsets."""

from cnplan.normalize.pipeline import STEPS, NormalizedText, Part, Sentence, normalize, normalize_text
from cnplan.normalize.script import detect_script, to_simplified

__all__ = [
    "STEPS",
    "NormalizedText",
    "Part",
    "Sentence",
    "detect_script",
    "normalize",
    "normalize_text",
    "to_simplified",
]
