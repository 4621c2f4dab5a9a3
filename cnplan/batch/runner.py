"""Run a batch: process every file (on several cores), keep per-file results, assemble the tables.

Each finished file leaves a state file under OUT_DIR/.cnplan/state, named by the hash of its bytes,
its doc id and cnplan's fingerprint, written atomically. A rerun finds it and does not redo the file,
so an interrupted batch resumes; the tables are assembled from the state files in path order, so
they are the same whatever the number of jobs and however often the batch was interrupted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from cnplan.batch.plan import Task, plan
from cnplan.codebook import codebook_frame
from cnplan.corpus import TERM_COLUMNS, document_terms
from cnplan.errors import CnplanError
from cnplan.extract import COLUMNS, extract_normalized, values_frame
from cnplan.extract.context import part_context
from cnplan.extract.region import detect_division, region_level
from cnplan.extract.table import warm_up
from cnplan.match.matcher import Matcher
from cnplan.normalize import normalize
from cnplan.output import TableWriter, atomic_write, atomic_write_text, csv_rows, write_table
from cnplan.parallel import default_jobs, pool_map
from cnplan.provenance import provenance, provenance_json
from cnplan.read import MAX_SIZE, detect_format, display, file_bytes, read_bytes

MANIFEST_COLUMNS = [
    "path",
    "doc",
    "size",
    "sha256",
    "encoding",
    "format",
    "script",
    "region",
    "region_code",
    "region_level",
    "genre",
    "doc_year",
    "rows",
    "status",
    "error",
    "normalized",
]
EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
PROVENANCE_FILE = "cnplan.json"


@dataclass
class Record:
    """One manifest row: what became of one input file."""

    path: str
    doc: str
    size: int
    sha256: str = ""
    encoding: str = ""
    format: str = ""
    script: str = ""
    region: str = ""
    region_code: str = ""
    region_level: str = ""
    genre: str = ""
    doc_year: int | None = None
    rows: int = 0
    status: str = "ok"
    error: str = ""
    normalized: str = ""
    state: str = ""  # the state file holding the rows (not a manifest column)
    cached: bool = False  # found done by an earlier run (not a manifest column)


@dataclass(frozen=True)
class Summary:
    """What a batch did: counts by status and the files it wrote."""

    files: int
    ok: int
    errors: int
    skipped: int
    reused: int
    rows: int
    seconds: float
    outputs: tuple[str, ...]


def state_key(sha256: str, task: Task) -> str:
    """The name of a file's state: its content, its doc id and cnplan's fingerprint."""
    return hashlib.sha256(f"{sha256}\0{task.doc}\0{task.fingerprint}".encode()).hexdigest()


def _state_path(task: Task, key: str) -> Path:
    """Where the state of a key is kept."""
    return Path(task.state_dir) / key[:2] / f"{key}.json"


def _load_state(path: Path) -> dict | None:
    """A state file's content, or None when absent or unreadable (then the file is redone)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _about(rows: list, text: str) -> tuple[str, str, str, str, int | None]:
    """Region, region code, level, genre and year of a document: those its rows name (several joined by |),
    else those its text gives."""
    regions = list(dict.fromkeys((r.region, r.region_code, r.region_level) for r in rows if r.region))
    if not regions:
        division = detect_division(text)
        regions = [(division.name, division.adcode, region_level(division))] if division else [("", "", "")]
    genres = list(dict.fromkeys(r.genre for r in rows if r.genre))
    years = list(dict.fromkeys(r.doc_year for r in rows if r.doc_year is not None))
    if not rows:
        context = part_context(text)
        genres, years = [context.genre] if context.genre else [], [context.year] if context.year else []
    name, code, level = ("|".join(column) for column in zip(*regions))
    return name, code, level, "|".join(genres), years[0] if len(years) == 1 else None


