"""Where a chart sits on its sheet, read from the file's anchors: the cells it covers."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

EMU_PER_POINT = 12700
EMU_PER_PIXEL = 9525
DEFAULT_ROW_POINTS = 15
DEFAULT_COLUMN_WIDTH = 8.43


def row_points(sheet, row: int) -> float:
    height = sheet.row_dimensions[row].height if row in sheet.row_dimensions else None
    return height or DEFAULT_ROW_POINTS


def column_pixels(sheet, column: int) -> int:
    letter = get_column_letter(column)
    width = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else 0
    return int((width or DEFAULT_COLUMN_WIDTH) * 7 + 5)


def _reach(start: int, offset: int, length: int, size) -> int:
    """The last index reached ``length`` EMU after ``start`` + ``offset``."""
    index, left = start, length + offset
    while left > size(index):
        left -= size(index)
        index += 1
    return index


def chart_cells(sheet, chart) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column), 1-based, that a chart covers."""
    anchor = chart.anchor
    start = anchor._from  # openpyxl's name for the anchor's "from" cell
    if getattr(anchor, "to", None) is not None:
        end_row, end_col = anchor.to.row, anchor.to.col
    else:  # a one-cell anchor: walk its size over the real row heights and column widths
        end_row = _reach(
            start.row,
            start.rowOff,
            anchor.ext.height,
            lambda r: row_points(sheet, r + 1) * EMU_PER_POINT,
        )
        end_col = _reach(
            start.col,
            start.colOff,
            anchor.ext.width,
            lambda c: column_pixels(sheet, c + 1) * EMU_PER_PIXEL,
        )
    return start.row + 1, start.col + 1, end_row + 1, end_col + 1


def _overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def assert_charts_stand_clear(sheet) -> None:
    """No chart covers another chart or a cell that holds a value."""
    spans = [chart_cells(sheet, chart) for chart in sheet._charts]
    for n, first in enumerate(spans):
        for second in spans[n + 1 :]:
            assert not _overlap(first, second), (first, second)
        covered = [
            cell.coordinate
            for row in sheet.iter_rows(
                min_row=first[0], max_row=first[2], min_col=first[1], max_col=first[3]
            )
            for cell in row
            if cell.value is not None
        ]
        assert covered == [], f"a chart covers {covered}"
