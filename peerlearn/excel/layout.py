"""Column widths, wrapped text and row heights: a sheet fit to one page wide stays
readable, and every cell shows its whole text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

# Named styles: a cell takes one by name without the per-cell lookups a style of its own
# costs, which counts on a sheet of thousands of rows. A table's style draws its header
# bold in Excel, not in every program that prints it, so the header is bold itself.
FONT = Font(name="Calibri", size=11, family=2, scheme="minor")  # the workbook's own
STYLES = {
    "Table header": NamedStyle(
        name="Table header",
        font=Font(name="Calibri", size=11, family=2, scheme="minor", bold=True),
        alignment=Alignment(wrap_text=True, vertical="top"),
    ),
    # Long text reads from the top of its row, and so do the short cells beside it.
    "Long text": NamedStyle(
        name="Long text", font=FONT, alignment=Alignment(wrap_text=True, vertical="top")
    ),
    "Beside long text": NamedStyle(
        name="Beside long text", font=FONT, alignment=Alignment(vertical="top")
    ),
}
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
EXACT_LINES = 6  # texts up to this many lines are wrapped word by word to count them


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
    """How many lines ``text`` takes wrapped at its spaces in a column ``width`` wide:
    a line breaks before a word that does not fit. Counted word by word up to a few
    lines; beyond, estimated with a few characters left unused on each line."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH) - PADDING)
    room = max(1, per_line - min(4, per_line // 4))
    count = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            count += 1
        elif len(part) > EXACT_LINES * per_line:
            count += math.ceil(len(part) / room)
        else:
            count += _greedy(part.split(), per_line)
    return count


def _greedy(words: list[str], per_line: int) -> int:
    count, used = 1, -1
    for word in words:
        size = len(word)
        if used >= 0 and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if used >= 0:
            count += 1
        count += (size - 1) // per_line  # a word longer than a line breaks inside it
        used = (size - 1) % per_line + 1
    return count


def use_styles(workbook: Workbook) -> None:
    """Register the named styles once per workbook."""
    for name, style in STYLES.items():
        if name not in workbook.named_styles:
            workbook.add_named_style(copy(style))


def header_row(sheet: Worksheet, row: int, widths: Sequence[float], names: Sequence[str]):
    """Style a table's header row; its names wrap at their spaces, so a column of short
    numbers can stay narrow under a long name."""
    use_styles(sheet.parent)
    count = 1
    for column, (name, width) in enumerate(zip(names, widths, strict=False), start=1):
        sheet.cell(row=row, column=column).style = "Table header"
        count = max(count, lines(str(name), width))
    if count > 1:
        sheet.row_dimensions[row].height = LINE_POINTS * count


def text_sizes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(how many characters each value shows, whether it holds a line break), counted
    for the whole column at once where pandas can."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        sizes = values.str.len().fillna(0).to_numpy(dtype=np.int64)
        breaks = values.str.contains("\n", regex=False).fillna(False).to_numpy(dtype=bool)
        return sizes, breaks
    shown = [v if isinstance(v, str) else shown_as(v) for v in values]
    return (
        np.fromiter(map(len, shown), dtype=np.int64, count=len(shown)),
        np.fromiter(("\n" in v for v in shown), dtype=bool, count=len(shown)),
    )


def shown_as(value: object) -> str:
    """A value as a cell shows it, for its width."""
    if isinstance(value, datetime):
        return "2024-12-31 09:30"
    if isinstance(value, date):
        return "2024-12-31"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def wrap_long_text(
    sheet: Worksheet, widths: Sequence[float], texts: dict[int, pd.Series], *, first: int = 2
) -> None:
    """Wrap the cells whose text is wider than its column and make their rows tall enough.

    ``texts`` maps a column index (1-based) to its values from row ``first`` down; give
    only the columns that may hold long text. Call it before giving cells number
    formats: a named style sets those too.
    """
    use_styles(sheet.parent)
    tallest = None
    wrapped: dict[int, np.ndarray] = {}
    for column, values in texts.items():
        width = widths[column - 1]
        sizes, breaks = text_sizes(values)
        # Wrap whatever might not fit: wrapping text that fits costs nothing.
        wrapped[column] = (sizes > width - PADDING) | breaks
        for n in np.flatnonzero(wrapped[column]):
            sheet.cell(row=first + int(n), column=column).style = "Long text"
        per_line = max(1, int(width * CHARACTERS_PER_WIDTH) - PADDING)
        room = max(1, per_line - min(4, per_line // 4))
        counts = np.where(sizes <= per_line, 1, -(-sizes // room))
        # Short texts that wrap, and those with line breaks, are counted word by word.
        exact = ((sizes > per_line) & (sizes <= EXACT_LINES * per_line)) | breaks
        texts_of = values.to_numpy(dtype=object) if exact.any() else ()
        for n in np.flatnonzero(exact):
            counts[n] = lines(str(texts_of[n]), width)
        tallest = counts if tallest is None else np.maximum(tallest, counts)
    if tallest is None:
        return
    tall = np.flatnonzero(tallest > 1)
    for n in tall:
        points = min(MAX_ROW_POINTS, LINE_POINTS * int(tallest[n]))
        sheet.row_dimensions[first + int(n)].height = points
    for column in range(1, len(widths) + 1):
        beside = tall if column not in wrapped else tall[~wrapped[column][tall]]
        for n in beside:
            sheet.cell(row=first + int(n), column=column).style = "Beside long text"