def process(task: Task) -> Record:
    """Process one file: reuse its state when done before, else read, normalize, extract and save."""
    record = Record(display(task.rel), task.doc, task.size)
    if not task.supported:
        record.status = "skipped"
        record.error = "not a document format cnplan reads"
        return record
    try:
        data = file_bytes(task.path, task.max_size)
        record.size = len(data)
        record.sha256 = hashlib.sha256(data).hexdigest()
        record.format = detect_format(data, task.path)  # inside the net: a strange zip may raise anything
    except CnplanError as exc:
        record.status, record.error = "error", exc.cause
        return record
    except Exception as exc:  # a bug must not stop the batch or lose the file: report it as its error
        record.status, record.error = "error", f"internal error: {type(exc).__name__}: {exc}"
        return record
    state = _state_path(task, state_key(record.sha256, task))
    record.state = str(state)
    if os.path.exists(task.normalized):
        saved = _load_state(state)
        if saved is not None:
            done = Record(**saved["record"])
            done.cached = True
            return done
    try:
        return _process_new(task, data, record, state)
    except CnplanError as exc:
        record.status, record.error = "error", exc.cause
    except Exception as exc:  # a bug must not stop the batch or lose the file: report it as its error
        record.status, record.error = "error", f"internal error: {type(exc).__name__}: {exc}"
    return record


