"""Segmentation with the private tokenizer and the planning lexicon; the terms table."""

from __future__ import annotations

import jieba
import pytest

from cnplan import lexicon, segment
from cnplan.corpus import TERM_COLUMNS, terms_frame
from cnplan.segment import tokenizer
from cnplan.segment.tokenizer import is_term


def test_planning_lexicon_is_large_enough():
    terms = lexicon.words("planning_terms.txt")
    assert len(terms) >= 500
    assert len(set(terms)) == len(terms)


@pytest.mark.parametrize(
    "term",
    [
        "高新技术企业",
        "科技特派员",
        "众创空间",
        "研发经费",
        "万人发明专利拥有量",
        "技术合同成交额",
        "规模以上工业企业",
    ],
)
def test_planning_terms_stay_whole(term):
    words = [t.text for t in segment(f"全市{term}达到39家")]
    assert term in words


def test_tokens_carry_spans():
    text = "全市高新技术企业总数达到39家"
    for tok in segment(text):
        assert text[tok.start : tok.end] == tok.text


def test_tokenizer_is_private():
    assert tokenizer() is not jieba.dt
    assert tokenizer() is tokenizer()
    assert "万人发明专利拥有量" not in jieba.dt.FREQ or not jieba.dt.initialized


@pytest.mark.parametrize(
    "word, keep",
    [
        ("高新技术", True),
        ("的", False),
        ("，", False),
        ("2016", False),
        ("5G", True),
        ("科", False),
        ("进一步", False),
    ],
)
def test_is_term(word, keep):
    assert is_term(word) is keep


def test_terms_frame(tmp_path):
    (tmp_path / "a.txt").write_text(
        "【篇一】\n高新技术企业39家，高新技术企业。\n【篇二】\n众创空间", encoding="utf-8"
    )
    df = terms_frame([tmp_path])
    assert list(df.columns) == TERM_COLUMNS
    first = df[(df.part == 1) & (df.term == "高新技术企业")]
    assert first["count"].tolist() == [2]
    assert "众创空间" in df[df.part == 2].term.tolist()
    assert not df.term.isin(["的", "，", "39"]).any()


def test_cuts_are_jiebas_word_for_word():
    """The fast engine on jieba's dictionary cuts the corpus exactly as jieba itself would."""
    from cnplan.normalize import normalize
    from cnplan.segment.tokenizer import _planning_terms
    from cnplan.segment.tokenizer import words as fast_words

    reference = jieba.Tokenizer()
    reference.initialize()
    for term, freq in _planning_terms():
        reference.add_word(term, freq)
    from conftest import CORPUS

    for path in sorted(CORPUS.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        assert fast_words(text) == reference.lcut(text, HMM=False), path.name
