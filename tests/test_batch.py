"""cnplan batch: every file in the manifest, the same rows as extract, resume, jobs, kills, safe paths."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS

from cnplan.batch import batch
from cnplan.batch.plan import UnsafePathError, output_path, safe_component
from cnplan.cli import main
from cnplan.match import Matcher

GOOD = ["000_3e842e1b6f8e6743.txt", "nantong_gwr_2024_excerpt.txt"]
TABLES = ("indicators.csv", "terms.csv", "manifest.csv")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder as researchers have them: good files, old encodings and bad files."""
    root = tmp_path / "plans"
    (root / "sub").mkdir(parents=True)
    for name in GOOD:
        (root / "sub" / name).write_bytes((CORPUS / name).read_bytes())
    simplified = (CORPUS / "004_f53abd037be63bad.txt").read_text(encoding="utf-8")
    (root / "gbk_plan.txt").write_bytes(simplified.encode("gb18030"))
    (root / "big5_plan.txt").write_bytes("臺北市科技發展計畫：到2025年，新增研發中心30家。".encode("cp950"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (root / "invalid.txt").write_bytes("研发投入".encode() + b"\xff\xfe\xfa" * 40 + "增长".encode("gb18030"))
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    return root


def manifest(out: Path) -> pd.DataFrame:
    """The manifest, indexed by path."""
    return pd.read_csv(out / "manifest.csv", keep_default_na=False).set_index("path")


def read_tables(out: Path) -> dict[str, str]:
    """The text of the three tables."""
    return {name: (out / name).read_text(encoding="utf-8") for name in TABLES}


def test_manifest_lists_every_file_with_its_status(folder, tmp_path):
    out = tmp_path / "out"
    summary = batch(folder, out, jobs=1)
    m = manifest(out)
    assert sorted(m.index) == sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
    )
    status = m["status"].to_dict()
    for name in GOOD:
        assert status[f"sub/{name}"] == "ok"
    assert status["gbk_plan.txt"] == status["big5_plan.txt"] == "ok"
    assert m.loc["gbk_plan.txt", "encoding"] == "gb18030"
    assert m.loc["big5_plan.txt", "encoding"] in ("cp950", "big5hkscs")
    assert m.loc["big5_plan.txt", "script"] == "traditional"
    assert m.loc["big5_plan.txt", "region"] == "台北市"
    for bad in ("empty.txt", "binary.txt", "invalid.txt"):
        assert status[bad] == "error" and m.loc[bad, "error"]
    assert status["notes.md"] == "skipped"
    assert (summary.ok, summary.errors, summary.skipped) == (4, 3, 1)
    assert len(m.loc["sub/" + GOOD[0], "sha256"]) == 64
    assert (out / "normalized" / "sub" / GOOD[0]).read_text(encoding="utf-8").strip()


def test_rows_equal_those_of_extract(folder, tmp_path):
    out = tmp_path / "out"
    batch(folder, out, jobs=1)
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(tmp_path / "x.csv"), "-j", "1"])
    assert result.exit_code == 1  # the bad files
    assert (out / "indicators.csv").read_text(encoding="utf-8") == (tmp_path / "x.csv").read_text(
        encoding="utf-8"
    )
    rows = manifest(out)["rows"]
    assert rows.sum() == len(pd.read_csv(out / "indicators.csv")) > 0


def test_second_run_reuses_everything_and_force_redoes(folder, tmp_path):
    out = tmp_path / "out"
    batch(folder, out, jobs=1)
    first = read_tables(out)
    again = batch(folder, out, jobs=1)
    assert again.reused == again.ok == 4
    assert read_tables(out) == first
    forced = batch(folder, out, jobs=1, force=True)
    assert forced.reused == 0
    assert read_tables(out) == first


def test_other_matching_options_redo_the_files(folder, tmp_path):
    out = tmp_path / "out"
    batch(folder, out, jobs=1)
    ids = pd.read_csv(out / "indicators.csv", dtype=str)["indicator_id"].notna().sum()
    assert ids > 0
    strict = batch(folder, out, jobs=1, matcher=Matcher(min_score=100.0))
    assert strict.reused == 0
    assert pd.read_csv(out / "indicators.csv", dtype=str)["indicator_id"].notna().sum() <= ids


def test_edited_file_is_redone(folder, tmp_path):
    out = tmp_path / "out"
    batch(folder, out, jobs=1)
    (folder / "gbk_plan.txt").write_text("到2030年，高新技术企业达到500家。", encoding="utf-8")
    again = batch(folder, out, jobs=1)
    assert again.reused == 3
    assert "高新技术企业" in (out / "indicators.csv").read_text(encoding="utf-8")


