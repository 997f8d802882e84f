"""The targets reporting template: one row per target, one column per reporting date
from the baseline year to the deadline every N years (the Covenant of Mayors monitors
every two years), the values measured on those dates filled in and the others blank
to fill. Importing the filled file as "measurements" reads it back."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import InvalidInput
from peerlearn.excel import layout
from peerlearn.excel.printing import print_ready
from peerlearn.excel.sheets import DATE_FORMAT, put
from peerlearn.models import Network, User
from peerlearn.services import targets as target_service
from peerlearn.services.store import get
from peerlearn.services.targets import MeasurementRow, TargetRow

DEFAULT_EVERY = 2  # years between two reports, as the Covenant of Mayors asks
LONGEST_CYCLE = 10
SHEET = "Measurements"
TARGET_ID = "Target id"
SOURCE = "Source"
# The columns before the reporting dates: what each target is, to read while filling in.
ABOUT = ("Owner", "Theme", "Target", "Indicator", "Unit", "Direction", "Baseline")
ABOUT += ("Baseline year", "Target value", "Deadline")
OTHER = "Values on other days"
DATE_HEADER = "%d %b %Y"  # "31 Dec 2024": how a reporting date heads its column
INSTRUCTIONS = (
    "Fill in the values measured on each reporting date (numbers only, in the target's "
    "unit), and the source in the Source column. Values on green are stored already and "
    "stay as they are; grey cells lie outside the target's baseline year and deadline. "
    "Keep the Target id column, and import the file on the Import page as "
    "'Measurements': a preview shows each value before anything is stored."
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
OUTSIDE_FILL = PatternFill("solid", fgColor="E7E6E6")
STORED_FILL = PatternFill("solid", fgColor="E2EFDA")


def reporting_dates(rows: list[TargetRow], every: int) -> list[date]:
    """31 Dec of every ``every``-th year after the earliest baseline year, up to the
    latest deadline (itself the last date when the cycle misses it)."""
    if not rows:
        return []
    first = min(r.baseline_year for r in rows)
    last = max(r.deadline for r in rows)
    days = [date(year, 12, 31) for year in range(first + every, last.year + 1, every)]
    days = [d for d in days if d <= last]
    if not days or days[-1] < last:
        days.append(last)
    return days


def check_cycle(every: object) -> int:
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= LONGEST_CYCLE:
        raise InvalidInput(
            f"The reporting cycle is a whole number of years from 1 to {LONGEST_CYCLE}.",
            field="every",
        )
    return every


def targets_template(
    session: Session, *, actor: User, network_id: int, every: int = DEFAULT_EVERY
) -> bytes:
    """The .xlsx reporting template of the network's targets that ``actor`` may measure."""
    every = check_cycle(every)
    network = get(session, Network, network_id, label="network")
    rows = target_service.measurable_targets(session, actor=actor, network_id=network_id)
    days = reporting_dates(rows, every)
    history = target_service.target_histories(
        session, actor=actor, target_ids=[r.id for r in rows], include_withdrawn=False
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    header = [TARGET_ID, *ABOUT, *(d.strftime(DATE_HEADER) for d in days), SOURCE, OTHER]
    first_day = 2 + len(ABOUT)  # the column of the first reporting date
    sheet.cell(row=1, column=1, value=INSTRUCTIONS).alignment = Alignment(
        wrap_text=True, vertical="top"
    )
    # Over the columns the first printed page shows: the instructions read whole there.
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ABOUT) - 3)
    sheet.row_dimensions[1].height = 62
    for column, name in enumerate(header, start=1):
        cell = put(sheet, 2, column, name)
        cell.font, cell.fill = Font(name="Calibri", size=11, bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, row in enumerate(rows, start=3):
        stored = {m.measured_on: m for m in history[row.id]}
        about = (row.owner, row.theme or "", row.title, row.indicator, row.unit, row.direction)
        about += (row.baseline_value, row.baseline_year, row.target_value, row.deadline)
        for column, value in enumerate((row.id, *about), start=1):
            put(sheet, n, column, value)
        for offset, day in enumerate(days):
            cell = sheet.cell(row=n, column=first_day + offset)
            if day in stored:
                cell.value = stored[day].value
                cell.fill = STORED_FILL
            elif day <= rules.path_start(row.baseline_year) or day > row.deadline:
                cell.fill = OUTSIDE_FILL
        others = [m for m in history[row.id] if m.measured_on not in days]
        put(sheet, n, len(header), _others(others, row.unit))
    _shape(sheet, header, len(rows), first_day, len(days))
    print_ready(
        sheet,
        network=network.name,
        about=f"Targets reporting, every {every} years",
        title_rows="2:2",
    )
    # A form to fill in prints at its own size, page after page across, each page with
    # the targets' ids and names, rather than shrunk to one unreadable page wide.
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = 70
    sheet.print_title_cols = "A:D"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _others(found: list[MeasurementRow], unit: str) -> str:
    """'58,000 t CO2 on 30 Jun 2023; ...': values measured between reporting dates."""
    return "; ".join(
        f"{m.value:,.10g} {unit}".strip() + f" on {m.measured_on:%d %b %Y}" for m in found
    )


def _shape(sheet, header: list[str], count: int, first_day: int, days: int) -> None:
    """Widths, frozen ids and names, number formats and the check that values are numbers."""
    widths = {TARGET_ID: 9, "Owner": 14, "Theme": 14, "Target": 30, "Indicator": 24}
    widths |= {SOURCE: 24, OTHER: 30}
    for column, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(name, 12)
    wrapped, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for row in sheet.iter_rows(min_row=3, max_row=count + 2):
        tallest = 1
        for cell, name in zip(row, header, strict=False):
            cell.alignment = wrapped if isinstance(cell.value, str) else top
            if isinstance(cell.value, str):
                tallest = max(tallest, layout.lines(cell.value, widths.get(name, 12)))
        if tallest > 1:
            sheet.row_dimensions[row[0].row].height = layout.LINE_POINTS * tallest
    sheet.freeze_panes = sheet.cell(row=3, column=first_day)
    last = max(count, 1) + 2
    deadline = header.index("Deadline") + 1
    for (cell,) in sheet.iter_rows(min_row=3, max_row=last, min_col=deadline, max_col=deadline):
        cell.number_format = DATE_FORMAT
    if not days:
        return
    cells = f"{get_column_letter(first_day)}3:{get_column_letter(first_day + days - 1)}{last}"
    rule = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="A number",
        error="Type the value measured, as a number in the target's unit.",
    )
    rule.add(cells)
    sheet.add_data_validation(rule)
