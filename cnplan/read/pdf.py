"""PDF: the text layer in reading order, without running headers, footers and page numbers, lines re-joined.

PDFium (pypdfium2, Apache-2.0/BSD) gives each page's text with line breaks and the box of every
character. A line is kept apart from the next one only where the layout says a paragraph ends: the
line stops short of the right margin, the next one is indented, or the next one opens a heading.
"""

from __future__ import annotations

import re
import statistics
import time
import zlib
from collections import Counter
from dataclasses import dataclass

from cnplan.errors import CnplanError
from cnplan.marks import HEADING_MARKER, LINE_END_PUNCT, display_width

MAX_PAGES = 20_000
MAX_PAGE_SECONDS = 10.0  # a page taking longer than this to lay out (a text page: milliseconds) ends the file
MAX_PDF_SECONDS = 120.0  # the time all pages of one PDF may take together
MAX_INFLATED = 512 * 1024 * 1024  # bytes all Flate streams of a PDF may inflate to (a text PDF: a few MB)
_STREAM = re.compile(rb"/FlateDecode[^>]{0,200}>>\s*stream\r?\n")
RUNNING_SHARE = 0.4  # a top or bottom line repeated on this share of pages is a running header/footer
EDGE_LINES = 2  # lines at each end of a page looked at for headers, footers and page numbers
EDGE_ZONE = 0.1  # share of the page height at the top and at the bottom where running lines stand
RAGGED_WRAP = 4  # a line this many glyphs short of the margin ends its paragraph, closed or not
MIN_CHARS_PER_PAGE = 10  # fewer printable characters than this per page: a scan without text layer
MAX_UNMAPPED = 0.05  # share of glyphs without Unicode beyond which the text layer is useless

_PAGE_NUMBER = re.compile(
    r"[-—–－_~·\s]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*(?:/|of)\s*\d+|(?:page\s*)?\d{1,4}|[ivxlc]{1,6})[-—–－_~·\s]*",
    re.I,
)
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Line:
    """A line of a page: its text and, when PDFium gives boxes, its left and right edge."""

    text: str
    left: float | None = None
    right: float | None = None
    top_share: float = 0.5  # 0 at the top of the page, 1 at the bottom


def is_page_number(text: str) -> bool:
    """True for a line that is only a page number: 3, - 3 -, — 3 —, 第3页, 第3页 共10页, 3/10."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def check_inflation(data: bytes, path: str, limit: int = MAX_INFLATED) -> None:
    """Refuse a PDF whose Flate streams inflate beyond limit (a decompression bomb), before PDFium reads it.

    Each stream is inflated in bounded steps and thrown away, so memory stays small whatever it holds.
    """
    total = 0
    for m in _STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        inflater = zlib.decompressobj()
        chunk = data[m.end() : end if end >= 0 else len(data)]
        try:
            while chunk and total <= limit and not inflater.eof:  # after its end a stream takes no more
                out = inflater.decompress(chunk, 1 << 20)
                if not out and len(inflater.unconsumed_tail) == len(chunk):
                    break  # no progress: a stream that wants more than it has
                total += len(out)
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # a broken stream is PDFium's to report
        if total > limit:
            raise CnplanError(
                path, f"PDF streams inflate to over {limit / 2**20:,.0f} MB (decompression bomb?); refused"
            )


def _open(data: bytes, path: str):
    """Open a PDF with PDFium, turning its failures into one-line errors."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:
            raise CnplanError(
                path, "PDF is encrypted (needs a password); save an unlocked copy first"
            ) from None
        if code == 5:
            raise CnplanError(
                path, "PDF uses an unsupported security handler; save an unlocked copy first"
            ) from None
        raise CnplanError(path, "broken PDF (PDFium cannot parse it)") from None


@dataclass(frozen=True)
class _Glyph:
    """One character of a page and its box."""

    char: str
    left: float
    right: float
    middle: float  # vertical centre
    size: float  # a glyph's height, or its width when PDFium gives no height


def _glyphs(textpage, text: str) -> list[_Glyph]:
    """The visible characters of a page with their boxes (PDFium's generated spaces and breaks left out)."""
    glyphs = []
    for i, char in enumerate(text):
        if char.isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        size = top - bottom if top - bottom > 1 else right - left
        glyphs.append(_Glyph(char, left, right, (top + bottom) / 2, size))
    return glyphs


