"""Limits that keep hostile files from exhausting memory or reaching outside: zip bombs, XML entities."""

from __future__ import annotations

import io
import re
import zipfile

from cnplan.errors import CnplanError

MAX_UNPACKED = 512 * 1024 * 1024  # bytes a Word file may unpack to in all
MAX_RATIO = 200  # unpacked / packed size of one member; text XML packs about 10:1
MAX_MEMBERS = 10_000


def _in_any_width(word: str) -> re.Pattern[bytes]:
    """A word in UTF-8 and in UTF-16 (either byte order), any case: XML may come in all three."""
    forms = [word.encode("ascii"), word.encode("utf-16-le"), word.encode("utf-16-be")]
    return re.compile(b"|".join(re.escape(f) for f in forms), re.I)


_ENTITY = _in_any_width("<!ENTITY")
_DOCTYPE = _in_any_width("<!DOCTYPE")


def open_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """Open a zip archive after checking that its declared sizes are sane (no zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise CnplanError(path, f"broken zip archive ({exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise CnplanError(path, f"zip archive with {len(infos):,} members; refused")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise CnplanError(path, f"unpacks to {total / 2**20:,.0f} MB (zip bomb?); refused")
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise CnplanError(
                path,
                f"{info.filename} packs {info.file_size / info.compress_size:,.0f}:1 (zip bomb?); refused",
            )
    return archive


def refuse_entities(xml: bytes, path: str, doctype: bool = False) -> None:
    """Refuse XML that declares entities (XXE, entity expansion), or any DOCTYPE when ``doctype``."""
    if _ENTITY.search(xml):
        raise CnplanError(path, "declares XML entities (<!ENTITY>), which could read other files; refused")
    if doctype and _DOCTYPE.search(xml):
        raise CnplanError(path, "has a DOCTYPE, which Word never writes; refused as unsafe")
