"""Target attainment: consecutive reports written for the test, the met rules as a table, the command."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cnplan
from cnplan.cli import main
from cnplan.extract import extract_text, rows_frame
from cnplan.track import TRACK_COLUMNS, rules, track_table

# Three years of one district's work reports and a communiqué, written for the tests in the wording of
# such documents (tests/data/track/README.md).
DATA = Path(__file__).resolve().parent / "data" / "track"
REPORTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))}


def _table(docs=REPORTS) -> pd.DataFrame:
    return pd.concat([rows_frame(extract_text(text, doc)) for doc, text in docs.items()], ignore_index=True)


@pytest.fixture(scope="module")
def attainment() -> pd.DataFrame:
    return track_table(_table())


def _row(frame, indicator_id, year):
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["year"] == year)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(
    "indicator_id, year, target, actual, met, actual_doc",
    [
        ("gdp_growth", 2023, 6.0, 5.8, "yes", "yuhang_gwr_2024"),  # 左右: within half a point
        ("gdp_growth", 2024, 6.0, 5.6, "yes", "yuhang_gwr_2025"),
        ("fiscal_revenue_growth", 2024, 5.0, 4.2, "no", "yuhang_gwr_2025"),  # 以上 missed
        ("industrial_value_added_growth", 2024, 6.0, 7.5, "yes", "yuhang_gwr_2025"),  # a range exceeded
        ("cpi", 2024, 3.0, 0.2, "yes", "yuhang_gwr_2025"),  # a ceiling kept
        ("unemployment", 2024, 5.5, 5.2, "yes", "yuhang_gwr_2025"),  # 以内
        ("fiscal_revenue", 2024, 13.0, 12.8, "no", "yuhang_gwr_2025"),  # 亿元 vs 128000万元
        ("urban_income_growth", 2024, 6.0, 5.5, "no", "yuhang_communique_2024"),  # from a communiqué
    ],
)
def test_targets_linked_to_their_outcome(attainment, indicator_id, year, target, actual, met, actual_doc):
    row = _row(attainment, indicator_id, year)
    assert row["target_value"] == target and row["actual_value"] == pytest.approx(actual)
    assert row["met"] == met and row["actual_doc"] == actual_doc
    assert row["gap"] == pytest.approx(actual - target)
    assert row["region"] == "余杭区" and row["region_code"] == "330110"


def test_a_level_is_compared_in_the_target_unit(attainment):
    row = _row(attainment, "fiscal_revenue", 2024)
    assert row["target_unit"] == "亿元" and row["actual_unit"] == "亿元" and row["actual_value"] == 12.8


def test_a_target_never_reported_back_stays_with_empty_outcome(attainment):
    for indicator_id, year in (("gdp_growth", 2025), ("urban_income_growth", 2023)):
        row = _row(attainment, indicator_id, year)
        assert row["actual_doc"] == "" and math.isnan(row["actual_value"]) and row["met"] == ""
    hightech = attainment[attainment["indicator"] == "新增高新技术企业"]
    assert len(hightech) == 1 and hightech["actual_doc"].item() == ""


def test_an_actual_without_a_target_is_no_row(attainment):
    assert not (attainment["year"] == 2022).any()
    assert set(attainment["target_doc"]) <= {"yuhang_gwr_2023", "yuhang_gwr_2024", "yuhang_gwr_2025"}


def test_wording_direction_and_persistence(attainment):
    gdp = _row(attainment, "gdp_growth", 2024)
    assert (gdp["cue"], gdp["wording"], gdp["direction"]) == ("左右", "soft", "floor")
    assert _row(attainment, "fiscal_revenue_growth", 2024)["wording"] == "hard"
    assert _row(attainment, "cpi", 2024)["direction"] == "ceiling"
    runs = [_row(attainment, "gdp_growth", y)["persistence"] for y in (2023, 2024, 2025)]
    assert runs == [1, 2, 3]  # 6% 左右 three years running
    assert _row(attainment, "industrial_value_added_growth", 2024)["target_value_max"] == 7.0


def test_columns_and_types(attainment):
    assert list(attainment.columns) == TRACK_COLUMNS
    assert str(attainment["year"].dtype) == "Int64"
    assert set(attainment["met"]) <= {"yes", "no", "unclear", ""}


def test_an_outcome_comes_from_a_document_written_after_the_year():
    docs = {
        "a_gwr_2024": REPORTS["yuhang_gwr_2024"],
        # the same year's report cannot report the year's outcome: a figure it calls 2024 is no outcome
        "b_plan_2024": "杭州市余杭区2024年政府工作报告\n二、2024年主要预期目标\n全区地区生产总值增长6.5%。",
    }
    frame = track_table(_table(docs))
    assert (frame["actual_doc"] == "").all()


def test_the_nearest_later_document_wins():
    later = (
        REPORTS["yuhang_gwr_2025"]
        .replace("杭州市余杭区2025年", "杭州市余杭区2026年")
        .replace("2024年工作回顾", "2024年以来工作回顾")
    )
    docs = {**REPORTS, "yuhang_gwr_2026": later.replace("增长5.6%", "增长5.7%")}
    row = _row(track_table(_table(docs)), "gdp_growth", 2024)
    assert row["actual_doc"] == "yuhang_gwr_2025" and row["actual_value"] == 5.6


def test_names_without_a_catalog_id_link_by_their_normalized_name():
    docs = {
        "gwr_2024": "杭州市余杭区2024年政府工作报告\n二、2024年主要预期目标\n新增市场主体8000户。",
        "gwr_2025": "杭州市余杭区2025年政府工作报告\n一、2024年工作回顾\n新增市场主体8500户。",
    }
    frame = track_table(_table(docs))
    row = frame[frame["indicator"] == "新增市场主体"].iloc[0]
    assert row["indicator_id"] == "" and row["actual_value"] == 8500 and row["met"] == "yes"


def test_library_function_takes_frames_and_files(tmp_path):
    path = tmp_path / "t.csv"
    _table().to_csv(path, index=False)
    from_file = cnplan.track_frame(path)
    assert len(from_file) == len(cnplan.track_frame(_table()))
    assert (from_file["met"] == "yes").sum() >= 5


# --- the rules as a table ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "comparator, value, value_max, unit, way, actual_comparator, actual, met",
    [
        (">=", 5.0, None, "%", "floor", "=", 5.0, "yes"),  # reached
        (">=", 5.0, None, "%", "floor", "=", 4.99, "no"),
        (">", 100.0, None, "亿元", "floor", "=", 100.0, "yes"),  # 超过: reached counts
        ("=", 6.0, None, "%", "floor", "=", 6.8, "yes"),  # a growth target: exceeding is meeting
        ("=", 6.0, None, "%", "floor", "=", 5.9, "no"),
        ("~", 6.0, None, "%", "floor", "=", 5.5, "yes"),  # 左右: half a point
        ("~", 6.0, None, "%", "floor", "=", 5.4, "no"),
        ("~", 6.0, None, "%", "floor", "=", 7.5, "yes"),
        ("~", 1000.0, None, "亿元", "floor", "=", 951.0, "yes"),  # a level: 5% of the value
        ("~", 1000.0, None, "亿元", "floor", "=", 949.0, "no"),
        ("=", 6.0, 7.0, "%", "floor", "=", 6.5, "yes"),  # inside the range
        ("=", 6.0, 7.0, "%", "floor", "=", 5.9, "no"),
        ("<=", 5.5, None, "%", "ceiling", "=", 5.5, "yes"),  # 以内
        ("<=", 5.5, None, "%", "ceiling", "=", 5.6, "no"),
        ("~", 3.0, None, "%", "ceiling", "=", 3.4, "yes"),  # 控制在3%左右
        ("~", 3.0, None, "%", "ceiling", "=", 3.6, "no"),
        ("=", 3.0, 3.5, "%", "ceiling", "=", 3.6, "no"),
        # an outcome with its own comparator: 超过120亿元 meets 100, says nothing of 150
        (">=", 100.0, None, "亿元", "floor", ">", 120.0, "yes"),
        (">=", 150.0, None, "亿元", "floor", ">", 120.0, "unclear"),
        ("<=", 5.5, None, "%", "ceiling", "<", 5.0, "yes"),
        ("<=", 5.5, None, "%", "ceiling", ">", 5.0, "unclear"),
        ("=", float("nan"), None, "%", "floor", "=", 5.0, "unclear"),
    ],
)
def test_met_rules(comparator, value, value_max, unit, way, actual_comparator, actual, met):
    assert rules.met(comparator, value, value_max, unit, way, actual_comparator, actual) == met


@pytest.mark.parametrize(
    "cue, wording",
    [("确保", "hard"), ("以上", "hard"), ("及以上", "hard"), ("不低于", "hard"), ("以内", "hard")]
    + [("左右", "soft"), ("力争", "soft"), ("争取", "soft"), ("", ""), ("达到", "")],
)
def test_wording_from_the_cue(cue, wording):
    assert rules.wording(cue) == wording


@pytest.mark.parametrize(
    "comparator, indicator_id, name, sentence, way",
    [
        ("~", "gdp_growth", "地区生产总值增长", "地区生产总值增长6%左右", "floor"),
        ("<=", "", "能耗增长", "能耗增长控制在2%以内", "ceiling"),  # the comparator says so
        ("~", "cpi", "居民消费价格涨幅", "居民消费价格涨幅3%左右", "ceiling"),  # the catalog id
        ("~", "", "城镇登记失业率", "城镇登记失业率4.5%左右", "ceiling"),  # a word of the name
        ("~", "", "物价总水平", "物价总水平控制在3%左右", "ceiling"),  # the clause before the name
        # near misses: 控制 in another clause; a falling indicator that is measured by its cut
        ("~", "", "地区生产总值增长", "污染物排放控制在限值内；地区生产总值增长6%左右", "floor"),
        ("=", "energy_intensity_cut", "单位GDP能耗降低", "单位GDP能耗降低3%", "floor"),
    ],
)
def test_floor_or_ceiling(comparator, indicator_id, name, sentence, way):
    assert rules.direction(comparator, indicator_id, name, sentence) == way


@pytest.mark.parametrize(
    "value, unit, tol", [(6.0, "%", 0.5), (1.0, "个百分点", 0.5), (1000.0, "亿元", 50.0), (80.0, "家", 4.0)]
)
def test_tolerance_is_stated_once(value, unit, tol):
    assert rules.tolerance(value, unit) == pytest.approx(tol)


# --- the command --------------------------------------------------------------------------------------


def test_track_command(tmp_path):
    table = tmp_path / "indicators.csv"
    _table().to_csv(table, index=False)
    out, png = tmp_path / "attainment.csv", tmp_path / "gdp.png"
    args = [
        "track",
        str(table),
        "-o",
        str(out),
        "--indicator",
        "gdp_growth",
        "--plot",
        str(png),
        "--dpi",
        "80",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert set(frame["indicator_id"]) == {"gdp_growth"} and list(frame["year"]) == [2023, 2024, 2025]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "3 targets, 2 with an outcome, 2 met" in result.output


@pytest.mark.parametrize(
    "extra, code, says",
    [
        (["--plot", "x.png"], 2, "exactly one --indicator"),
        (["--plot", "x.gif", "--indicator", "gdp_growth"], 2, ".png, .pdf or .svg"),
        (["-o", "x.docx"], 2, "docx"),
        (["--indicator", "no_such"], 1, "no target"),
    ],
)
def test_track_errors_are_one_line(tmp_path, extra, code, says):
    table = tmp_path / "indicators.csv"
    _table().to_csv(table, index=False)
    extra = [str(tmp_path / e) if "." in e and not e.startswith("-") else e for e in extra]
    result = CliRunner().invoke(main, ["track", str(table), *extra])
    assert result.exit_code == code and says in result.output and "Traceback" not in result.output


def test_track_on_a_table_that_is_no_indicator_table(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["track", str(bad)])
    assert result.exit_code == 1 and "not an indicator table" in result.output


@pytest.mark.parametrize(
    "target, actual, linked",
    [
        ("外贸进出口总额增长5%", "进出口总额增长3.2%", True),  # the same indicator in other words
        ("新增市场主体8000户", "新增市场主体8500户", True),
        # near misses: alike words, another indicator (a part differs, or another unit family)
        ("规模以上工业增加值增长6%", "工业增加值增长5.5%", False),
        ("城镇居民人均可支配收入增长6%", "农村居民人均可支配收入增长7%", False),
        ("新增高新技术企业100家", "高新技术企业达到800家", False),
    ],
)
def test_a_target_is_linked_to_an_outcome_named_in_other_words(target, actual, linked):
    docs = {
        "gwr_2024": f"杭州市余杭区2024年政府工作报告\n二、2024年主要预期目标\n{target}。",
        "gwr_2025": f"杭州市余杭区2025年政府工作报告\n一、2024年工作回顾\n{actual}。",
    }
    frame = track_table(_table(docs))
    assert len(frame) == 1
    assert (frame["actual_doc"].iat[0] == "gwr_2025") is linked
