"""The Charts sheet: small tables, each with native bar charts beside it.

Every chart is placed from its real size (the rows and columns it spans, read from the
sheet's row heights and column widths), so none covers another or a table. Each chart
counts one measure in whole numbers, and a table that would give a chart too many bars
keeps the first rows and sums the rest in one "Other" row, so the sheet reads the same
for a network of six tandems and of two hundred.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import BarChart, Reference, ScatterChart
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from peerlearn.excel import layout
from peerlearn.excel.sheets import EMPTY, put
from peerlearn.models import MilestoneStatus
from peerlearn.rules import RAG_COLOURS, Rag

MOST_CATEGORIES = 12
MOST_TANDEMS = 15
TABLE_WIDTHS = (34, 13, 13, 13, 13)  # columns A-E; F, left as it is, parts them from the charts
CHART_COLUMN = 7  # G
CHART_COLUMN_WIDTH = 10
CHART_WIDTH_CM = 16
GAP_ROWS = 2
EMU_PER_CM = 360000
EMU_PER_POINT = 12700
EMU_PER_PIXEL = 9525
TOP_OFFSET = 3 * EMU_PER_POINT


def _rgb(colour: str) -> str:
    return colour.removeprefix("#").upper()


BAR = "2F6F8F"  # the screens' bar colour: no red, amber or green for a plain count
# Red, amber and green keep their meaning: done is green and blocked is red, as on the
# roadmaps; planned and in progress, neither good nor bad, are grey and blue.
STATUS_COLOURS = {
    MilestoneStatus.PLANNED: "A5AEB8",
    MilestoneStatus.IN_PROGRESS: BAR,
    MilestoneStatus.DONE: _rgb(RAG_COLOURS[Rag.GREEN]),
    MilestoneStatus.BLOCKED: _rgb(RAG_COLOURS[Rag.RED]),
}
CATEGORY_HEADER = ["Category", "Common challenges", "Challenges in them"]


def charts_sheet(workbook: Workbook, groups: pd.DataFrame, milestones: pd.DataFrame) -> Worksheet:
    """Common challenges by category, and milestone status by tandem, with their charts."""
    sheet = workbook.create_sheet("Charts")
    for index, width in enumerate(TABLE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in range(CHART_COLUMN, CHART_COLUMN + 10):
        sheet.column_dimensions[get_column_letter(index)].width = CHART_COLUMN_WIDTH

    categories = category_rows(groups)
    end = _table(sheet, 1, CATEGORY_HEADER, categories, "ByCategory")
    if categories:
        bars = len(categories)
        row = 1
        for column, title, measure in (
            (2, "Common challenges by category", "Common challenges"),
            (3, "Grouped challenges by category", "Challenges"),
        ):
            most = max(r[column - 1] for r in categories)
            chart = _bar_chart(title, "Category", measure, bars, most)
            chart.add_data(
                Reference(sheet, min_col=column, min_row=1, max_row=bars + 1),
                titles_from_data=True,
            )
            chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=bars + 1))
            chart.series[0].graphicalProperties.solidFill = BAR
            chart.legend = None
            row = place_chart(sheet, chart, row) + GAP_ROWS
        end = max(end, row - GAP_ROWS)

    statuses = [s.value for s in MilestoneStatus]
    tandems, shown, total = tandem_rows(milestones)
    start = end + GAP_ROWS + 1
    # Each block starts a page of its own, with its header row at the top.
    sheet.row_breaks.append(Break(id=start - 1))
    _table(sheet, start, ["Tandem", *statuses], tandems, "ByTandemStatus")
    if shown:
        title = "Milestone status by tandem"
        if shown < total:
            title += f": {shown} of {total} tandems, the most blocked first"
        most = max(sum(r[1:]) for r in tandems[:shown])
        chart = _bar_chart(title, "Tandem", "Milestones", shown, most)
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.add_data(
            Reference(
                sheet, min_col=2, max_col=1 + len(statuses), min_row=start, max_row=start + shown
            ),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=start + shown))
        for series, status in zip(chart.series, MilestoneStatus, strict=True):
            series.graphicalProperties.solidFill = STATUS_COLOURS[status]
            series.graphicalProperties.line.solidFill = STATUS_COLOURS[status]
        chart.legend.position = "b"
        place_chart(sheet, chart, start)
    return sheet


def category_rows(groups: pd.DataFrame) -> list[list]:
    """[category, common challenges, challenges in them], the most common first; past
    ``MOST_CATEGORIES`` the rest are summed in one "Other categories (n)" row."""
    counts: dict[str, list[int]] = {}
    for row in groups.itertuples(index=False):
        pair = counts.setdefault(row.Category or "(none)", [0, 0])
        pair[0] += 1
        pair[1] += int(row.Challenges)
    rows = sorted(([c, n, k] for c, (n, k) in counts.items()), key=lambda r: (-r[1], -r[2], r[0]))
    if len(rows) <= MOST_CATEGORIES:
        return rows
    kept, rest = rows[: MOST_CATEGORIES - 1], rows[MOST_CATEGORIES - 1 :]
    other = [f"Other categories ({len(rest)})", sum(r[1] for r in rest), sum(r[2] for r in rest)]
    return [*kept, other]


def tandem_rows(milestones: pd.DataFrame) -> tuple[list[list], int, int]:
    """(rows of [tandem, count per status...], how many tandems are charted, how many
    tandems there are). The tandems with the most blocked, then the most open
    milestones come first; past ``MOST_TANDEMS`` the rest are summed in one row, which
    the chart leaves out (its bar would dwarf the others)."""
    statuses = [s.value for s in MilestoneStatus]
    per_tandem: dict[str, dict[str, int]] = {}
    for row in milestones.itertuples(index=False):
        counts = per_tandem.setdefault(row.Tandem, dict.fromkeys(statuses, 0))
        counts[row.Status] = counts.get(row.Status, 0) + 1
    rows = [[t, *(c[s] for s in statuses)] for t, c in per_tandem.items()]
    blocked = statuses.index(MilestoneStatus.BLOCKED) + 1
    done = statuses.index(MilestoneStatus.DONE) + 1
    rows.sort(key=lambda r: (-r[blocked], -(sum(r[1:]) - r[done]), -sum(r[1:]), r[0]))
    if len(rows) <= MOST_TANDEMS:
        return rows, len(rows), len(rows)
    kept, rest = rows[:MOST_TANDEMS], rows[MOST_TANDEMS:]
    sums = [sum(r[i] for r in rest) for i in range(1, len(statuses) + 1)]
    other = [f"Other tandems ({len(rest)})", *sums]
    return [*kept, other], MOST_TANDEMS, len(rows)


def _bar_chart(title: str, categories: str, measure: str, bars: int, most: int) -> BarChart:
    """Horizontal bars, the table's first row on top, counted in whole numbers."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.x_axis.title = categories
    chart.y_axis.title = measure
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides axes otherwise
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"  # the count axis stays at the bottom
    step = whole_step(most)
    chart.y_axis.majorUnit = step
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(step, math.ceil(most / step) * step)
    chart.y_axis.number_format = "0"
    chart.gapWidth = 60
    chart.width = CHART_WIDTH_CM
    chart.height = max(7.0, 0.6 * bars + 4)
    return chart


