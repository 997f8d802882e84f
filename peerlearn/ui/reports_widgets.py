"""Helpers of the Export and Import screens.

The functions that shape data (file names, preview tables, sentences) make no Streamlit
calls, so unit tests cover them; the pages draw what they return.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlmodel import Session

from peerlearn.errors import InvalidInput
from peerlearn.excel.imports import KINDS, ImportPreview, ImportResult, ImportRow, Problem
from peerlearn.excel.summary import build_summary
from peerlearn.models import User

# One line per import kind, shown under the kind picker.
KIND_HELP = {
    "cities": "Cities with their country (and coordinates); each joins the chosen network "
    "with its role (member when blank).",
    "tandems": "Tandems of two or more member cities of the network, with theme and deadline.",
    "milestones": "Roadmap milestones of existing tandems: title, due date, owner city, status.",
    "challenges": "Challenges of existing tandems: text, city, category, theme, priority.",
    "measurements": "Values measured for existing targets: a list (Target id, or City and "
    "Target, with Date, Value, Source), or the targets reporting template filled in "
    "(from the Export page).",
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCOPES = {"network": "Whole network", "event": "One event", "tandem": "One tandem"}


def slug(text: str, *, limit: int = 40) -> str:
    """A file-name-safe form of ``text``: ASCII, lower case, words joined by '-'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:limit].rstrip("-") or "export"


def summary_filename(scope: str, name: str, day: date) -> str:
    """'peerlearn-event-cie-meeting-berlin-2026-11-23.xlsx'."""
    return f"peerlearn-{scope}-{slug(name)}-{day:%Y-%m-%d}.xlsx"


def calendar_filename(scope: str, name: str) -> str:
    return f"peerlearn-{scope}-{slug(name)}.ics"


def preview_key(
    kind: str, network_id: int | None, content: bytes, *, encoding: str | None = None
) -> str:
    """Identifies a preview: the same file for the same kind, network and chosen
    encoding gives the same key."""
    digest = hashlib.sha256(content).hexdigest()
    return f"{kind}:{network_id}:{digest}:{encoding or ''}"


def _shown(value: object) -> str:
    """A cell as text (tables mix numbers, dates and text in one column)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def adds_frame(rows: list[ImportRow]) -> pd.DataFrame:
    """Rows to add (or unchanged rows): the row number and each value by column."""
    columns: list[str] = []
    for item in rows:
        columns.extend(c for c in item.values if c not in columns)
    return pd.DataFrame(
        [{"Row": item.row, **{c: _shown(item.values.get(c)) for c in columns}} for item in rows],
        columns=["Row", *columns],
    )


def updates_frame(rows: list[ImportRow]) -> pd.DataFrame:
    """Rows to update: one line per changed field, stored value and value in the file."""
    return pd.DataFrame(
        [
            {
                "Row": item.row,
                "Updates": item.label,
                "Column": column,
                "Now": _shown(old),
                "In the file": _shown(new),
            }
            for item in rows
            for column, (old, new) in item.changes.items()
        ],
        columns=["Row", "Updates", "Column", "Now", "In the file"],
    )


def problems_frame(preview: ImportPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Row": problem.row,
                "Column": problem.column or "",
                "Reason": problem.reason,
            }
            for problem in preview.problems
        ],
        columns=["Row", "Column", "Reason"],
    ).astype({"Row": "Int64"})  # a problem of the whole file has no row


# What a spreadsheet reads as the start of a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def problems_csv(problems: list[Problem]) -> bytes:
    """The problems as a CSV list (row, column, reason) to fix the file by; UTF-8 with
    a BOM so Excel keeps accents, and no cell that a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Row", "Column", "Reason"])
    for problem in problems:
        writer.writerow([_as_text(problem.row), _as_text(problem.column), _as_text(problem.reason)])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class PreviewCounts:
    adds: int
    updates: int
    unchanged: int
    problems: int

    @property
    def changes(self) -> int:
        return self.adds + self.updates


def counts(preview: ImportPreview) -> PreviewCounts:
    return PreviewCounts(
        len(preview.adds), len(preview.updates), len(preview.unchanged), len(preview.problems)
    )


def import_label(preview: ImportPreview) -> str:
    """The import button's label: 'Import 3 rows', or why there is nothing to import."""
    n = preview.changes
    if preview.problems:
        return f"Import {n} row{'s' if n != 1 else ''} (fix the problems first)"
    if preview.undecided:
        return "Import (say first which city each suggested row means)"
    if not n:
        return "Nothing to import"
    return f"Import {n} row{'s' if n != 1 else ''}"


def result_sentence(kind: str, filename: str, result: ImportResult) -> str:
    """'Imported cities.csv: 2 cities added, 1 updated, 4 unchanged.'"""
    what = kind if result.added != 1 else KINDS[kind].what
    return (
        f"Imported {filename}: {result.added} {what} added, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


def scopes_for(role: str) -> list[str]:
    """What each role may export, as the summary service allows it: coordinators
    anything, facilitators a network or an event, tandem members their own tandem."""
    return {"facilitator": ["network", "event"], "tandem": ["tandem"]}.get(role, list(SCOPES))


def summary_for(session: Session, *, actor: User, scope: str, target_id: int) -> bytes:
    """The Excel summary of one network, event or tandem (``scope``)."""
    if scope not in SCOPES:
        raise InvalidInput(f"Export a network, an event or a tandem, not '{scope}'.")
    return build_summary(session, actor=actor, **{f"{scope}_id": target_id})
