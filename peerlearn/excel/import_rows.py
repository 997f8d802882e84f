"""What every kind of import shares: columns, header matching, rows read cell by cell
with every problem collected, lookups of names, and the planned rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from openpyxl.utils import get_column_letter
from sqlmodel import Session

from peerlearn.errors import InvalidInput, PeerlearnError
from peerlearn.excel.import_encoding import garbled
from peerlearn.excel.import_files import Table
from peerlearn.excel.import_values import cell_text, header_key, impossible_date, is_blank
from peerlearn.models import City, Network, User
from peerlearn.names import loose_key, name_key
from peerlearn.places import Suggestion, city_key, fold, suggestions
from peerlearn.services.text import clean_text

T = TypeVar("T")
# How many rows from the top may come before the header (a title, a blank line, ...).
_HEADER_SEARCH = 10


@dataclass(frozen=True)
class Column:
    """A column of an import: its field, its template header, and the headers it also
    answers to."""

    field: str
    header: str
    help: str
    example: str = ""
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.field, *self.synonyms)}


@dataclass(frozen=True)
class Problem:
    """A reason a row (numbered as the spreadsheet shows it) cannot be imported."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"Row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass
class ImportRow:
    """A row that adds or updates something (or would change nothing).

    ``values`` shows the row's values by column header; ``changes`` the fields an
    update changes, as (stored, in the file). ``write`` holds the resolved values
    (ids, dates) the import writes.
    """

    row: int
    label: str
    values: dict[str, object] = field(default_factory=dict)
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)
    target_id: int | None = None
    write: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


# What a person decides for a row near a stored city: that city's id, or a new city.
NEW = "new"


@dataclass
class Choice:
    """A row whose city may be a stored one spelled otherwise: the person decides."""

    row: int
    label: str
    options: list[Suggestion]
    chosen: int | str | None = None


@dataclass
class SourceRow:
    number: int
    cells: dict[str, object]


@dataclass
class Context:
    """One preview in the making: the session, who imports, and what was found."""

    session: Session
    actor: User | None
    system: bool
    network: Network | None
    columns: dict[str, Column]
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    adds: list[ImportRow] = field(default_factory=list)
    updates: list[ImportRow] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    # Row number → a stored city's id or NEW, for the rows near a stored city.
    decisions: dict[int, int | str] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    _seen: dict[tuple, int] = field(default_factory=dict)

    @property
    def who(self) -> dict[str, Any]:
        """The importing person (or the trusted command line), as the services take it."""
        return {"actor": self.actor, "system": self.system}

    def header(self, name: str) -> str:
        """The column's header as the file spells it (or as the template does)."""
        return self.headers.get(name) or self.columns[name].header

    def claim(self, check: RowCheck, key: tuple, name: str, what: str) -> bool:
        """False (and a problem) when an earlier row of the file has the same ``key``."""
        earlier = self._seen.setdefault(key, check.row.number)
        if earlier != check.row.number:
            check.fail(name, f"{what} is already in row {earlier}; each may appear once.")
            return False
        return True

    def record(self, item: ImportRow, changed: bool) -> None:
        if item.target_id is None:
            self.adds.append(item)
        elif changed:
            self.updates.append(item)
        else:
            self.unchanged.append(item)


@contextmanager
def writing(item: ImportRow) -> Iterator[None]:
    """A service refusing a row while the import writes (the data changed since the
    preview) names the row, as the preview would have; the import then stores nothing."""
    try:
        yield
    except PeerlearnError as error:
        raise type(error)(
            f"Row {item.row}: {error.message} Nothing was imported; preview the file again.",
            field=error.field,
        ) from error


class RowCheck:
    """Reads one row's cells; a bad cell becomes a problem and reading goes on."""

    def __init__(self, context: Context, row: SourceRow):
        self.context = context
        self.row = row
        self.ok = True

    def fail(self, name: str, reason: str) -> None:
        self.context.problems.append(Problem(self.row.number, self.context.header(name), reason))
        self.ok = False

    def given(self, name: str) -> bool:
        return not is_blank(self.row.cells.get(name))

    def read(self, name: str, parse: Callable[..., T], *args, **kwargs) -> T | None:
        """``parse(cell, *args)``; None (and a problem) when it raises InvalidInput."""
        return self.lookup(name, parse, self.row.cells.get(name), *args, **kwargs)

    def lookup(self, name: str, find: Callable[..., T], *args, **kwargs) -> T | None:
        """``find(*args)``; a problem in column ``name`` when it raises InvalidInput."""
        try:
            return find(*args, **kwargs)
        except InvalidInput as error:
            self.fail(name, error.message)
            return None

    def text(
        self,
        name: str,
        *,
        label: str,
        max_len: int,
        required: bool = False,
        multiline: bool = False,
    ) -> str:
        def parse(value: object) -> str:
            text = cell_text(value, multiline=multiline)
            return clean_text(text, label=label, max_len=max_len, required=required)

        return self.read(name, parse) or ""


