"""Importing measured values of targets: a long list (one value a row: Target id, or
City and Target, Date, Value, Source) or the filled targets reporting template (one
target a row, one reporting date a column), read as the long list it stands for.

A value already stored for that target and day is "unchanged"; a different one stored
for that day is a problem (a measurement is never changed: it is withdrawn on the
Targets page and entered again). Everything is written through
``services.targets.add_measurements``, all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from sqlmodel import select

from peerlearn import rules
from peerlearn.errors import InvalidInput, PeerlearnError
from peerlearn.excel.import_files import Table
from peerlearn.excel.import_network import NETWORK, row_network
from peerlearn.excel.import_rows import Column, Context, ImportRow, RowCheck, SourceRow
from peerlearn.excel.import_values import (
    cell_amount,
    cell_date,
    cell_number,
    cell_text,
    header_key,
    is_blank,
)
from peerlearn.models import NAME_MAX, TITLE_MAX, City, Network
from peerlearn.models_targets import Measurement, MeasurementCreate, Target
from peerlearn.names import name_key
from peerlearn.places import fold
from peerlearn.services import targets as target_service

THE_NETWORK = "The network"

MEASUREMENT_COLUMNS = (
    NETWORK,
    Column(
        "target_id",
        "Target id",
        "The target's number, as the reporting template gives it; or fill in City and Target.",
        "12",
        ("id", "target number", "target no"),
    ),
    Column(
        "city",
        "City",
        f"The city whose target it is ('{THE_NETWORK}' or blank for a shared goal).",
        "Munich",
        ("owner", "city name", "owner city"),
    ),
    Column(
        "target",
        "Target",
        "The target's title, as stored; with the City when there is no Target id.",
        "Cut CO2 emissions by 20 %",
        ("target title", "title"),
    ),
    Column(
        "measured_on",
        "Date",
        "The day the value was measured (31.12.2024 or 2024-12-31); not in the future.",
        "31.12.2024",
        ("measured on", "day", "date measured"),
        required=True,
    ),
    Column(
        "value",
        "Value",
        "The value measured, a number in the target's unit (a decimal comma works too).",
        "56400",
        ("measured value", "measurement"),
        required=True,
    ),
    Column("source", "Source", "Where the value comes from.", "Energy report 2024", ("from",)),
)
_LONG_HEADER = ("Target id", "Target", "Date", "Value", "Source")


# --- the reporting template, read as a long list ----------------------------------------


def _reporting_day(value: object) -> date | None:
    """The date a template column stands for: a date cell, or text like '31 Dec 2024'."""
    if isinstance(value, datetime | date):
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, str) or not re.search(r"\d{4}", value):
        return None
    try:
        return cell_date(value)
    except InvalidInput:
        pass
    try:
        return datetime.strptime(" ".join(value.split()), "%d %b %Y").date()
    except ValueError:
        return None


def _template_header(table: Table) -> tuple[int, list[str], dict[int, date]] | None:
    """(position, header keys, reporting date by column) of a template's header row."""
    for position, (_, cells) in enumerate(table.rows[:10]):
        keys = [header_key(c) if isinstance(c, str) else "" for c in cells]
        days = {i: d for i, c in enumerate(cells) if (d := _reporting_day(c)) is not None}
        if "target id" in keys and days:
            return position, keys, days
    return None


def long_form(table: Table) -> Table:
    """The table itself, or, for a reporting template (a 'Target id' column and columns
    headed by dates), one row per value filled in, numbered as the template's row."""
    found = _template_header(table)
    if found is None:
        return table
    position, keys, days = found
    header_number, _ = table.rows[position]
    ident = keys.index("target id")
    title = keys.index("target") if "target" in keys else None
    source = keys.index("source") if "source" in keys else None
    rows: list[tuple[int, tuple[object, ...]]] = [(header_number, _LONG_HEADER)]
    for number, cells in table.rows[position + 1 :]:

        def cell(index: int | None, cells=cells) -> object:
            return cells[index] if index is not None and index < len(cells) else None

        for index, day in days.items():
            if not is_blank(cell(index)):
                rows.append((number, (cell(ident), cell(title), day, cell(index), cell(source))))
    note = "Read as the targets reporting template: each value filled in for a target and date."
    return Table(rows, table.source, [*table.notes, note], table.encoding)


# --- planning ----------------------------------------------------------------------


