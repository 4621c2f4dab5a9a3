"""Each extraction rule on short real-style phrases and their near misses."""

from __future__ import annotations

import pytest

from cnplan import extract
from cnplan.extract.numbers import parse_number
from cnplan.extract.quantities import find_quantities
from cnplan.extract.timing import find_time_exprs
from cnplan.extract.units import to_base


@pytest.mark.parametrize(
    "text, value",
    [
        ("一百二十", 120),
        ("两", 2),
        ("十二", 12),
        ("3.2", 3.2),
        ("1,200", 1200),
        ("1万5千", 15000),
        ("二〇一五", 2015),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("高新技术企业39家", (39, None, "家", "=")),
        ("总产值到达351亿元", (351, None, "亿元", "=")),
        ("完成60-80万人次的培训", (60, 80, "万人次", "=")),
        ("提高3～5个百分点", (3, 5, "个百分点", "=")),
        ("新增8至10家", (8, 10, "家", "=")),
        ("发放资料1200余册", (1200, None, "册", ">")),
        ("摆放展牌50多块", (50, None, "块", ">")),
        ("近百家企业", (100, None, "家", "~")),
        ("增长8个左右", (8, None, "个", "~")),
        ("新增成果转化15项以上", (15, None, "项", ">=")),
        ("不低于5%", (5, None, "%", ">=")),
        ("力争产值突破150亿元", (150, None, "亿元", ">=")),
        ("控制在3%以内", (3, None, "%", "<=")),
        ("超3.3万亩", (3.3, None, "万亩", ">")),
        ("成功举办两届大赛", (2, None, "届", "=")),
        ("一百二十人参加", (120, None, "人", "=")),
        ("保持“百分之百”", (100, None, "%", "=")),
        ("城市清洁能源使用率≥70%", (70, None, "%", ">=")),
        ("1万5千人", (15000, None, "人", "=")),
        ("三次获得先进市", (3, None, "次", "=")),
        # the unit is required, so a numeral may give back its last character to the unit
        ("节约用电三千瓦时", (3, None, "千瓦时", "=")),
    ],
)
def test_quantities(text, expected):
    found = find_quantities(text)
    assert found, text
    q = found[0]
    assert (q.value, q.value_max, q.unit, q.comparator) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2016年工作要点",
        "10月11日召开",
        "“十二五”期间",
        "第四次被表彰",
        "全市第二名",
        "一是加强管理",
        "以“三个代表”重要思想为指导",
        "坚持一把手抓第一生产力",
        "国发〔2022〕2号文件",
        "实施“125”人才工程",
        "305项目",
        "着力攻克一批关键技术",
        "营造一个良好的环境",
        "是我市面临的一项重大任务",
        "《四个创新加快科技成果转化》为题",
        "强调了三个“比以往任何时候都重要”",
        "三次产业结构",
        "全市几十所中小学",
        "千万吨炼油和百万吨乙烯",
        "科技三项经费",
        "党委七届九次全会",
        "一次性奖励",
    ],
)
def test_no_quantity(text):
    assert find_quantities(text) == []


def test_base_values():
    assert to_base(60, "万人次") == (600000, "人次")
    assert to_base(351, "亿元") == (3.51e10, "元")
    assert to_base(2, "个百分点") == (2, "个百分点")
    assert to_base(3, "千瓦") == (3, "千瓦")


@pytest.mark.parametrize(
    "text, year, deadline, masked",
    [
        ("到2015年", 2015, True, False),
        ("2020年前", 2020, True, False),
        ("“十二五”期末", 2015, True, False),
        ("“十三五”时期", 2020, False, False),
        ("20XX年", None, False, True),
        ("20*年", None, False, True),
        ("201*年", None, False, True),
        ("民国103年", 2014, False, False),
        ("年内", 2016, False, False),
        ("去年", 2015, False, False),
    ],
)
def test_time_expressions(text, year, deadline, masked):
    t = find_time_exprs(text, doc_year=2016)[0]
    assert (t.year, t.deadline, t.masked) == (year, deadline, masked)


def test_taiwan_bare_years():
    t = find_time_exprs("103年度預算", taiwan=True)[0]
    assert t.year == 2014


def rows(text):
    """(indicator, value, unit, kind, year, comparator) of every row of a text."""
    return [(r.indicator, r.value, r.unit, r.kind, r.year, r.comparator) for r in extract(text)]


