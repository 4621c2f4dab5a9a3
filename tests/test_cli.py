"""The command line: help everywhere, clear errors, tables written atomically."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from cnplan import __version__
from cnplan.cli import main

COMMANDS = sorted(main.commands)


def run(*args: str):
    """Invoke the CLI in-process, keeping stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert len(main.commands[command].get_short_help_str()) > 10


def test_bad_file_gives_one_line_and_nonzero_exit(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary\x00" * 50)
    proc = subprocess.run(
        [sys.executable, "-m", "cnplan.cli", "normalize", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("cnplan: ") and str(bad) in lines[0] and "binary" in lines[0]


def test_batch_goes_on_past_a_bad_file(tmp_path):
    (tmp_path / "good.txt").write_text("全市高新技术企业39家。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("normalize", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert (tmp_path / "out" / tmp_path.name / "good.txt").exists()
    assert "empty file" in result.output


def test_normalize_one_file_to_stdout():
    result = run("normalize", str(CORPUS / "001_f11c072e94adb095.txt"))
    assert result.exit_code == 0
    assert "钟祥" in result.output and "(lǐng)" not in result.output


def test_normalize_several_files_needs_an_output_folder():
    result = run("normalize", str(CORPUS))
    assert result.exit_code == 2 and "-o" in result.output


def test_terms_writes_a_csv(tmp_path):
    out = tmp_path / "terms.csv"
    result = run("terms", str(CORPUS / "000_3e842e1b6f8e6743.txt"), "-o", str(out))
    assert result.exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "doc,part,term,count"
    assert not list(tmp_path.glob(".*.tmp"))


def test_extract_skips_a_bad_file_and_writes_the_rest(tmp_path):
    (tmp_path / "good.txt").write_text("2023年，全市新认定高新技术企业39家。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\xff" * 100)
    out = tmp_path / "out.csv"
    result = run("extract", str(tmp_path), "-o", str(out), "--excel")
    assert result.exit_code == 1
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "高新技术企业" in data.decode("utf-8-sig")


def test_extract_jsonl_by_extension(tmp_path):
    import json

    out = tmp_path / "out.jsonl"
    result = run("extract", str(CORPUS / "nantong_gwr_2024_excerpt.txt"), "-o", str(out))
    assert result.exit_code == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["region"] == "南通市" and first["kind"] == "actual"


def test_extract_jobs_give_the_same_table(tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run("extract", str(CORPUS), "-o", str(one), "--jobs", "1").exit_code == 0
    assert run("extract", str(CORPUS), "-o", str(two), "--jobs", "2").exit_code == 0
    assert one.read_bytes() == two.read_bytes()


def test_extract_to_csv_runs_without_pandas_or_jieba(tmp_path):
    """pandas and jieba cost 0.4 s of start-up; `cnplan extract` to CSV needs neither, so neither loads."""
    code = (
        "import sys\n"
        "from cnplan.cli import main\n"
        f"main(['extract', {str(CORPUS)!r}, '-o', {str(tmp_path / 'out.csv')!r}, '-j', '1'], standalone_mode=False)\n"
        "print(sorted({'pandas', 'jieba'} & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "out.csv").stat().st_size > 0


def test_evaluate_scores_the_gold_documents_the_table_covers(tmp_path):
    gold = tmp_path / "g.jsonl"
    rows = [
        {"doc": "a", "indicator": "高新技术企业", "value": 500, "unit": "家"},
        {"doc": "b", "indicator": "研发投入", "value": 30, "unit": "亿元"},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (tmp_path / "a.txt").write_text("全市高新技术企业达到500家。", encoding="utf-8")
    table = tmp_path / "t.csv"
    assert CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt"), "-o", str(table)]).exit_code == 0
    result = CliRunner().invoke(main, ["evaluate", str(gold), str(table), "--json"])
    assert result.exit_code == 0 and "scored 1 of the 2 gold documents" in result.output
    assert '"recall": 1.0' in result.output
    every = CliRunner().invoke(main, ["evaluate", str(gold), str(table), "--json", "--all-docs"])
    assert '"recall": 0.5' in every.output
    other = tmp_path / "o.jsonl"
    other.write_text(json.dumps({**rows[1], "doc": "z"}, ensure_ascii=False), encoding="utf-8")
    none = CliRunner().invoke(main, ["evaluate", str(other), str(table)])
    assert none.exit_code == 1 and "shares no document with the gold" in none.output


def test_python_m_cnplan():
    proc = subprocess.run([sys.executable, "-m", "cnplan", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_extract_ends_with_a_summary_line_and_quiet_drops_it(tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(main, ["extract", str(CORPUS), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("cnplan: ") and " files, " in last and " rows, 0 errors, " in last
    quiet = CliRunner().invoke(main, ["-q", "extract", str(CORPUS), "-o", str(out), "-j", "1"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_quiet_keeps_errors_and_drops_warnings(tmp_path):
    (tmp_path / "a.txt").write_bytes("全市企业达到500家。".encode() * 10 + b"\xff")
    (tmp_path / "b.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["-q", "extract", str(tmp_path), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "b.txt: empty file" in result.stderr and "warning" not in result.stderr


def test_one_error_prefix_everywhere(tmp_path):
    for args in (
        ["extract", str(tmp_path), "-o", "x.txt"],
        ["compare", str(tmp_path / "none.csv")],
        ["nosuch"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0 and "Error:" not in result.output
        assert result.output.strip().splitlines()[-1].startswith("cnplan: ")


def test_verbose_prints_the_traceback(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    args = ["extract", str(CORPUS / "nantong_gwr_2024_excerpt.txt"), "-o", str(tmp_path / "file" / "x.csv")]
    plain = CliRunner().invoke(main, args)
    loud = CliRunner().invoke(main, ["-v", *args])
    assert "Traceback" not in plain.output and "Traceback" in loud.output
    assert plain.exit_code == loud.exit_code == 1


def test_a_dash_reads_stdin_and_writes_stdout():
    text = "南通市政府工作报告\n全市高新技术企业达到500家。"
    result = CliRunner().invoke(main, ["extract", "-", "-o", "-"], input=text.encode("gb18030"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("stdin,1,南通市,")
    normalized = CliRunner().invoke(main, ["normalize", "-"], input=text.encode())
    assert "高新技术企业达到500家" in normalized.stdout
    big = CliRunner().invoke(main, ["extract", "-", "--max-size", "10"], input=text.encode())
    assert big.exit_code == 1 and "standard input is over the limit" in big.output
