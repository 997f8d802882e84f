"""Writing a DataFrame as a proper Excel sheet: a filterable table, a frozen header,
widths that fit the content and the page, long text wrapped in rows tall enough for it,
real dates and numbers with their formats, and text that stays text."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from peerlearn.excel import layout

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
EMPTY = "(none)"
# Characters openpyxl refuses in cells (control characters other than tab/newline).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
        put(sheet, 1, index, column).font = layout.HEADER
    count = 0
    # append() is the fast path; only text that openpyxl took for a formula is mended.
    for count, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        values = [_cell(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=count + 1, column=index).data_type = "s"
    if count == 0:
        put(sheet, 2, 1, EMPTY)
        count = 1
    last = get_column_letter(len(columns))
    name = re.sub(r"\W", "", title) or "Table"
    table = Table(displayName=name, ref=f"A1:{last}{count + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "A2"
    texts: dict[int, list] = {}
    longest = []
    for index, column in enumerate(columns, start=1):
        values = frame[column] if len(frame) else pd.Series([], dtype=object)
        if any(isinstance(v, str) for v in values.head(500)):
            texts[index] = [column, *values] if len(frame) else [column, EMPTY]
            longest.append(int(values.map(_length).max()) if len(frame) else len(EMPTY))
        else:
            longest.append(max([len(_shown(v)) for v in values.head(500)], default=0))
    widths = layout.column_widths(columns, longest)
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        values = frame[column] if len(frame) else pd.Series([], dtype=object)
        fmt = PERCENT_FORMAT if column in percent else _date_format(values.head(50))
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    # Headers wrap at their spaces, so a column of short numbers can stay narrow.
    texts.update({i: [c] for i, c in enumerate(columns, start=1) if i not in texts})
    layout.wrap_long_text(sheet, widths, texts)
    return sheet


def _date_format(values: pd.Series) -> str | None:
    if any(isinstance(v, datetime) for v in values):
        return DATETIME_FORMAT
    if any(isinstance(v, date) for v in values):
        return DATE_FORMAT
    return None


def _length(value: object) -> int:
    return len(value) if isinstance(value, str) else len(_shown(value))


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return "2024-12-31 09:30"
    if isinstance(value, date):
        return "2024-12-31"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def key_value_sheet(workbook: Workbook, title: str, rows: list[tuple[str, object]]) -> Worksheet:
    """Two columns, "What" and "Value", as a table: the Summary and README sheets."""
    frame = pd.DataFrame(rows, columns=["What", "Value"])
    return table_sheet(workbook, title, frame)