def _group_lines(glyphs: list[_Glyph], height: float) -> list[Line]:
    """Glyphs gathered into lines by their vertical centre, each line read left to right, top down.

    Runs of another font (quotes, digits) that a PDF writer puts elsewhere in the content stream
    come back to their place; a gap wider than a third of a glyph becomes a space.
    """
    lines: list[list[_Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: -g.middle):
        current = lines[-1] if lines else None
        if current and abs(current[0].middle - glyph.middle) <= 0.5 * max(current[0].size, glyph.size, 1.0):
            current.append(glyph)
        else:
            lines.append([glyph])
    out = []
    for row in lines:
        row.sort(key=lambda g: g.left)
        size = statistics.median(g.size for g in row)
        parts = [row[0].char]
        for a, b in zip(row, row[1:]):
            parts.append((" " if b.left - a.right > size / 3 else "") + b.char)
        top = max(g.middle + g.size / 2 for g in row)
        out.append(Line("".join(parts), row[0].left, row[-1].right, 1 - top / height))
    return out


def page_lines(page) -> list[Line]:
    """The lines of one page, rebuilt from character boxes when the text maps one-to-one onto them."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if len(text) == textpage.count_chars():
            return _group_lines(_glyphs(textpage, text), page.get_height() or 1.0)
        return [Line(raw.strip()) for raw in re.split(r"\r\n|\n|\r", text) if raw.strip()]
    finally:
        textpage.close()


def _edge(lines: list[Line]) -> list[int]:
    """Indices of the first and last lines of a page that stand in its top or bottom margin zone."""
    n = len(lines)
    ends = {*range(min(EDGE_LINES, n)), *range(max(n - EDGE_LINES, 0), n)}
    return sorted(
        i for i in ends if lines[i].left is None or abs(lines[i].top_share - 0.5) >= 0.5 - EDGE_ZONE
    )


def strip_running(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers and the headers and footers repeated at the top or bottom of many pages."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_DIGITS.sub("#", lines[i].text) for i in _edge(lines)})
    repeated = max(2, RUNNING_SHARE * len(pages))
    out = []
    for lines in pages:
        drop = {
            i
            for i in _edge(lines)
            if is_page_number(lines[i].text) or counts[_DIGITS.sub("#", lines[i].text)] >= repeated
        }
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out


@dataclass(frozen=True)
class _Margins:
    """The body's left and right margin and the usual glyph height."""

    left: float
    right: float
    em: float


def _margins(lines: list[Line]) -> _Margins | None:
    """Margins of the body text, from the most common left edge and the far right edges."""
    boxed = [ln for ln in lines if ln.left is not None and ln.right is not None and ln.right > ln.left]
    if len(boxed) < 3:
        return None
    em = statistics.median(2 * (ln.right - ln.left) / display_width(ln.text) for ln in boxed)
    left = Counter(round(ln.left / 2) * 2 for ln in boxed).most_common(1)[0][0]
    rights = sorted(ln.right for ln in boxed)
    return _Margins(left, rights[int(0.9 * (len(rights) - 1))], em)


def _ends_paragraph(line: Line, nxt: Line, margins: _Margins | None, full: int) -> bool:
    """True when a paragraph ends between two lines.

    With character boxes: the next line is indented, or the line stops short of the right margin.
    A line of ragged-right text that stops a few characters short without closing its sentence
    was wrapped before a long unbreakable run (729.41万), unless a heading number follows.
    Without boxes, a line much narrower than the page's full lines ends a paragraph, and so does a
    sentence end before a heading number (一、 （二） 3.).
    """
    heading = HEADING_MARKER.match(nxt.text) is not None
    if margins is None or line.right is None or nxt.left is None:
        return (heading and line.text[-1] in LINE_END_PUNCT) or display_width(line.text) < 0.85 * full
    if nxt.left > margins.left + 0.8 * margins.em:
        return True
    gap = margins.right - line.right
    if gap < 1.5 * margins.em:
        return False
    return gap >= RAGGED_WRAP * margins.em or heading or line.text[-1] in LINE_END_PUNCT


def _glue(a: str, b: str) -> str:
    """Join a line to the next: no space within Chinese or a number, one between two Latin words."""
    return (
        f"{a} {b}" if a[-1:].isascii() and a[-1:].isalpha() and b[:1].isascii() and b[:1].isalpha() else a + b
    )


def join_lines(pages: list[list[Line]]) -> tuple[str, tuple[int, ...]]:
    """Paragraphs from the lines of all pages (a sentence runs on across a page break); page offsets."""
    everything = [ln for lines in pages for ln in lines]
    margins = _margins(everything)
    widths = sorted(display_width(ln.text) for ln in everything) or [0]
    full = widths[int(0.9 * (len(widths) - 1))]
    paragraphs: list[str] = []
    offsets: list[int] = []
    base = 0  # offset of the open paragraph in the joined text
    previous: Line | None = None
    for lines in pages:
        start = None
        for line in lines:
            if previous is None or _ends_paragraph(previous, line, margins, full):
                base += len(paragraphs[-1]) + 1 if paragraphs else 0
                paragraphs.append(line.text)
            else:
                paragraphs[-1] = _glue(paragraphs[-1], line.text)
            if start is None:
                start = base + len(paragraphs[-1]) - len(line.text)
            previous = line
        offsets.append(start if start is not None else base + (len(paragraphs[-1]) if paragraphs else 0))
    return "\n".join(paragraphs), tuple(offsets)


def check_text_layer(text: str, pages: int, path: str) -> None:
    """Refuse a PDF whose text layer is missing (a scan) or made of glyphs without Unicode."""
    printable = len(text) - text.count(" ") - text.count("\n")
    if printable < MIN_CHARS_PER_PAGE * pages:
        raise CnplanError(path, "no text layer; OCR it first")
    unmapped = sum(len(m.group()) for m in _UNMAPPED.finditer(text))
    if unmapped > MAX_UNMAPPED * printable:
        raise CnplanError(
            path,
            f"{unmapped / printable:.0%} of the text layer is glyphs without Unicode ((cid:N) or private-use); "
            "OCR it first or export the PDF again",
        )


def check_time(path: str, page: int, page_seconds: float, total_seconds: float) -> None:
    """Refuse a PDF whose page took over MAX_PAGE_SECONDS, or whose pages so far over MAX_PDF_SECONDS.

    PDFium cannot be interrupted inside a page, so the bound is checked as each page ends: one pathological
    page costs at most its own time, never the rest of the file's.
    """
    if page_seconds > MAX_PAGE_SECONDS:
        raise CnplanError(
            path,
            f"PDF page {page} took {page_seconds:.0f} s to read (limit {MAX_PAGE_SECONDS:.0f} s); refused",
        )
    if total_seconds > MAX_PDF_SECONDS:
        raise CnplanError(
            path, f"PDF took over {MAX_PDF_SECONDS:.0f} s by page {page}; refused (a pathological file?)"
        )


def _all_page_lines(pdf, path: str) -> list[list[Line]]:
    """The lines of every page; a page PDFium cannot load (a broken or looping page tree) is an error."""
    import pypdfium2 as pdfium

    count = len(pdf)
    if count > MAX_PAGES:
        raise CnplanError(path, f"PDF with {count:,} pages; refused (limit {MAX_PAGES:,})")
    if count == 0:
        raise CnplanError(path, "PDF without pages")
    pages = []
    start = time.monotonic()
    for i in range(count):
        begun = time.monotonic()
        try:
            page = pdf[i]
        except pdfium.PdfiumError:
            raise CnplanError(path, f"broken PDF (page {i + 1} cannot be loaded)") from None
        try:
            pages.append(page_lines(page))
        finally:
            page.close()
        now = time.monotonic()
        check_time(path, i + 1, now - begun, now - start)
    return pages


def pdf_text(data: bytes, path: str) -> tuple[str, tuple[int, ...]]:
    """The text of a PDF as paragraphs, and the offset where each page starts."""
    check_inflation(data, path)
    pdf = _open(data, path)
    try:
        pages = _all_page_lines(pdf, path)
    finally:
        pdf.close()
    text, starts = join_lines(strip_running(pages))
    check_text_layer(text, len(pages), path)
    return text, starts