def test_jobs_give_identical_tables(folder, tmp_path):
    batch(folder, tmp_path / "one", jobs=1)
    batch(folder, tmp_path / "two", jobs=2)
    assert read_tables(tmp_path / "one") == read_tables(tmp_path / "two")


def test_killed_run_resumes_to_the_same_tables(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    sources = sorted(CORPUS.glob("*.txt"))
    for i in range(60):
        source = sources[i % len(sources)]
        (root / f"{i:03d}_{source.name}").write_bytes(source.read_bytes())
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    batch(root, whole, jobs=1)
    cmd = [sys.executable, "-m", "cnplan.cli", "batch", str(root), "-o", str(killed), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = killed / ".cnplan" / "state"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if state.is_dir() and len(list(state.glob("*/*.gz"))) >= 5:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "indicators.csv").exists()  # nothing half-written under a table's name
    done = len(list(state.glob("*/*.gz")))
    resumed = batch(root, killed, jobs=2)
    assert resumed.reused >= done - 1 > 0
    assert read_tables(killed) == read_tables(whole)
    assert not [p for p in killed.rglob("*") if p.name.endswith(".tmp")]  # a resume cleans what a kill left


def test_cli_reports_errors_and_exits_nonzero(folder, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cnplan.cli", "batch", str(folder), "-o", str(tmp_path / "out"), "-j", "1"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    errors = [
        line for line in proc.stderr.splitlines() if "error" not in line.split(":")[-1] or "txt:" in line
    ]
    assert any("empty.txt" in line for line in errors)
    assert "Traceback" not in proc.stderr
    assert "manifest.csv" in proc.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_other_formats(folder, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    batch(folder, out, jobs=1, fmt=fmt)
    table = (
        pd.read_parquet(out / "indicators.parquet")
        if fmt == "parquet"
        else pd.read_json(out / "indicators.jsonl", lines=True)
    )
    assert len(table) == manifest(out)["rows"].sum()


def test_excel_csv_has_a_bom(folder, tmp_path):
    batch(folder, tmp_path / "out", jobs=1, excel=True)
    assert (tmp_path / "out" / "indicators.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_output_inside_input_is_not_read(folder):
    batch(folder, folder / "out", jobs=1)
    again = batch(folder, folder / "out", jobs=1)
    assert again.files == 8


def test_symlink_loop_is_walked_once(folder, tmp_path):
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    summary = batch(folder, tmp_path / "out", jobs=1)
    assert summary.files == 8


def test_odd_names_stay_inside_the_output(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    text = (CORPUS / "004_f53abd037be63bad.txt").read_bytes()
    names = ["..txt", "a\u202eb.txt", "\u0301x.txt", "tab\there.txt", " .txt"]
    for name in names:
        (root / name).write_bytes(text)
    os.close(os.open(os.path.join(os.fsencode(root), b"gbk\xb9\xe6\xbb\xae.txt"), os.O_CREAT | os.O_WRONLY))
    out = tmp_path / "out"
    summary = batch(root, out, jobs=1)
    assert summary.files == len(names) + 1
    written = [p for p in out.rglob("*") if p.is_file()]
    assert all(out.resolve() in p.resolve().parents for p in written)
    m = pd.read_csv(out / "manifest.csv", keep_default_na=False)
    assert any("\\xb9" in p for p in m["path"])  # an undecodable name shown, not dropped


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..", "___"),
        (".", "__"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("x\u202ey", "x_y"),
        ("e\u0301", "é"),
        ("ok.txt", "ok.txt"),
    ],
)
def test_safe_component(name, safe):
    assert safe_component(name) == safe


@pytest.mark.parametrize("rel", ["../../x.txt", "/etc/passwd", "a/../../x.txt"])
def test_output_path_never_escapes(tmp_path, rel):
    try:
        target = output_path(tmp_path / "out", "normalized", rel)
    except UnsafePathError:
        return
    assert (tmp_path / "out").resolve() in target.resolve().parents


def test_not_a_folder_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(CORPUS / GOOD[0]), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_manifest_has_region_code_level_genre_and_year(folder, tmp_path):
    batch(folder, tmp_path / "out", jobs=1)
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", dtype=str, keep_default_na=False)
    assert list(manifest.columns[8:12]) == ["region_code", "region_level", "genre", "doc_year"]
    nantong = manifest.set_index("doc").loc["plans/sub/nantong_gwr_2024_excerpt"]
    assert (nantong["region"], nantong["region_code"], nantong["region_level"]) == (
        "南通市",
        "320600",
        "prefecture",
    )
    assert (nantong["genre"], nantong["doc_year"]) == ("gwr", "2024")
    rows = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype=str)
    assert list(rows.columns[-2:]) == ["region_code", "region_level"]