def test_indicator_before_number_without_verb_or_filler():
    assert rows("2016年，全市高新技术企业总数达到39家。")[0][:2] == ("高新技术企业总数", 39)
    assert rows("力争全年新增高企5家。")[0][0] == "新增高企"


def test_indicator_after_measure_word():
    assert rows("实施2项重点技术项目。")[0][0] == "重点技术项目"
    assert rows("培训10名有事业心的科技成果转化带头人。")[0][0] == "科技成果转化带头人"
    assert rows("12家被认定为自治区级高新技术企业。")[0][0] == "自治区级高新技术企业"


def test_list_items_share_the_head_noun():
    found = rows("到2015年，全市要实施加工业科技计划项目自治区级以上5项，市级5项。")
    assert [r[0] for r in found] == ["自治区级以上加工业科技计划项目", "市级加工业科技计划项目"]
    assert all(r[3:5] == ("target", 2015) for r in found)


def test_growth_inherits_its_subject():
    found = rows("全市地区生产总值完成1557.64亿元、增长3.2%。")
    assert [r[0] for r in found] == ["地区生产总值", "地区生产总值增长"]


def test_attribute_noun_takes_the_entity():
    found = rows("新增省级研发中心2家，总数达到21家。")
    assert found[1][0] == "省级研发中心总数"


def test_work_report_reviews_last_year_and_plans_this_one():
    text = (
        "各位代表：\n一、2023年工作回顾\n全市地区生产总值增长5.2%。\n"
        "二、2024年工作安排\n今年主要预期目标是：地区生产总值增长5.5%左右。"
    )
    found = rows(text)
    assert found[0][3:5] == ("actual", 2023)
    assert found[1][3:6] == ("target", 2024, "~")


def test_heading_year_carries_to_relative_years():
    text = "2016年科技工作总结\n一、2016年工作回顾\n新认定高新技术企业13家。\n二、2017年工作打算\n全年争取项目立项8个。"
    found = rows(text)
    assert found[0][3:5] == ("actual", 2016)
    assert found[1][3:5] == ("target", 2017)


def test_masked_year_keeps_text_and_no_year():
    r = extract("20XX年，西宁市完成地区生产总值628.28亿元。")[0]
    assert r.year is None and r.year_text == "20XX年"


def test_plan_period_end_is_the_deadline():
    r = extract("到“十二五”期末，全市专利申请量累计达10件以上。")[0]
    assert (r.kind, r.year, r.period, r.comparator) == ("target", 2015, "十二五", ">=")


def test_offsets_point_into_the_normalized_text():
    from cnplan import normalize

    text = "建有农业示范园 1 个(赛乌素科技示范园区)、科技示范嘎查 1 个。"
    norm = normalize(text).text
    for r in extract(text):
        assert norm[r.char_start : r.char_end] == f"{int(r.value)}{r.unit}"


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "城镇、农村居民人均可支配收入分别增长5.1%、6.9%。",
            ["城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"],
        ),
        ("其中一、二、三产分别增长3.3%、0.6%、5.7%。", ["一产增长", "二产增长", "三产增长"]),
    ],
)
def test_fenbie_lists_give_each_item_its_own_indicator(text, names):
    assert [r[0] for r in rows(text)] == names


def test_fenbie_near_miss_keeps_the_shared_subject():
    found = rows("城乡居民人均可支配收入分别增长4.3%、8.1%。")
    assert all("人均可支配收入" in r[0] for r in found)


@pytest.mark.parametrize(
    "phrase, name",
    [
        ("社会消费品零售总额力争增长", "社会消费品零售总额增长"),  # the cue words the verb
        ("固定资产投资确保增长", "固定资产投资增长"),
        ("城乡居民收入努力提高", "城乡居民收入提高"),
        ("单位GDP能耗预计下降", "单位GDP能耗下降"),
        ("一般公共预算收入争取同比增长", "一般公共预算收入同比增长"),
        # near misses: a cue that is not before a change word, a measure word, too short a phrase
        ("争取上级资金", "争取上级资金"),
        ("确保粮食产量", "确保粮食产量"),
        ("工业增加值累计增长", "工业增加值累计增长"),
        ("力争增长", "力争增长"),
    ],
)
def test_a_cue_inside_a_name_before_its_change_word_is_dropped(phrase, name):
    from cnplan.extract.indicator import drop_inner_cue

    assert drop_inner_cue(phrase) == name
