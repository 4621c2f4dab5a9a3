"""cnplan: turn Chinese local-government planning documents into tidy indicator tables."""

from cnplan.errors import CnplanError
from cnplan.extract import Indicator, extract, extract_frame
from cnplan.normalize import NormalizedText, normalize
from cnplan.read import Document, read
from cnplan.segment import segment

__version__ = "0.2.0"

__all__ = [
    "CnplanError",
    "Document",
    "Indicator",
    "NormalizedText",
    "__version__",
    "extract",
    "extract_frame",
    "normalize",
    "read",
    "segment",
]
