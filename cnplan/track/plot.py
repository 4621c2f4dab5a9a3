"""The attainment chart of one indicator: a panel per region, targets hollow (a band for a range),
outcomes filled, over the years."""

from __future__ import annotations

import math
import os

import pandas as pd

from cnplan.compare.plot import WORDS, ChartStyle, font_family, indicator_title, plain_axes, plot_format
from cnplan.output import atomic_write

TARGET_MARK = {
    "marker": "s",
    "markersize": 6,
    "markerfacecolor": "white",
    "markeredgecolor": "black",
    "color": "black",
}
ACTUAL_MARK = {
    "marker": "o",
    "markersize": 5,
    "markerfacecolor": "#2b4c7e",
    "markeredgecolor": "black",
    "color": "#2b4c7e",
}
COLUMNS_PER_ROW = 3


def _panel(ax, rows: pd.DataFrame, family) -> None:
    """One region: a hollow square per target (a band for a range), a filled dot per outcome."""
    rows = rows.sort_values("year")
    years = rows["year"].astype(int)
    ranged = rows["target_value_max"].notna()
    for year, low, high in zip(years[ranged], rows["target_value"][ranged], rows["target_value_max"][ranged]):
        ax.fill_between(
            [year - 0.3, year + 0.3],
            low,
            high,
            facecolor="none",
            edgecolor="black",
            hatch="////",
            linewidth=0.6,
        )
    ax.plot(years, rows["target_value"], linestyle="none", **TARGET_MARK)
    done = rows[rows["actual_value"].notna() & (rows["actual_unit"] == rows["target_unit"])]
    if len(done):
        ax.plot(done["year"].astype(int), done["actual_value"], linestyle="-", linewidth=0.8, **ACTUAL_MARK)
    ax.set_title(rows["region"].iat[0], family=family, fontsize=9)
    ax.set_xticks(sorted(set(years)))
    plain_axes(ax)
    ax.margins(x=0.15, y=0.2)


def plot_attainment(
    frame: pd.DataFrame, path: str | os.PathLike[str], indicator: str, style: ChartStyle = ChartStyle()
) -> list[str]:
    """Draw the attainment of one indicator (id or name as written), a panel per region; the regions drawn."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    rows = frame[(frame["indicator_id"] == indicator) | (frame["indicator"] == indicator)]
    rows = rows[rows["target_value"].notna()]
    if not len(rows):
        return []
    unit = rows["target_unit"].value_counts().index[0]
    rows = rows[rows["target_unit"] == unit]
    family = font_family()
    regions = sorted(rows["region"].unique())
    ncols = min(COLUMNS_PER_ROW, len(regions))
    nrows = math.ceil(len(regions) / ncols)
    fig = Figure(figsize=(2.9 * ncols + 0.6, 2.3 * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    for ax, region in zip(axes, regions):
        _panel(ax, rows[rows["region"] == region], family)
    for ax in axes[len(regions) :]:
        ax.set_visible(False)
    words = WORDS[style.lang]
    title = indicator_title(rows["indicator_id"].iat[0], rows["indicator"].iat[0], unit, style.lang)
    fig.suptitle(title, family=family, fontsize=10)
    handles = [
        Line2D([], [], linestyle="none", label=words["target"], **TARGET_MARK),
        Line2D([], [], linestyle="-", linewidth=0.8, label=words["actual"], **ACTUAL_MARK),
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=2,
        frameon=False,
        prop={"family": family, "size": 8},
    )
    kind = plot_format(path)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=kind, dpi=style.dpi))
    return regions
