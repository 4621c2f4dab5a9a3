"""Detect a file's format from its bytes and name, and hand it to the reader of that format."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cnplan.errors import CnplanError, CnplanWarning, display
from cnplan.read.docx import NOT_DOCX
from cnplan.read.encoding import decode, plausible

# Suffixes of the formats cnplan reads, and of those it names but refuses with advice.
READ_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
}
MAX_SIZE = 200 * 1000 * 1000  # bytes of one input file; a larger one is refused unread
LEGACY_SUFFIXES = frozenset({".doc", ".wps", ".rtf", ".wpt", ".dot"})
MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"{\\rtf", "rtf"),
)
REFUSED = {
    "ole": "legacy .doc/.wps (OLE) files are not read; convert to .docx or PDF first",
    "rtf": "RTF is not read; convert to .docx or PDF first",
    "zip": NOT_DOCX,
}
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
_MHTML_HEAD = re.compile(
    rb"^(?:[\w-]+:.*\r?\n(?:[ \t].*\r?\n)*)*?content-type:\s*multipart/related", re.I | re.M
)


@dataclass(frozen=True)
class Document:
    """A decoded input document; ``pages`` holds the offsets where PDF pages start."""

    text: str
    path: str
    encoding: str
    format: str = "text"
    pages: tuple[int, ...] = ()


def _zip_format(data: bytes) -> str:
    """'docx' for a zip archive holding a Word body, else 'zip'."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "docx" if "word/document.xml" in archive.namelist() else "zip"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return "docx"  # let the Word reader say what is broken (a zip version 23.1 included)


def detect_format(data: bytes, name: str = "") -> str:
    """Name the format of raw bytes: pdf, docx, zip, ole, rtf, html, mhtml or text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, fmt in MAGIC:
        if head.startswith(magic):
            return _zip_format(data) if fmt == "zip" else fmt
    if _MHTML_HEAD.match(head):
        return "mhtml"
    if _HTML_START.match(head):
        return "html"
    named = READ_SUFFIXES.get(Path(name).suffix.lower(), "text")
    return named if named in ("html", "mhtml") else "text"


def _read_text(data: bytes, path: str) -> Document:
    """A plain-text file."""
    text, encoding = decode(data, path)
    if not plausible(text):
        raise CnplanError(path, "binary file, not text")
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"), path=path, encoding=encoding)


def _read_pdf(data: bytes, path: str) -> Document:
    """A PDF's text layer."""
    from cnplan.read.pdf import pdf_text

    text, pages = pdf_text(data, path)
    return Document(text=text, path=path, encoding="", format="pdf", pages=pages)


def _read_docx(data: bytes, path: str) -> Document:
    """A Word .docx body: paragraphs and tables."""
    from cnplan.read.docx import docx_text

    return Document(text=docx_text(data, path), path=path, encoding="utf-8", format="docx")


def _read_html(data: bytes, path: str) -> Document:
    """A saved web page's main content."""
    from cnplan.read.html import html_text

    text, encoding = html_text(data, path)
    return Document(text=text, path=path, encoding=encoding, format="html")


def _read_mhtml(data: bytes, path: str) -> Document:
    """A web page saved as one MIME file (.mhtml, .mht)."""
    from cnplan.read.html import mhtml_text

    text, encoding = mhtml_text(data, path)
    return Document(text=text, path=path, encoding=encoding, format="mhtml")


READERS: dict[str, Callable[[bytes, str], Document]] = {
    "text": _read_text,
    "pdf": _read_pdf,
    "docx": _read_docx,
    "html": _read_html,
    "mhtml": _read_mhtml,
}


# The extra that installs each optional reader's libraries (`pip install "cnplan[pdf]"`).
EXTRAS = {
    "pdf": ("pdf", "PDF"),
    "docx": ("docx", "Word"),
    "html": ("html", "a web page"),
    "mhtml": ("html", "a web page"),
}
EXTRA_MODULES = {
    "pypdfium2": "pdf",
    "docx": "docx",
    "trafilatura": "html",
    "lxml": "html",
    "lxml_html_clean": "html",
}


def needs_extra(fmt: str, module: str | None) -> str | None:
    """The one-line advice when a reader's library is missing: `PDF needs: pip install "cnplan[pdf]"`."""
    extra, what = EXTRAS.get(fmt, (None, fmt))
    root = (module or "").split(".")[0]
    if extra is None or EXTRA_MODULES.get(root) != extra:
        return None
    return f'{what} needs: pip install "cnplan[{extra}]"'


