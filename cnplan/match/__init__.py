"""Match: indicator names of documents to a canonical catalog, and across documents."""

from cnplan.match.catalog import CatalogEntry, load_catalog

__all__ = ["CatalogEntry", "load_catalog"]
