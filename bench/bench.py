"""Throughput of cnplan, stage by stage, against two reference points measured in the same run.

    python bench/bench.py                 # 20 MB corpus built from corpus/
    python bench/bench.py --size-mb 5     # quicker
    python bench/bench.py --memory        # also peak RSS of `cnplan batch` on 20 MB and 200 MB
    python bench/bench.py --formats       # only: reading PDF, Word, HTML, MHTML made from corpus/
                                          # (needs reportlab: pip install ".[test]")

The corpus is the bundled sample documents copied over and over, every other copy converted to
traditional script (OpenCC s2t) and every fourth saved as GB18030, as researchers' folders are.
MB are megabytes of input files (10^6 bytes). Reference points:

* floor: one pass of cnplan's number-and-unit regex (the `regex` module) over the text;
* afternoon: what a first afternoon's script does: OpenCC t2s on everything with
  opencc-python-reimplemented, jieba.lcut on everything, then the regex (timed on a sample,
  --afternoon-mb, since it is slow; its rate does not depend on the size).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jieba
import opencc
import regex

from cnplan.extract import extract_normalized
from cnplan.extract.numbers import NUMBER
from cnplan.extract.units import unit_pattern
from cnplan.normalize import normalize, to_simplified
from cnplan.read import read_bytes
from cnplan.segment import tokenizer, words

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MB = 1e6


def build_corpus(folder: Path, size_mb: float) -> list[tuple[Path, bytes, str]]:
    """Write copies of corpus/ into folder until size_mb; return (path, bytes, script) of each file."""
    s2t = opencc.OpenCC("s2t")
    sources = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sources.append((path.stem, text, s2t.convert(text)))
    folder.mkdir(parents=True, exist_ok=True)
    files, total, i = [], 0, 0
    while total < size_mb * MB:
        stem, simplified, traditional = sources[i % len(sources)]
        script = "traditional" if (i // len(sources)) % 2 else "simplified"
        text = traditional if script == "traditional" else simplified
        encoding = "gb18030" if i % 4 == 3 and script == "simplified" else "utf-8"
        data = text.encode(encoding)
        path = folder / f"{i // 100:04d}" / f"{stem}_{i:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        files.append((path, data, script))
        total += len(data)
        i += 1
    return files


def rate(nbytes: int, seconds: float) -> float:
    """MB per second."""
    return nbytes / MB / max(seconds, 1e-9)


def timed(func, *args) -> tuple[object, float]:
    """func(*args) and its wall time in seconds."""
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def stages(files: list[tuple[Path, bytes, str]], afternoon_mb: float) -> dict[str, float]:
    """MB/s of each stage alone, the whole in-process pipeline and the two reference points."""
    tokenizer()  # loading the dictionary is start-up, not throughput
    total = sum(len(d) for _, d, _ in files)
    out: dict[str, float] = {}

    docs, t = timed(lambda: [read_bytes(d, str(p)) for p, d, _ in files])
    out["read (detect encoding, decode)"] = rate(total, t)
    trad = [(doc.text, len(d)) for doc, (_, d, s) in zip(docs, files) if s == "traditional"]
    simp = [(doc.text, len(d)) for doc, (_, d, s) in zip(docs, files) if s == "simplified"]
    _, t = timed(lambda: [to_simplified(x) for x, _ in trad])
    out["t2s, traditional documents"] = rate(sum(n for _, n in trad), t)
    _, t = timed(lambda: [to_simplified(x) for x, _ in simp])
    out["t2s, simplified documents (detect and skip)"] = rate(sum(n for _, n in simp), t)
    norms, t = timed(lambda: [normalize(doc.text) for doc in docs])
    out["normalize (all steps, with t2s)"] = rate(total, t)
    _, t = timed(lambda: [words(n.text) for n in norms])
    out["segment (every word, for terms)"] = rate(total, t)
    _, t = timed(lambda: [extract_normalized(n, "x") for n in norms])
    out["extract (from normalized text)"] = rate(total, t)
    _, t = timed(
        lambda: [extract_normalized(normalize(read_bytes(d, str(p)).text), "x") for p, d, _ in files]
    )
    out["pipeline: read + normalize + extract"] = rate(total, t)

    floor = regex.compile(rf"(?:{NUMBER})(?:{unit_pattern()})")
    texts = [doc.text for doc in docs]
    _, t = timed(lambda: [sum(1 for _ in floor.finditer(x)) for x in texts])
    out["floor: number-and-unit regex"] = rate(total, t)

    sample, size = [], 0
    for (_, d, _), x in zip(files, texts):
        if size >= afternoon_mb * MB:
            break
        sample.append(x)
        size += len(d)
    converter = opencc.OpenCC("t2s")
    jieba.setLogLevel(60)
    jieba.initialize()
    _, t = timed(
        lambda: [(jieba.lcut(converter.convert(x)), sum(1 for _ in floor.finditer(x))) for x in sample]
    )
    out[f"afternoon: OpenCC t2s + jieba.lcut + regex ({size / MB:.1f} MB sample)"] = rate(size, t)
    return out


def cli(*args: str) -> float:
    """Wall seconds of one cnplan command (its output discarded)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cnplan.cli", *args], check=False, capture_output=True)
    return time.perf_counter() - start


