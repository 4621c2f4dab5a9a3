"""Read: turn a file of any supported encoding into a Document."""

from cnplan.read.reader import (
    Document,
    detect_format,
    display,
    doc_id,
    doc_ids,
    is_supported,
    iter_files,
    read,
    read_bytes,
    walk,
)

__all__ = [
    "Document",
    "detect_format",
    "display",
    "doc_id",
    "doc_ids",
    "is_supported",
    "iter_files",
    "read",
    "read_bytes",
    "walk",
]
