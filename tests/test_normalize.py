"""Normalization steps, each alone, on tricky inputs and their near misses; the pipeline as a whole."""

from __future__ import annotations

import opencc
import pytest
from conftest import CORPUS, CORPUS_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from cnplan import normalize
from cnplan.normalize import detect_script, normalize_text, steps, to_simplified


@pytest.mark.parametrize(
    "text, expected",
    [
        ("鐘祥全面實施創新驅動發展戰略", "钟祥全面实施创新驱动发展战略"),
        ("乾安縣科技局", "乾安县科技局"),
        ("乾安县科技局", "乾安县科技局"),  # simplified text is left alone
        ("著作权登记", "著作权登记"),  # simplified line: no conversion, no 著->着
        ("於潛鎮", "於潜镇"),
        ("高新技术企业\n高新技術產業", "高新技术企业\n高新技术产业"),  # mixed texts, line by line
    ],
)
def test_to_simplified(text, expected):
    assert to_simplified(text) == expected


@pytest.mark.parametrize(
    "text, script",
    [("科技工作要点", "simplified"), ("科技工作要點與發展規劃", "traditional"), ("", "simplified")],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


@pytest.mark.parametrize(
    "text, expected",
    [
        ("領(lǐng)導(dǎo)", "領導"),
        ("創(chuàng)新", "創新"),
        ("綠(lǜ)色", "綠色"),
        ("全角（xùn）括号", "全角括号"),
        ("研究与试验发展(R&D)经费", "研究与试验发展(R&D)经费"),  # near miss: no tone mark
        ("以项目(EOD)模式", "以项目(EOD)模式"),
        ("甲(a)项", "甲(a)项"),
        ("(lǐng)在句首", "(lǐng)在句首"),  # not after a character
    ],
)
def test_strip_pinyin(text, expected):
    assert steps.strip_pinyin(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("增长３．２％", "增长3.2%"),
        ("ＧＤＰ和Ｒ＆Ｄ", "GDP和R&D"),
        ("１２００元／人", "1200元/人"),
        ("首先，其次；最后！（注）", "首先，其次；最后！（注）"),  # Chinese punctuation stays
        ("比例为11.9：44.1：44", "比例为11.9：44.1：44"),
        ("3～5个", "3～5个"),
    ],
)
def test_to_halfwidth(text, expected):
    assert steps.to_halfwidth(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("加快工 业化进程", "加快工业化进程"),
        ("“十二五 ”期间", "“十二五”期间"),
        ("实施 2 项重点技术项目", "实施2项重点技术项目"),
        ("到 2015 年", "到2015年"),
        ("占 GDP 比重", "占GDP比重"),
        ("达到 0.5 %以上", "达到0.5%以上"),
        ("Hello world", "Hello world"),  # near miss: spaces between Latin words stay
        ("   缩进的行  ", "缩进的行"),
    ],
)
def test_close_spaces(text, expected):
    assert steps.close_spaces(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“十二五”期间(20112015)是", "“十二五”期间(2011-2015)是"),
        ("办好20112013年的培训班", "办好2011-2013年的培训班"),
        ("编号20152011", "编号20152011"),  # near miss: not ascending
        ("电话20112099", "电话20112099"),  # near miss: not a plausible range
        ("201120150", "201120150"),  # near miss: longer digit run
    ],
)
def test_split_glued_years(text, expected):
    assert steps.split_glued_years(text) == expected


PAGE = "科技工作取得进展，" * 30  # about 270 characters of running text per page


def test_page_numbers_forming_the_page_sequence_are_removed():
    text = PAGE + "为生态2建设" + PAGE + "多部3门联合" + PAGE + "改造4升级" + PAGE + "建立了3个基地"
    out = steps.drop_page_numbers(text)
    assert "生态建设" in out and "多部门联合" in out and "改造升级" in out
    assert "建立了3个基地" in out  # a real quantity stays


@pytest.mark.parametrize(
    "text",
    [
        "建立了3个基地，" * 3,  # near miss: no page sequence
        PAGE + "新增1家" + PAGE + "新增2家" + "新增3家",  # consecutive counts, not spread like pages
        "全市新建1所学校、2所医院和3个公园",
    ],
)
def test_page_number_near_misses_stay(text):
    assert steps.drop_page_numbers(text) == text


