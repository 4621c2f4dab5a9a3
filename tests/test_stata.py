"""Stata, R and pandas: .dta files with labels, id-headed wide tables, the long panel, typed read-back."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from cnplan.cli import main
from cnplan.output import read_table
from cnplan.stata import stata_name

REPORT = "南通市政府工作报告\n2023年，全市高新技术企业达到500家。到2025年，研发经费投入强度达到3%。"


@pytest.fixture
def table(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    path = tmp_path / "t.csv"
    assert CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt"), "-o", str(path)]).exit_code == 0
    return path


def _labels(path):
    with pd.io.stata.StataReader(path) as reader:
        return reader.variable_labels(), reader.value_labels()


def test_the_indicator_table_as_stata(table, tmp_path):
    dta = tmp_path / "t.dta"
    assert CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt"), "-o", str(dta)]).exit_code == 0
    back = pd.read_stata(dta)
    assert back["value"].tolist() == [500, 3] and back["region_code"].tolist() == ["320600", "320600"]
    assert str(back["kind"].dtype) == "category" and set(back["kind"]) == {"target", "actual"}
    variables, values = _labels(dta)
    assert variables["year"] == "年份 year" and variables["region_code"].startswith("行政区划代码")
    assert set(values["kind"].values()) == {"actual", "target"}
    assert all(name.isascii() for name in back.columns)


def test_compare_as_stata_gets_id_columns_and_bilingual_labels(table, tmp_path):
    dta = tmp_path / "c.dta"
    result = CliRunner().invoke(main, ["compare", str(table), "-o", str(dta)])
    assert result.exit_code == 0, result.output
    back = pd.read_stata(dta)
    assert {"rd_intensity", "hightech_enterprises"} <= set(back.columns)
    variables, _ = _labels(dta)
    assert variables["rd_intensity"].startswith("研发经费投入强度 R&D") and variables[
        "rd_intensity"
    ].endswith("(%)")


def test_columns_id_for_csv(table):
    result = CliRunner().invoke(main, ["compare", str(table), "--columns", "id"])
    assert result.stdout.splitlines()[0].startswith("region,region_code,kind,year,")
    assert "rd_intensity" in result.stdout.splitlines()[0]


def test_the_long_panel(table):
    result = CliRunner().invoke(main, ["compare", str(table), "--long"])
    header = result.stdout.splitlines()[0].split(",")
    assert header[:5] == ["region_code", "region", "kind", "year", "indicator_id"]
    assert {"value", "unit", "doc", "sentence"} <= set(header)


def test_read_table_restores_types(table):
    frame = read_table(table)
    assert str(frame["year"].dtype) == "Int64" and str(frame["doc_year"].dtype) == "Int64"
    assert frame["region_code"].tolist() == ["320600", "320600"]
    assert ",2023," in table.read_text(encoding="utf-8")  # years are written without .0


@pytest.mark.parametrize(
    "name, safe",
    [
        ("rd_intensity", "rd_intensity"),
        ("year", "year"),
        ("地区生产总值 (亿元)", "v1"),  # no ASCII in it
        ("GDP增长 (%)", "GDP1"),
        ("2025", "v1"),  # near miss: a Stata name cannot start with a digit
        ("x" * 40, "x" * 28 + "1"),
    ],
)
def test_stata_names(name, safe):
    assert stata_name(name, set()) == safe


def test_the_python_api_takes_a_path_a_str_or_a_list(tmp_path, table):
    from pathlib import Path

    import cnplan

    doc = tmp_path / "a.txt"
    one = cnplan.extract_frame(str(doc))
    assert one.equals(cnplan.extract_frame(Path(doc))) and one.equals(cnplan.extract_frame([doc]))
    assert [r.value for r in cnplan.extract(Path(doc))] == [500, 3]  # a Path is a file
    assert cnplan.extract(str(doc)) == []  # a str is text: its own name holds no quantity
    assert [r.value for r in cnplan.extract_text(REPORT, "a")] == [500, 3]
    wide = cnplan.compare_frame(table, columns="id")
    assert "rd_intensity" in wide.columns and wide.equals(
        cnplan.compare_frame(cnplan.read_table(table), columns="id")
    )
    panel = cnplan.compare_frame([table], long=True)
    assert panel["region_code"].unique().tolist() == ["320600"]
    crosswalk = cnplan.crosswalk_frame(table)
    assert "hightech_enterprises" in set(crosswalk["cluster"])
    assert str(cnplan.read_table(table)["year"].dtype) == "Int64"
