"""Segment: word cuts from a private jieba tokenizer loaded with the planning lexicon."""

from cnplan.segment.tokenizer import Token, segment, term_counts, tokenizer

__all__ = ["Token", "segment", "term_counts", "tokenizer"]
