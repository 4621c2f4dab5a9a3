"""Word .docx: the body's paragraphs and tables in document order (python-docx), after safety checks."""

from __future__ import annotations

import io
import zipfile
import zlib

from cnplan.errors import CnplanError
from cnplan.read.guard import open_zip, refuse_entities
from cnplan.read.tables import table_lines

BODY = "word/document.xml"
NOT_DOCX = "a zip archive that is not a Word .docx (no word/document.xml)"


def _check_package(data: bytes, path: str) -> None:
    """Refuse a zip that is no Word file, unpacks absurdly (zip bomb), is damaged or declares XML entities."""
    with open_zip(data, path) as archive:
        if BODY not in archive.namelist():
            raise CnplanError(path, NOT_DOCX)
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                try:
                    xml = archive.read(info)
                except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError,
                        ValueError) as exc:  # fmt: skip
                    # a bad CRC, corrupt deflate data, an "encrypted" flag, an unknown compression
                    raise CnplanError(
                        path, f"damaged .docx: {info.filename} ({type(exc).__name__})"
                    ) from None
                refuse_entities(xml, path, doctype=True)


def _row_cells(row) -> list[str]:
    """The texts of a table row's cells, a merged cell once."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell.text)
    return cells


def docx_text(data: bytes, path: str) -> str:
    """The text of a .docx: a line per paragraph, a sentence per table row."""
    _check_package(data, path)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(table_lines([_row_cells(row) for row in block.rows]))
            else:
                lines.append(block.text)
    except CnplanError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types on a broken package
        raise CnplanError(path, f"broken .docx ({type(exc).__name__}: {str(exc)[:120]})") from None
    text = "\n".join(lines).strip()
    if not text:
        raise CnplanError(path, "Word file without text")
    return text
