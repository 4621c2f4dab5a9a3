"""Walk inputs and yield their documents, reporting bad files instead of stopping."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnplan.errors import CnplanError, CnplanWarning
from cnplan.normalize import NormalizedText, normalize
from cnplan.read import MAX_SIZE, Document, read, read_warning, walk
from cnplan.segment import term_counts

if TYPE_CHECKING:
    import pandas as pd

TERM_COLUMNS = ["doc", "part", "term", "count"]


@dataclass(frozen=True)
class Loaded:
    """One input file: its doc id, and either its document and normalized text or the error."""

    doc: str
    path: Path
    document: Document | None = None
    normalized: NormalizedText | None = None
    error: CnplanError | None = None
    warning: CnplanWarning | None = None


def load(paths: Iterable[str | os.PathLike[str]], max_size: int = MAX_SIZE) -> Iterator[Loaded]:
    """Read and normalize every file of the inputs (folders recursively), in order."""
    for path, doc in walk(paths):
        try:
            document = read(path, max_size)
        except CnplanError as exc:
            yield Loaded(doc, path, error=exc)
            continue
        yield Loaded(doc, path, document, normalize(document.text), warning=read_warning(document))


def document_terms(doc: str, normalized: NormalizedText, min_len: int = 2) -> list[tuple[str, int, str, int]]:
    """Term-count rows (doc, part, term, count) of one document, most frequent first per article."""
    rows = []
    text = normalized.text
    for part in normalized.parts:
        counts = term_counts(text[part.start : part.end], min_len)
        for term, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append((doc, part.index, term, count))
    return rows


def terms_frame(
    paths: Iterable[str | os.PathLike[str]],
    on_error: Callable[[CnplanError], None] | None = None,
    min_len: int = 2,
    max_size: int = MAX_SIZE,
) -> pd.DataFrame:
    """Tidy term counts (doc, part, term, count) of every document, most frequent first per article."""
    import pandas as pd

    rows = []
    for item in load(paths, max_size):
        if item.error is not None:
            if on_error:
                on_error(item.error)
            continue
        if item.warning is not None and on_error:
            on_error(item.warning)
        assert item.normalized is not None
        rows.extend(document_terms(item.doc, item.normalized, min_len))
    return pd.DataFrame(rows, columns=TERM_COLUMNS)
