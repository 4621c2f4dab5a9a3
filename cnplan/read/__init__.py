"""Read: turn a file of any supported encoding into a Document."""

from cnplan.read.reader import (
    MAX_SIZE,
    Document,
    detect_format,
    display,
    doc_id,
    doc_ids,
    file_bytes,
    is_supported,
    iter_files,
    read,
    read_bytes,
    read_warning,
    repair_warning,
    walk,
)

__all__ = [
    "MAX_SIZE",
    "Document",
    "detect_format",
    "display",
    "doc_id",
    "doc_ids",
    "file_bytes",
    "is_supported",
    "iter_files",
    "read",
    "read_bytes",
    "read_warning",
    "repair_warning",
    "walk",
]
