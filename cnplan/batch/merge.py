"""Merge the output folders of batch shards into the tables one run over all files would write."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path, PurePosixPath

from cnplan.batch.runner import (
    INDEX_FILE,
    PROVENANCE_FILE,
    Record,
    Summary,
    _assemble,
    _check_own_folders,
    summarize,
    write_index,
)
from cnplan.errors import CnplanError
from cnplan.output import atomic_write, atomic_write_text
from cnplan.provenance import provenance_json

SAME = ("cnplan_version", "catalog_sha256", "min_score")  # what shards must share to be merged


def walk_key(path: str) -> tuple:
    """The place of a file in a batch's order (folders walked in sorted order, a folder's files before
    its subfolders): a/b.txt after z.txt, before a/c/d.txt."""
    parts = PurePosixPath(path).parts
    return tuple((1, p) for p in parts[:-1]) + ((0, parts[-1]),)


def _read_shard(folder: Path) -> tuple[list[Record], dict, str]:
    """A shard's records (their state files made absolute), its provenance and its table format."""
    index = folder / ".cnplan" / INDEX_FILE
    try:
        saved = json.loads(index.read_text(encoding="utf-8"))
        made = json.loads((folder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CnplanError(
            folder, "not a finished batch output folder (run `cnplan batch` into it first)"
        ) from None
    records = []
    for row in saved["records"]:
        record = Record(**row)
        if record.state:
            record.state = str(folder / record.state)
        records.append(record)
    return records, made, saved.get("format", "csv")


def _copy(src: Path, dst: Path) -> None:
    """Copy a file atomically (nothing when source and target are one file)."""
    if dst.exists() and src.resolve() == dst.resolve():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(dst, lambda tmp: shutil.copyfile(src, tmp))


def merge(
    folders: list[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    excel: bool = False,
    command: list[str] | None = None,
) -> Summary:
    """Merge shard folders into out_dir: indicators, terms, manifest and codebook as one run would write
    them (same order, same bytes), the normalized texts, and the state, so that out_dir resumes.
    Every shard is read and checked before anything is written."""
    start = time.perf_counter()
    out = Path(out_dir)
    _check_own_folders(out)
    shards: list[tuple[Path, list[Record]]] = []
    made: dict | None = None
    fmt = ""
    seen: dict[str, Path] = {}
    for folder in map(Path, folders):
        shard, shard_made, shard_fmt = _read_shard(folder)
        if made is not None and any(shard_made.get(k) != made.get(k) for k in SAME):
            raise CnplanError(
                folder, "was made by another cnplan, catalog or --min-score than the first shard"
            )
        if fmt and shard_fmt != fmt:
            raise CnplanError(folder, f"has {shard_fmt} tables, the first shard {fmt}")
        made, fmt = made or shard_made, fmt or shard_fmt
        for record in shard:
            if record.path in seen:
                raise CnplanError(
                    folder, f"{record.path} is in {seen[record.path]} too: shards must not overlap"
                )
            seen[record.path] = folder
        shards.append((folder, shard))
    if made is None:
        raise CnplanError(out, "no shard folder to merge")
    records: list[Record] = []
    for folder, shard in shards:
        for record in shard:
            if record.normalized:
                _copy(folder / record.normalized, out / record.normalized)
            if record.state and record.status == "ok":
                state = out / Path(record.state).relative_to(folder)
                _copy(Path(record.state), state)
                record.state = str(state)
            records.append(record)
    records.sort(key=lambda r: walk_key(r.path))
    merged = {**made, "command": command, "merged_from": [str(f) for f in folders]}
    _assemble(records, out, fmt, excel, merged)
    atomic_write_text(out / PROVENANCE_FILE, provenance_json(merged))
    write_index(out, records, fmt, excel)
    return summarize(records, out, fmt, start)
