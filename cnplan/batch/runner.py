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

from cnplan.batch.plan import Subset, Task, plan
from cnplan.batch.state import SUFFIX as STATE_SUFFIX
from cnplan.batch.state import read_record, read_tables, rows_frame_of, terms_frame_of, write_state
from cnplan.codebook import codebook_frame
from cnplan.corpus import TERM_COLUMNS, document_terms
from cnplan.errors import CnplanError
from cnplan.extract import COLUMNS, extract_normalized
from cnplan.extract.context import part_context
from cnplan.extract.region import detect_division, region_level
from cnplan.extract.table import warm_up
from cnplan.match.matcher import Matcher
from cnplan.normalize import normalize
from cnplan.output import SUFFIX, TableWriter, atomic_write_text, csv_rows, write_table
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
    return Path(task.state_dir) / key[:2] / f"{key}{STATE_SUFFIX}"


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


def _reused(task: Task, sha256: str) -> Record | None:
    """The record an earlier run saved for this content, if its state and its text are still there."""
    state = _state_path(task, state_key(sha256, task))
    saved = read_record(state) if os.path.exists(task.normalized) else None
    if saved is None:
        return None
    done = Record(**saved)
    done.state, done.cached = str(state), True  # where the state is now (a merged folder's own copy)
    return done


def cached_record(task: Task) -> Record | None:
    """The record of a file done by an earlier run, else None (a file not done is read again by
    process); a file that is no document is its skipped record at once. Cheap: hash, one line of state."""
    if not task.supported:
        return process(task)
    try:
        data = file_bytes(task.path, task.max_size)
    except CnplanError:
        return None  # process() reports it
    return _reused(task, hashlib.sha256(data).hexdigest())


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
    done = _reused(task, record.sha256)
    if done is not None:
        return done
    state = _state_path(task, state_key(record.sha256, task))
    record.state = str(state)
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
    # CSV rendered here, in the worker, so that assembling the tables costs the parent little
    saved = {k: v for k, v in asdict(record).items() if k != "cached"}
    write_state(state, saved, csv_rows(values), csv_rows(terms))
    return record


def _process_indexed(item: tuple[int, Task]) -> tuple[int, Record]:
    """process() keeping the task's index, so records find their place whatever order they finish in."""
    return item[0], process(item[1])


def _run(tasks: list[Task], jobs: int) -> Iterator[tuple[int, Record]]:
    """(index, record) of the tasks as they finish, on one core or a pool of processes.

    When an earlier run left state, the files it did are taken from it here first, and only the others
    go to the pool (none at all: no pool is started, nothing is warmed)."""
    matcher = tasks[0].matcher if tasks else None
    todo = list(enumerate(tasks))
    if tasks and jobs > 1 and Path(tasks[0].state_dir).is_dir():
        left = []
        for index, task in todo:
            record = cached_record(task)
            if record is None:
                left.append((index, task))
            else:
                yield index, record
        todo = left
    yield from pool_map(_process_indexed, todo, jobs, ordered=False, warm=partial(warm_up, matcher))


def output_names(fmt: str) -> dict[str, str]:
    """File names of the batch tables for a format."""
    ext = SUFFIX[fmt]
    return {
        "indicators": f"indicators{ext}",
        "terms": f"terms{ext}",
        "manifest": "manifest.csv",
        "codebook": "codebook.csv",
        "provenance": PROVENANCE_FILE,
    }


def _assemble(records: list[Record], out: Path, fmt: str, excel: bool, made: dict) -> None:
    """Write indicators and terms from the state files of the ok records, in path order, atomically."""
    names = output_names(fmt)
    ok = [r for r in records if r.status == "ok"]
    with (
        TableWriter(out / names["indicators"], COLUMNS, fmt, excel) as indicators,
        TableWriter(out / names["terms"], TERM_COLUMNS, fmt, excel) as terms,
    ):
        for record in ok:
            saved = read_tables(record.state)
            if saved is None:
                raise CnplanError(record.state, "batch state vanished while the batch ran; run again")
            if fmt == "csv":
                indicators.write_text(saved[0])
                terms.write_text(saved[1])
            else:
                indicators.write(rows_frame_of(saved[0]))
                terms.write(terms_frame_of(saved[1]))
    manifest = pd.DataFrame(
        [[getattr(r, c) for c in MANIFEST_COLUMNS] for r in records], columns=MANIFEST_COLUMNS
    ).astype({"doc_year": "Int64"})  # 2024, not 2024.0, beside files without a year
    manifest = manifest.assign(
        cnplan_version=made["cnplan_version"],
        catalog_sha256=made["catalog_sha256"],
        min_score=made["min_score"],
    )
    write_table(manifest, out / names["manifest"], "csv", excel)
    write_table(codebook_frame(), out / names["codebook"], "csv", excel)


INDEX_FILE = "index.json"


def _relative(path: str, out: Path, prefix: str) -> str:
    """A state path relative to out, / separated (a prefix cut for the common case)."""
    if path.startswith(prefix):
        return path[len(prefix) :].replace(os.sep, "/")
    return Path(os.path.relpath(path, out)).as_posix()


