"""Importing cities, tandems, milestones, challenges and measurements from .xlsx or .csv
files.

``preview_import`` reads the file and says what would happen: the rows to add, the rows
to update (with each change), the unchanged rows and every problem (row as the
spreadsheet numbers it, column, reason). ``apply_import`` writes all of it in one
transaction, and only when there is no problem; it reads the file again, so a preview
that went stale (someone changed the data meanwhile) is refused rather than half
applied. Rows match stored rows on natural keys, so importing a file twice changes
nothing the second time. ``template`` gives an empty file with the expected columns.

The ``peerlearn`` command is trusted and passes ``system=True`` (as for accounts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.excel import import_measurements as measurement_kinds
from peerlearn.excel import import_network as network_kinds
from peerlearn.excel import import_tandem_work as work_kinds
from peerlearn.excel.import_files import Table, read_table
from peerlearn.excel.import_rows import (
    NEW,
    Choice,
    Column,
    Context,
    ImportRow,
    Problem,
    read_rows,
)
from peerlearn.excel.import_templates import build_template
from peerlearn.models import Network, User, UserRole
from peerlearn.services.permissions import STAFF, require_role
from peerlearn.services.store import commit, get_active, one_transaction

__all__ = [
    "KINDS",
    "NEW",
    "Choice",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "Problem",
    "apply_import",
    "preview_import",
    "template",
]


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    what: str
    columns: tuple[Column, ...]
    roles: tuple[str, ...]
    plan: Callable[[Context, list], None]
    write: Callable[[Context], None]
    # A file laid out otherwise (the targets reporting template) read as the list it is.
    reshape: Callable[[Table], Table] = lambda table: table
    # False: the trusted command line imports it as a coordinator with no account rather
    # than as the system (the services that write it ask who enters each row).
    by_system: bool = True


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "cities",
            "Cities",
            "city",
            network_kinds.CITY_COLUMNS,
            (UserRole.COORDINATOR,),
            network_kinds.plan_cities,
            network_kinds.write_cities,
        ),
        Kind(
            "tandems",
            "Tandems",
            "tandem",
            network_kinds.TANDEM_COLUMNS,
            (UserRole.COORDINATOR,),
            network_kinds.plan_tandems,
            network_kinds.write_tandems,
        ),
        Kind(
            "milestones",
            "Milestones",
            "milestone",
            work_kinds.MILESTONE_COLUMNS,
            # Facilitators read roadmaps; the tandem and the coordinator write them.
            (UserRole.COORDINATOR, UserRole.TANDEM),
            work_kinds.plan_milestones,
            work_kinds.write_milestones,
        ),
        Kind(
            "challenges",
            "Challenges",
            "challenge",
            work_kinds.CHALLENGE_COLUMNS,
            (*STAFF, UserRole.TANDEM),
            work_kinds.plan_challenges,
            work_kinds.write_challenges,
        ),
        Kind(
            "measurements",
            "Measurements",
            "measurement",
            measurement_kinds.MEASUREMENT_COLUMNS,
            # Tandem members import their own cities' values (each row is checked).
            (UserRole.COORDINATOR, UserRole.TANDEM),
            measurement_kinds.plan_measurements,
            measurement_kinds.write_measurements,
            reshape=measurement_kinds.long_form,
            by_system=False,
        ),
    )
}


@dataclass
class ImportPreview:
    """What importing the file would do; nothing is written until ``apply_import``."""

    kind: str
    filename: str
    network_id: int | None
    source: str
    adds: list[ImportRow]
    updates: list[ImportRow]
    unchanged: list[ImportRow]
    problems: list[Problem]
    notes: list[str]
    content: bytes = field(repr=False)
    # The codec a CSV file was read with (None for a workbook), kept so the import
    # reads the file as the preview did.
    encoding: str | None = None
    # How many rows the file holds below its header.
    rows: int = 0
    # Rows near a stored city, and what was decided for each (row → city id or NEW).
    choices: list[Choice] = field(default_factory=list)
    decisions: dict[int, int | str] = field(default_factory=dict)

    @property
    def undecided(self) -> list[Choice]:
        return [c for c in self.choices if c.chosen is None]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.undecided

    @property
    def changes(self) -> int:
        return len(self.adds) + len(self.updates)

    def summary(self) -> str:
        """One sentence: '3 to add, 1 to update, 10 unchanged, 2 problems.'"""
        parts = [
            f"{len(self.adds)} to add",
            f"{len(self.updates)} to update",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.problems:
            parts.append(f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}")
        return ", ".join(parts) + "."

    def signature(self) -> tuple:
        """What the import would write, to tell whether a preview is still current."""
        return tuple(
            (r.row, r.target_id, repr(sorted(r.changes.items()) or sorted(r.values.items())))
            for r in (*self.adds, *self.updates)
        )


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise InvalidInput(
            f"There is no import of '{kind}'; choose one of: {', '.join(KINDS)}.", field="kind"
        )
    return KINDS[kind]


def _prepare(
    session: Session,
    *,
    actor: User | None,
    kind: str,
    filename: str,
    content: bytes,
    network_id: int | None,
    system: bool,
    decisions: Mapping[int, int | str] | None = None,
    encoding: str | None = None,
) -> tuple[ImportPreview, Context]:
    spec = _kind(kind)
    if not system:
        require_role(actor, *spec.roles)
    network = None
    if network_id is not None:
        network = get_active(session, Network, network_id, label="network")
    filename = (filename or "the file").strip() or "the file"
    table = read_table(
        filename, content, sheet_names=(spec.name, spec.title, spec.what), encoding=encoding
    )
    table = spec.reshape(table)
    rows, headers, notes, problems = read_rows(table, spec.columns, spec.name)
    # The rows left out for cells beyond the header are problems of no column.
    read = len(rows) + sum(1 for p in problems if p.column is None)
    context = Context(
        session=session,
        actor=actor,
        system=system,
        network=network,
        columns={c.field: c for c in spec.columns},
        headers=headers,
        problems=problems,
        notes=notes,
        decisions=dict(decisions or {}),
    )
    if not rows and not problems:
        context.notes.append("The file has a header but no rows.")
    spec.plan(context, rows)
    preview = ImportPreview(
        kind=spec.name,
        filename=filename,
        network_id=network_id,
        source=table.source,
        adds=context.adds,
        updates=context.updates,
        unchanged=context.unchanged,
        problems=sorted(context.problems, key=lambda p: p.row or 0),
        notes=context.notes,
        content=bytes(content),
        choices=context.choices,
        decisions=dict(context.decisions),
        encoding=table.encoding,
        rows=read,
    )
    return preview, context


def preview_import(
    session: Session,
    *,
    actor: User | None,
    kind: str,
    filename: str,
    content: bytes,
    network_id: int | None = None,
    system: bool = False,
    decisions: Mapping[int, int | str] | None = None,
    encoding: str | None = None,
) -> ImportPreview:
    """Read ``content`` (an .xlsx or .csv file) as rows of ``kind`` and plan the import.

    A file that cannot be read at all (not a spreadsheet, too large, no header, a
    required column missing) raises InvalidInput; problems of single rows are listed
    in the preview. ``network_id`` is the network the rows are for (for cities: the
    network they become members of). ``encoding`` reads a CSV file in that encoding
    (e.g. 'cp1250') instead of the one detected. A city near a stored one but not
    spelled as it is a choice of the preview; ``decisions`` says, by row, which stored
    city it is or that it is a new one (:data:`NEW`). Nothing is imported while a
    choice waits.
    """
    preview, _ = _prepare(
        session,
        actor=actor,
        kind=kind,
        filename=filename,
        content=content,
        network_id=network_id,
        system=system,
        decisions=decisions,
        encoding=encoding,
    )
    return preview


def _problems_message(problems: list[Problem], limit: int = 20) -> str:
    listed = " ".join(f"{p}" for p in problems[:limit])
    more = f" ... and {len(problems) - limit} more." if len(problems) > limit else ""
    return f"Nothing was imported: fix these {len(problems)} problem(s) first. {listed}{more}"


def _undecided_message(choices: list[Choice]) -> str:
    rows = ", ".join(str(c.row) for c in choices)
    return (
        f"Nothing was imported: say for row(s) {rows} whether the city is the stored one "
        "suggested or a new one."
    )


def apply_import(
    session: Session, *, actor: User | None, preview: ImportPreview, system: bool = False
) -> ImportResult:
    """Write what ``preview`` showed, in one transaction; InvalidInput if it has problems,
    Conflict if the data changed since (preview again)."""
    if preview.problems:
        raise InvalidInput(_problems_message(preview.problems), field="file")
    if preview.undecided:
        raise InvalidInput(_undecided_message(preview.undecided), field="file")
    fresh, context = _prepare(
        session,
        actor=actor,
        kind=preview.kind,
        filename=preview.filename,
        content=preview.content,
        network_id=preview.network_id,
        system=system,
        decisions=preview.decisions,
        encoding=preview.encoding,
    )
    if fresh.problems:
        raise InvalidInput(_problems_message(fresh.problems), field="file")
    if fresh.undecided:
        raise InvalidInput(_undecided_message(fresh.undecided), field="file")
    if fresh.signature() != preview.signature():
        raise Conflict(
            "The stored data changed since this preview; nothing was imported. "
            "Preview the file again and check the changes."
        )
    if fresh.changes:
        # Every row through the public services, as the importing person: their checks
        # are the import's too, and one_transaction stores all rows or none.
        with one_transaction(session):
            _kind(preview.kind).write(context)
            commit(
                session,
                conflict="Someone changed the same data at the same moment; nothing was "
                "imported. Preview the file again.",
            )
    return ImportResult(len(fresh.adds), len(fresh.updates), len(fresh.unchanged))


def template(kind: str, fmt: str = "xlsx") -> bytes:
    """An empty import file for ``kind``: the header row (and, in .xlsx, a sheet that
    explains each column)."""
    spec = _kind(kind)
    if fmt not in ("xlsx", "csv"):
        raise InvalidInput(f"A template is an xlsx or a csv file, not '{fmt}'.", field="fmt")
    return build_template(spec.title, spec.columns, fmt)
