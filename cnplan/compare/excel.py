"""The comparison as an Excel workbook: one sheet per kind, frozen header, each figure's sentence as a comment."""

from __future__ import annotations

import os

import pandas as pd

from cnplan.compare.table import Selection, pick_figures, wide_figures
from cnplan.match.matcher import Matcher
from cnplan.output import atomic_write
from cnplan.workbook import KIND_SHEETS, cell_comment, clean_cells, format_sheet


def _sheets(long: pd.DataFrame, selection: Selection) -> list[tuple[str, str]]:
    """(kind, sheet name) of the kinds present, targets first."""
    kinds = [selection.kind] if selection.kind else [k for k in KIND_SHEETS if (long["kind"] == k).any()]
    return [(k, KIND_SHEETS.get(k, k)) for k in kinds] or [("target", "targets")]


def _comments(sheet, wide: pd.DataFrame, picked: pd.DataFrame, index: list[str]) -> None:
    """Put each figure's source (document, sentence) on its cell as a comment."""
    source = {}
    for row in picked.itertuples(index=False):
        key = tuple(getattr(row, c) for c in index) + (f"{row.indicator} ({row.unit})",)
        source[key] = f"{row.doc} #{row.sentence_no}\n{row.name}: {row.sentence}"
    for r, values in enumerate(wide[index].itertuples(index=False), start=2):
        for c, column in enumerate(wide.columns, start=1):
            text = source.get(tuple(values) + (column,))
            if text:
                sheet.cell(row=r, column=c).comment = cell_comment(text)


def write_workbook(
    long: pd.DataFrame,
    path: str | os.PathLike[str],
    selection: Selection = Selection(),
    matcher: Matcher = Matcher(),
) -> None:
    """Write the comparison workbook atomically: a sheet per kind, and the long form as 'sources'."""

    def write(tmp: str) -> None:
        with open(tmp, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as writer:
            for kind, name in _sheets(long, selection):
                chosen = Selection(kind, selection.year, selection.indicators, selection.latest)
                wide = clean_cells(wide_figures(long, chosen, matcher))
                wide.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                index = [c for c in ("region", "kind", "year") if c in wide.columns]
                format_sheet(sheet, wide, sheet.cell(row=2, column=len(index) + 1).coordinate)
                picked = pick_figures(long[long["kind"] == kind], chosen)
                _comments(sheet, wide, picked, index)
            sources = clean_cells(long)
            sources.to_excel(writer, sheet_name="sources", index=False)
            format_sheet(writer.sheets["sources"], sources)

    atomic_write(path, write)
