"""Compare: figures in the indicator's unit, one per cell, wide and long; the workbook; the chart."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from cnplan.cli import main
from cnplan.compare import Selection, long_figures, wide_figures
from cnplan.compare.excel import write_workbook
from cnplan.compare.plot import (
    KIND_STYLE,
    ChartStyle,
    bar_offsets,
    indicator_title,
    missing_glyphs,
    panel_years,
    plot_figures,
    unit_label,
    use_log,
)
from cnplan.extract.region import gazetteer
from cnplan.match import load_catalog

COLUMNS = ["doc", "region", "kind", "year", "indicator", "value", "unit", "value_base", "unit_base"]


def _table(rows):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["sentence"] = frame["indicator"] + "达" + frame["value"].astype(str) + frame["unit"] + "。"
    frame["sentence_no"] = range(len(frame))
    frame["comparator"] = "="
    frame["indicator_id"] = [
        "rd_expenditure" if "研发" in n else "hightech_enterprises" for n in frame["indicator"]
    ]
    return frame


TABLE = _table(
    [
        ("a", "甲市", "actual", 2022, "研发经费支出", 5000.0, "万元", 5.0e7, "元"),
        ("a", "甲市", "actual", 2023, "全社会研发经费支出", 1.2, "亿元", 1.2e8, "元"),
        ("a", "甲市", "target", 2025, "高新技术企业", 300.0, "家", 300.0, "家"),
        ("b", "乙市", "actual", 2023, "高新技术企业", 120.0, "家", 120.0, "家"),
        ("b", "乙市", "actual", 2023, "高新技术企业总数", 125.0, "家", 125.0, "家"),
    ]
)


def test_long_figures_are_in_the_catalog_unit():
    long = long_figures(TABLE)
    rd = long[long["indicator_id"] == "rd_expenditure"].set_index("year")
    assert rd.loc[2022, "value"] == pytest.approx(0.5)  # 5000万元 -> 0.5亿元
    assert rd.loc[2022, "unit"] == "亿元"
    assert rd.loc[2022, "value_as_written"] == 5000.0
    assert set(long["indicator"]) == {"研发经费支出", "高新技术企业"}


def test_wide_one_row_per_region_kind_year_last_stated_wins():
    wide = wide_figures(long_figures(TABLE))
    assert list(wide.columns[:4]) == ["region", "region_code", "kind", "year"]
    row = wide[(wide["region"] == "乙市") & (wide["year"] == 2023)]
    assert row["高新技术企业 (家)"].item() == 125.0


def test_latest_and_kind_selection():
    selection = Selection(kind="actual", latest=True)
    wide = wide_figures(long_figures(TABLE, selection), selection).set_index("region")
    assert list(wide.columns) == ["region_code", "研发经费支出 (亿元)", "高新技术企业 (家)"]
    assert wide.loc["甲市", "研发经费支出 (亿元)"] == pytest.approx(1.2)
    assert pd.isna(wide.loc["甲市", "高新技术企业 (家)"])  # only a target there


def test_indicator_and_year_selection():
    long = long_figures(TABLE, Selection(year=2023, indicators=("hightech_enterprises",)))
    assert set(long["indicator_id"]) == {"hightech_enterprises"} and set(long["year"]) == {2023}


def test_workbook(tmp_path):
    path = tmp_path / "c.xlsx"
    write_workbook(long_figures(TABLE), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["targets", "actuals", "sources"]
    sheet = book["actuals"]
    assert sheet.freeze_panes == "C2"  # region and year stay in view
    comments = [c.comment.text for row in sheet.iter_rows() for c in row if c.comment]
    assert any("高新技术企业总数达125.0家。" in text for text in comments)


def test_plot_writes_a_png_in_a_cjk_font(tmp_path):
    path = tmp_path / "c.png"
    drawn = plot_figures(long_figures(TABLE), path, ["hightech_enterprises", "no_such"])
    assert drawn == ["hightech_enterprises"]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bundled_font_draws_every_region_and_indicator_name():
    names = [d.name for d in gazetteer()] + [e.name_zh for e in load_catalog()]
    assert missing_glyphs(names) == ""


def test_compare_command(tmp_path):
    table = tmp_path / "t.csv"
    TABLE.to_csv(table, index=False)
    out, book, png = tmp_path / "w.csv", tmp_path / "w.xlsx", tmp_path / "w.png"
    args = ["compare", str(table), "-o", str(out), "--kind", "actual", "--latest"]
    result = CliRunner().invoke(main, [*args, "--xlsx", str(book), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    wide = pd.read_csv(out)
    assert list(wide["region"]) == ["乙市", "甲市"]
    assert book.exists() and png.exists()


def test_match_command_then_compare_with_the_crosswalk(tmp_path):
    table = tmp_path / "t.csv"
    TABLE.to_csv(table, index=False)
    cw = tmp_path / "cw.csv"
    assert CliRunner().invoke(main, ["match", str(table), "-o", str(cw)]).exit_code == 0
    walk = pd.read_csv(cw)
    walk.loc[walk["name"] == "高新技术企业总数", ["cluster", "canonical"]] = ["hte_total", "高企总数"]
    walk.to_csv(cw, index=False)
    result = CliRunner().invoke(main, ["compare", str(table), "--crosswalk", str(cw), "--long"])
    assert result.exit_code == 0, result.output
    assert "高企总数" in result.output


def test_a_bad_table_or_catalog_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(bad)])
    assert result.exit_code == 1 and "not an indicator table" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["match", str(bad), "--catalog", str(bad)])
    assert result.exit_code == 1 and "missing columns" in result.output


@pytest.mark.parametrize(
    "args, says", [(["--indicator", "NO_SUCH_ID"], "indicator NO_SUCH_ID"), (["--year", "1800"], "year 1800")]
)
def test_an_empty_selection_is_one_line_and_exit_1(tmp_path, args, says):
    table = tmp_path / "t.csv"
    TABLE.to_csv(table, index=False)
    # as extract writes it: read back, the empty columns of pandas 3 are strings or floats
    result = CliRunner().invoke(main, ["compare", str(table), *args, "-o", str(tmp_path / "w.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no figure matches the selection" in result.output and says in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "w.csv").exists()
    assert wide_figures(long_figures(TABLE, Selection(year=1800))).empty  # the library: an empty table


@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".svg", b"<?xml")])
def test_plot_in_vector_formats(tmp_path, suffix, magic):
    path = tmp_path / f"c{suffix}"
    assert plot_figures(long_figures(TABLE), path, ["hightech_enterprises"]) == ["hightech_enterprises"]
    assert path.read_bytes()[:5].startswith(magic)


@pytest.mark.parametrize("option, name", [("--plot", "c.gif"), ("--plot", "c"), ("--xlsx", "w.csv")])
def test_a_chart_or_workbook_of_another_kind_is_a_usage_error(tmp_path, option, name):
    table = tmp_path / "t.csv"
    TABLE.to_csv(table, index=False)
    result = CliRunner().invoke(main, ["compare", str(table), option, str(tmp_path / name)])
    assert result.exit_code == 2 and option in result.output and not (tmp_path / name).exists()


# --- the figure for a paper ---------------------------------------------------------------------------


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize(
    "values, scale, log",
    [
        ([5.0, 7.0, 6.5], "auto", False),  # growth rates: one order of magnitude
        ([14.3, 110.0, 7019.0], "auto", True),  # fiscal revenue of a county and of a province
        ([2.0, 199.0], "auto", False),  # just under the span
        ([2.0, 200.0], "auto", True),
        ([-3.2, 10.1, 500.0], "auto", False),  # a negative value cannot sit on a log axis
        ([0.0, 10.0, 5000.0], "auto", False),  # nor a zero
        ([5.0, 7.0], "log", True),  # asked for
        ([-1.0, 7.0], "log", False),  # asked for, impossible: linear
        ([14.3, 7019.0], "linear", False),
    ],
)
def test_log_axis_when_values_span_orders_of_magnitude(values, scale, log):
    assert use_log(values, scale) is log


@pytest.mark.parametrize(
    "kinds, offsets",
    [
        (["actual"], {"actual": 0.0}),
        (["target"], {"target": 0.0}),
        (["actual", "target"], {"actual": -0.2, "target": 0.2}),
    ],
)
def test_bars_are_centred_on_their_label(kinds, offsets):
    assert bar_offsets(kinds, 0.4) == pytest.approx(offsets)


def test_panel_years_are_the_best_covered_in_order():
    frame = pd.DataFrame(
        {
            "region": list("abcabca"),
            "year": pd.array([2023, 2023, 2023, 2024, 2024, 2013, None], dtype="Int64"),
        }
    )
    assert panel_years(frame, 2) == [2023, 2024]
    assert panel_years(frame, 4) == [2013, 2023, 2024]
    assert panel_years(frame[frame["year"].isna()], 4) == [None]


@pytest.mark.parametrize(
    "lang, unit, title",
    [
        ("zh", "家", "高新技术企业（家）"),
        ("en", "家", "High-tech enterprises (count)"),
        ("en", "亿元", "High-tech enterprises (100m yuan)"),
        ("en", "新单位", "High-tech enterprises (新单位)"),  # a unit without an English name: as written
    ],
)
def test_titles_name_the_indicator_not_its_id(lang, unit, title):
    made = indicator_title("hightech_enterprises", "高新技术企业总数", unit, lang)
    assert made == title and "hightech_enterprises" not in made


def test_units_in_english():
    assert unit_label("%", "en") == "%" and unit_label("万人", "en") == "10k persons"
    assert unit_label("万人", "zh") == "万人"


def test_targets_and_actuals_differ_in_black_and_white():
    def grey(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    actual, target = KIND_STYLE["actual"], KIND_STYLE["target"]
    target_face = "#ffffff" if target["facecolor"] == "white" else target["facecolor"]
    assert abs(grey(actual["facecolor"]) - grey(target_face)) > 0.5
    assert actual["hatch"] != target["hatch"]


def test_dpi_sets_the_png_resolution(tmp_path):
    low, high = tmp_path / "low.png", tmp_path / "high.png"
    long = long_figures(TABLE)
    plot_figures(long, low, ["hightech_enterprises"], style=ChartStyle(dpi=100))
    plot_figures(long, high, ["hightech_enterprises"], style=ChartStyle(dpi=300))
    (w1, h1), (w3, h3) = _png_size(low), _png_size(high)
    assert w3 == pytest.approx(3 * w1, rel=0.02) and h3 == pytest.approx(3 * h1, rel=0.02)


def test_compare_plot_options(tmp_path):
    table = tmp_path / "t.csv"
    TABLE.to_csv(table, index=False)
    png = tmp_path / "f.png"
    args = ["compare", str(table), "-o", str(tmp_path / "w.csv"), "--plot", str(png)]
    result = CliRunner().invoke(main, [*args, "--lang", "en", "--dpi", "150", "--scale", "log"])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    result = CliRunner().invoke(main, [*args, "--dpi", "10"])
    assert result.exit_code == 2 and "--dpi" in result.output


def test_every_chart_unit_has_a_glyph_in_some_font():
    from matplotlib import font_manager

    from cnplan.compare.plot import unit_names_en

    lacking = missing_glyphs(list(unit_names_en().values()))
    dejavu = font_manager.findfont("DejaVu Sans")
    from fontTools.ttLib import TTFont

    cmap = TTFont(dejavu)["cmap"].getBestCmap()
    assert all(ord(ch) in cmap for ch in lacking)  # the fallback every matplotlib has
