"""Outputs never destroy and never mis-write (issue 16): links, special files, folders, formats, no documents."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from cnplan.cli import main
from cnplan.errors import CnplanError
from cnplan.output import atomic_write_text, format_for, output_file, output_target, read_table

TEXT = "全市高新技术企业达到500家，研发投入增长12%。"


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _extract(doc, *args):
    return CliRunner().invoke(main, ["extract", str(doc), *args])


def test_a_link_is_kept_and_its_target_written(tmp_path, doc):
    (tmp_path / "real.csv").write_text("old", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    assert _extract(doc, "-o", str(tmp_path / "link.csv")).exit_code == 0
    assert (tmp_path / "link.csv").is_symlink()
    assert pd.read_csv(tmp_path / "real.csv")["value"].tolist() == [500, 12]


def test_a_dangling_link_creates_what_it_names(tmp_path, doc):
    (tmp_path / "link.csv").symlink_to(tmp_path / "new.csv")
    assert _extract(doc, "-o", str(tmp_path / "link.csv")).exit_code == 0
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "new.csv").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_written_in_place(tmp_path):
    import threading

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    atomic_write_text(fifo, "a,b\n1,2\n")
    reader.join(10)
    assert got == ["a,b\n1,2\n"] and fifo.exists() and not fifo.is_file()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_stays_a_device(doc):
    assert output_target("/dev/null").in_place
    assert _extract(doc, "-o", "/dev/null").exit_code == 0
    assert not os.path.isfile("/dev/null")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_stdout_is_written_in_place_even_when_it_leads_to_a_file(tmp_path, doc):
    import subprocess

    assert output_target("/dev/stdout").in_place and output_target("/dev/fd/1").in_place
    with open(tmp_path / "out.csv", "w") as out:
        cmd = [sys.executable, "-m", "cnplan.cli", "extract", str(doc), "-o", "/dev/stdout"]
        subprocess.run(cmd, stdout=out, check=True)
    assert pd.read_csv(tmp_path / "out.csv")["value"].tolist() == [500, 12]
    assert not list(tmp_path.glob(".cnplan-*"))


def test_a_trailing_slash_is_a_folder(tmp_path, doc):
    result = _extract(doc, "-o", str(tmp_path / "newdir") + "/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "newdir" / "indicators.csv").is_file()
    assert (
        _extract(doc, "-o", str(tmp_path / "newdir"), "--format", "jsonl").exit_code == 0
    )  # an existing folder
    assert (tmp_path / "newdir" / "indicators.jsonl").is_file()


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("x.csv", "csv"),
        ("x.CSV", "csv"),
        ("x.tsv", "tsv"),
        ("x.jsonl", "jsonl"),
        ("x.json", "jsonl"),
        ("x.parquet", "parquet"),
        ("x.xlsx", "xlsx"),
        ("out", "csv"),  # no extension: csv
        ("/dev/stdout", "csv"),
        (".hidden", "csv"),
        ("x.txt", None),  # near misses: a name that says it is something else
        ("x.xls", None),
        ("x.docx", None),
        ("x.csv.bak", None),
    ],
)
def test_the_format_follows_the_extension_or_is_refused(name, fmt):
    if fmt is None:
        with pytest.raises(CnplanError, match="no table format"):
            format_for(name, None)
    else:
        assert format_for(name, None) == fmt
    assert format_for(name, "jsonl") == "jsonl"  # --format decides


def test_an_unknown_extension_is_a_usage_error(tmp_path, doc):
    result = _extract(doc, "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2 and "no table format" in result.output
    assert not (tmp_path / "x.txt").exists()


def test_output_file_puts_a_name_in_a_folder(tmp_path):
    assert output_file("out/", "terms", "tsv") == os.path.join("out/", "terms.tsv")
    assert output_file(str(tmp_path), "crosswalk", None) == os.path.join(str(tmp_path), "crosswalk.csv")
    assert output_file("x.csv", "terms", None) == "x.csv"


def test_tsv_and_xlsx_read_back(tmp_path, doc):
    for name in ("x.tsv", "x.xlsx"):
        assert _extract(doc, "-o", str(tmp_path / name)).exit_code == 0
        table = read_table(tmp_path / name)
        assert table["value"].tolist() == [500, 12] and table["doc"].tolist() == ["a", "a"]
    assert "\t" in (tmp_path / "x.tsv").read_text(encoding="utf-8").splitlines()[0]


def test_the_workbook_has_a_sheet_per_kind_frozen_header_filters_and_sources(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "a.txt"
    path.write_text("2023年，全市高新技术企业达到500家。到2025年，研发投入达到30亿元。", encoding="utf-8")
    assert _extract(path, "-o", str(tmp_path / "x.xlsx")).exit_code == 0
    book = load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["targets", "actuals"]
    sheet = book["targets"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    value = sheet.cell(row=2, column=header.index("value") + 1)
    assert "研发投入" in value.comment.text
    assert sheet.column_dimensions["S"].width <= 62


def test_xlsx_and_parquet_need_a_file(doc):
    result = _extract(doc, "--format", "xlsx")
    assert result.exit_code == 2 and "needs an output file" in result.output


def test_an_output_that_is_a_folder_is_one_line(tmp_path):
    with pytest.raises(CnplanError, match="is a folder"):
        output_target(tmp_path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_one_line(tmp_path, doc):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = _extract(doc, "-o", str(locked / "x.csv"))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot write" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["extract", "terms", "normalize", "batch"])
def test_no_documents_is_a_warning_and_exit_1(tmp_path, command):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("# notes", encoding="utf-8")
    result = CliRunner().invoke(main, [command, str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "warning: no documents found in" in result.output
