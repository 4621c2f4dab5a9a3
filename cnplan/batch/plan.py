"""Plan a batch: every input file, its doc id and where its outputs go, safely inside OUT_DIR."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from cnplan import __version__
from cnplan.extract.table import COLUMNS
from cnplan.match.matcher import Matcher
from cnplan.read import MAX_SIZE, display, doc_ids, is_supported, iter_files

# Names of files that are never documents: listed in the manifest as skipped, not as errors.
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


class UnsafePathError(ValueError):
    """An output path would land outside the output folder."""


@dataclass(frozen=True)
class Task:
    """One input file of a batch and where its results go."""

    path: str
    rel: str
    doc: str
    size: int
    normalized: str
    out_dir: str
    fingerprint: str
    supported: bool
    matcher: Matcher = Matcher()
    max_size: int = MAX_SIZE

    @property
    def state_dir(self) -> str:
        """The folder of the per-file results that let a batch resume."""
        return os.path.join(self.out_dir, ".cnplan", "state")


def safe_component(name: str) -> str:
    """One path component made harmless: NFC, no control, format or separator characters, no dot-names."""
    name = unicodedata.normalize("NFC", display(name))
    clean = "".join(
        "_" if ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch
        for ch in name
    )
    clean = clean.strip()
    if clean in ("", ".", ".."):
        clean = "_" + clean.replace(".", "_")
    return clean[:200]


def output_path(out_dir: Path, folder: str, rel: str, suffix: str = "") -> Path:
    """A path under out_dir/folder mirroring rel; raises UnsafePathError if it would escape out_dir."""
    parts = [safe_component(p) for p in Path(rel).parts if p not in ("", "/")]
    if not parts:
        raise UnsafePathError(rel)
    parts[-1] += suffix
    target = out_dir.joinpath(folder, *parts)
    root = out_dir.resolve()
    if os.path.commonpath([root, target.parent.resolve()]) != str(root):
        raise UnsafePathError(rel)
    return target


def normalized_suffix(rel: str) -> str:
    """What to add to an input's name for its normalized text: nothing for .txt, else .txt."""
    return "" if rel.lower().endswith(".txt") else ".txt"


@cache
def fingerprint(matcher: Matcher = Matcher()) -> str:
    """A hash of cnplan's version, lexicons and matching options: results cached under another
    fingerprint are redone."""
    h = hashlib.sha256(__version__.encode())
    h.update(",".join(COLUMNS).encode())  # a state of rows with other columns is redone
    h.update(repr(matcher.min_score).encode())
    if matcher.catalog is not None:
        h.update(Path(matcher.catalog).read_bytes())
    folder = files("cnplan.lexicon")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".csv", ".txt")):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()[:16]


def _untaken(path: Path, taken: set[str]) -> Path:
    """path, or path with ~2, ~3 … before its suffix when an earlier file of the batch has it; now taken."""
    candidate, n = path, 2
    while unicodedata.normalize("NFC", str(candidate)).casefold() in taken:
        candidate = path.with_name(f"{path.stem}~{n}{path.suffix}")
        n += 1
    taken.add(unicodedata.normalize("NFC", str(candidate)).casefold())
    return candidate


def plan(
    in_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    matcher: Matcher = Matcher(),
    max_size: int = MAX_SIZE,
) -> list[Task]:
    """Every file under in_dir (out_dir left out), sorted, with its doc id and output places."""
    root, out = Path(in_dir), Path(out_dir)
    stamp = fingerprint(matcher)
    tasks = []
    taken: set[str] = set()  # normalized texts already given to a file: c.pdf and c.pdf.txt never share one
    found = list(iter_files(root, skip=out))
    for path, doc in zip(found, doc_ids(root, found)):
        rel = path.relative_to(root).as_posix()
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # a dangling link: reading it reports the error
        supported = is_supported(path) and path.name.lower() not in JUNK_NAMES
        normalized = _untaken(output_path(out, "normalized", rel, normalized_suffix(rel)), taken)
        tasks.append(
            Task(
                str(path),
                rel,
                doc,
                size,
                str(normalized),
                str(out),
                stamp,
                supported,
                matcher,
                max_size,
            )
        )
    return tasks
