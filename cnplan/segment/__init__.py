"""Segment: word cuts from a private tokenizer (jieba's dictionary and algorithm) with the planning lexicon."""

from cnplan.segment.tokenizer import Token, segment, term_counts, tokenizer, words

__all__ = ["Token", "segment", "term_counts", "tokenizer", "words"]