def peak_rss_mb(*args: str) -> float:
    """Peak resident memory (MB) of the largest process of one cnplan command."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "cnplan.cli", *args],
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip()) / 1024


def formats(work: Path, rounds: int = 5) -> None:
    """Read rate of each input format, the files built from corpus/ as in the tests (MB of text out)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import makedocs

    print(f"{'format':<6}  {'files':>5}  {'MB in':>6}  {'MB text':>7}  {'MB/s text':>9}  {'ms/file':>7}")
    for fmt in ("pdf", "docx", "html", "mhtml"):
        maker = getattr(makedocs, f"make_{fmt}")
        built = [
            maker(src.read_text(encoding="utf-8"), work / f"{src.stem}.{fmt}")
            for src in sorted(CORPUS.glob("*.txt"))
        ]
        data = [(str(p), p.read_bytes()) for p in built]
        text = sum(len(read_bytes(b, name).text.encode()) for name, b in data)  # warm: imports, caches
        _, seconds = timed(
            lambda files=data: [read_bytes(b, name) for _ in range(rounds) for name, b in files]
        )
        size = sum(len(b) for _, b in data)
        per_file = 1000 * seconds / rounds / len(data)
        print(
            f"{fmt:<6}  {len(data):>5}  {size / MB:6.2f}  {text / MB:7.2f}  {rate(rounds * text, seconds):9.2f}  {per_file:7.1f}"
        )


def matching(rows: int = 100_000) -> None:
    """Time catalog matching and the crosswalk on a table of `rows` rows built from the corpus's names."""
    import pandas as pd

    from cnplan.extract import extract_frame
    from cnplan.match import build_crosswalk, match_names

    base = extract_frame([CORPUS], matcher=None)
    base = base[base["indicator"].str.len() > 0]
    # variants as a folder of many documents would give: the same names under other scopes and levels
    scopes = ["", "全市", "全区", "全县", "本级", "省级", "市级", "新增", "累计", "年度"]
    names, units = [], []
    while len(names) < rows:
        for scope in scopes:
            names.extend(scope + n for n in base["indicator"])
            units.extend(base["unit"])
    names, units = names[:rows], units[:rows]
    distinct = len(set(zip(names, units)))
    _, t = timed(match_names, names, units)
    print(f"match_names: {rows} rows ({distinct} distinct names) in {t:.2f} s")
    table = pd.DataFrame(
        {"doc": [f"d{i % 1000}" for i in range(rows)], "indicator": names, "unit_base": units}
    )
    _, t = timed(build_crosswalk, [table])
    print(f"build_crosswalk: {rows} rows ({distinct} distinct names) in {t:.2f} s")


