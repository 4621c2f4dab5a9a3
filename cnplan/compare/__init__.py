"""Compare: the figures of regions side by side, one column per canonical indicator."""

from cnplan.compare.table import (
    Selection,
    compare_frame,
    compare_tables,
    long_figures,
    pick_figures,
    wide_figures,
)

__all__ = ["Selection", "compare_frame", "compare_tables", "long_figures", "pick_figures", "wide_figures"]
