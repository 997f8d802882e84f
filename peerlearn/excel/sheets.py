"""Writing a DataFrame as a proper Excel sheet: a filterable table, a frozen header,
widths that fit the content and the page, long text wrapped in rows tall enough for it,
real dates and numbers with their formats, and text that stays text."""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from peerlearn.excel import layout
from peerlearn.rules import RAG_FILLS

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
EMPTY = "(none)"
# Characters openpyxl refuses in cells (control characters other than tab/newline).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def solid_fill(colour: str) -> PatternFill:
    rgb = colour.removeprefix("#").upper()  # openpyxl spells "#f6d0cb" "F6D0CB"
    return PatternFill("solid", start_color=rgb, end_color=rgb)


# The screens' cell fills, so a workbook looks like the tables it comes from.
FILLS = {rag: solid_fill(colour) for rag, colour in RAG_FILLS.items()}


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return ILLEGAL.sub("", value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _column(values: pd.Series) -> list:
    """A column's values as the Python values a cell holds (None where missing)."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind in "iub" and kind:
        return values.tolist()
    if kind == "f":
        return [None if v != v else v for v in values.tolist()]  # NaN is not itself
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        if values.str.contains(ILLEGAL).fillna(False).any():
            values = values.str.replace(ILLEGAL, "", regex=True)
        return values.astype(object).where(values.notna(), None).tolist()
    return [_cell(v) for v in values]


def put(sheet: Worksheet, row: int, column: int, value: object):
    """Write one value; text is always text, even when it starts with "=".

    openpyxl stores a string beginning with "=" as a formula, and people's text (a
    challenge typed on a phone) must never run in the coordinator's spreadsheet.
    """
    value = _cell(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def table_sheet(
    workbook: Workbook,
    title: str,
    frame: pd.DataFrame,
    *,
    percent: tuple[str, ...] = (),
) -> Worksheet:
    """A sheet holding ``frame`` as an Excel table named after the sheet.

    An empty frame still gets a table, with one "(none)" row, so the sheet keeps its
    header and filters (Excel tables need a data row).
    """
    sheet = workbook.create_sheet(title)
    columns = list(frame.columns)
    for index, column in enumerate(columns, start=1):
        put(sheet, 1, index, column)
    # append() is the fast path, fed column by column; only text that openpyxl took for
    # a formula is mended.
    cells = [_column(frame[column]) for column in columns]
    for row in zip(*cells, strict=True):
        sheet.append(row)
    count = len(frame)
    for index, values in enumerate(cells, start=1):
        for n, value in enumerate(values, start=2):
            if value.__class__ is str and value.startswith("="):
                sheet.cell(row=n, column=index).data_type = "s"
    if count == 0:
        put(sheet, 2, 1, EMPTY)
        count = 1
    last = get_column_letter(len(columns))
    name = re.sub(r"\W", "", title) or "Table"
    table = Table(displayName=name, ref=f"A1:{last}{count + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "A2"
    texts: dict[int, pd.Series] = {}
    longest = []
    for index, column in enumerate(columns, start=1):
        values = frame[column]
        if any(isinstance(v, str) for v in values.head(500)):
            texts[index] = values
            longest.append(int(layout.text_sizes(values)[0].max()))
        else:
            longest.append(max([len(layout.shown_as(v)) for v in values.head(500)], default=0))
    widths = layout.column_widths(columns, longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    layout.header_row(sheet, 1, widths, columns)
    layout.wrap_long_text(sheet, widths, texts)
    for index, column in enumerate(columns, start=1):
        values = frame[column] if len(frame) else pd.Series([], dtype=object)
        fmt = PERCENT_FORMAT if column in percent else _date_format(values.head(50))
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    return sheet


def _date_format(values: pd.Series) -> str | None:
    if any(isinstance(v, datetime) for v in values):
        return DATETIME_FORMAT
    if any(isinstance(v, date) for v in values):
        return DATE_FORMAT
    return None


def key_value_sheet(workbook: Workbook, title: str, rows: list[tuple[str, object]]) -> Worksheet:
    """Two columns, "What" and "Value", as a table: the Summary and README sheets."""
    frame = pd.DataFrame(rows, columns=["What", "Value"])
    return table_sheet(workbook, title, frame)
