"""Detect a file's format and encoding and decode it to text."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from cnplan.errors import CnplanError, display

TEXT_SUFFIXES = frozenset({".txt", ".text"})
# Chinese encodings tried, in order of preference, when the bytes are not UTF-8.
CHINESE_ENCODINGS = ("gb18030", "cp950", "big5hkscs")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
MAGIC = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"{\\rtf", "rtf"),
)
UNSUPPORTED = {
    "pdf": "PDF is not supported yet; save it as text first",
    "zip": "Word/zip files are not supported yet; save the document as text first",
    "ole": "legacy .doc/.wps files are not supported; convert to .docx or PDF first",
    "rtf": "RTF is not supported; convert to .docx or PDF first",
}


@dataclass(frozen=True)
class Document:
    """A decoded input document."""

    text: str
    path: str
    encoding: str
    format: str = "text"


def detect_format(data: bytes) -> str:
    """Name the container format of raw bytes from their magic number ('text' when none)."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    return "text"


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 without BOM from the place of NUL bytes in ASCII-heavy text."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")
# ASCII, CJK, CJK punctuation, full-width forms and common typographic signs
_USUAL_CHARS = re.compile(
    "[\x00-\x7e\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f\U00020000-\U0002fa1f\xb7\xd7\xb0]"
)


def _plausible(text: str) -> bool:
    """True when decoded text looks like writing, not mojibake or binary."""
    if not text.strip():
        return False
    sample = text[:20000]
    bad = len(_BAD_CHARS.findall(sample))
    usual = len(sample) - len(_USUAL_CHARS.sub("", sample))
    return bad <= 0.01 * len(sample) and usual >= 0.7 * len(sample)


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes of Chinese text; return (text, encoding) or raise CnplanError."""
    if not data.strip(b" \t\r\n\x00"):
        raise CnplanError(path, "empty file")
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CnplanError(path, f"invalid {encoding} bytes at offset {exc.start}") from None
        return text.lstrip("\ufeff"), encoding.replace("-sig", "")
    if b"\x00" in data[:8192]:
        raise CnplanError(path, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in CHINESE_ENCODINGS:
        try:
            candidates.append((name, data.decode(name)))
        except UnicodeDecodeError:
            continue
    if len(candidates) > 1:
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        if best is not None and best.encoding == "big5":
            candidates.sort(key=lambda c: c[0] == "gb18030")
    for name, text in candidates:
        if _plausible(text):
            return text, name
    raise CnplanError(path, "bytes decode under no Chinese encoding (tried UTF-8, GB18030, Big5)")


def read_bytes(data: bytes, path: str = "<bytes>") -> Document:
    """Build a Document from raw bytes, refusing formats cnplan cannot read."""
    fmt = detect_format(data)
    if fmt in UNSUPPORTED:
        raise CnplanError(path, UNSUPPORTED[fmt])
    text, encoding = decode(data, path)
    if not _plausible(text):
        raise CnplanError(path, "binary file, not text")
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"), path=path, encoding=encoding)


def read(path: str | os.PathLike[str]) -> Document:
    """Read one file into a Document; raise CnplanError naming the file on bad input."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise CnplanError(p, "is a directory") from None
    except FileNotFoundError:
        raise CnplanError(p, "no such file") from None
    except OSError as exc:
        raise CnplanError(p, exc.strerror or "cannot be read") from None
    return read_bytes(data, str(p))


def is_supported(path: str | os.PathLike[str]) -> bool:
    """True for a file whose name says it is a format cnplan reads."""
    return Path(path).suffix.lower() in TEXT_SUFFIXES


def doc_id(root: str | os.PathLike[str], file: str | os.PathLike[str]) -> str:
    """The doc id of a file found under a folder: the folder's name and the path below it, no suffix."""
    rel = Path(file).relative_to(root).with_suffix("")
    return display((Path(Path(root).resolve().name) / rel).as_posix())


def iter_files(root: str | os.PathLike[str], skip: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Every file under a folder, sorted; folder links are followed but never twice (no loops).

    ``skip`` is a folder left out (a batch's output folder inside its input).
    """
    skipped = Path(skip).resolve() if skip is not None else None
    seen: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames.sort()
        real = Path(dirpath).resolve()
        if real in seen or real == skipped:
            dirnames.clear()
            continue
        seen.add(real)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def walk(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """Yield (file, doc id) for files and, recursively, supported files of folders, in sorted order."""
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for f in iter_files(root):
                if is_supported(f):
                    yield f, doc_id(root, f)
        else:
            yield root, display(root.with_suffix("").name)