def _index_rows(out: Path, records: list[Record]) -> list[dict]:
    """The records as the index keeps them: without `cached`, states relative to out."""
    prefix = str(out) + os.sep
    rows = []
    for r in records:
        row = asdict(r)
        del row["cached"]
        row["state"] = _relative(r.state, out, prefix) if r.state and r.status == "ok" else ""
        rows.append(row)
    return rows


def _stamps(out: Path, fmt: str) -> dict[str, list[int]]:
    """Size and modification time of each table a batch wrote: a table edited since shows."""
    stamps = {}
    for key in ("indicators", "terms", "manifest", "codebook"):
        path = out / output_names(fmt)[key]
        try:
            info = path.stat()
        except OSError:
            continue
        stamps[key] = [info.st_size, info.st_mtime_ns]
    return stamps


def write_index(out: Path, records: list[Record], fmt: str, excel: bool = False) -> None:
    """The batch's records in order with their state files, and the tables' stamps: for `cnplan merge`
    and for a rerun that finds nothing to redo (its tables are then left as they are)."""
    index = {"format": fmt, "excel": excel, "records": _index_rows(out, records), "tables": _stamps(out, fmt)}
    atomic_write_text(out / ".cnplan" / INDEX_FILE, json.dumps(index, ensure_ascii=False))


def _unchanged(out: Path, records: list[Record], fmt: str, excel: bool) -> bool:
    """Whether the tables in out are those of these records already: every file reused, the same records
    in the same order, the same format, and no table touched since it was written."""
    if not records or not all(r.cached or r.status != "ok" for r in records):
        return False
    try:
        index = json.loads((out / ".cnplan" / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        index.get("format") == fmt
        and index.get("excel") == excel
        and index.get("records") == _index_rows(out, records)
        and index.get("tables") == _stamps(out, fmt)
    )


def _prune(out: Path, records: list[Record]) -> None:
    """Remove state files no file of this batch uses any more (edited or removed inputs)."""
    keep = {r.state for r in records if r.state}
    state_root = out / ".cnplan" / "state"
    if not state_root.is_dir():
        return
    for path in state_root.glob("*/*"):
        if str(path) not in keep and path.is_file():
            path.unlink(missing_ok=True)  # an edited or removed input's, or a state of an older layout


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
    subset: Subset = Subset(),
    dask: str | None = None,
    on_phase: Callable[[str, int], None] | None = None,
    clean: bool = False,
) -> Summary:
    """Turn a folder tree into indicators, terms, normalized texts, a manifest, a codebook and cnplan.json
    (provenance: version, catalog, --min-score, date and ``command``) under out_dir.

    ``on_record(record, done, total_files, total_bytes)`` is called as each file finishes. Files over
    max_size bytes are error rows, refused unread. ``on_phase("tables", files)`` is called before the
    tables are written; ``clean`` removes the resume state at the end. ``subset`` takes a shard or some
    files only (merge shards with `merge`); ``dask`` runs the files on a Dask scheduler (an address, a
    distributed Client, or "local").
    """
    start = time.perf_counter()
    root, out = Path(in_dir), Path(out_dir)
    if not root.is_dir():
        raise CnplanError(root, "not a folder")
    _check_own_folders(out)
    if force and (out / ".cnplan").exists():
        shutil.rmtree(out / ".cnplan")  # no earlier result left to reuse
    tasks = plan(root, out, matcher, max_size, subset)
    jobs = jobs or default_jobs()
    total_bytes = sum(t.size for t in tasks)
    records: dict[int, Record] = {}
    if dask is not None:
        from cnplan.dask import run_tasks

        finished = run_tasks(tasks, dask, matcher)
    else:
        finished = _run(tasks, jobs)
    for done, (index, record) in enumerate(finished, start=1):
        records[index] = record
        if on_record:
            on_record(record, done, len(tasks), total_bytes)
    ordered = [records[i] for i in range(len(tasks))]
    if not _unchanged(out, ordered, fmt, excel):  # a rerun with nothing to redo leaves the tables be
        if on_phase:
            on_phase("tables", len(ordered))
        made = provenance(matcher, command)
        _assemble(ordered, out, fmt, excel, made)
        atomic_write_text(out / PROVENANCE_FILE, provenance_json(made))
        write_index(out, ordered, fmt, excel)
    _prune(out, ordered)
    if clean:
        shutil.rmtree(out / ".cnplan", ignore_errors=True)
    return summarize(ordered, out, fmt, start)


def summarize(records: list[Record], out: Path, fmt: str, start: float) -> Summary:
    """What a run (or a merge) did: counts by status, rows, the time since start, the files written."""
    return Summary(
        files=len(records),
        ok=sum(r.status == "ok" for r in records),
        errors=sum(r.status == "error" for r in records),
        skipped=sum(r.status == "skipped" for r in records),
        reused=sum(r.cached for r in records),
        rows=sum(r.rows for r in records),
        seconds=time.perf_counter() - start,
        outputs=tuple(str(out / n) for n in output_names(fmt).values()),
    )