def read_bytes(data: bytes, path: str = "<bytes>") -> Document:
    """Build a Document from raw bytes of any supported format, refusing the others with advice."""
    if not data.strip(b" \t\r\n\x00"):
        raise CnplanError(path, "empty file")
    fmt = detect_format(data, path)
    if fmt in REFUSED:
        raise CnplanError(path, REFUSED[fmt])
    named = READ_SUFFIXES.get(Path(path).suffix.lower())
    if named in ("pdf", "docx") and fmt != named:
        raise CnplanError(path, f"named .{named} but holds {fmt}, not {named} (a failed download?)")
    try:
        return READERS[fmt](data, path)
    except ImportError as exc:  # an optional reader not installed: say which extra brings it
        advice = needs_extra(fmt, exc.name)
        if advice is None:
            raise
        raise CnplanError(path, advice) from None


def file_bytes(path: str | os.PathLike[str], max_size: int = MAX_SIZE) -> bytes:
    """The bytes of a regular file (or a link to one) of at most max_size bytes; else one CnplanError.

    A FIFO, socket or device is never opened (reading it could wait forever or never end), and a file
    over the limit is refused before it is read.
    """
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise CnplanError(p, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise CnplanError(p, "not a regular file (a FIFO, socket or device); not read")
        if info.st_size > max_size:
            raise CnplanError(
                p, f"{human_size(info.st_size)}, over the limit of {human_size(max_size)}; refused"
            )
        with open(p, "rb") as f:
            data = f.read(max_size + 1)  # a file that grows while it is read is still bounded
    except FileNotFoundError:
        raise CnplanError(p, "no such file") from None
    except OSError as exc:
        raise CnplanError(p, exc.strerror or "cannot be read") from None
    if len(data) > max_size:
        raise CnplanError(p, f"over the limit of {human_size(max_size)}; refused")
    return data


def human_size(size: int) -> str:
    """A byte count as people write it: 812 bytes, 4.2 kB, 35 MB, 4.3 GB (powers of 1000, as --max-size)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            value = size / scale
            return f"{value:,.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{size} bytes"


def read(path: str | os.PathLike[str], max_size: int = MAX_SIZE) -> Document:
    """Read one file into a Document; raise CnplanError naming the file on bad input."""
    p = Path(path)
    return read_bytes(file_bytes(p, max_size), str(p))


_REPLACED = re.compile(r"\((\d+) bad bytes replaced\)")


def repair_warning(path: str, encoding: str) -> CnplanWarning | None:
    """The caveat of a file decoded with repairs (its encoding says how many bytes were replaced), else None."""
    m = _REPLACED.search(encoding)
    if m is None:
        return None
    n = int(m.group(1))
    return CnplanWarning(
        path, f"{n} undecodable byte{'s' if n > 1 else ''} replaced by U+FFFD; the rest was read"
    )


def read_warning(document: Document) -> CnplanWarning | None:
    """The caveat of a document read with repairs (undecodable bytes replaced by U+FFFD), else None."""
    return repair_warning(document.path, document.encoding)


def is_supported(path: str | os.PathLike[str]) -> bool:
    """True for a file whose name says it is a document: one cnplan reads, or a legacy one it explains."""
    suffix = Path(path).suffix.lower()
    return suffix in READ_SUFFIXES or suffix in LEGACY_SUFFIXES


def doc_id(
    root: str | os.PathLike[str], file: str | os.PathLike[str], keep_suffix: bool = False, root_name: str = ""
) -> str:
    """The doc id of a file found under a folder: the folder's name and the path below it, no suffix."""
    rel = Path(file).relative_to(root)
    rel = rel if keep_suffix else rel.with_suffix("")
    return display((Path(root_name or Path(root).resolve().name) / rel).as_posix())


def doc_ids(root: str | os.PathLike[str], files: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Doc ids of files under a folder; files that differ only by suffix (plan.pdf, plan.docx) keep it."""
    stems = Counter(Path(f).with_suffix("") for f in files)
    name = Path(root).resolve().name  # once for the folder, not per file
    return [doc_id(root, f, stems[Path(f).with_suffix("")] > 1, name) for f in files]


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
    """Yield (file, doc id) for files and, recursively, supported files of folders, in sorted order.

    A file given by name has its name as doc id; files that differ only by suffix keep it.
    """
    given = [Path(p) for p in paths]
    stems = Counter(p.with_suffix("").name for p in given if not p.is_dir())
    for root in given:
        if root.is_dir():
            found = [f for f in iter_files(root) if is_supported(f)]
            yield from zip(found, doc_ids(root, found))
        else:
            name = root.name if stems[root.with_suffix("").name] > 1 else root.with_suffix("").name
            yield root, display(name)
