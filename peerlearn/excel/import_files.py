"""Opening an uploaded file as a table of rows, refusing what is not a spreadsheet.

Uploads come from anyone with an account, so the checks come before the work: the size
before parsing, the unpacked size of an .xlsx before openpyxl opens it (a zip bomb
unpacks to gigabytes), and the number of rows while reading (a sheet may claim a
million rows). .xlsx is read with openpyxl in read-only mode with cached values only,
so no formula runs and memory stays flat. CSV is decoded as UTF-8 (with or without a
BOM), else in the code page detected (import_encoding), or in the one the coordinator
chose; its delimiter is guessed among comma, semicolon and tab.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from peerlearn.errors import InvalidInput
from peerlearn.excel.import_encoding import decode, encoding_label
from peerlearn.excel.import_values import header_key, is_blank

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_UNPACKED = 50 * 1024 * 1024
# Blank rows are cheap but not free: stop a sheet padded to a million rows early.
MAX_SCANNED_ROWS = 10 * MAX_ROWS
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SAVE_AS = "Save it as an Excel workbook (.xlsx) or as CSV and import that."


@dataclass
class Table:
    """The non-empty rows of one sheet, numbered as the spreadsheet shows them."""

    rows: list[tuple[int, tuple[object, ...]]]
    source: str
    notes: list[str] = field(default_factory=list)
    # The codec a CSV file was read with; None for a workbook.
    encoding: str | None = None


def _refuse(filename: str, reason: str) -> InvalidInput:
    return InvalidInput(f"'{filename}' cannot be imported: {reason}", field="file")


def read_table(
    filename: str,
    content: bytes,
    *,
    sheet_names: Iterable[str] = (),
    encoding: str | None = None,
) -> Table:
    """The rows of ``content``; for a workbook, the sheet named like one of ``sheet_names``
    (else the first visible one). A CSV file is read in ``encoding`` when given, else in
    the one detected."""
    if not isinstance(content, bytes | bytearray) or not content.strip():
        raise _refuse(filename, "the file is empty.")
    if len(content) > MAX_BYTES:
        raise _refuse(
            filename,
            f"it is {len(content) / 1024 / 1024:.1f} MB and at most "
            f"{MAX_BYTES // 1024 // 1024} MB can be imported. Split it into smaller files.",
        )
    content = bytes(content)
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(filename, content, [header_key(n) for n in sheet_names])
    if head.startswith(b"%PDF"):
        raise _refuse(filename, f"it is a PDF document, not a spreadsheet. {_SAVE_AS}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(filename, f"it is in the old Excel 97-2003 format (.xls). {_SAVE_AS}")
    # Whatever its name says (tools save CSV as .xls, people rename files): text is CSV.
    return _read_csv(filename, content, encoding)


# --- xlsx ---------------------------------------------------------------------------


def _check_archive(filename: str, content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _refuse(filename, f"it is a damaged zip file, not a workbook. {_SAVE_AS}") from None
    if b"opendocument.spreadsheet" in mimetype:
        raise _refuse(filename, f"it is an OpenDocument spreadsheet (.ods). {_SAVE_AS}")
    if "xl/workbook.xml" not in names:
        kind = "a Word document" if "word/document.xml" in names else "a zip file"
        raise _refuse(filename, f"it is {kind}, not an Excel workbook. {_SAVE_AS}")
    # The sizes a zip declares are enforced while reading it, so their sum bounds the work.
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise _refuse(
            filename,
            f"it unpacks to more than {MAX_UNPACKED // 1024 // 1024} MB. Import the data "
            "without images, pivot caches or other sheets, or as CSV.",
        )


def _pick_sheet(workbook, wanted: list[str]):
    sheets = list(workbook.worksheets)
    for sheet in sheets:
        if header_key(sheet.title) in wanted:
            return sheet
    visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"]
    return (visible or sheets)[0]


def _read_xlsx(filename: str, content: bytes, wanted: list[str]) -> Table:
    import openpyxl

    _check_archive(filename, content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise _refuse(
            filename, f"it could not be read as an Excel workbook ({error}). {_SAVE_AS}"
        ) from None
    try:
        if not workbook.worksheets:
            raise _refuse(filename, "the workbook has no worksheet.")
        sheet = _pick_sheet(workbook, wanted)
        try:
            rows = _collect(filename, sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
        except InvalidInput:
            raise
        except Exception as error:  # broken XML inside a valid zip, bad cell types, ...
            raise _refuse(
                filename, f"the sheet '{sheet.title}' could not be read ({error})."
            ) from None
        notes = []
        if len(workbook.worksheets) > 1:
            notes.append(f"Read the sheet '{sheet.title}'; the other sheets were not used.")
        return Table(rows, f"sheet '{sheet.title}' of {filename}", notes)
    finally:
        workbook.close()


def _collect(filename: str, rows: Iterable[Iterable[object]]) -> list[tuple[int, tuple]]:
    """The non-empty rows with their numbers (from 1); refuses too many rows."""
    kept: list[tuple[int, tuple]] = []
    for number, values in enumerate(rows, start=1):
        if number > MAX_SCANNED_ROWS:
            raise _refuse(
                filename,
                f"the sheet goes on past row {MAX_SCANNED_ROWS:,}. Delete the rows below "
                "the data (also empty but formatted ones) and import again.",
            )
        cells = tuple(values)[:MAX_COLUMNS]
        if all(is_blank(cell) for cell in cells):
            continue
        kept.append((number, cells))
        # One header row is allowed on top of the data rows.
        if len(kept) > MAX_ROWS + 1:
            raise _refuse(
                filename,
                f"it has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} at a time.",
            )
    return kept


# --- csv ----------------------------------------------------------------------------


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    control = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or c == "\x7f")
    return "\x00" in sample or control > len(sample) / 200


def _sniff(text: str) -> str:
    """The delimiter that splits most sample records into the same number (>1) of cells."""
    lines = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if r)
        except csv.Error:
            continue
        width, times = counts.most_common(1)[0] if counts else (1, 0)
        score = (times, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(filename: str, content: bytes, encoding: str | None) -> Table:
    text, codec = decode(content, encoding)
    if _looks_binary(text):
        raise _refuse(
            filename, f"it holds binary data, not a table of text (CSV) or a workbook. {_SAVE_AS}"
        )
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _collect(filename, reader)
    except csv.Error as error:
        raise _refuse(
            filename, f"it is not a readable CSV file ({error}) near record {reader.line_num}."
        ) from None
    source = f"{filename} (CSV, {_DELIMITERS[delimiter]}-separated)"
    how = "as chosen" if encoding else "the encoding the file seems to be in"
    notes = [f"Read as {encoding_label(codec)}, {how}."]
    return Table(rows, source, notes, codec)
