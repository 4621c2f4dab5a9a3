"""Charts of the comparison, as a journal takes them: a row of panels per indicator, one panel per year,
regions as horizontal bars, targets and actuals told apart in black and white too."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from cnplan import lexicon
from cnplan.compare.table import Selection, pick_figures
from cnplan.errors import CnplanError
from cnplan.match.matcher import Matcher, entry_of
from cnplan.output import atomic_write

FONT_FILE = "CnplanSansSC-Regular.otf"
# The bundled subset first; fonts a system may have for the rare character the subset lacks.
FALLBACK = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei"]
# Filled dark bars for actuals, white hatched bars for targets: told apart without colour.
KIND_STYLE = {
    "actual": {"facecolor": "#2b4c7e", "edgecolor": "black", "hatch": ""},
    "target": {"facecolor": "white", "edgecolor": "black", "hatch": "////"},
}
WORDS = {
    "zh": {"actual": "实际", "target": "目标", "year": "{}年", "no_year": "年份未注明", "latest": "最新"},
    "en": {
        "actual": "Actual",
        "target": "Target",
        "year": "{}",
        "no_year": "year not stated",
        "latest": "latest",
    },
}
LANGS = tuple(WORDS)
SCALES = ("auto", "linear", "log")
PLOT_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
MAX_DEFAULT = 4
LOG_SPAN = 100.0  # auto scale: a log axis when the largest positive value is this many times the smallest


@dataclass(frozen=True)
class ChartStyle:
    """How a chart is drawn: resolution of a PNG, language of its words, value axis, panels per row."""

    dpi: int = 300
    lang: str = "zh"
    scale: str = "auto"
    max_years: int = 4


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


@cache
def unit_names_en() -> dict[str, str]:
    """English names of units (lexicon/units_en.csv)."""
    return {row["unit"]: row["en"] for row in lexicon.table("units_en.csv", ("unit", "en"))}


def unit_label(unit: str, lang: str) -> str:
    """A unit as an axis names it: as written, or its English name."""
    return unit_names_en().get(unit, unit) if lang == "en" else unit


def indicator_title(indicator_id: str, name: str, unit: str, lang: str, catalog: str | None = None) -> str:
    """The heading of an indicator's row of panels: its name (Chinese, or the catalog's English) and unit."""
    entry = entry_of(indicator_id, catalog)
    if lang == "en":
        label = entry.name_en if entry and entry.name_en else name
        return f"{label[:1].upper()}{label[1:]} ({unit_label(unit, lang)})"
    return f"{entry.name_zh if entry else name}（{unit}）"


def default_indicators(long: pd.DataFrame, limit: int = MAX_DEFAULT) -> list[str]:
    """The indicators reported by the most regions (at least two), most first."""
    counts = long.groupby("indicator_id")["region"].nunique().sort_values(ascending=False, kind="stable")
    return counts[counts >= 2].index[:limit].tolist() or counts.index[:limit].tolist()


def panel_years(figures: pd.DataFrame, limit: int) -> list[int | None]:
    """The years an indicator gets a panel for: those most regions report, at most `limit`, in order;
    [None] when no figure states its year."""
    years = figures.dropna(subset=["year"])
    if not len(years):
        return [None]
    counts = years.groupby("year")["region"].nunique()
    best = counts.sort_values(ascending=False, kind="stable").index[:limit]
    return sorted(int(y) for y in best)


def use_log(values: Sequence[float], scale: str) -> bool:
    """Whether the value axis is logarithmic: asked for, or (auto) when all values are positive and
    span at least LOG_SPAN."""
    positive = [v for v in values if v > 0]
    if scale == "log":
        return len(positive) == len(values) and bool(positive)
    if scale == "linear" or not positive or len(positive) < len(values):
        return False
    return max(positive) / min(positive) >= LOG_SPAN


def bar_offsets(kinds: Sequence[str], height: float) -> dict[str, float]:
    """Offsets of a region's bars from its label: centred on it, whatever kinds it has."""
    return {kind: (n - (len(kinds) - 1) / 2) * height for n, kind in enumerate(kinds)}


def _value_text(value: float, year, with_year: bool) -> str:
    """The label at a bar's end: the value, and its year when a panel mixes years."""
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return f"{text} ({int(year)})" if with_year and not pd.isna(year) else text


