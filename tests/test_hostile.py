"""Hostile and odd files (issue 15): each is built here, none hangs, crashes or sinks a run."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cnplan.batch import batch
from cnplan.cli import main
from cnplan.errors import CnplanError, shown
from cnplan.read import read
from cnplan.read.reader import file_bytes

GOOD = "全市高新技术企业达到500家，研发投入增长12%。"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_txt_is_one_line_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "x.txt")
    with pytest.raises(CnplanError, match="not a regular file"):
        read(tmp_path / "x.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and "x.txt: not a regular file" in result.output
    assert pd.read_csv(tmp_path / "out.csv")["value"].tolist() == [500, 12]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(300 * 1000 * 1000)  # sparse: no disk, no memory
    with pytest.raises(CnplanError, match="over the limit"):
        file_bytes(big)
    with pytest.raises(CnplanError, match="over the limit"):
        read(tmp_path / "big.txt", max_size=1000)


@pytest.mark.parametrize(
    "text, encoding",
    [
        (GOOD, "utf-16-le"),  # NULs only where ASCII stands
        ("全市高新技术企业达到五百家，研发投入增长。", "utf-16-be"),  # no ASCII: no NUL at all
        ("全市高新技術企業達到五百家，研發投入增長。", "utf-16-le"),  # traditional
    ],
)
def test_utf16_without_bom(tmp_path, text, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    document = read(path)
    assert (document.text, document.encoding) == (text, encoding)


def test_random_bytes_are_still_no_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\x81\x30\xff\xfe\x80\x80\xff" * 30)
    with pytest.raises(CnplanError):
        read(path)


@pytest.mark.parametrize("charset", ["undefined", "base64", "no-such-codec"])
def test_an_unknown_or_non_text_charset_falls_back_to_detection(tmp_path, charset):
    page = f'<html><head><meta charset="{charset}"></head><body><p>{GOOD}</p></body></html>'
    (tmp_path / "a.html").write_bytes(page.encode("utf-8"))
    mime = (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n--B\r\n'
        f'Content-Type: text/html; charset="{charset}"\r\n\r\n<html><body><p>{GOOD}</p></body></html>\r\n--B--\r\n'
    )
    (tmp_path / "b.mhtml").write_bytes(mime.encode("utf-8"))
    assert GOOD in read(tmp_path / "a.html").text
    assert GOOD in read(tmp_path / "b.mhtml").text


def test_an_unexpected_exception_is_that_files_error_not_the_runs_end(tmp_path, monkeypatch):
    import importlib

    runner = importlib.import_module("cnplan.batch.runner")
    table = importlib.import_module("cnplan.extract.table")  # cnplan.extract names the function too

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("研发投入30亿元。", encoding="utf-8")

    real = table.extract_normalized

    def flaky(norm, doc="", matcher=None):
        if "研发投入30亿元" in norm.text:
            raise NotImplementedError("zip version 23.1")
        return real(norm, doc, matcher)

    monkeypatch.setattr(table, "extract_normalized", flaky)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and "b.txt: internal error: NotImplementedError" in result.output
    assert len(pd.read_csv(tmp_path / "out.csv")) == 2

    real_detect = runner.detect_format

    def strange(data, name=""):
        if b"30" in data:
            raise NotImplementedError("zip version 23.1")
        return real_detect(data, name)

    monkeypatch.setattr(runner, "detect_format", strange)
    monkeypatch.setattr(table, "extract_normalized", real)
    summary = batch(tmp_path / "in", tmp_path / "out", jobs=1)
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", keep_default_na=False).set_index("path")
    assert manifest.loc["b.txt", "status"] == "error"
    assert manifest.loc["b.txt", "error"].startswith("internal error: NotImplementedError")
    assert manifest.loc["a.txt", "status"] == "ok" and summary.errors == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_batch_goes_on_past_a_fifo(tmp_path):
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "x.txt")
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    summary = batch(tmp_path / "in", tmp_path / "out", jobs=1)
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", keep_default_na=False).set_index("path")
    assert (
        manifest.loc["x.txt", "status"] == "error" and "not a regular file" in manifest.loc["x.txt", "error"]
    )
    assert summary.ok == 1


FUZZ_CASES = int(os.environ.get("CNPLAN_FUZZ", "150"))  # per format; set CNPLAN_FUZZ=5000 for a long run


@pytest.mark.parametrize("fmt", ["docx", "html", "mhtml", "pdf"])
def test_byte_mutated_files_give_a_document_or_one_error(tmp_path, fmt):
    import random
    import time

    from makedocs import make_docx, make_html, make_mhtml, make_pdf

    from cnplan.read import read_bytes

    maker = {"docx": make_docx, "html": make_html, "mhtml": make_mhtml, "pdf": make_pdf}[fmt]
    source = "全市高新技术企业达到500家。\n研发投入30亿元，增长12%。\n一、主要目标\n到2025年新建学校3所。"
    data = Path(maker(source, tmp_path / f"a.{fmt}")).read_bytes()
    rng = random.Random(fmt)
    cases = FUZZ_CASES if fmt != "pdf" else max(1, FUZZ_CASES // 5)  # a PDF costs more to open
    for _ in range(cases):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        start = time.perf_counter()
        with contextlib.suppress(CnplanError):  # a document, or one error line: nothing else
            read_bytes(bytes(mutated), f"x.{fmt}")
        assert time.perf_counter() - start < 2.0


def test_a_name_with_a_newline_or_escape_is_one_escaped_line(tmp_path):
    (tmp_path / "a\nb.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "c\x1b[31m.txt").write_bytes(b"\x00\x01\x02")
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "-o", str(tmp_path / "out.csv")])
    errors = [line for line in result.output.splitlines() if "binary" in line]
    assert len(errors) == 2
    assert any("a\\nb.txt" in line for line in errors) and any("c\\x1b[31m.txt" in line for line in errors)
    assert "\x1b" not in result.output


def test_an_unwritable_output_is_one_line(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(GOOD, encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(good), "-o", str(tmp_path / "file" / "x.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("cnplan: cannot write or read")


@pytest.mark.parametrize(
    "data, encoding",
    [
        (("全市高新技术企业达到500家。" * 30).encode()[:-1], "utf-8 (1 bad bytes replaced)"),  # truncated
        (
            "全市企业达到500家。".encode() * 10 + b"\xff" + "研发投入30亿元。".encode() * 10,
            "utf-8 (1 bad bytes replaced)",
        ),
    ],
)
def test_a_stray_byte_keeps_the_file(tmp_path, data, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    document = read(path)
    assert document.encoding == encoding and "全市" in document.text


def test_a_lone_surrogate_from_the_api_is_no_crash():
    import cnplan

    assert [t.text for t in cnplan.segment("全市\ud800企业")] == ["全市", "\ud800", "企业"]
    assert [r.value for r in cnplan.extract("全市\ud800企业5家", "d")] == [5]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_entities_in_utf16_xml_are_refused(encoding):
    from cnplan.read.guard import refuse_entities

    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d/>'
    with pytest.raises(CnplanError, match="entities"):
        refuse_entities(xml.encode(encoding), "a.xml")


_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.3f}"),
    st.text(alphabet="零〇○一二两三四五六七八九十百千万亿兆点．、", min_size=1, max_size=40),
    st.text(alphabet="0123456789,.，、万亿千", min_size=1, max_size=60),
    st.text(min_size=1, max_size=8),  # any Unicode at all
)
_WORD = st.sampled_from(
    [
        "到2025年",
        "全年",
        "力争",
        "增长",
        "民国",
        "“",
        "”",
        "《",
        "》",
        "——",
        "\n",
        "。",
        "，",
        "比上年",
        "预期性",
    ]
)
_UNIT = st.sampled_from(
    ["家", "亿元", "万人次", "%", "个百分点", "倍", "期", "个", "万", "公里", "人/亿元", ""]
)
_PHRASE = st.lists(st.tuples(_WORD, _NUMBER, _UNIT).map("".join), min_size=1, max_size=30).map("".join)


@settings(max_examples=int(os.environ.get("CNPLAN_FUZZ", "150")), deadline=None)
@given(_PHRASE)
def test_planning_phrases_with_odd_numbers_never_crash_and_stay_fast(text):
    import time

    from cnplan.extract.table import extract

    start = time.perf_counter()
    for row in extract(text, "doc", matcher=None):
        assert row.sentence and row.char_start <= row.char_end
    assert time.perf_counter() - start < 2.0


def test_temp_tables_of_a_killed_run_are_cleaned_and_long_names_stay_writable(tmp_path):
    from cnplan.output import _temp_prefix, atomic_write_text

    target = tmp_path / ("规" * 80 + ".csv")  # 244 bytes of UTF-8: a temp name must not add to it
    stale = tmp_path / (_temp_prefix(target) + "abcd1234.tmp")
    stale.write_text("left by kill -9", encoding="utf-8")
    atomic_write_text(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"
    assert not list(tmp_path.glob(".cnplan-*.tmp"))


def test_each_input_gets_its_own_normalized_text(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "c.pdf.txt").write_text("研发投入30亿元。", encoding="utf-8")
    (tmp_path / "in" / "c.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "C.TXT").write_text("新建学校3所。", encoding="utf-8")  # one file on a case-blind disk
    from makedocs import make_pdf

    make_pdf("引进人才500名。", tmp_path / "in" / "c.pdf")  # normalized as c.pdf.txt, like c.pdf.txt
    batch(tmp_path / "in", tmp_path / "out", jobs=1)
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "normalized").iterdir()]
    assert len(texts) == 4
    for text in (GOOD, "研发投入30亿元。", "新建学校3所。", "引进人才500名。"):
        assert sum(text in t for t in texts) == 1


@pytest.mark.parametrize("name", [".cnplan", "normalized"])
def test_a_linked_state_or_text_folder_is_refused(tmp_path, name):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / name).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CnplanError, match="is a link"):
        batch(tmp_path / "in", tmp_path / "out", jobs=1)
    assert not list((tmp_path / "elsewhere").iterdir())
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0 and "is a link" in result.output and "Traceback" not in result.output


def test_a_pdf_decompression_bomb_is_refused_in_bounded_memory():
    import zlib

    from cnplan.read.pdf import check_inflation

    payload = zlib.compress(b"0" * (40 * 1024 * 1024), 9)  # 40 KB that inflate to 40 MB
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(payload)).encode() + b" /Filter /FlateDecode >>\nstream\n"
    )
    pdf += payload + b"\nendstream\nendobj\n%%EOF"
    with pytest.raises(CnplanError, match="decompression bomb"):
        check_inflation(pdf, "bomb.pdf", limit=10 * 1024 * 1024)
    check_inflation(pdf, "bomb.pdf", limit=100 * 1024 * 1024)  # under the limit: read as usual


@pytest.mark.parametrize("command", ["extract", "normalize", "terms"])
def test_max_size_refuses_a_file_in_one_line_and_keeps_the_rest(tmp_path, command):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text(GOOD * 100, encoding="utf-8")
    (tmp_path / "in" / "small.txt").write_text("研发投入30亿元。", encoding="utf-8")
    out = tmp_path / ("out" if command == "normalize" else "out.csv")
    args = [command, str(tmp_path / "in"), "-o", str(out), "--max-size", "1kB"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if "over the limit" in line]
    assert len(lines) == 1 and "big.txt" in lines[0]
    assert out.exists()


@pytest.mark.parametrize(
    "given, ok",
    [
        ("200MB", True),
        ("1.5GB", True),
        ("800kB", True),
        ("4096", True),
        ("12 mb", True),
        ("0", False),  # near miss: a size must be above zero
        ("-1MB", False),
        ("lots", False),
        ("5TB", False),  # not a unit cnplan knows
        ("MB", False),
    ],
)
def test_max_size_values(tmp_path, given, ok):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt"), "--max-size", given])
    assert (result.exit_code == 0) is ok, result.output
    if not ok:
        assert result.exit_code == 2 and "--max-size" in result.output and "Traceback" not in result.output


def test_replaced_bytes_are_a_warning_line_and_exit_0(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(
        "全市企业达到500家。".encode() * 10 + b"\xff" + "研发投入30亿元。".encode() * 10
    )
    for args in (
        ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out.csv")],
        ["normalize", str(tmp_path / "in"), "-o", str(tmp_path / "norm")],
        ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out")],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        warnings = [line for line in result.output.splitlines() if line.startswith("cnplan: warning:")]
        assert len(warnings) == 1 and "a.txt" in warnings[0] and "1 undecodable byte replaced" in warnings[0]


@pytest.mark.parametrize(
    "page_seconds, total_seconds, refused",
    [
        (0.01, 0.5, None),
        (9.9, 100.0, None),  # near misses: just under each limit
        (10.5, 11.0, "page 3 took"),
        (1.0, 121.0, "over 120 s by page 3"),
    ],
)
def test_pdf_time_limits(page_seconds, total_seconds, refused):
    from cnplan.read.pdf import check_time

    if refused is None:
        check_time("a.pdf", 3, page_seconds, total_seconds)
    else:
        with pytest.raises(CnplanError, match=refused):
            check_time("a.pdf", 3, page_seconds, total_seconds)


def test_a_slow_pdf_page_is_refused_in_one_line(tmp_path, monkeypatch):
    from makedocs import make_pdf

    from cnplan.read import pdf

    make_pdf("引进人才500名。", tmp_path / "a.pdf")
    monkeypatch.setattr(pdf, "MAX_PAGE_SECONDS", -1.0)  # every page is too slow
    with pytest.raises(CnplanError, match="PDF page 1 took"):
        read(tmp_path / "a.pdf")


def _zoo(root: Path) -> list[str]:
    """Good files and one of each kind of hostile file; the names of the bad ones."""
    import zipfile

    from makedocs import make_docx, make_pdf

    root.mkdir()
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "good_gbk.txt").write_bytes("研发投入30亿元，增长12%。".encode("gb18030"))
    make_pdf("引进人才500名。", root / "good.pdf")
    make_docx("新建学校3所。", root / "good.docx")
    bad = {}
    bad["empty.txt"] = b""
    bad["binary.txt"] = bytes(range(256)) * 20
    data = bytearray((root / "good.docx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad["broken.docx"] = bytes(data)
    bad["not_a_zip.docx"] = b"PK\x03\x04" + b"\x00" * 60
    bad["truncated.pdf"] = (root / "good.pdf").read_bytes()[:200]
    bad["fake.pdf"] = b"%PDF-1.4\n" + b"garbage " * 100
    bad["big.txt"] = GOOD.encode() * 3000  # 200 kB: over the --max-size of the test
    bad["digits.txt"] = ("到2025年达到" + "9" * 5000 + "万" + "九" * 300 + "家。").encode()
    bad["a\nb.txt"] = b"\x00\x01\x02"
    for name, content in bad.items():
        (root / name).write_bytes(content)
    with zipfile.ZipFile(root / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<" + "a" * (60 * 1000 * 1000))
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    return [p.name for p in root.iterdir() if not p.name.startswith("good")]


def test_a_batch_over_the_hostile_zoo_ends_and_accounts_for_every_file(tmp_path):
    _zoo(tmp_path / "in")
    before = {p for p in tmp_path.rglob("*")}
    args = ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--max-size", "100kB"]
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.output
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", keep_default_na=False)
    assert manifest["path"].is_unique
    listed = set(manifest["path"])
    on_disk = {p.name for p in (tmp_path / "in").iterdir()}
    assert listed == on_disk
    ok = set(manifest.loc[manifest["status"] == "ok", "path"])
    assert {"good.txt", "good_gbk.txt", "good.pdf", "good.docx"} <= ok
    rows = pd.read_csv(tmp_path / "out" / "indicators.csv")
    assert {500, 30, 3} <= set(rows["value"])
    errors = manifest[manifest["status"] == "error"]
    error_lines = [
        line for line in result.output.splitlines() if line.startswith("cnplan: ") and "warning" not in line
    ]
    for path in errors["path"]:
        assert sum(shown(path) in line for line in error_lines) == 1, path
    after = {p for p in tmp_path.rglob("*")}
    assert all(p.is_relative_to(tmp_path / "out") for p in after - before)


@pytest.mark.parametrize(
    "size, text",
    [
        (812, "812 bytes"),
        (4_200, "4.2 kB"),
        (200 * 10**6, "200 MB"),
        (4_294_967_296, "4.3 GB"),
        (999, "999 bytes"),
    ],
)
def test_sizes_in_messages(size, text):
    from cnplan.read.reader import human_size

    assert human_size(size) == text
