"""Beyond one machine: shards and merge, file selection, and batches on a Dask cluster."""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from cnplan.batch import batch
from cnplan.batch.merge import merge, walk_key
from cnplan.batch.plan import Subset, shard_of
from cnplan.cli import main
from cnplan.errors import CnplanError

TABLES = ("indicators.csv", "terms.csv", "manifest.csv", "codebook.csv")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The corpus with files in subfolders and a broken one: the order of a walk matters."""
    root = tmp_path_factory.mktemp("in")
    for path in sorted(CORPUS.glob("*.txt"))[:8]:
        shutil.copy(path, root / path.name)
    (root / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(CORPUS / "nantong_gwr_2024_excerpt.txt", root / "sub" / "a.txt")
    shutil.copy(CORPUS / "zhongshan_gwr_2024_excerpt.txt", root / "sub" / "deeper" / "b.txt")
    (root / "sub" / "broken.pdf").write_bytes(b"not a pdf")
    (root / "sub" / "notes.md").write_text("# notes\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def single(tree, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("single")
    batch(tree, out, jobs=1)
    return out


def _same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


def test_a_shard_is_stable_when_files_are_added():
    names = [f"reports/{i:04d}.txt" for i in range(400)]
    before = {n: shard_of(n, 8) for n in names}
    assert {shard_of(n, 8) for n in names} == set(range(8))  # every shard gets files
    more = names + [f"new/{i}.pdf" for i in range(100)]
    assert all(shard_of(n, 8) == before[n] for n in more if n in before)


@pytest.mark.parametrize(
    "subset, rel, keeps",
    [
        (Subset(include=("*.pdf",)), "a/b/plan.pdf", True),  # a glob without / matches names at any depth
        (Subset(include=("*.pdf",)), "a/b/plan.txt", False),
        (Subset(include=("2024/*",)), "2024/x.txt", True),
        (Subset(include=("2024/*",)), "2023/x.txt", False),
        (Subset(exclude=("*draft*",)), "a/plan_draft.docx", False),
        (Subset(include=("*.txt",), exclude=("sub/*",)), "sub/a.txt", False),
        (Subset(files=frozenset({"a/b.txt"})), "a/b.txt", True),
        (Subset(files=frozenset({"a/b.txt"})), "a/c.txt", False),
    ],
)
def test_which_files_a_subset_keeps(subset, rel, keeps):
    assert subset.keeps(rel) is keeps


def test_walk_key_is_the_batch_order():
    paths = ["z.txt", "a/c/d.txt", "a/b.txt", "b.txt", "a/a.txt"]
    assert sorted(paths, key=walk_key) == ["b.txt", "z.txt", "a/a.txt", "a/b.txt", "a/c/d.txt"]


def test_shards_merged_are_one_run(tree, single, tmp_path):
    shards = [tmp_path / f"s{i}" for i in (1, 2, 3)]
    for i, out in enumerate(shards, start=1):
        batch(tree, out, jobs=1, subset=Subset(shard=(i, 3)))
    files = sum(len((s / "manifest.csv").read_text(encoding="utf-8").splitlines()) - 1 for s in shards)
    assert files == len((single / "manifest.csv").read_text(encoding="utf-8").splitlines()) - 1
    merged = tmp_path / "merged"
    merge(shards, merged)
    _same_tables(single, merged)
    assert not filecmp.dircmp(single / "normalized", merged / "normalized").diff_files
    for shard in shards:  # the merged folder stands on its own
        shutil.rmtree(shard)
    (merged / "indicators.csv").unlink()
    again = batch(tree, merged, jobs=2)  # the merged folder resumes like a batch folder
    assert again.reused == again.ok
    _same_tables(single, merged)


def test_merge_refuses_overlapping_shards_and_other_folders(tree, single, tmp_path):
    with pytest.raises(CnplanError, match="must not overlap"):
        merge([single, single], tmp_path / "m")
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "empty"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 1 and "not a finished batch output folder" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("shard", ["0/3", "4/3", "3", "a/b"])
def test_a_bad_shard_is_a_usage_error(tree, tmp_path, shard):
    result = CliRunner().invoke(main, ["batch", str(tree), "-o", str(tmp_path / "o"), "--shard", shard])
    assert result.exit_code == 2 and "--shard" in result.output


def test_batch_command_with_files_from_stdin_and_globs(tree, tmp_path):
    out = tmp_path / "o"
    listed = "sub/a.txt\nsub/deeper/b.txt\n" + str(tree / "sub" / "broken.pdf") + "\n"
    args = ["batch", str(tree), "-o", str(out), "-j", "1", "--files-from", "-", "--exclude", "*.pdf"]
    result = CliRunner().invoke(main, args, input=listed)
    assert result.exit_code == 0, result.output
    manifest = (out / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[0] for line in manifest] == ["sub/a.txt", "sub/deeper/b.txt"]


def test_a_listed_file_outside_the_input_is_one_line(tree, tmp_path):
    args = ["batch", str(tree), "-o", str(tmp_path / "o"), "--files-from", "-"]
    result = CliRunner().invoke(main, args, input="/etc/passwd\n")
    assert result.exit_code == 1 and "is not inside" in result.output and "Traceback" not in result.output


def test_without_dask_the_option_says_what_to_install(tree, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = CliRunner().invoke(main, ["batch", str(tree), "-o", str(tmp_path / "o"), "--dask", "local"])
    assert result.exit_code == 1 and 'pip install "cnplan[dask]"' in result.output
    assert "Traceback" not in result.output


# --- on a Dask cluster ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_tables_are_those_of_one_process(tree, single, client, tmp_path):
    out = tmp_path / "d"
    summary = batch(tree, out, dask=client)
    assert summary.ok > 0
    _same_tables(single, out)
    warmed = client.run(lambda dask_worker: getattr(dask_worker, "cnplan_warm_ups", 0))
    assert sorted(warmed.values()) == [1, 1]  # each worker warmed once


def test_a_worker_lost_mid_run_then_a_rerun_gives_the_same_tables(tree, single, client, tmp_path):
    out = tmp_path / "k"
    lost = []

    def kill_one(record, done, total, size):
        if not lost:
            lost.append(next(iter(client.scheduler_info()["workers"])))
            client.run(os._exit, 1, workers=lost)  # the worker process dies; its nanny starts a new one

    with contextlib.suppress(Exception):  # the run may end with the worker; what it saved stays
        batch(tree, out, dask=client, on_record=kill_one)
    client.wait_for_workers(2, timeout=60)
    batch(tree, out, dask=client)
    _same_tables(single, out)
    assert lost


def test_dask_frame_and_bag(tree, client):
    from cnplan.dask import extract_bag, extract_frame
    from cnplan.extract import extract_frame as local_frame

    frame = extract_frame(tree)  # built, not computed
    local = local_frame(tree, on_error=lambda error: None, jobs=1).reset_index(
        drop=True
    )  # bad files: no rows
    assert list(frame.columns) == list(local.columns)
    assert str(frame.dtypes["year"]) == "Int64" and str(frame.dtypes["value"]) == "float64"
    computed = frame.compute().reset_index(drop=True)
    assert len(computed) == len(local) and list(computed["doc"]) == list(local["doc"])
    assert extract_bag(tree).count().compute() == len(local)


# --- a lighter install: optional readers and outputs, the fallback tokenizer --------------------------


def _pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 700, "Plan 2025")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "module, name, data, says",
    [
        ("pypdfium2", "report.pdf", None, 'PDF needs: pip install "cnplan[pdf]"'),
        (
            "trafilatura",
            "page.html",
            b"<html><body><p>2024\xe5\xb9\xb4</p></body></html>",
            'web page needs: pip install "cnplan[html]"',
        ),
        ("docx", "plan.docx", None, 'Word needs: pip install "cnplan[docx]"'),
    ],
)
def test_a_file_whose_reader_is_missing_is_one_line_naming_the_extra(
    tmp_path, monkeypatch, module, name, data, says
):
    import sys

    if data is None and name.endswith(".pdf"):
        data = _pdf()
    if data is None:
        import docx

        document = docx.Document()
        document.add_paragraph("到2025年，高新技术企业达到5家。")
        document.save(tmp_path / name)
    else:
        (tmp_path / name).write_bytes(data)
    monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    result = CliRunner().invoke(main, ["extract", str(tmp_path / name), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and says in result.output and "Traceback" not in result.output


def test_a_chart_without_matplotlib_is_one_line(tmp_path, monkeypatch):
    import sys

    table = tmp_path / "t.csv"
    table.write_text(
        "doc,region,kind,year,indicator,value,unit,value_base,unit_base,sentence\n", encoding="utf-8"
    )
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = CliRunner().invoke(main, ["compare", str(table), "--plot", str(tmp_path / "c.png")])
    assert result.exit_code == 1 and 'pip install "cnplan[plot]"' in result.output


def test_without_jieba_fast_dat_jieba_cuts_the_same_rows(tmp_path):
    import subprocess
    import sys

    docs = [str(CORPUS / "nantong_gwr_2024_excerpt.txt"), str(CORPUS / "105_jilin_city_gwr_2024_excerpt.txt")]
    outputs = []
    for engine in ("", "jieba"):
        out = tmp_path / f"rows_{engine or 'fast'}.csv"
        env = {**os.environ, "CNPLAN_TOKENIZER": engine}
        code = "import sys; from cnplan.cli import main; main()"
        subprocess.run(
            [sys.executable, "-c", code, "-q", "extract", *docs, "-o", str(out)], env=env, check=True
        )
        outputs.append(out.read_bytes())
    check = "from cnplan.segment.tokenizer import engine; print(engine().__name__)"
    used = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "CNPLAN_TOKENIZER": "jieba"},
        capture_output=True,
        text=True,
    )
    assert used.stdout.strip() == "jieba"
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 100


# --- the resume state, a rerun, progress ----------------------------------------------------------------


def test_a_rerun_with_nothing_to_redo_leaves_the_tables_be(tree, tmp_path):
    out = tmp_path / "o"
    batch(tree, out, jobs=1)
    before = {n: (out / n).stat().st_mtime_ns for n in TABLES}
    again = batch(tree, out, jobs=1)
    assert again.reused == again.ok and {n: (out / n).stat().st_mtime_ns for n in TABLES} == before
    (out / "terms.csv").write_text("edited by hand\n", encoding="utf-8")  # a touched table is written again
    batch(tree, out, jobs=1)
    assert (out / "terms.csv").read_text(encoding="utf-8").startswith("doc,part,term,count")


def test_the_state_is_stored_once_compressed_and_clean_removes_it(tree, tmp_path):
    out = tmp_path / "o"
    batch(tree, out, jobs=1)
    state = sum(p.stat().st_size for p in (out / ".cnplan").rglob("*") if p.is_file())
    given = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
    assert state <= given
    result = CliRunner().invoke(main, ["-q", "batch", str(tree), "-o", str(out), "--clean"])
    assert not (out / ".cnplan").exists() and (out / "indicators.csv").exists(), result.output


def test_progress_counts_the_time_left_on_the_files_left_only():
    from types import SimpleNamespace

    from cnplan.cli import Progress

    progress = Progress(live=False)
    for _ in range(9):  # nine files reused from an earlier run: no time spent, no rate
        progress(
            SimpleNamespace(size=1_000_000, status="ok", cached=True, path="x", encoding=""), 1, 10, 10**7
        )
    assert "ETA --:--:--" in progress.status(9, 10, 10_000_000)
    progress.start -= 10  # one new megabyte took ten seconds: the last megabyte will take as long
    progress(
        SimpleNamespace(size=1_000_000, status="ok", cached=False, path="y", encoding=""), 10, 11, 11 * 10**6
    )
    assert "ETA 00:00:10" in progress.status(10, 11, 11_000_000)
