"""The name matcher: normalization rules, guards, the labelled pairs, and the crosswalk."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from cnplan.evaluate.pairs import load_pairs, score_pairs
from cnplan.match import Matcher, build_crosswalk, match_names, normalize_name, read_crosswalk, same_indicator
from cnplan.match.catalog import load_catalog
from cnplan.match.matcher import name_score
from cnplan.match.names import (
    guard_key,
    name_parts,
    name_rules,
    parts_agree,
    unit_family,
    units_agree,
    without_base,
)

PAIRS = DATA / "name_pairs.csv"


@pytest.mark.parametrize(
    "name, normalized",
    [
        ("全社会研究与开发经费(R&D)占当年生产总值的比例", "研发经费占GDP比重"),
        ("研发经费投入强度", "研发经费占GDP比重"),
        ("全社会R&D经费支出占地区生产总值的比重", "研发经费占GDP比重"),
        ("高新技术企业总数", "高新技术企业"),
        ("高新技术企业数量", "高新技术企业"),
        ("国家高新技术企业", "高新技术企业"),
        ("gdp增长率", "GDP增长"),
        ("地区生产总值增速", "GDP增长"),
        ("单位地区生产总值能耗降低", "单位GDP能耗下降"),
        ("万元GDP能耗下降", "单位GDP能耗下降"),
        ("万人发明专利拥有量", "每万人发明专利拥有量"),
        ("每万人口发明专利拥有量", "每万人发明专利拥有量"),
        ("规模以上工业增加值", "规上工业增加值"),
        ("专利授权量同比增长", "专利授权量增长"),
        ("税收收入占比", "税收收入占比重"),
        ("“两园一田”建设面积", "两园一田建设"),
        ("省科技型中小企业", "省级科技型中小企业"),
        ("自治区级高新技术企业", "省级高新技术企业"),
        ("居民消费价格指数涨幅", "居民消费价格增长"),  # 涨幅 of a price index is its 增长 (name_synonyms.csv)
        ("市场主体总量", "市场主体"),  # 市场 is no level: 市 stays
        ("全省", "全省"),  # a name that rules would empty stays as it was
    ],
)
def test_normalize_name(name, normalized):
    assert normalize_name(name) == normalized


@pytest.mark.parametrize(
    "unit, family",
    [
        ("%", "percent"),
        ("个百分点", "points"),
        ("亿元", "money"),
        ("家", "count"),
        ("万人次", "people"),
        ("", ""),
    ],
)
def test_unit_family(unit, family):
    assert unit_family(unit) == family


def test_units_agree_unless_both_known_and_different():
    assert units_agree("家", "个")
    assert not units_agree("%", "家")
    assert not units_agree("%", "个百分点")
    assert units_agree("", "家")


def test_guard_keys_tell_levels_and_changes_apart():
    assert guard_key(normalize_name("省级重点实验室")) != guard_key(normalize_name("重点实验室"))
    assert guard_key(normalize_name("专利申请量增长")) != guard_key(normalize_name("专利申请量"))
    assert guard_key(normalize_name("专利申请量")) == guard_key(normalize_name("年专利申请量"))


@pytest.mark.parametrize(
    "name, unit, expected",
    [
        ("全社会研发经费投入占gdp的比例", "%", "rd_intensity"),
        ("高新技术企业总数", "家", "hightech_enterprises"),
        ("高新技术企业", "%", ""),  # a % figure never names a count of 家
        ("科技进步贡献率", "个百分点", ""),  # a change in points is not the rate itself
        ("地区生产总值", "亿元", "gdp"),
        ("地区生产总值增长", "%", "gdp_growth"),
        ("地区生产总值", "%", ""),
        ("省级重点实验室", "家", ""),  # a level the catalog entry does not have
        ("科技型企业家", "名", ""),  # people are not enterprises
        ("培训农民", "人次", ""),
        ("", "家", ""),
    ],
)
def test_match_names(name, unit, expected):
    (match,) = match_names([name], [unit])
    assert match.indicator_id == expected
    assert (match.score is None) == (not expected)


def test_match_names_keeps_order_and_repeats():
    names = ["高新技术企业", "无关的名字", "高新技术企业", "GDP"]
    ids = [m.indicator_id for m in match_names(names, ["家", "个", "家", "亿元"])]
    assert ids == ["hightech_enterprises", "", "hightech_enterprises", "gdp"]


def test_min_score_decides():
    assert (
        match_names(["专利申请受理量"], ["件"], Matcher(min_score=80))[0].indicator_id
        == "patent_applications"
    )
    assert match_names(["专利申请受理量"], ["件"], Matcher(min_score=90))[0].indicator_id == ""


def test_labelled_pairs_precision_and_recall():
    pairs = load_pairs(PAIRS)
    assert len(pairs) >= 300
    assert {p.same for p in pairs} == {True, False}
    figures, _ = score_pairs(pairs)
    assert figures.precision >= 0.95
    assert figures.recall >= 0.85


def test_same_indicator_outside_the_catalog():
    assert same_indicator("省级高新技术产品", "件", "省级高新技术产品", "个")
    assert not same_indicator("城市低保标准增长", "%", "农村低保标准增长", "%")


def test_name_rules_compile():
    assert len(name_rules()) > 10


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["%", "家", "亿元", "", "元/人", "奇怪单位"]))
def test_matching_never_crashes(name, unit):
    normalize_name(name)
    assert len(match_names([name], [unit])) == 1


def _table(rows):
    return pd.DataFrame(rows, columns=["doc", "indicator", "unit_base"])


def test_crosswalk_clusters_catalog_and_other_names():
    table = _table(
        [
            ("a", "高新技术企业", "家"),
            ("b", "高新技术企业总数", "家"),
            ("a", "省级高新技术产品", "件"),
            ("b", "省级高新技术产品总数", "件"),
            ("a", "企业", "家"),
            ("b", "企业", "元"),
        ]
    )
    cw = build_crosswalk([table]).set_index(["name", "unit"])
    assert cw.loc[("高新技术企业总数", "家"), "cluster"] == "hightech_enterprises"
    assert cw.loc[("高新技术企业总数", "家"), "canonical"] == "高新技术企业"
    assert cw.loc[("省级高新技术产品总数", "件"), "cluster"] == cw.loc[("省级高新技术产品", "件"), "cluster"]
    assert cw.loc[("省级高新技术产品", "件"), "indicator_id"] == ""
    # one name with units of two families: two clusters, with distinct ids
    assert cw.loc[("企业", "家"), "cluster"] != cw.loc[("企业", "元"), "cluster"]
    assert cw["docs"].min() >= 1 and cw["rows"].sum() == len(table)


def test_reviewed_crosswalk_is_kept(tmp_path):
    table = _table([("a", "高新技术企业总数", "家"), ("a", "省级高新技术产品", "件")])
    first = build_crosswalk([table])
    first.loc[first["name"] == "省级高新技术产品", ["cluster", "canonical"]] = ["my_products", "高新产品"]
    path = tmp_path / "reviewed.csv"
    first.to_csv(path, index=False)
    again = build_crosswalk(
        [table, _table([("b", "省级高新技术产品总数", "件")])], reviewed=read_crosswalk(path)
    )
    again = again.set_index("name")
    assert again.loc["省级高新技术产品", "cluster"] == "my_products"
    assert again.loc["省级高新技术产品总数", "cluster"] == "my_products"  # a new name joins the reviewed one
    assert again.loc["省级高新技术产品总数", "canonical"] == "高新产品"


def test_bad_crosswalk_is_one_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(Exception, match="not a crosswalk: no name, unit, cluster, canonical column"):
        read_crosswalk(path)


def test_extract_with_a_user_catalog(tmp_path):
    from click.testing import CliRunner

    from cnplan.cli import main

    doc = tmp_path / "plan.txt"
    doc.write_text("到2025年，全市高新技术企业总数达到300家，专利申请量达到5000件。", encoding="utf-8")
    catalog = tmp_path / "mine.csv"
    catalog.write_text(
        "indicator_id,name_zh,name_en,unit,domain,aliases\npatents,专利申请量,patent applications,件,科技,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["extract", str(doc), "--catalog", str(catalog), "-j", "1"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(__import__("io").StringIO(result.stdout), dtype={"indicator_id": str})
    assert rows["indicator_id"].fillna("").tolist() == ["", "patents"]
    result = CliRunner().invoke(main, ["extract", str(doc), "--min-score", "101"])
    assert result.exit_code == 2


def test_a_known_unit_joining_a_cluster_without_one_is_no_crash():
    # issue 17: a bare count (no unit) has no unit family, 个 has; the third name joins the first two's cluster
    table = _table(
        [
            ("a", "新建公共停车场", ""),
            ("b", "新建公共停车场", ""),
            ("c", "新建公共停车场数", "个"),
            ("c", "高新技术企业", "家"),
        ]
    )
    cw = build_crosswalk([table]).set_index(["name", "unit"])
    assert cw.loc[("新建公共停车场数", "个"), "cluster"] == cw.loc[("新建公共停车场", ""), "cluster"]
    assert cw["rows"].sum() == len(table)


def test_the_crosswalk_does_not_depend_on_the_order_of_tables_or_rows():
    from conftest import GOLDEN

    table = pd.read_csv(GOLDEN / "indicators.csv", dtype=str, keep_default_na=False)
    first = build_crosswalk([table]).reset_index(drop=True)
    for seed in (1, 2):
        docs = table["doc"].unique()[::-1] if seed == 1 else table["doc"].unique()
        shuffled = [table[table["doc"] == d].sample(frac=1, random_state=seed) for d in docs]
        assert build_crosswalk(shuffled).reset_index(drop=True).equals(first)


# --- names as parts (name_parts.csv, name_synonyms.csv): the kinds of error unseen names showed -----------


@pytest.mark.parametrize(
    "a, unit_a, b, unit_b",
    [
        # a year-on-year change is not a multi-year average
        ("地区生产总值增长", "%", "地区生产总值年均增长", "%"),
        ("固定资产投资增长", "%", "固定资产投资年均递增", "%"),
        # a grade, a batch, an emission standard, a phase
        ("4A级景区", "个", "5A级景区", "个"),
        ("第一批特色小镇", "个", "第二批特色小镇", "个"),
        ("国三排放标准柴油货车", "辆", "国六排放标准柴油货车", "辆"),
        ("4G基站", "个", "5G基站", "个"),
        # a scope word
        ("国内旅游收入", "亿元", "入境旅游收入", "亿元"),
        ("规模以上工业增加值", "亿元", "工业增加值", "亿元"),
        ("城镇居民人均可支配收入", "元", "农村居民人均可支配收入", "元"),
        ("大型商业综合体", "个", "小型商业综合体", "个"),
        ("区本级一般公共预算收入", "亿元", "一般公共预算收入", "亿元"),
        # four fiscal aggregates
        ("财政总收入", "亿元", "地方财政总收入", "亿元"),
        ("财政总收入", "亿元", "一般公共预算收入", "亿元"),
        ("一般公共预算总收入", "亿元", "一般公共预算收入", "亿元"),
        # new in the period vs a stock; net vs gross
        ("新增高新技术企业", "家", "高新技术企业", "家"),
        ("新增市场主体", "户", "净增市场主体", "户"),
        ("累计建成5G基站", "个", "新增5G基站", "个"),
        # an old statistic and its successor with another definition
        ("农民人均纯收入", "元", "农村居民人均可支配收入", "元"),
    ],
)
def test_names_that_differ_in_a_part_are_kept_apart(a, unit_a, b, unit_b):
    assert not same_indicator(a, unit_a, b, unit_b)
    assert name_score(a, b) == 0.0


@pytest.mark.parametrize(
    "a, unit_a, b, unit_b",
    [
        # synonyms, abbreviations, renamed statistics
        ("接待游客", "万人次", "旅游接待人数", "万人次"),
        ("实际利用外资", "亿美元", "实际利用外商投资", "亿美元"),
        ("低保对象", "人", "最低生活保障对象", "人"),
        ("公共财政预算收入", "亿元", "一般公共预算收入", "亿元"),
        ("粮食播种面积", "万亩", "粮食种植面积", "万亩"),
        ("地方一般公共预算收入", "亿元", "一般公共预算收入", "亿元"),  # 地方 is descriptive here
        # framing verbs that are only wording in a count
        ("建成公共停车场", "个", "新建公共停车场", "个"),
        ("完成公共停车场", "个", "公共停车场", "个"),
        ("办理人大代表建议", "件", "办结人大代表建议", "件"),
        # a measure word written differently
        ("居民消费价格涨幅", "%", "居民消费价格增长", "%"),
        # a part stated by one name only, where absence is no value (loose parts)
        ("城镇调查失业率", "%", "调查失业率", "%"),
        ("城镇居民收入", "元", "城镇居民人均可支配收入", "元"),
    ],
)
def test_names_that_agree_in_their_parts_and_subject_are_one(a, unit_a, b, unit_b):
    assert same_indicator(a, unit_a, b, unit_b)


@pytest.mark.parametrize(
    "name, parts",
    [
        ("规上工业增加值增长", {("change", "up"), ("scale", "above_scale")}),
        ("GDP年均增长", {("average", "yearly_average"), ("change", "up")}),
        ("5A级景区", {("grade", "5A级")}),
        ("二期工程", {("grade", "二期")}),
        (
            "城乡居民人均可支配收入",
            {
                ("per_capita", "per_capita"),
                ("scope", "urban_rural"),
                ("income", "disposable"),
                ("flow", "revenue"),
            },
        ),
        ("进出口总额", {("flow", "trade")}),  # not 出口: 进出口 holds the word
        ("引进亿元以上项目", {("threshold", "亿元")}),
        (
            "省级市重点实验室",
            {("level", "provincial"), ("level", "provincial_municipal")},
        ),  # 省、市 once normalized
        ("亚运会金牌", {("grade", "金牌")}),
        # near misses: 国有 is no emission standard, 期间 no phase, 国家统计 no level, a share's base no scope
        ("国有企业营业收入", {("flow", "revenue")}),
        ("规划期间新建学校", set()),
        ("高新技术产业产值占规上工业产值比重", set()),
    ],
)
def test_name_parts(name, parts):
    assert set(name_parts(name)) == parts


def test_a_share_is_read_without_its_base():
    assert without_base("高新技术产业产值占规上工业产值比重") == "高新技术产业产值比重"
    assert without_base("研发经费占GDP的比重") == "研发经费比重"
    assert without_base("高新技术产业产值") == "高新技术产业产值"


def test_every_catalog_alias_agrees_with_its_entry_in_its_parts():
    """An alias that differs from its entry in a part could never match the entry's own name: it names
    another indicator (年均增长 under a year-on-year growth, 财政总收入 under 一般公共预算收入)."""
    wrong = [
        (e.indicator_id, name)
        for e in load_catalog()
        for name in e.names
        if not parts_agree(normalize_name(e.name_zh), normalize_name(name))
    ]
    assert wrong == []


def test_the_strict_parts_key_is_stable():
    assert guard_key("规上工业增加值增长") == "change=up;scale=above_scale"


def _rows_table(rows):
    """doc, name, unit, kind, year rows as an indicator table."""
    return pd.DataFrame(rows, columns=["doc", "indicator", "unit_base", "kind", "year"])


def test_crosswalk_rows_say_auto_suggest_or_separate_and_why():
    table = _rows_table(
        [
            ("a", "高新技术企业", "家", "actual", 2023),  # the catalog's own name
            ("b", "乡村振兴示范村", "个", "target", 2025),
            ("c", "乡村振兴示范村庄", "个", "target", 2025),  # alike: look
            ("d", "全市乡村振兴示范村", "个", "target", 2025),  # the same once normalized
            ("e", "海绵城市建设面积", "平方公里", "target", 2025),  # nothing alike
        ]
    )
    cw = build_crosswalk([table]).set_index("name")
    assert (
        cw.loc["高新技术企业", "decision"] == "auto"
        and cw.loc["高新技术企业", "decided_by"] == "catalog name or alias"
    )
    assert (
        cw.loc["乡村振兴示范村庄", "decision"] == "suggest"
        and "alike" in cw.loc["乡村振兴示范村庄", "decided_by"]
    )
    assert cw.loc["全市乡村振兴示范村", "decision"] == "auto"
    assert cw.loc["海绵城市建设面积", "decision"] == "separate"
    assert set(cw["decision"]) <= {"auto", "suggest", "separate"}


def test_two_names_of_one_document_kind_and_year_are_two_indicators():
    alike = [("乡村振兴示范村", "个"), ("乡村振兴示范村庄", "个")]
    apart = _rows_table([("a", n, u, "target", 2025) for n, u in alike])
    cw = build_crosswalk([apart]).set_index("name")
    assert cw.loc["乡村振兴示范村", "cluster"] != cw.loc["乡村振兴示范村庄", "cluster"]
    # in two documents (or two years) nothing says they differ: they may join
    joined = _rows_table([("a", *alike[0], "target", 2025), ("b", *alike[1], "target", 2025)])
    cw = build_crosswalk([joined]).set_index("name")
    assert cw.loc["乡村振兴示范村", "cluster"] == cw.loc["乡村振兴示范村庄", "cluster"]


def test_compare_leaves_unreviewed_suggestions_apart():
    from cnplan.match.crosswalk import cluster_map

    cw = pd.DataFrame(
        {
            "name": ["乡村振兴示范村", "乡村振兴示范村庄", "示范村"],
            "unit": ["个"] * 3,
            "cluster": ["乡村振兴示范村"] * 3,
            "canonical": ["乡村振兴示范村"] * 3,
            "indicator_id": [""] * 3,
            "decision": ["separate", "suggest", "reviewed"],
        }
    )
    mapped = cluster_map(cw)
    assert mapped[("乡村振兴示范村庄", "个")][0] == "乡村振兴示范村庄"  # stands apart until reviewed
    assert mapped[("示范村", "个")][0] == "乡村振兴示范村"


def test_crosswalk_by_concept_on_every_gold_name():
    """The dev measure of evaluation/match_concepts.py (2,115 names of the three gold sets, labelled by
    concept), as a floor: `auto` precision at least 0.97, `auto` + `suggest` recall at least 0.85."""
    from pathlib import Path

    from cnplan.evaluate.concepts import load_concepts, score_concepts

    concepts = load_concepts(Path(__file__).resolve().parent.parent / "evaluation" / "name_concepts.csv")
    auto, both, _ = score_concepts(concepts)
    assert auto.precision >= 0.97 and both.recall >= 0.85, (auto, both)
