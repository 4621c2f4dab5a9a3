"""Plan a batch: every input file, its doc id and where its outputs go, safely inside OUT_DIR."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from fnmatch import fnmatchcase
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


def output_path(
    out_dir: Path, folder: str, rel: str, suffix: str = "", resolved: dict[Path, Path] | None = None
) -> Path:
    """A path under out_dir/folder mirroring rel; raises UnsafePathError if it would escape out_dir.

    ``resolved`` caches resolved folders over one plan (files of a folder share its check)."""
    parts = [safe_component(p) for p in Path(rel).parts if p not in ("", "/")]
    if not parts:
        raise UnsafePathError(rel)
    parts[-1] += suffix
    target = out_dir.joinpath(folder, *parts)
    cache = resolved if resolved is not None else {}
    root = cache.get(out_dir) or cache.setdefault(out_dir, out_dir.resolve())
    parent = cache.get(target.parent) or cache.setdefault(target.parent, target.parent.resolve())
    if os.path.commonpath([root, parent]) != str(root):
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


@dataclass(frozen=True)
class Subset:
    """Which files of the input a batch takes: a shard of N (by path hash), globs, a list of paths."""

    shard: tuple[int, int] | None = None  # (i, n): the i-th of n shards, 1 <= i <= n
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    files: frozenset[str] | None = None  # paths relative to the input folder, / separated

    def keeps(self, rel: str) -> bool:
        """Whether the file at rel (relative to the input, / separated) is in the subset."""
        if self.files is not None and rel not in self.files:
            return False
        if self.include and not any(_glob(rel, g) for g in self.include):
            return False
        if any(_glob(rel, g) for g in self.exclude):
            return False
        return self.shard is None or shard_of(rel, self.shard[1]) == self.shard[0] - 1


def shard_of(rel: str, n: int) -> int:
    """The shard (0 … n-1) a file belongs to: a hash of its path, so adding files moves no other file."""
    return int(hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:15], 16) % n


def _glob(rel: str, pattern: str) -> bool:
    """A glob on the relative path; a pattern without / matches the file's name at any depth."""
    return fnmatchcase(rel, pattern) if "/" in pattern else fnmatchcase(rel.rsplit("/", 1)[-1], pattern)


def plan(
    in_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    matcher: Matcher = Matcher(),
    max_size: int = MAX_SIZE,
    subset: Subset = Subset(),
) -> list[Task]:
    """Every file under in_dir (out_dir left out) in the subset, sorted, with its doc id and output places.

    Doc ids and normalized names are those of the whole folder, so a shard's rows are a single run's."""
    root, out = Path(in_dir), Path(out_dir)
    stamp = fingerprint(matcher)
    tasks = []
    taken: set[str] = set()  # normalized texts already given to a file: c.pdf and c.pdf.txt never share one
    resolved: dict[Path, Path] = {}
    found = list(iter_files(root, skip=out))
    for path, doc in zip(found, doc_ids(root, found)):
        rel = path.relative_to(root).as_posix()
        normalized = _untaken(output_path(out, "normalized", rel, normalized_suffix(rel), resolved), taken)
        if not subset.keeps(rel):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # a dangling link: reading it reports the error
        supported = is_supported(path) and path.name.lower() not in JUNK_NAMES
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
