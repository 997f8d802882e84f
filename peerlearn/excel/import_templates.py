"""Empty import files: the columns an import expects, ready to fill in."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from peerlearn.excel.import_rows import Column

_CHOICES = {
    "role": "lighthouse,follower,fellow,observer,member",
    "status": "planned,in progress,done,blocked",
    "priority": "high,medium,low",
}
_DATES = ("deadline", "due_date")
_ROWS = 500  # rows prepared with date formats and drop-down lists


def build_template(title: str, columns: Sequence[Column], fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow([c.header for c in columns])
        # With a BOM, Excel opens the file as UTF-8 and keeps accented names intact.
        return buffer.getvalue().encode("utf-8-sig")
    return _xlsx(title, columns)


def _xlsx(title: str, columns: Sequence[Column]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([c.header for c in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4, len(column.example))
        cells = f"{letter}2:{letter}{_ROWS + 1}"
        if column.field in _DATES:
            for (cell,) in sheet[cells]:
                cell.number_format = "DD.MM.YYYY"
        if column.field in _CHOICES:
            rule = DataValidation(
                type="list", formula1=f'"{_CHOICES[column.field]}"', allow_blank=True
            )
            rule.add(cells)
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("How to fill in")
    help_sheet.append(["Column", "Required", "What it holds", "Example"])
    for cell in help_sheet[1]:
        cell.font, cell.fill = bold, fill
    for column in columns:
        help_sheet.append(
            [column.header, "yes" if column.required else "", column.help, column.example]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            "Rows match what is stored by name, ignoring case and spaces: a row that matches "
            "updates it, a blank cell keeps the stored value, and importing the same file "
            "twice changes nothing. The import shows a preview first."
        ]
    )
    for letter, width in zip("ABCD", (22, 10, 80, 28), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        row[2 if len(row) > 2 else 0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
