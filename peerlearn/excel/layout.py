"""Column widths, wrapped text and row heights: a sheet fit to one page wide stays
readable, and every cell shows its whole text."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

# Bold in the workbook's own font: a table's style draws its header bold in Excel, not
# in every program that prints it.
HEADER = Font(name="Calibri", size=11, bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
LINE_POINTS = 15  # one line of 11-point text
MAX_ROW_POINTS = 409  # the tallest row Excel draws
MIN_WIDTH = 6
MAX_WIDTH = 60
# Characters across a landscape A4 page at a size still read comfortably (about 9 pt
# once fit to the page); wider sheets narrow their longest columns, which then wrap.
PAGE_WIDTH = 180
PADDING = 2
NARROWEST_TEXT = 12
# Characters of text a line holds per unit of column width: the width counts digits,
# and text is narrower; kept low enough for a wider fallback font than Calibri.
CHARACTERS_PER_WIDTH = 1.15


def column_widths(headers: Sequence[str], longest: Sequence[int]) -> list[float]:
    """A width per column: its longest value (a header may wrap at its spaces); a sheet
    wider than ``PAGE_WIDTH`` narrows its wide columns in proportion, down to
    ``NARROWEST_TEXT``, so the main text keeps the most room."""
    widths = [
        float(min(MAX_WIDTH, max(MIN_WIDTH, size, *map(len, str(h).split())) + PADDING))
        for h, size in zip(headers, longest, strict=True)
    ]
    for _ in widths:  # each round fixes at least one more column at the floor
        total = sum(widths)
        wide = [w for w in widths if w > NARROWEST_TEXT]
        if total <= PAGE_WIDTH or not wide:
            break
        factor = (PAGE_WIDTH - (total - sum(wide))) / sum(wide)
        widths = [max(NARROWEST_TEXT, w * factor) if w > NARROWEST_TEXT else w for w in widths]
    return [float(math.floor(w)) for w in widths]


def lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH) - PADDING)
    count = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            count += 1
        else:
            count += len(textwrap.wrap(part, per_line, break_on_hyphens=False)) or 1
    return count


def wrap_long_text(sheet: Worksheet, widths: Sequence[float], texts: dict[int, list]) -> None:
    """Wrap the cells whose text is wider than its column and make their rows tall enough.

    ``texts`` maps a column index (1-based) to its values from row 1 (the header) down;
    only columns that may hold long text need be given.
    """
    heights: dict[int, int] = {}
    for column, values in texts.items():
        width = widths[column - 1]
        # Wrap whatever might not fit: wrapping text that fits costs nothing.
        fits = width - PADDING
        for row, value in enumerate(values, start=1):
            if not isinstance(value, str) or (len(value) <= fits and "\n" not in value):
                continue
            sheet.cell(row=row, column=column).alignment = WRAP
            heights[row] = max(heights.get(row, 1), lines(value, width))
    for row, count in heights.items():
        if count > 1:
            sheet.row_dimensions[row].height = min(MAX_ROW_POINTS, LINE_POINTS * count)
            # The row's short cells start at its top too, beside the wrapped text.
            for cell in sheet[row]:
                if not cell.alignment.wrap_text:
                    cell.alignment = TOP
