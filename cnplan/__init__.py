"""cnplan: turn Chinese local-government planning documents into tidy indicator tables."""

from cnplan.errors import CnplanError
from cnplan.extract import Indicator, extract, extract_frame, extract_text
from cnplan.normalize import NormalizedText, normalize
from cnplan.read import Document, read
from cnplan.segment import segment

__version__ = "0.2.0"

# Functions whose modules load pandas: imported when first used, so `import cnplan` stays light.
_LAZY = {
    "compare_frame": "cnplan.compare.table",
    "crosswalk_frame": "cnplan.match.crosswalk",
    "read_table": "cnplan.output",
    "track_frame": "cnplan.track.link",
}


def __getattr__(name: str):
    """compare_frame, crosswalk_frame, read_table and track_frame, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cnplan' has no attribute {name!r}")


__all__ = [
    "CnplanError",
    "Document",
    "Indicator",
    "NormalizedText",
    "__version__",
    "compare_frame",
    "crosswalk_frame",
    "extract",
    "extract_frame",
    "extract_text",
    "normalize",
    "read",
    "read_table",
    "segment",
    "track_frame",
]
