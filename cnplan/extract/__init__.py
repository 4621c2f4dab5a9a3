"""Extract: every quantity of a document into the indicator table."""

from cnplan.extract.table import (
    COLUMNS,
    Indicator,
    extract,
    extract_frame,
    extract_normalized,
    extract_text,
    iter_frames,
    render_indicators,
    rows_frame,
    values_frame,
)

__all__ = [
    "COLUMNS",
    "Indicator",
    "extract",
    "extract_frame",
    "extract_normalized",
    "extract_text",
    "iter_frames",
    "render_indicators",
    "rows_frame",
    "values_frame",
]