def whole_step(most: int) -> int:
    """A whole-number tick step that gives at most ten ticks up to ``most``."""
    step = 1
    while most / step > 10:
        for factor in (2, 5, 10):
            if most / (step * factor) <= 10:
                return step * factor
        step *= 10
    return step


def place_chart(
    sheet: Worksheet, chart: BarChart | ScatterChart, top: int, left: int = CHART_COLUMN
) -> int:
    """Anchor ``chart`` from column ``left`` (G) of row ``top`` over the cells its size
    covers, read from the real row heights and column widths; the last row it covers."""
    height = chart.height * EMU_PER_CM + TOP_OFFSET
    row, row_offset = _walk(top - 1, height, lambda r: _row_emu(sheet, r))
    column, column_offset = _walk(
        left - 1, chart.width * EMU_PER_CM, lambda c: _column_emu(sheet, c)
    )
    anchor = TwoCellAnchor(editAs="oneCell")
    # A little below the row's top edge: a chart starting right on a page break gets its
    # frame's top line drawn on the page before too.
    anchor._from = AnchorMarker(col=left - 1, row=top - 1, rowOff=TOP_OFFSET)
    anchor.to = AnchorMarker(col=column, colOff=column_offset, row=row, rowOff=row_offset)
    sheet.add_chart(chart, anchor)
    return row + 1


def _walk(start: int, length: float, size) -> tuple[int, int]:
    """(the 0-based index where ``length`` EMU from ``start`` ends, the offset in it)."""
    index, left = start, int(length)
    while left > size(index):
        left -= size(index)
        index += 1
    return index, left


def _row_emu(sheet: Worksheet, row: int) -> int:
    height = sheet.row_dimensions[row + 1].height if row + 1 in sheet.row_dimensions else None
    return int((height or layout.LINE_POINTS) * EMU_PER_POINT)


def _column_emu(sheet: Worksheet, column: int) -> int:
    letter = get_column_letter(column + 1)
    width = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else None
    return int((width or 8.43) * 7 + 5) * EMU_PER_PIXEL


def _table(sheet: Worksheet, top: int, header: list[str], rows: list[list], name: str) -> int:
    """``rows`` under ``header`` from row ``top`` as an Excel table ("(none)" if empty),
    long names wrapped; the table's last row."""
    for offset, value in enumerate(header, start=1):
        put(sheet, top, offset, value)
    for n, row in enumerate(rows or [[EMPTY]], start=top + 1):
        for offset, value in enumerate(row, start=1):
            put(sheet, n, offset, value)
    last = top + max(len(rows), 1)
    table = Table(displayName=name, ref=f"A{top}:{get_column_letter(len(header))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)
    layout.header_row(sheet, top, TABLE_WIDTHS, header)
    names = pd.Series([r[0] for r in rows], dtype=object)
    layout.wrap_long_text(sheet, TABLE_WIDTHS, {1: names}, first=top + 1)
    return last