# --- headers ------------------------------------------------------------------------


def _match(cells: Sequence[object], columns: Sequence[Column]) -> dict[int, Column]:
    found = {}
    for index, cell in enumerate(cells):
        key = header_key(cell) if isinstance(cell, str) else ""
        for column in columns:
            if key and key in column.names():
                found[index] = column
                break
    return found


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def read_rows(
    table: Table, columns: Sequence[Column], kind: str
) -> tuple[list[SourceRow], dict[str, str], list[str], list[Problem]]:
    """The data rows (by field), the file's header per field, notes, and the problems
    of the file's cells as read (cells beyond the header, text that looks mis-decoded).

    The header is the first of the top rows naming every required column (else the
    one naming most). Missing required columns, or two columns meaning the same,
    refuse the whole file: no row could be read right. A row with cells beyond the
    header is not read further: its cells may have shifted.
    """
    template_hint = f"Download the {kind} template to see the expected columns."
    top = table.rows[:_HEADER_SEARCH]
    matches = [_match(cells, columns) for _, cells in top]
    required = {c.field for c in columns if c.required}
    position = next(
        (i for i, m in enumerate(matches) if required <= {c.field for c in m.values()}),
        None,
    )
    if position is None:
        position = max(range(len(matches)), key=lambda i: len(matches[i]), default=None)
    if position is None or not matches[position]:
        expected = ", ".join(c.header for c in columns)
        raise InvalidInput(
            f"No header row was found: the first row should name the columns ({expected}). "
            + template_hint,
            field="file",
        )
    header_number, header_cells = top[position]
    mapping = matches[position]
    by_field: dict[str, int] = {}
    for index, column in sorted(mapping.items()):
        if column.field in by_field:
            first = by_field[column.field]
            raise InvalidInput(
                f"The columns '{header_cells[first]}' ({_letter(first)}) and "
                f"'{header_cells[index]}' ({_letter(index)}) both hold the "
                f"{column.header.lower()}; keep only one of them.",
                field="file",
            )
        by_field[column.field] = index
    missing = [c.header for c in columns if c.required and c.field not in by_field]
    if missing:
        raise InvalidInput(
            f"The column(s) {', '.join(repr(m) for m in missing)} are missing (the header is "
            f"row {header_number}). " + template_hint,
            field="file",
        )

    data = table.rows[position + 1 :]
    notes = list(table.notes)
    if position:
        notes.append(f"Rows above the header (row {header_number}) were skipped.")
    width = _width(header_cells)
    ignored = [
        f"'{cell_text(cell)}' ({_letter(i)})" if not is_blank(cell) else f"({_letter(i)})"
        for i, cell in enumerate(header_cells[:width])
        if i not in mapping and (not is_blank(cell) or any(_has(cells, i) for _, cells in data))
    ]
    if ignored:
        notes.append(f"These columns are not imported and were ignored: {', '.join(ignored)}.")
    notes.extend(_impossible_dates(header_cells[:width], mapping, data))
    headers = {name: cell_text(header_cells[index]) for name, index in by_field.items()}
    problems = [_beyond(number, cells, width) for number, cells in data]
    problems = [p for p in problems if p is not None]
    shifted = {p.row for p in problems}
    rows = [
        SourceRow(number, {name: _cell(cells, index) for name, index in by_field.items()})
        for number, cells in data
        if number not in shifted
    ]
    rows = [row for row in rows if any(not is_blank(v) for v in row.cells.values())]
    problems.extend(
        Problem(row.number, headers[name], reason)
        for row in rows
        for name, value in row.cells.items()
        if isinstance(value, str) and (reason := garbled(value))
    )
    return rows, headers, notes, problems


def _width(cells: Sequence[object]) -> int:
    """How many cells the header has, up to its last non-blank one."""
    return max((i + 1 for i, cell in enumerate(cells) if not is_blank(cell)), default=0)