class _Targets:
    """The targets a row may name, their owners and their stored values, read once."""

    def __init__(self, context: Context):
        session = context.session
        statement = select(Target, City.name).outerjoin(City, City.id == Target.city_id)
        if context.network is not None:
            statement = statement.where(Target.network_id == context.network.id)
        self.rows = list(session.exec(statement))
        self.owner = {t.id: city or THE_NETWORK for t, city in self.rows}
        self.by_id = {t.id: t for t, _ in self.rows}
        ids = list(self.by_id)
        self.stored: dict[tuple[int, date], float] = {}
        if ids:
            for target_id, day, value in session.exec(
                select(Measurement.target_id, Measurement.measured_on, Measurement.value).where(
                    Measurement.target_id.in_(ids), Measurement.archived_at.is_(None)
                )
            ):
                self.stored[(target_id, day)] = value
        self.networks = list(session.exec(select(Network)))

    def find(self, context: Context, check: RowCheck) -> Target | None:
        network = None
        if context.network is not None or check.given("network"):
            network = row_network(context, check, self.networks)
            if network is None:
                return None
        target = self._named(check, network)
        if target is None:
            return None
        if target.archived_at is not None:
            check.fail("target", f"The target '{target.title}' is archived; restore it first.")
            return None
        return target

    def _named(self, check: RowCheck, network: Network | None) -> Target | None:
        scope = [t for t, _ in self.rows if network is None or t.network_id == network.id]
        if check.given("target_id"):
            number = check.read("target_id", cell_number)
            found = [t for t in scope if number is not None and t.id == number]
            if number is not None and not found:
                check.fail("target_id", f"No target has the id {cell_text(number)}.")
            return found[0] if found else None
        title = check.text("target", label="The target", max_len=TITLE_MAX)
        city = check.text("city", label="The city", max_len=NAME_MAX)
        if not title:
            check.fail("target", "Give the Target id, or the City and the Target's title.")
            return None
        owner = "" if fold(city) == fold(THE_NETWORK) else city
        found = [
            t
            for t in scope
            if name_key(t.title) == name_key(title)
            and fold(self.owner[t.id] if t.city_id else "") == fold(owner)
        ]
        whose = f"{owner}'s" if owner else "the network's"
        if not found:
            check.fail("target", f"No target of {whose} is named '{title}'.")
            return None
        if len(found) > 1:
            check.fail("target", f"Several targets of {whose} are named '{title}'; use the id.")
            return None
        return found[0]


def plan_measurements(context: Context, rows: list[SourceRow], today: date | None = None) -> None:
    known = _Targets(context)
    today = today or date.today()
    h = context.header
    for row in rows:
        check = RowCheck(context, row)
        target = known.find(context, check)
        day = check.read("measured_on", cell_date)
        value = check.read("value", cell_amount)
        if value is None and day is not None and not check.ok:
            # A template's row holds values of several dates: say which one is wrong.
            last = context.problems[-1]
            context.problems[-1] = replace(last, reason=f"{last.reason} ({day:%d %b %Y})")
        source = check.text("source", label="The source", max_len=TITLE_MAX)
        if day is None and check.ok:
            check.fail("measured_on", "Give the day the value was measured.")
        if value is None and check.ok:
            check.fail("value", "Give the value measured, as a number.")
        if target is None or not check.ok:
            continue
        owner = known.owner[target.id]
        when = f"{day:%d %b %Y}"
        if (
            not context.system
            and context.actor is not None
            and not target_service.may_measure(context.session, context.actor, target)
        ):
            check.fail("target", f"You may not enter the values of {owner}'s targets.")
            continue
        if day > today:
            check.fail("measured_on", f"{when} is in the future; enter a value once measured.")
            continue
        if day.year < target.baseline_year:
            check.fail(
                "measured_on", f"{when} is before the baseline year ({target.baseline_year})."
            )
            continue
        what = f"The value of '{target.title}' for {when}"
        if not context.claim(check, (target.id, day), "measured_on", what):
            continue
        item = ImportRow(
            row.number,
            f"{owner}: {target.title}, {when}",
            {
                "Owner": owner,
                h("target"): target.title,
                h("measured_on"): day,
                h("value"): value,
                h("source"): source or None,
            },
        )
        stored = known.stored.get((target.id, day))
        if stored is None:
            item.write = {
                "target_id": target.id,
                "measured_on": day,
                "value": value,
                "source": source,
            }
            context.record(item, True)
        elif stored == value:
            context.unchanged.append(item)
        else:
            check.fail(
                "value",
                f"'{target.title}' has {rules.number(stored)} stored for {when}, not "
                f"{rules.number(value)}; withdraw the stored value on the Targets page first.",
            )


def write_measurements(context: Context) -> None:
    items = context.adds
    try:
        target_service.add_measurements(
            context.session,
            actor=context.actor,
            rows=[MeasurementCreate(**item.write) for item in items],
        )
    except PeerlearnError as error:
        # The service numbers the values it was given; say the file's row instead.
        found = re.match(r"Row (\d+): (.*)", error.message, re.S)
        if found and 0 < int(found[1]) <= len(items):
            error.message = f"Row {items[int(found[1]) - 1].row}: {found[2]}"
        error.message += " Nothing was imported; preview the file again."
        raise
