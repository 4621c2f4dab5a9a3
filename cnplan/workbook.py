"""Any cnplan table as an Excel workbook: a sheet per kind, frozen header, filters, widths, sources as comments."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cnplan.errors import CnplanError
from cnplan.marks import display_width

if TYPE_CHECKING:
    import pandas as pd

KIND_SHEETS = {"target": "targets", "actual": "actuals"}
MAX_ROWS = 1_048_575  # Excel's rows per sheet, the header aside
MAX_WIDTH = 60  # characters: a sentence column stays readable, its full text is in the cell
COMMENT_WIDTH = 320  # points


def sheet_split(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, rows) of a table: a sheet per kind (targets first) when it has a kind column, else one."""
    if "kind" not in frame.columns or not len(frame):
        return [("table", frame)]
    kinds = [k for k in KIND_SHEETS if (frame["kind"] == k).any()]
    kinds += sorted(str(k) for k in frame["kind"].dropna().unique() if k not in KIND_SHEETS)
    sheets = [(KIND_SHEETS.get(k, k)[:31], frame[frame["kind"] == k]) for k in kinds]
    unkinded = frame[frame["kind"].isna()]
    return sheets + ([("other", unkinded)] if len(unkinded) else [])


def column_width(header: str, values: pd.Series) -> int:
    """The width of a column in characters: its longest cell (CJK counts two), at most MAX_WIDTH."""
    longest = max([display_width(str(header))] + [display_width(str(v)) for v in values.head(2000)])
    return min(MAX_WIDTH, longest + 2)


def cell_comment(text: str):
    """An Excel comment holding a figure's source, wide enough to read."""
    from openpyxl.comments import Comment

    comment = Comment(text, "cnplan")
    comment.width = COMMENT_WIDTH
    return comment


def format_sheet(sheet, frame: pd.DataFrame, freeze: str = "A2") -> None:
    """A sheet as cnplan writes every one: frozen header (and key columns), filters, column widths."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = freeze
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    for i, column in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column_width(str(column), frame[column])


def clean_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the control characters Excel refuses removed from its text cells."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = frame.select_dtypes(include=["object", "string"]).columns
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    return out


def _source_comments(sheet, frame: pd.DataFrame) -> None:
    """Put each row's document and sentence on its value cell as a comment, to check the figure in place."""
    if "value" not in frame.columns or "sentence" not in frame.columns:
        return
    col = list(frame.columns).index("value") + 1
    docs = frame["doc"] if "doc" in frame.columns else [""] * len(frame)
    numbers = frame["sentence_no"] if "sentence_no" in frame.columns else [""] * len(frame)
    for r, (doc, number, sentence) in enumerate(zip(docs, numbers, frame["sentence"]), start=2):
        if isinstance(sentence, str) and sentence:
            sheet.cell(row=r, column=col).comment = cell_comment(f"{doc} #{number}\n{sentence}")


def write_table_workbook(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a table as a workbook at path (the caller makes it atomic)."""
    import pandas as pd

    if len(frame) > MAX_ROWS:
        raise CnplanError(
            str(path), f"{len(frame):,} rows: more than an Excel sheet holds; write .csv or .parquet"
        )
    with open(path, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as writer:
        for name, rows in sheet_split(clean_cells(frame)):
            rows.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            format_sheet(sheet, rows)
            _source_comments(sheet, rows)
