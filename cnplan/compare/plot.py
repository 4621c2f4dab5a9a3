"""Charts of the comparison: per indicator, regions side by side, targets and actuals told apart."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

import pandas as pd

from cnplan.compare.table import Selection, pick_figures
from cnplan.errors import CnplanError
from cnplan.output import atomic_write

FONT_FILE = "CnplanSansSC-Regular.otf"
# The bundled subset first; fonts a system may have for the rare character the subset lacks.
FALLBACK = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei"]
KIND_STYLE = {
    "actual": {"color": "#2b6cb0", "hatch": "", "label": "实际 actual"},
    "target": {"color": "#f6ad55", "hatch": "//", "label": "目标 target"},
}
MAX_DEFAULT = 4


def font_path() -> str:
    """The bundled CJK font (a Noto Sans CJK SC subset, SIL OFL)."""
    return str(files("cnplan.compare").joinpath("fonts", FONT_FILE))


@cache
def font_family() -> list[str]:
    """Font families for chart text: the bundled CJK font, registered once, then the fallbacks."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(font_path())
    bundled = font_manager.FontProperties(fname=font_path()).get_name()
    present = {f.name for f in font_manager.fontManager.ttflist}
    return [bundled, *(f for f in FALLBACK if f in present), "DejaVu Sans"]


@cache
def covered() -> frozenset[str]:
    """The characters the bundled font draws."""
    from fontTools.ttLib import TTFont

    return frozenset(chr(c) for c in TTFont(font_path())["cmap"].getBestCmap())


def missing_glyphs(texts: Sequence[str]) -> str:
    """Characters of the texts that the bundled font lacks (drawn by a fallback font, if any)."""
    return "".join(sorted({ch for t in texts for ch in t if not ch.isspace() and ch not in covered()}))


def default_indicators(long: pd.DataFrame, limit: int = MAX_DEFAULT) -> list[str]:
    """The indicators reported by the most regions (at least two), most first."""
    counts = long.groupby("indicator_id")["region"].nunique().sort_values(ascending=False, kind="stable")
    return counts[counts >= 2].index[:limit].tolist() or counts.index[:limit].tolist()


def _one_chart(ax, figures: pd.DataFrame, family: list[str]) -> None:
    """Bars of one indicator: a group per region, one bar per kind, each labelled with value and year."""
    unit = figures["unit"].value_counts().index[0]
    figures = figures[figures["unit"] == unit]
    regions = sorted(figures["region"].unique())
    kinds = [k for k in ("actual", "target") if (figures["kind"] == k).any()]
    width = 0.8 / max(len(kinds), 1)
    for n, kind in enumerate(kinds):
        rows = figures[figures["kind"] == kind].set_index("region")
        xs = [i + (n - (len(kinds) - 1) / 2) * width for i, r in enumerate(regions) if r in rows.index]
        values = [rows.loc[r, "value"] for r in regions if r in rows.index]
        years = [rows.loc[r, "year"] for r in regions if r in rows.index]
        style = KIND_STYLE.get(kind, KIND_STYLE["actual"])
        bars = ax.bar(xs, values, width, color=style["color"], hatch=style["hatch"], label=style["label"])
        labels = [f"{v:g}" + ("" if pd.isna(y) else f"\n({int(y)})") for v, y in zip(values, years)]
        ax.bar_label(bars, labels, fontsize=7, family=family)
    ax.set_xticks(range(len(regions)), regions, family=family, fontsize=9)
    ax.set_ylabel(unit, family=family)
    ax.set_title(
        f"{figures['indicator'].iat[0]}  [{figures['indicator_id'].iat[0]}]", family=family, fontsize=11
    )
    ax.legend(prop={"family": family, "size": 8})
    ax.margins(y=0.2)


def plot_figures(
    long: pd.DataFrame,
    path: str | os.PathLike[str],
    indicators: Sequence[str] = (),
    selection: Selection = Selection(),
) -> list[str]:
    """Draw one chart per indicator (latest figure per region and kind) into one PNG, PDF or SVG; the ids drawn."""
    from matplotlib.figure import Figure

    chosen = list(indicators) or default_indicators(long)
    picked = pick_figures(long, Selection(selection.kind, selection.year, tuple(chosen), latest=True))
    drawn = [i for i in chosen if (picked["indicator_id"] == i).any()]
    if not drawn:
        return []
    family = font_family()
    width = max(6.0, 1.1 * picked["region"].nunique() + 2)
    fig = Figure(figsize=(width, 3.6 * len(drawn)), layout="constrained")
    axes = fig.subplots(len(drawn), 1, squeeze=False)[:, 0]
    for ax, indicator in zip(axes, drawn):
        _one_chart(ax, picked[picked["indicator_id"] == indicator], family)
    kind = plot_format(path)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=kind, dpi=120))
    return drawn


PLOT_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def plot_format(path: str | os.PathLike[str]) -> str:
    """The image format of a chart file, from its extension: png, or pdf and svg (vector, for papers)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in PLOT_FORMATS:
        raise CnplanError(
            os.fspath(path), f"a chart is .png, .pdf or .svg, not {suffix or 'a name without one'}"
        )
    return PLOT_FORMATS[suffix]
