"""The fast t2s converter gives exactly what opencc-python-reimplemented gives, on any text."""

from __future__ import annotations

import opencc
import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from cnplan.normalize import t2s

REFERENCE = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")
TABLES = t2s.tables()
# characters where the converters could differ: phrase letters, separators, one-to-many characters
ALPHABET = sorted(set("".join(TABLES.phrases)) | set("，。、 -（）乾干發髮著着後后") | {"\n", "\t"})


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_identical_on_the_corpus_in_traditional_script(path):
    traditional = S2T.convert(path.read_text(encoding="utf-8"))
    assert t2s.convert(traditional) == REFERENCE.convert(traditional)


@pytest.mark.parametrize(
    "text",
    ["一目瞭然", "乾隆年間乾燥", "不瞭解乾乾淨淨的", "於是著手", "上鍊，上鍊。", "", "abc 123"],
)
def test_identical_on_phrases(text):
    assert t2s.convert(text) == REFERENCE.convert(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_identical_on_any_mix_of_phrase_letters(text):
    assert t2s.convert(text) == REFERENCE.convert(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_identical_on_any_text(text):
    assert t2s.convert(text) == REFERENCE.convert(text)
