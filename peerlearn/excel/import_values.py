"""Reading the cells of an imported spreadsheet: headers, text, dates, numbers, choices.

Real files are typed by people in Excel or LibreOffice: headers differ in case, accents
and punctuation, text has stray and non-breaking spaces, dates arrive as real dates, as
ISO text or as European text ("31.12.2024"), and decimals may use a comma.
"""

from __future__ import annotations

import calendar
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from peerlearn.errors import InvalidInput
from peerlearn.inputs import TwoReadings, plain_number
from peerlearn.names import DASHES, strip_accents

# What Excel writes into a cell whose formula failed.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel day numbers of 1 Jan 1950 and 31 Dec 2099: a bare number outside is no date.
_SERIAL_RANGE = (18264, 73050)
# 2024-12-31, also with a time of day (a datetime typed or exported as text).
# Text shaped like a day, month and year in any order: 31/02/2024, 2024-02-31, 2.31.24.
_DATE_SHAPE = re.compile(r"\d{1,4}\s*([./-])\s*\d{1,2}\s*\1\s*\d{1,4}\.?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def header_key(text: object) -> str:
    """A header reduced to lower-case ASCII words: 'Due-Date (dd.mm.yyyy) *' -> 'due date'."""
    value = re.sub(r"\(.*?\)|\[.*?\]", " ", str(text or ""))
    value = strip_accents(value).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", value))


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def cell_text(value: object, *, multiline: bool = False) -> str:
    """The cell as clean text: NFC, stripped; one-line text has its spaces collapsed."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed as a name: 2024, not 2024.0
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ").strip()
    if text in EXCEL_ERRORS:
        raise InvalidInput(f"The cell holds the Excel error {text}; fix the formula or type it.")
    if multiline:
        lines = [" ".join(line.split()) for line in text.splitlines()]
        return "\n".join(lines).strip()
    return " ".join(text.split())


def _day(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"'{raw}' is not a date in the calendar.") from None


def cell_date(value: object) -> date | None:
    """A date from a real date cell, an ISO or European text date, or an Excel day number.

    Text: 2024-12-31, 31.12.2024, 31/12/2024, 31-12-2024, 31.12.24 (day first, as in
    Europe), and 12/2024 (a month: its last day, as a deadline "12/2024" means).
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1] and float(value).is_integer():
            return (_EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise InvalidInput(f"{value!r} is a number, not a date; write it like 31.12.2024.")
    text = cell_text(value)
    iso = _ISO.fullmatch(text)
    if iso:
        return _day(int(iso[1]), int(iso[2]), int(iso[3]), value)
    european = re.fullmatch(r"(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})\.?", text)
    if european:
        year = int(european[4])
        year += 2000 if year < 100 else 0
        return _day(year, int(european[3]), int(european[1]), value)
    month = re.fullmatch(r"(\d{1,2})\s*[./-]\s*(\d{4})", text)
    if month and 1 <= int(month[1]) <= 12:
        year, number = int(month[2]), int(month[1])
        return date(year, number, calendar.monthrange(year, number)[1])
    raise InvalidInput(
        f"'{text}' is not a date; write it like 31.12.2024 or 2024-12-31, "
        "or format the cell as a date."
    )


def impossible_date(value: object) -> bool:
    """True for text written like a date that is not in the calendar (31.02.2024)."""
    if not isinstance(value, str) or not _DATE_SHAPE.fullmatch(value.strip()):
        return False
    try:
        cell_date(value)
    except InvalidInput:
        return True
    return False


def cell_number(value: object, *, thousands: bool = False) -> float | None:
    """A number from a number cell or from text, with a decimal point or comma
    (``thousands``: an amount, where "57,000" reads two ways and is asked about)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{value!r} is not a number.")
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise InvalidInput(f"'{value}' is not a number; write it like 43.46.")
        return number
    text = cell_text(value).replace("°", "").translate(DASHES)
    try:
        return plain_number(text, label="The number", thousands=thousands)
    except TwoReadings as error:
        raise InvalidInput(str(error)) from None
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number; write it like 43.46.") from None


def cell_amount(value: object) -> float | None:
    """A measured amount: :func:`cell_number` with thousands grouped."""
    return cell_number(value, thousands=True)


def cell_choice(
    value: object, allowed: Iterable[str], *, synonyms: Mapping[str, str] | None = None
) -> str | None:
    """One of ``allowed`` (or a synonym of one), matched ignoring case, '_' and '-'."""
    if is_blank(value):
        return None
    allowed = list(allowed)
    wanted = header_key(value)
    for option in allowed:
        if header_key(option) == wanted:
            return str(option)
    for word, option in (synonyms or {}).items():
        if header_key(word) == wanted:
            return str(option)
    raise InvalidInput(f"'{cell_text(value)}' is not one of: {', '.join(allowed)}.")