def plain_axes(ax) -> None:
    """The axes a journal figure wants: no box on top and right, small tick labels."""
    ax.tick_params(labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _panel(ax, figures: pd.DataFrame, regions: list[str], log: bool, family, with_year: bool):
    """Horizontal bars of one indicator in one year (or latest): a row per region, a bar per kind."""
    for i, region in enumerate(regions):
        here = figures[figures["region"] == region]
        kinds = [k for k in ("actual", "target") if (here["kind"] == k).any()]
        for kind, offset in bar_offsets(kinds, 0.38).items():
            row = here[here["kind"] == kind].iloc[-1]
            style = KIND_STYLE[kind]
            bars = ax.barh(i + offset, row["value"], 0.36, log=log, linewidth=0.6, **style)
            ax.bar_label(
                bars,
                [_value_text(row["value"], row["year"], with_year)],
                padding=2,
                fontsize=6.5,
                family=family,
            )
    plain_axes(ax)
    ax.set_yticks(range(len(regions)), regions, family=family, fontsize=8)
    ax.set_ylim(len(regions) - 0.5, -0.5)  # first region on top
    ax.margins(x=0.25)
    if not log:
        ax.axvline(0, color="black", linewidth=0.6)


def _indicator_row(subfig, figures: pd.DataFrame, style: ChartStyle, latest: bool, catalog, family) -> None:
    """One indicator: a panel per year (or one of the latest figures), regions in the same order in each."""
    words = WORDS[style.lang]
    unit = figures["unit"].value_counts().index[0]
    figures = figures[figures["unit"] == unit]
    years = [None] if latest else panel_years(figures, style.max_years)
    if years != [None]:
        figures = figures[figures["year"].isin(years)]
    order = figures.groupby("region")["value"].max().sort_values(ascending=False, kind="stable")
    regions = order.index.tolist()
    log = use_log(figures["value"].tolist(), style.scale)
    axes = subfig.subplots(1, len(years), sharex=True, squeeze=False)[0]
    for ax, year in zip(axes, years):
        if latest:
            shown, title = figures, words["latest"]
        elif year is None:
            shown, title = figures[figures["year"].isna()], words["no_year"]
        else:
            shown, title = figures[figures["year"] == year], words["year"].format(year)
        _panel(ax, shown, regions, log, family, with_year=latest)
        ax.set_title(title, family=family, fontsize=9)
    for ax in axes[1:]:
        ax.tick_params(axis="y", labelleft=False)
    axes[-1].set_xlabel(unit_label(unit, style.lang) + (" (log)" if log else ""), family=family, fontsize=8)
    title = indicator_title(
        figures["indicator_id"].iat[0], figures["indicator"].iat[0], unit, style.lang, catalog
    )
    subfig.suptitle(title, family=family, fontsize=10, x=0.01, ha="left")


def _legend(fig, kinds: Sequence[str], words, family) -> None:
    """One legend for the figure: the kinds drawn, with the black-and-white styles."""
    from matplotlib.patches import Patch

    handles = [Patch(label=words[k], linewidth=0.6, **KIND_STYLE[k]) for k in kinds]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        prop={"family": family, "size": 8},
    )


def plot_figures(
    long: pd.DataFrame,
    path: str | os.PathLike[str],
    indicators: Sequence[str] = (),
    selection: Selection = Selection(),
    style: ChartStyle = ChartStyle(),
    matcher: Matcher = Matcher(),
) -> list[str]:
    """Draw a row of panels per indicator (a panel per year, or the latest figures) into one PNG, PDF or
    SVG; the ids drawn."""
    from matplotlib.figure import Figure

    if style.lang not in LANGS or style.scale not in SCALES:
        raise ValueError(f"lang is one of {LANGS} and scale one of {SCALES}")
    chosen = list(indicators) or default_indicators(long)
    picked = pick_figures(long, Selection(selection.kind, selection.year, tuple(chosen), selection.latest))
    picked = picked[picked["value"].notna() & np.isfinite(picked["value"].astype(float))]
    drawn = [i for i in chosen if (picked["indicator_id"] == i).any()]
    if not drawn:
        return []
    family = font_family()
    groups = [picked[picked["indicator_id"] == i] for i in drawn]
    panels = max(1 if selection.latest else len(panel_years(g, style.max_years)) for g in groups)
    heights = [0.9 + 0.32 * g["region"].nunique() for g in groups]
    fig = Figure(figsize=(max(5.5, 2.9 * panels + 1.4), sum(heights) + 0.5), layout="constrained")
    subfigs = fig.subfigures(len(drawn), 1, squeeze=False, height_ratios=heights)[:, 0]
    for subfig, figures in zip(subfigs, groups):
        _indicator_row(subfig, figures, style, selection.latest, matcher.catalog, family)
    kinds = [k for k in ("actual", "target") if (picked["kind"] == k).any()]
    _legend(fig, kinds, WORDS[style.lang], family)
    kind = plot_format(path)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=kind, dpi=style.dpi))
    return drawn


def plot_format(path: str | os.PathLike[str]) -> str:
    """The image format of a chart file, from its extension: png, or pdf and svg (vector, for papers)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in PLOT_FORMATS:
        raise CnplanError(
            os.fspath(path), f"a chart is .png, .pdf or .svg, not {suffix or 'a name without one'}"
        )
    return PLOT_FORMATS[suffix]