def _process_new(task: Task, data: bytes, record: Record, state: Path) -> Record:
    """Read, normalize, extract and count terms of a file; write its normalized text and its state."""
    document = read_bytes(data, display(task.path))
    norm = normalize(document.text)
    rows = extract_normalized(norm, task.doc, task.matcher)
    terms = document_terms(task.doc, norm)
    atomic_write_text(task.normalized, norm.text + "\n")
    record.encoding = document.encoding
    record.format = document.format
    record.script = norm.script
    record.region, record.region_code, record.region_level, record.genre, record.doc_year = _about(
        rows, norm.text
    )
    record.rows = len(rows)
    record.normalized = Path(os.path.relpath(task.normalized, task.out_dir)).as_posix()
    values = [list(r.values()) for r in rows]
    payload = {
        "record": {k: v for k, v in asdict(record).items() if k != "cached"},
        "rows": values,
        "terms": [list(t) for t in terms],
        # CSV rendered here, in the worker, so that assembling the tables costs the parent little
        "indicators_csv": csv_rows(values),
        "terms_csv": csv_rows(terms),
    }
    text = json.dumps(payload, ensure_ascii=False)
    atomic_write(state, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return record


def _process_indexed(item: tuple[int, Task]) -> tuple[int, Record]:
    """process() keeping the task's index, so records find their place whatever order they finish in."""
    return item[0], process(item[1])


def _run(tasks: list[Task], jobs: int) -> Iterator[tuple[int, Record]]:
    """(index, record) of the tasks as they finish, on one core or a pool of processes."""
    matcher = tasks[0].matcher if tasks else None
    yield from pool_map(
        _process_indexed, list(enumerate(tasks)), jobs, ordered=False, warm=partial(warm_up, matcher)
    )


def output_names(fmt: str) -> dict[str, str]:
    """File names of the batch tables for a format."""
    ext = EXTENSIONS[fmt]
    return {
        "indicators": f"indicators{ext}",
        "terms": f"terms{ext}",
        "manifest": "manifest.csv",
        "codebook": "codebook.csv",
        "provenance": PROVENANCE_FILE,
    }


def _assemble(records: list[Record], out: Path, fmt: str, excel: bool, matcher: Matcher) -> None:
    """Write indicators and terms from the state files of the ok records, in path order, atomically."""
    names = output_names(fmt)
    ok = [r for r in records if r.status == "ok"]
    with (
        TableWriter(out / names["indicators"], COLUMNS, fmt, excel) as indicators,
        TableWriter(out / names["terms"], TERM_COLUMNS, fmt, excel) as terms,
    ):
        for record in ok:
            saved = _load_state(Path(record.state))
            if saved is None:
                raise CnplanError(record.state, "batch state vanished while the batch ran; run again")
            if fmt == "csv":
                indicators.write_text(saved["indicators_csv"])
                terms.write_text(saved["terms_csv"])
            else:
                indicators.write(values_frame(saved["rows"]))
                terms.write(pd.DataFrame(saved["terms"], columns=TERM_COLUMNS))
    manifest = pd.DataFrame(
        [[getattr(r, c) for c in MANIFEST_COLUMNS] for r in records], columns=MANIFEST_COLUMNS
    ).astype({"doc_year": "Int64"})  # 2024, not 2024.0, beside files without a year
    made = provenance(matcher)
    manifest = manifest.assign(
        cnplan_version=made["cnplan_version"],
        catalog_sha256=made["catalog_sha256"],
        min_score=made["min_score"],
    )
    write_table(manifest, out / names["manifest"], "csv", excel)
    write_table(codebook_frame(), out / names["codebook"], "csv", excel)


def _prune(out: Path, records: list[Record]) -> None:
    """Remove state files no file of this batch uses any more (edited or removed inputs)."""
    keep = {r.state for r in records if r.state}
    state_root = out / ".cnplan" / "state"
    if not state_root.is_dir():
        return
    for path in state_root.glob("*/*.json"):
        if str(path) not in keep:
            path.unlink(missing_ok=True)


OWN_FOLDERS = (".cnplan", "normalized")


def _check_own_folders(out: Path) -> None:
    """Refuse an output folder whose state or text folder is a link or a file: writes stay inside out."""
    if out.is_symlink() and not out.is_dir():
        raise CnplanError(out, "is a link to no folder; give a folder for the output")
    for name in OWN_FOLDERS:
        own = out / name
        if own.is_symlink():
            raise CnplanError(own, "is a link; cnplan writes only inside the output folder: remove it")
        if own.exists() and not own.is_dir():
            raise CnplanError(own, "is not a folder; remove it or give another output folder")


def batch(
    in_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    jobs: int | None = None,
    fmt: str = "csv",
    excel: bool = False,
    force: bool = False,
    on_record: Callable[[Record, int, int, int], None] | None = None,
    matcher: Matcher = Matcher(),
    max_size: int = MAX_SIZE,
    command: list[str] | None = None,
) -> Summary:
    """Turn a folder tree into indicators, terms, normalized texts, a manifest, a codebook and cnplan.json
    (provenance: version, catalog, --min-score, date and ``command``) under out_dir.

    ``on_record(record, done, total_files, total_bytes)`` is called as each file finishes. Files over
    max_size bytes are error rows, refused unread.
    """
    start = time.perf_counter()
    root, out = Path(in_dir), Path(out_dir)
    if not root.is_dir():
        raise CnplanError(root, "not a folder")
    _check_own_folders(out)
    if force and (out / ".cnplan").exists():
        shutil.rmtree(out / ".cnplan")  # no earlier result left to reuse
    tasks = plan(root, out, matcher, max_size)
    jobs = jobs or default_jobs()
    total_bytes = sum(t.size for t in tasks)
    records: dict[int, Record] = {}
    for done, (index, record) in enumerate(_run(tasks, jobs), start=1):
        records[index] = record
        if on_record:
            on_record(record, done, len(tasks), total_bytes)
    ordered = [records[i] for i in range(len(tasks))]
    _assemble(ordered, out, fmt, excel, matcher)
    atomic_write_text(out / PROVENANCE_FILE, provenance_json(provenance(matcher, command)))
    _prune(out, ordered)
    return Summary(
        files=len(ordered),
        ok=sum(r.status == "ok" for r in ordered),
        errors=sum(r.status == "error" for r in ordered),
        skipped=sum(r.status == "skipped" for r in ordered),
        reused=sum(r.cached for r in ordered),
        rows=sum(r.rows for r in ordered),
        seconds=time.perf_counter() - start,
        outputs=tuple(str(out / n) for n in output_names(fmt).values()),
    )