def test_line_labels_are_stripped_only_when_every_line_has_the_next():
    assert steps.strip_line_numbers("1、甲\n2、乙\n3、丙") == "甲\n乙\n丙"
    kept = "1、加强合作\n正文\n2、强化激励\n3、严格考核"
    assert steps.strip_line_numbers(kept) == kept
    assert steps.strip_line_numbers("1、甲\n3、乙\n4、丙") == "1、甲\n3、乙\n4、丙"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("农牧民22、5万人次", "农牧民22.5万人次"),
        ("占比1、5%", "占比1.5%"),
        ("分别提高10.6、6.3、12.9个百分点", "分别提高10.6、6.3、12.9个百分点"),
        ("1、2、3万元", "1、2、3万元"),  # a list, not decimals
        ("建设3、5个", "建设3、5个"),  # no multiplier: not provably a decimal
    ],
)
def test_fix_decimal_comma(text, expected):
    assert steps.fix_decimal_comma(text) == expected


def test_join_broken_lines():
    long = "全面建设小康社会" * 10
    assert steps.join_broken_lines(long + "\n目标") == long + "目标"
    assert steps.join_broken_lines(long + "。\n目标") == long + "。\n目标"
    assert steps.join_broken_lines("一、试点基础\n正文") == "一、试点基础\n正文"  # a short heading


@pytest.mark.parametrize(
    "text, expected",
    [
        ("公文素材库 首页\n正文", "正文"),
        ("前言:本站为你精心整理了范文,欢迎咨询。\n正文", "正文"),
        ("正文\n来源:网络整理 免责声明:本文仅限学习分享。\n相关阅读\n链接一\n链接二", "正文"),
        ("正文\n相关阅读\n链接\n篇二:标题\n第二篇", "正文\n篇二:标题\n第二篇"),
        ("首页建设工程取得进展" * 5, "首页建设工程取得进展" * 5),  # long line: a real paragraph
    ],
)
def test_drop_boilerplate(text, expected):
    assert steps.drop_boilerplate(text) == expected


def test_urls_are_dropped():
    assert steps.strip_urls("见http://m.bsmz.net/gongwen/318605.html。") == "见。"


def test_articles_and_sentences_keep_offsets():
    n = normalize("前言\n【篇一】\n甲乙。丙丁！\n【篇二】\n戊己；庚")
    assert [p.index for p in n.parts] == [1, 2]
    assert [n.sentence_text(s) for s in n.sentences] == [
        "前言",
        "【篇一】",
        "甲乙。",
        "丙丁！",
        "【篇二】",
        "戊己；",
        "庚",
    ]
    assert [s.part for s in n.sentences] == [1, 1, 1, 1, 2, 2, 2]
    n = normalize("篇一:标题\n正文。\n篇二：标题\n正文")
    assert len(n.parts) == 2


TRADITIONAL_SEEDS = [CORPUS / "001_f11c072e94adb095.txt", CORPUS / "002_54b0e76b820b537c.txt"]


@pytest.mark.parametrize("path", TRADITIONAL_SEEDS, ids=lambda p: p.stem)
def test_traditional_seeds_are_fully_simplified(path):
    text = normalize(path.read_text(encoding="utf-8")).text
    converter = opencc.OpenCC("t2s")
    assert converter.convert(text) == text
    assert not steps._PINYIN.search(text)
    assert "(lǐng)" not in text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_offsets_index_the_text(text):
    n = normalize(text)
    assert n.text == normalize_text(text)
    for s in n.sentences:
        assert 0 <= s.start < s.end <= len(n.text)
        chunk = n.sentence_text(s)
        assert chunk == chunk.strip() and chunk
    for a, b in zip(n.sentences, n.sentences[1:]):
        assert a.end <= b.start
    assert n.parts[0].start == 0 and n.parts[-1].end == len(n.text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="生态建设科技项目0123456789、 \n。.%万年(（）)“”篇一二【】:", max_size=300))
def test_normalize_never_raises_on_chinese_like_text(text):
    n = normalize(text)
    for s in n.sentences:
        assert n.text[s.start : s.end] == n.sentence_text(s)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_golden_normalized_corpus(path, update_golden):
    from conftest import GOLDEN

    expected_path = GOLDEN / "normalized" / path.name
    actual = normalize(path.read_text(encoding="utf-8")).text + "\n"
    if update_golden:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")
