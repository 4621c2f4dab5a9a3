"""Match: indicator names of documents to a canonical catalog, and across documents."""

from cnplan.match.catalog import CatalogEntry, load_catalog
from cnplan.match.crosswalk import build_crosswalk, cluster_map, crosswalk_tables, read_crosswalk
from cnplan.match.matcher import DEFAULT_MIN_SCORE, Match, Matcher, match_names, same_indicator
from cnplan.match.names import normalize_name

__all__ = [
    "DEFAULT_MIN_SCORE",
    "CatalogEntry",
    "Match",
    "Matcher",
    "build_crosswalk",
    "cluster_map",
    "crosswalk_tables",
    "load_catalog",
    "match_names",
    "normalize_name",
    "read_crosswalk",
    "same_indicator",
]