def _beyond(number: int, cells: Sequence[object], width: int) -> Problem | None:
    """A problem when the row has cells beyond the header: they belong to no column,
    and the cells before them may have shifted too."""
    extra = [i for i in range(width, len(cells)) if not is_blank(cells[i])]
    if not extra:
        return None
    letters = ", ".join(f"({_letter(i)})" for i in extra)
    return Problem(
        number,
        None,
        f"This row has {extra[-1] + 1} cells but the header has {width}: {letters} "
        "belong to no column. A number with a decimal comma splits in two in a "
        "comma-separated file: write it with a point (45.76) or in quotes. If the cells "
        "are notes, give their column a header and they are ignored.",
    )


def _impossible_dates(
    header_cells: Sequence[object], mapping: dict[int, Column], data: list[tuple[int, tuple]]
) -> list[str]:
    """Warnings for the columns not imported that hold dates not in the calendar: a
    31/02/2024 or a 12/31/2024 says the file's dates may be written another way."""
    warnings = []
    for index, header in enumerate(header_cells):
        if index in mapping:
            continue
        found = [
            f"row {number} ('{cell_text(cells[index])}')"
            for number, cells in data
            if index < len(cells) and impossible_date(cells[index])
        ]
        if found:
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            name = f"'{cell_text(header)}' " if not is_blank(header) else ""
            warnings.append(
                f"The column {name}({_letter(index)}) is not imported, but it holds dates "
                f"that are not in the calendar: {', '.join(found[:5])}{more}. Check that the "
                "file's dates are written day first, as the imported ones are read."
            )
    return warnings


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _has(cells: Sequence[object], index: int) -> bool:
    return not is_blank(_cell(cells, index))


# --- lookups by name ----------------------------------------------------------------


def _listing(names: Iterable[str]) -> str:
    """' Known: a, b, c.' for a short list of names; nothing for none or many."""
    names = sorted(set(names), key=str.casefold)
    return f" Known: {', '.join(names)}." if 0 < len(names) <= 12 else ""


def find_named(text: str, rows: Sequence[T], *, what: str, name: str = "name") -> T:
    """The row of ``rows`` whose ``name`` matches ``text`` (ignoring case and spacing)."""
    found = [r for r in rows if name_key(getattr(r, name)) == name_key(text)]
    if len(found) == 1:
        row = found[0]
        if getattr(row, "archived_at", None) is not None:
            raise InvalidInput(f"The {what} '{getattr(row, name)}' is archived; restore it first.")
        return row
    if len(found) > 1:
        raise InvalidInput(f"Several {what}s are named '{text}'.")
    similar = [getattr(r, name) for r in rows if loose_key(getattr(r, name)) == loose_key(text)]
    if similar:
        raise InvalidInput(f"No {what} is named '{text}'; did you mean '{similar[0]}'?")
    active = [getattr(r, name) for r in rows if getattr(r, "archived_at", None) is None]
    raise InvalidInput(f"No {what} is named '{text}'.{_listing(active)}")


_WITH_COUNTRY = re.compile(r"^(.*?)\s*\(([^()]*)\)$")


def city_label(city: City) -> str:
    return f"{city.name} ({city.country})"


def find_city(text: str, cities: Sequence[City], *, outside: str) -> City:
    """The city of ``cities`` written as 'Name' or 'Name (Country)', spelled as
    :mod:`peerlearn.places` allows (accents, case and the country's language aside).

    ``outside`` completes the message for a city not among them, e.g. "a partner city of
    the tandem 'Arezzo–Arnsberg'".
    """
    named = _WITH_COUNTRY.match(text)
    city_name, country = (named[1], named[2]) if named else (text, None)
    found = [
        c
        for c in cities
        if fold(c.name) == fold(city_name)
        and (country is None or city_key(c.name, c.country) == city_key(city_name, country))
    ]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = " or ".join(f"'{city_label(c)}'" for c in found)
        raise InvalidInput(f"'{text}' could be {options}; write the country in brackets.")
    near = suggestions(city_name, country, cities)
    if near:
        meant = " or ".join(f"'{s.label}'" for s in near)
        raise InvalidInput(f"'{text}' is not {outside}; did you mean {meant}?")
    raise InvalidInput(f"'{text}' is not {outside}.{_listing(c.name for c in cities)}")


def split_cities(text: str) -> list[str]:
    """The cities of one cell: separated by ';', ',' or '+' (or line breaks)."""
    return [part.strip() for part in re.split(r"[;,+\n]", text) if part.strip()]


def shown(value: object) -> object:
    """A value as the preview shows it: None for blank."""
    if value is None or value == "":
        return None
    return value