def folder_mb(folder: Path) -> float:
    """The size of the files under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


def scale(work: Path, size_mb: float) -> None:
    """Batch on one machine: a pool of 2 processes against a Dask LocalCluster of 2 workers, a rerun
    with nothing to redo, and the size of the resume state against the input's."""
    folder = work / "corpus"
    files = build_corpus(folder, size_mb)
    total = sum(len(d) for _, d, _ in files)
    print(f"corpus: {len(files)} files, {total / MB:.1f} MB; machine: {os.cpu_count()} cores\n")
    t = cli("batch", str(folder), "-o", str(work / "local"), "--jobs", "2")
    print(f"cnplan batch --jobs 2:     {t:6.1f} s wall, {rate(total, t):.2f} MB/s")
    t = cli("batch", str(folder), "-o", str(work / "dask"), "--dask", "local")
    print(
        f"cnplan batch --dask local: {t:6.1f} s wall, {rate(total, t):.2f} MB/s (2 workers, start-up included)"
    )
    t = cli("batch", str(folder), "-o", str(work / "local"), "--jobs", "2")
    print(f"cnplan batch, rerun (all reused): {t:.1f} s wall")
    state = folder_mb(work / "local" / ".cnplan")
    print(f"resume state: {state:.1f} MB for {total / MB:.1f} MB of input")


def main() -> None:
    """Build the corpus, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="corpus size (default 20)")
    parser.add_argument("--afternoon-mb", type=float, default=2.0, help="sample for the afternoon pipeline")
    parser.add_argument("--memory", action="store_true", help="peak RSS of batch on 20 MB and 200 MB")
    parser.add_argument(
        "--formats", action="store_true", help="only the read rate of PDF, Word and web pages"
    )
    parser.add_argument("--match", action="store_true", help="only the time to match 100,000 rows")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="only batch: --jobs 2 vs --dask local (2 workers), rerun, state size",
    )
    args = parser.parse_args()
    if args.match:
        matching()
        return
    if args.scale:
        work = Path(tempfile.mkdtemp(prefix="cnplan-bench-"))
        try:
            scale(work, args.size_mb)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    work = Path(tempfile.mkdtemp(prefix="cnplan-bench-"))
    if args.formats:
        try:
            formats(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        folder = work / "corpus"
        files = build_corpus(folder, args.size_mb)
        total = sum(len(d) for _, d, _ in files)
        print(f"corpus: {len(files)} files, {total / MB:.1f} MB, in {folder}")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
        results = stages(files, args.afternoon_mb)
        floor = results["floor: number-and-unit regex"]
        afternoon = next(v for k, v in results.items() if k.startswith("afternoon"))
        width = max(map(len, results))
        print(f"{'stage (one process)':<{width}}  {'MB/s':>8}  {'x afternoon':>11}")
        for name, value in results.items():
            print(f"{name:<{width}}  {value:8.2f}  {value / afternoon:11.1f}")
        print(f"\nfloor / pipeline: {floor / results['pipeline: read + normalize + extract']:.1f}x\n")

        small = CORPUS / "004_f53abd037be63bad.txt"
        cli("extract", str(small), "-o", str(work / "small.csv"))  # the dictionary cache is built once
        best = min(cli("extract", str(small), "-o", str(work / "small.csv")) for _ in range(3))
        print(f"cnplan extract, one small file: {best:.2f} s wall (best of 3)")
        walls = {}
        for jobs in (1, 2):
            walls[jobs] = cli("extract", str(folder), "-o", str(work / "x.csv"), "--jobs", str(jobs))
            print(
                f"cnplan extract, --jobs {jobs}: {walls[jobs]:.1f} s wall, {rate(total, walls[jobs]):.2f} MB/s"
            )
        print(f"  2 jobs vs 1: {walls[1] / walls[2]:.2f}x")
        for jobs in (1, 2):
            t = cli("batch", str(folder), "-o", str(work / f"out{jobs}"), "--jobs", str(jobs))
            print(
                f"cnplan batch, --jobs {jobs}: {t:.1f} s wall, {rate(total, t):.2f} MB/s (tables, terms, texts)"
            )
        t = cli("batch", str(folder), "-o", str(work / "out2"), "--jobs", "2")
        print(f"cnplan batch, rerun (all reused): {t:.1f} s wall")

        if args.memory:
            print()
            for size in (20, 200):
                big = work / f"mem{size}"
                build_corpus(big, size)
                rss = peak_rss_mb("batch", str(big), "-o", str(work / f"memout{size}"), "--jobs", "1")
                rss_x = peak_rss_mb("extract", str(big), "-o", str(work / f"mem{size}.csv"), "--jobs", "1")
                print(f"peak RSS, {size} MB input: batch {rss:.0f} MB, extract -o {rss_x:.0f} MB")
                shutil.rmtree(big)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
