"""Time stays linear in the input (issue 15, defect 9) and odd digits never crash (defect 6)."""

from __future__ import annotations

import time

import pytest
from conftest import CORPUS

from cnplan.extract.table import extract
from cnplan.normalize.steps import mark_foreign_digits

LIMIT_S = 5.0  # generous for a shared 2-core machine; the cases below take about a second


def _timed(text: str) -> tuple[float, int]:
    start = time.perf_counter()
    rows = extract(text, "doc", matcher=None)
    return time.perf_counter() - start, len(rows)


def test_a_document_without_line_breaks_is_read_in_linear_time():
    one_line = (CORPUS / "liupanshui_gwr_2024.txt").read_text(encoding="utf-8").replace("\n", "")
    text = (one_line * (700_000 // len(one_line) + 1))[:700_000]  # 2 MB of UTF-8 on one line
    seconds, rows = _timed(text)
    assert rows > 5000 and seconds < LIMIT_S


@pytest.mark.parametrize(
    "text",
    [
        "，".join(f"新建学校{i}所" for i in range(2500)) + "。",  # a 20,000-character sentence of figures
        "全市高新技术企业达到500家，增长12%，研发投入30亿元，" * 800,  # one sentence, no quote or title
        "的" * 20000 + "高新技术企业达到5家。",  # a long filler before the figure
    ],
)
def test_a_long_sentence_is_read_in_linear_time(text):
    seconds, rows = _timed(text)
    assert rows >= 1 and seconds < LIMIT_S


@pytest.mark.parametrize(
    "text",
    [
        "新增企业\U00011f55家，2\U00011f55年",  # a digit of a newer Unicode version than Python's
        "新增企业٣家",  # Arabic-Indic digits are no digits of a Chinese document
        "1" * 5000 + "万2千人",
        "民国" + "九" * 500 + "年新增企业3家",
        "9" * 10000 + "亿元",
    ],
)
def test_odd_digits_and_absurd_lengths_never_crash(text):
    rows = extract(text, "doc", matcher=None)
    assert all(abs(r.value) < 1e16 for r in rows)


def test_foreign_digits_are_marked_ascii_kept():
    assert mark_foreign_digits("新增3家，٣家") == "新增3家，\ufffd家"
