"""The rules of document context, layout, numbers and names added for unseen genres: phrase tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnplan
from cnplan.extract import context
from cnplan.extract.numbers import parse_number
from cnplan.extract.quantities import find_quantities
from cnplan.extract.region import detect_region
from cnplan.extract.table import extract as extract_rows
from cnplan.extract.timing import period_in
from cnplan.marks import display_width
from cnplan.normalize import normalize
from cnplan.normalize.steps import (
    drop_page_furniture,
    fold_circle_zero,
    join_broken_lines,
    join_digit_groups,
    wrap_width,
)


@pytest.mark.parametrize(
    "text, genre, year",
    [
        # a dateline under the title gives the delivery year; a review heading without a year names none
        (
            "政府工作报告\n——2019年1月15日在某区第十六届人民代表大会第三次会议上\n各位代表：\n一、过去一年工作回顾",
            "gwr",
            2019,
        ),
        ("各位代表：\n一、2023年工作回顾\n2023年是……", "gwr", 2024),
        ("万载县2015年国民经济和社会发展统计公报\n发布日期：2017年05月15日", "communique", 2015),
        (
            "上海市国民经济和社会发展第十四个五年规划\n2021年1月27日上海市第十五届\n人民代表大会第五次会议批准",
            "plan",
            2021,
        ),
        (
            "财政司司长：主席，我谨动议二读《2013年拨款条例草案》。在这份财政预算案，我会提出建议。",
            "address",
            2013,
        ),
        ("行政院施政报告\n105.3.22", "address", 2016),
        ("2011年,是“十二五”开局之年。", "", 2011),
        # a work report's title names the year it is delivered in, after its region or alone
        ("杭州市余杭区2023年政府工作报告\n二、2023年主要预期目标\n地区生产总值增长6%左右。", "gwr", 2023),
        ("2026年河南省政府工作报告\n各位代表：", "gwr", 2026),
        ("余杭区2024年度政府工作报告\n各位代表：", "gwr", 2024),
        # near misses: a date in running text far below is no dateline; a quoted plan is another document
        ("为推进工作，制定本行动计划。\n一、总体要求", "action", None),
        ("按照《山东省智能制造发展规划(2017-2022)》等文件要求，制定本方案。", "", None),
    ],
)
def test_document_genre_and_year(text, genre, year):
    assert context.detect_genre(text) == genre
    assert context.detect_year(text, genre) == year


@pytest.mark.parametrize(
    "text",
    [
        "关于落实2023年政府工作报告重点任务分工的通知\n各部门：",  # a title that goes on is about the report
        "学习贯彻2023年政府工作报告精神\n各部门：",
    ],
)
def test_a_title_about_a_work_report_names_no_delivery_year(text):
    assert context.detect_year(text, "gwr") is None


@pytest.mark.parametrize(
    "title, period",
    [
        ("上海市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "十四五"),
        ("山东省“十四五”科技创新规划", "十四五"),
        ("第十二个五年规划纲要", "十二五"),
        ("第二十个五年规划", ""),  # no such period in periods.csv
        ("五年行动计划", ""),
    ],
)
def test_plan_period_from_the_title(title, period):
    assert period_in(title) == period


@pytest.mark.parametrize(
    "line, heading",
    [
        ("一年来，我们主要做了以下工作：", False),  # a lead-in, not a heading
        ("重点抓好五个方面工作：", False),
        ("一、过去一年工作回顾", True),
        ("（一）主要目标：", True),  # a numbered title stays one
    ],
)
def test_colon_lead_in_is_no_heading(line, heading):
    assert (context.heading_of(line, True, len(line)) is not None) == heading


def test_genre_defaults_cover_every_genre():
    listed = context._genre_defaults()
    for _, genre in context._genres():
        assert genre in listed, genre


def _rows(text: str) -> list:
    return extract_rows(text, "doc", matcher=None)


def test_dateline_makes_the_review_the_previous_year():
    text = (
        "政府工作报告\n——2019年1月15日在某区第十六届人民代表大会第三次会议上\n"
        "各位代表：\n一、过去一年工作回顾\n全年新增就业1200人。\n二、今年工作安排\n今年新增就业1500人以上。"
    )
    years = {(r.value, r.kind, r.year) for r in _rows(text)}
    assert (1200, "actual", 2018) in years and (1500, "target", 2019) in years


def test_action_plan_targets_keep_the_deadline_of_the_lead_paragraph():
    text = (
        "为抢抓机遇，制定本行动计划。\n到2026年，产业总体水平处于全国前列。\n"
        "——创新能力。打造5个以上公共服务平台。\n其他工作。建设3个园区。"
    )
    rows = {r.value: (r.kind, r.year) for r in _rows(text)}
    assert rows[5] == ("target", 2026)
    assert rows[3] == ("target", None)  # no bullet: the deadline does not reach it


def test_five_year_plan_review_reports_the_base_year():
    text = "山东省“十四五”科技创新规划\n一、发展基础\n高新技术企业突破1.46万家。\n二、主要目标\n高新技术企业达到2万家。"
    rows = {r.value: (r.kind, r.year) for r in _rows(text)}
    assert rows[1.46] == ("actual", 2020) and rows[2] == ("target", 2025)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("接待12万305人次", 120305, "人次"),
        ("投资3亿5,000万元", 35000, "万元"),
        ("补助2,418万6,300元", 24186300, "元"),
        ("投入经费五三七亿元", 537, "亿元"),
        ("成长百分之一四．七", 14.7, "%"),
        ("修正为百分之五点二五", 5.25, "%"),
        ("占三○%", 30, "%"),
        ("总额二兆六、四六五亿元", 26465, "亿元"),
        ("协助六万四千个家庭", 64000, "个"),
    ],
)
def test_compound_and_digit_by_digit_numbers(text, value, unit):
    found = find_quantities(normalize(text).text)
    assert [(q.value, q.unit) for q in found] == [(value, unit)]


@pytest.mark.parametrize("text", ["1" * 40 + "亿元", "民国" + "九" * 300 + "年"])
def test_absurd_lengths_are_no_quantities(text):
    assert [q for q in find_quantities(text) if q.value > 1e15] == []
    assert parse_number("1" * 40) is None


@pytest.mark.parametrize(
    "text, kept",
    [
        ("推出56项“免申即享”政策", True),  # a quoted name of what is counted
        ("7个“保交楼”项目竣工交付", True),
        ("选派2658名“企业知心人”", True),
        ("落实三个“确保”，", False),  # a count of slogans
        ("实施二期工程", False),  # a phase is an ordinal
        ("三期改扩建项目开工", False),
        ("举办培训班3期。", True),  # near miss: sessions counted
        ("创造一个关怀弱势的社会", False),  # 一 + a generic measure word: an article
        ("出台新一轮优化营商环境措施", False),
        ("柳林公园一期建成开放", False),
        ("引进一家龙头企业", True),  # near miss: a specific measure word counts one
        ("新建两个产业园", True),
        ("办结时限压缩到3个月", True),
    ],
)
def test_quotes_and_phases(text, kept):
    assert bool(find_quantities(text)) == kept


def test_duration_keeps_its_unit():
    assert [q.unit for q in find_quantities("用时3个月")] == ["个月"]


@pytest.mark.parametrize(
    "sentence, value, name",
    [
        ("建成9个千头牛场。", 9, "建成千头牛场"),
        ("投资达11亿元的虹发铝型材项目，", 11, "虹发铝型材项目投资"),
        ("推出56项“免申即享”政策。", 56, "免申即享政策"),
    ],
)
def test_names_of_counted_things(sentence, value, name):
    rows = {r.value: r.indicator for r in _rows(sentence)}
    assert rows[value] == name


@pytest.mark.parametrize(
    "text, year",
    [
        ("高新技术企业突破1.46万家，是2015年的3.75倍。", None),  # a comparison base, not the year
        ("2020年高新技术企业1.46万家，较2015年增加3000家。", 2020),
    ],
)
def test_comparison_base_is_not_the_year(text, year):
    rows = _rows(text)
    assert rows[-1].year == year


def test_self_reference_resolves_a_shared_name():
    text = "吉林市政府工作报告\n全省第一。全省领先。全省前列。我市经济稳定。我市就业增长。我市吉林人民。吉林发展。"
    assert detect_region(text) == "吉林市"


def test_hard_wrapped_text_is_rejoined_at_its_wrap_width():
    paragraph = "香港内部经济环节在二〇一二年保持平稳发展，受惠于高就业和收入有所改善，" * 12 + "完。"
    lines = [paragraph[i : i + 30] for i in range(0, len(paragraph), 30)] + ["引言"]
    assert wrap_width(lines) is not None
    joined = join_broken_lines("\n".join(lines))
    assert joined.split("\n") == [paragraph, "引言"]


def test_free_running_lines_are_not_joined():
    text = "\n".join(["第一段。", "一、总体要求", "坚持创新驱动", "二、主要目标"] * 5)
    assert join_broken_lines(text) == text


def test_page_furniture_is_dropped_and_the_sentence_closed():
    page = "第{n}页的文字，我是\n立法会─2013年2月27日\n\n{n}\n抱战战兢兢的心情{n}。\n\n正文{n}。"
    text = "\n".join(page.format(n=5146 + i) for i in range(3))
    out = drop_page_furniture(text)
    assert "立法会" not in out and "\n5146\n" not in out
    assert "第5146页的文字，我是\n抱战战兢兢的心情5146。" in out


@pytest.mark.parametrize(
    "text, expected",
    [
        ("超过67 000个房间", "超过67000个房间"),
        ("日载客可达3 840人", "日载客可达3840人"),
        ("2020 2025", "2020 2025"),  # table cells stay apart
        ("120 135 112%", "120 135 112%"),
    ],
)
def test_digit_groups(text, expected):
    assert join_digit_groups(text) == expected


def test_circle_zero_only_among_numerals():
    assert fold_circle_zero("三○%") == "三〇%"
    assert fold_circle_zero("○ 项目") == "○ 项目"


@given(st.text(alphabet="a1 中。“—é𠀀，\u2e80\u2e81", max_size=30))
def test_display_width_is_two_columns_from_u2e81(text):
    assert display_width(text) == sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def test_percent_change_column_of_a_table():
    from cnplan.read.tables import table_lines

    rows = [
        ["产品名称", "计量单位", "产量", "较上年±%"],
        ["饮料酒", "千升", "15767", "18.64"],
        ["泵", "台", "52383", "-3.2"],
    ]
    assert table_lines(rows) == ["饮料酒产量为15767千升，增长18.64%。", "泵产量为52383台，增长-3.2%。"]
    found = {r.value: r.indicator for r in _rows("\n".join(table_lines(rows)))}
    assert found[18.64] == "饮料酒产量增长" and found[-3.2] == "泵产量增长"


@pytest.mark.parametrize(
    "text, values",
    [
        ("牧业产值增长-3.2%", [-3.2]),
        ("增长3-5%", [3]),  # near miss: a range, not a negative
        ("2019-2020年增长5%", [5]),
    ],
)
def test_negative_growth(text, values):
    assert [q.value for q in find_quantities(text)] == values


def test_communique_stock_at_year_end_is_actual():
    text = "某县2015年国民经济和社会发展统计公报\n到2015年底共有人工造林面积1469公顷。"
    assert [(r.kind, r.year) for r in _rows(text)] == [("actual", 2015)]


def test_plan_deadline_in_its_own_year_stays_a_target():
    text = "某市2015年工作计划\n到2015年底，新建学校3所。"
    assert [r.kind for r in _rows(text)] == ["target"]


@pytest.mark.parametrize(
    "section, kind",
    [
        ("一、过去一年工作回顾", "actual"),  # funds obtained
        ("二、今年工作安排", "target"),  # funds to be sought
    ],
)
def test_zhengqu_in_a_review_reports_what_was_obtained(section, kind):
    text = f"政府工作报告\n——2014年2月19日在某区人民代表大会上\n{section}\n争取上级资金1.2亿元。"
    assert [r.kind for r in _rows(text)] == [kind]


def test_last_year_counts_from_the_year_of_writing():
    text = "财政司司长：在这份财政预算案，我会提出建议。《2013年拨款条例草案》\n2012年经济表现\n整体投资在去年进一步飙升9.1%，全年增长1.4%。"
    years = [r.year for r in _rows(text)]
    assert years == [2012, 2012]  # 去年 from 2013, 全年 of the heading's 2012


@pytest.mark.parametrize(
    "sentence, value, name",
    [
        ("全县生产总值1102284万元，比上年增长9.3%。", 9.3, "生产总值增长"),
        ("早稻产量109924吨，比上年减产849吨。", 849, "早稻产量减产"),
        ("存款余额1221442万元，比年初增加121749万元。", 121749, "存款余额比年初增加"),
        ("工业总产值2738280万元，按可比价计算比上年增长14.0%。", 14.0, "工业总产值增长"),
    ],
)
def test_change_after_a_level_takes_its_subject(sentence, value, name):
    assert {r.value: r.indicator for r in _rows(sentence)}[value] == name


PLAN_TABLE = """上海市“十四五”规划主要指标
指 标 单位 属性
2025年 年均[累计]
1 全市生产总值年均增长率 % 预期性 - 5左右
万元/
2 全员劳动生产率 预期性 36左右 -
人
3 单位建设用地生产总值提升 % 预期性 - [20]
全社会研发经费支出相当于
6 % 预期性 4.5左右 -
全市生产总值比例
9 居民人均可支配收入增长 % 预期性 - 与经济增长基本同步
10 城镇调查失业率 % 预期性 - <5.5
17 地表水达到或好于Ⅲ类水体比例 % 约束性 >60 -
1 指每万人口居民拥有的经国家知识产权局授权且在有效期内的发明专利件数，这一行是正文而不是表格的一行。"""


def test_text_table_rows_become_sentences():
    from cnplan.normalize.text_tables import rebuild_text_tables

    lines = rebuild_text_tables(PLAN_TABLE).split("\n")
    assert "全市生产总值年均增长率为5%左右（预期性）。" in lines
    assert "全员劳动生产率2025年为36万元/人左右（预期性）。" in lines  # the unit wrapped around its row
    assert "单位建设用地生产总值提升为20%（预期性）。" in lines
    assert "全社会研发经费支出相当于全市生产总值比例2025年为4.5%左右（预期性）。" in lines  # the name, too
    assert "城镇调查失业率为低于5.5%（预期性）。" in lines
    assert "地表水达到或好于Ⅲ类水体比例2025年为超过60%（约束性）。" in lines
    assert "9 居民人均可支配收入增长 % 预期性 - 与经济增长基本同步。" in lines  # no figure: kept, closed
    assert lines[-1].startswith("1 指每万人口")  # running text ends the table


def test_text_table_rows_are_plan_targets_with_their_binding():
    text = "上海市国民经济和社会发展第十四个五年规划纲要\n" + PLAN_TABLE
    rows = {r.value: r for r in _rows(text)}
    assert (rows[5].kind, rows[5].year, rows[5].comparator, rows[5].binding) == (
        "target",
        2025,
        "~",
        "预期性",
    )
    assert (rows[36].unit, rows[36].indicator) == ("万元/人", "全员劳动生产率")
    assert (rows[60].comparator, rows[60].binding) == (">", "约束性")
    assert rows[5.5].comparator == "<"


@pytest.mark.parametrize(
    "line, header",
    [
        ("指 标 单位 属性", True),
        ("指标名称 计量单位 2025年", True),
        ("各单位要按照指标要求完成任务。", False),  # prose that names the words
        ("主要指标", False),
    ],
)
def test_text_table_header(line, header):
    from cnplan.normalize.text_tables import is_table_header

    assert is_table_header(line) == header


@pytest.mark.parametrize(
    "sentence, value, name",
    [
        ("政府会提供23亿元的贷款。", 23, "贷款"),  # a verb before, the measured thing after
        ("27个总投资94亿元的健康医药项目签约落地。", 94, "健康医药项目总投资"),  # near miss: a bare predicate
        ("地区生产总值达到628亿元的水平。", 628, "地区生产总值"),  # near miss: a real name before
    ],
)
def test_amount_named_by_the_noun_after_it(sentence, value, name):
    assert {r.value: r.indicator for r in _rows(sentence)}[value] == name


@pytest.mark.parametrize(
    "text, found",
    [
        ("投入三百六十多亿的经费", [(360, "亿")]),  # a bare 亿 before 的
        ("千万不能放松", []),  # near miss: 千万 before a word is no amount
    ],
)
def test_bare_multiplier_unit(text, found):
    assert [(q.value, q.unit) for q in find_quantities(text)] == found


@pytest.mark.parametrize(
    "text, name, code, level",
    [
        ("南通市人民政府工作报告\n我市高新技术企业达到500家。", "南通市", "320600", "prefecture"),
        ("河南省政府工作报告\n全省生产总值增长5%。", "河南省", "410000", "province"),
        ("海拉尔区政府工作报告\n全区新建学校3所。", "海拉尔区", "150702", "county"),
        ("香港特别行政区财政预算案\n本港经济增长3%。", "香港特别行政区", "810000", "province"),
        ("吉林市政府工作报告\n我市新增企业50家。", "吉林市", "220200", "prefecture"),  # not 吉林省
        ("某市政府工作报告\n我市新增企业50家。", "", "", ""),  # near miss: masked, no region
    ],
)
def test_region_code_and_level(text, name, code, level):
    from cnplan.extract.region import detect_division, region_level

    division = detect_division(text)
    assert (division.name if division else "", division.adcode if division else "") == (name, code)
    assert region_level(division) == level
    rows = cnplan.extract(text, "d") if name else []
    assert all((r.region, r.region_code, r.region_level) == (name, code, level) for r in rows)


@pytest.mark.parametrize(
    "text, region",
    [
        # a city named right before one of its districts is the district's address
        ("杭州市余杭区2024年政府工作报告\n进出口总额增长3.2%。", "余杭区"),
        ("浙江省杭州市余杭区人民政府工作报告", "余杭区"),
        # the government that delivers the report names its level
        ("杭州市余杭区2024年政府工作报告\n各位代表：\n现在，我代表区人民政府向大会报告工作。", "余杭区"),
        # near misses: a province and its city is the city; a list of places is no address
        ("浙江省杭州市人民政府工作报告", "杭州市"),
        ("杭州市、余杭区和萧山区的合作项目", "杭州市"),
    ],
)
def test_the_region_of_an_address_is_its_last_part(text, region):
    assert detect_region(text) == region
