"""The Targets sheet: every target with its status word on its red/amber/green fill, and
below the table a native line chart per theme beside the values it draws.

Targets of one theme count in different units (t CO2, %, households), so a chart draws
each measurement as the share of the way from its baseline to its target: 0 % is the
baseline, 100 % the target reached, whatever the unit.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from peerlearn import rules
from peerlearn.analytics.knowledge_report import TargetTables
from peerlearn.excel import layout
from peerlearn.excel.charts import CHART_WIDTH_CM, GAP_ROWS, place_chart
from peerlearn.excel.sheets import DATE_FORMAT, FILLS, PERCENT_FORMAT, put, table_sheet
from peerlearn.services.targets import TargetRow

CHART_HEADER = ["Owner", "Theme", "Target", "Date", "% of the way"]
NO_THEME = "(no theme)"
Y_TITLE = "% of the way from baseline to target"
NUMBER_FORMAT = "#,##0.##"
EXCEL_EPOCH = date(1899, 12, 30)
YEAR_DAYS = 365.25


def targets_sheet(workbook: Workbook, tables: TargetTables) -> Worksheet:
    """The Targets table, ranked worst first, and a line chart per theme below it."""
    frame = tables.targets
    sheet = table_sheet(workbook, "Targets", frame, percent=("Behind the path",))
    columns = list(frame.columns)
    status = columns.index("Status") + 1
    for n, word in enumerate(frame["Status"], start=2):
        if word in rules.TargetStatus.__members__.values():
            sheet.cell(row=n, column=status).fill = FILLS[rules.TARGET_RAG[word]]
    for name in ("Baseline", "Target value", "Latest value"):
        index = columns.index(name) + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, int | float):
                cell.number_format = NUMBER_FORMAT
    if tables.ranked:
        top = len(frame) + 2 + GAP_ROWS
        for theme, rows in by_theme(tables.ranked):
            # Each theme's chart starts a page of its own: none is cut by a page break.
            sheet.row_breaks.append(Break(id=top - 1))
            top = _theme_block(sheet, top, theme, rows, tables) + GAP_ROWS + 1
    return sheet


def by_theme(rows: list[TargetRow]) -> list[tuple[str, list[TargetRow]]]:
    """The targets grouped by theme, themes by name (no theme last)."""
    groups: dict[str, list[TargetRow]] = {}
    for row in rows:
        groups.setdefault(row.theme or NO_THEME, []).append(row)
    return sorted(groups.items(), key=lambda pair: (pair[0] == NO_THEME, pair[0].casefold()))


def points(row: TargetRow, tables: TargetTables) -> list[tuple[date, float]]:
    """The baseline (0 %) and each live measurement as its share of the way."""
    way = row.target_value - row.baseline_value
    found = [(rules.path_start(row.baseline_year), 0.0)]
    for m in tables.history.get(row.id, []):
        if m.archived_at is None:
            found.append((m.measured_on, (m.value - row.baseline_value) / way))
    return found


def _theme_block(
    sheet: Worksheet, top: int, theme: str, rows: list[TargetRow], tables: TargetTables
) -> int:
    """The theme's chart values from row ``top`` (columns A-E) and its chart beside them;
    the last row either covers."""
    for column, name in enumerate(CHART_HEADER, start=1):
        put(sheet, top, column, name)
    widths = [
        sheet.column_dimensions[get_column_letter(c)].width or 8.43
        for c in range(1, len(CHART_HEADER) + 1)
    ]
    layout.header_row(sheet, top, widths, CHART_HEADER)
    row_number = top
    chart = ScatterChart()
    chart.title = f"{theme}: measured values (0 % = baseline, 100 % = target)"
    chart.x_axis.title = "Date"
    chart.y_axis.title = Y_TITLE
    chart.x_axis.number_format = "yyyy"
    chart.y_axis.number_format = "0%"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides axes otherwise
    chart.legend.position = "b"
    chart.width = CHART_WIDTH_CM
    chart.height = max(10.0, 8.5 + 0.6 * len(rows))
    shares, first_day = [0.0, 1.0], None
    for target in rows:
        drawn = points(target, tables)
        start = row_number + 1
        for day, share in drawn:
            row_number += 1
            for column, value in enumerate(
                (target.owner, target.theme or NO_THEME, target.title, day, share), start=1
            ):
                put(sheet, row_number, column, value)
            shares.append(share)
            first_day = min(first_day or day, day)
        ys = Reference(sheet, min_col=5, min_row=start, max_row=row_number)
        xs = Reference(sheet, min_col=4, min_row=start, max_row=row_number)
        series = Series(ys, xs, title=_legend(target))
        series.marker.symbol = "circle"
        series.smooth = False
        chart.series.append(series)
    first_year, last_year = first_day.year, max(r.deadline for r in rows).year + 1
    # From mid-year to mid-year: ticks a whole number of years apart stay in the year
    # they name however the leap days fall; about ten of them at most.
    chart.x_axis.scaling.min = _serial(date(first_year, 7, 1))
    chart.x_axis.scaling.max = _serial(date(last_year, 7, 1))
    chart.x_axis.majorUnit = YEAR_DAYS * max(1, math.ceil((last_year - first_year) / 10))
    chart.y_axis.scaling.min = min(0.0, _quarter(min(shares), down=True))
    chart.y_axis.scaling.max = max(1.0, _quarter(max(shares), down=False))
    chart.y_axis.majorUnit = 0.25
    texts = {
        column: pd.Series(
            [sheet.cell(row=r, column=column).value for r in range(top + 1, row_number + 1)],
            dtype=object,
        )
        for column in (1, 2, 3)  # owner, theme and target may be longer than their columns
    }
    layout.wrap_long_text(sheet, widths, texts, first=top + 1)
    for row in range(top + 1, row_number + 1):  # after the wrap: a named style resets formats
        sheet.cell(row=row, column=4).number_format = DATE_FORMAT
        sheet.cell(row=row, column=5).number_format = PERCENT_FORMAT
    end = place_chart(sheet, chart, top)
    return max(end, row_number)


def _legend(target: TargetRow) -> str:
    """'Munich: Cut CO2 emissions (by 31 Dec 2030)': short enough for a legend."""
    title = target.title if len(target.title) <= 50 else target.title[:49] + "…"
    return f"{target.owner}: {title} (by {target.deadline:%d %b %Y})"


def _serial(day: date) -> int:
    """Excel's day number of ``day``: what a date axis counts in."""
    return (day - EXCEL_EPOCH).days


def _quarter(value: float, *, down: bool) -> float:
    """``value`` rounded out to a quarter, so the axis ends on a tick."""
    return (math.floor(value * 4) if down else math.ceil(value * 4)) / 4
