"""Each sheet ready to print: A4 landscape, one page wide, its header row on
every page, and the network, the sheet and the page number in the page's header and
footer."""

from __future__ import annotations

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Excel refuses headers and footers longer than 255 characters, codes included.
LONGEST_NAME = 80


def print_ready(
    sheet: Worksheet, *, network: str, about: str = "", title_rows: str | None = "1:1"
) -> None:
    """A4 landscape fit to one page wide (as many pages down as it takes), like every
    sheet of the workbook, so that the printed bundle reads one way,
    with ``title_rows`` repeated at the top of every page; ``about`` (what the workbook
    sums up) at the foot of each page."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # no bound down the page: only the width is fit
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(
        left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25
    )
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddHeader.left.text = header_text(network)
    sheet.oddHeader.center.text = "&A"  # the sheet's name
    sheet.oddFooter.left.text = header_text(about)
    sheet.oddFooter.right.text = "Page &P of &N"


def header_text(text: str) -> str:
    """``text`` as a header shows it: "&" starts a code there, "&&" is an ampersand."""
    short = text if len(text) <= LONGEST_NAME else text[: LONGEST_NAME - 1] + "…"
    return short.replace("&", "&&")
