"""The name matcher: normalization rules, guards, the labelled pairs, and the crosswalk."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from cnplan.evaluate.pairs import load_pairs, score_pairs
from cnplan.match import Matcher, build_crosswalk, match_names, normalize_name, read_crosswalk, same_indicator
from cnplan.match.names import guard_key, name_rules, unit_family, units_agree

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
        ("居民消费价格指数涨幅", "居民消费价格涨幅"),
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
        match_names(["年专利申请量"], ["件"], Matcher(min_score=90))[0].indicator_id == "patent_applications"
    )
    assert match_names(["年专利申请量"], ["件"], Matcher(min_score=95))[0].indicator_id == ""


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
