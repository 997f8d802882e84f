"""Targets and their measurements.

Coordinators set targets; coordinators and the members of a city's tandems enter its
measurements (a network's shared goals: coordinators). Everyone signed in reads them.
A measurement is never changed: a wrong one is withdrawn and the right one entered, so
the history stays. A target's status is the rule ``rules.target_status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import rules
from peerlearn.errors import Conflict, InvalidInput, PeerlearnError
from peerlearn.models import City, Network, Theme, User, UserRole
from peerlearn.models_targets import (
    Measurement,
    MeasurementCreate,
    Target,
    TargetCreate,
    TargetUpdate,
)
from peerlearn.services.network import member_city
from peerlearn.services.permissions import (
    actor_city_ids,
    require_city_writer,
    require_coordinator,
    require_reader,
)
from peerlearn.services.store import (
    commit,
    get,
    get_active,
    now,
    one_transaction,
    unchanged_since,
)


@dataclass(frozen=True)
class TargetRow:
    """A target as the screens, the Home page and the workbook show it."""

    id: int
    network_id: int
    city_id: int | None
    city: str | None  # None: the network's shared goal
    theme_id: int | None
    theme: str | None
    title: str
    indicator: str
    unit: str
    baseline_value: float
    baseline_year: int
    target_value: float
    direction: str
    deadline: date
    description: str
    is_example: bool
    archived_at: datetime | None
    version: int
    measurements: int
    latest_on: date | None
    latest_value: float | None
    reading: rules.TargetReading | None

    @property
    def status(self) -> str | None:
        return self.reading.status.value if self.reading else None

    @property
    def owner(self) -> str:
        """Who the target belongs to: the city, or "the network"."""
        return self.city or "The network"


@dataclass(frozen=True)
class MeasurementRow:
    id: int
    target_id: int
    measured_on: date
    value: float
    source: str
    entered_by: str | None  # the name, or the email of an account without one
    is_example: bool
    archived_at: datetime | None  # set: withdrawn
    created_at: datetime


# --- checks -----------------------------------------------------------------------


def _check_owner(session: Session, network_id: int, city_id: int | None, theme_id: int | None):
    get_active(session, Network, network_id, label="network")
    if city_id is not None:
        member_city(session, network_id, city_id, field="city_id")
    if theme_id is not None:
        get_active(session, Theme, theme_id, label="theme")


def may_measure(session: Session, actor: User, target: Target | TargetRow) -> bool:
    """Whether ``actor`` may enter and withdraw the target's measurements."""
    try:
        _require_measurer(session, actor, target)
    except PeerlearnError:
        return False
    return True


def _require_measurer(session: Session, actor: User, target: Target | TargetRow) -> User:
    if target.city_id is None:
        return require_coordinator(actor)
    return require_city_writer(session, actor, target.city_id, what="this city's measurements")


# --- targets ----------------------------------------------------------------------


def add_target(session: Session, *, actor: User, data: TargetCreate) -> Target:
    require_coordinator(actor)
    _check_owner(session, data.network_id, data.city_id, data.theme_id)
    target = Target(**data.model_dump())
    session.add(target)
    commit(session, conflict="The target could not be saved; reload and try again.")
    return target


def update_target(session: Session, *, actor: User, target_id: int, data: TargetUpdate) -> Target:
    """Change the fields given; the result is checked as a whole target."""
    require_coordinator(actor)
    target = get_active(session, Target, target_id, label="target")
    values = data.changes()
    unchanged_since(session, target, values.pop("version", None), what="target")
    whole = {f: getattr(target, f) for f in TargetCreate.model_fields if hasattr(target, f)}
    checked = TargetCreate(**{**whole, **values})
    _check_owner(session, checked.network_id, checked.city_id, checked.theme_id)
    for key in values:
        setattr(target, key, getattr(checked, key))
    commit(session, conflict="The target could not be saved; reload and try again.")
    return target


def archive_target(session: Session, *, actor: User, target_id: int) -> Target:
    require_coordinator(actor)
    target = get_active(session, Target, target_id, label="target")
    target.archived_at = now()
    commit(session)
    return target


def restore_target(session: Session, *, actor: User, target_id: int) -> Target:
    require_coordinator(actor)
    target = get(session, Target, target_id, label="target")
    target.archived_at = None
    commit(session)
    return target


# --- measurements -------------------------------------------------------------------


def _day_taken(session: Session, target_id: int, day: date) -> Measurement | None:
    return session.exec(
        select(Measurement).where(
            Measurement.target_id == target_id,
            Measurement.measured_on == day,
            Measurement.archived_at.is_(None),
        )
    ).first()


def _measurement(
    session: Session, actor: User, data: MeasurementCreate, today: date
) -> Measurement:
    target = get_active(session, Target, data.target_id, label="target")
    _require_measurer(session, actor, target)
    if data.measured_on > today:
        raise InvalidInput(
            f"The date {data.measured_on} is in the future; enter a value once it is measured.",
            field="measured_on",
        )
    if data.measured_on.year < target.baseline_year:
        raise InvalidInput(
            f"The date {data.measured_on} is before the baseline year ({target.baseline_year}).",
            field="measured_on",
        )
    taken = _day_taken(session, target.id, data.measured_on)
    if taken is not None:
        raise Conflict(
            f"'{target.title}' has a value for {data.measured_on} already "
            f"({rules.number(taken.value)}); withdraw it first to enter another.",
            field="measured_on",
        )
    row = Measurement(**data.model_dump(), entered_by_id=actor.id)
    session.add(row)
    # Someone may store the same day at the same moment: the unique index then refuses
    # this row when it is written, which must be said as a Conflict like the check above.
    commit(session, conflict=_SAME_DAY)
    return row


def add_measurement(
    session: Session, *, actor: User, data: MeasurementCreate, today: date | None = None
) -> Measurement:
    """One value measured for a target; refused for a day that has one already."""
    row = _measurement(session, actor, data, today or date.today())
    commit(session, conflict=_SAME_DAY)
    return row


_SAME_DAY = (
    "Someone entered a value for the same target and day at the same moment; reload to see it."
)


def add_measurements(
    session: Session,
    *,
    actor: User,
    rows: Sequence[MeasurementCreate | Mapping[str, object]],
    today: date | None = None,
) -> list[Measurement]:
    """Several values at once: all stored, or none (the error names the row, from 1).

    A row may be the input model or the cells of an editor's row, checked here so that
    the message names its row."""
    require_reader(actor)
    seen: set[tuple[int, date]] = set()
    stored = []
    with one_transaction(session):
        for number, row in enumerate(rows, start=1):
            try:
                data = row if isinstance(row, MeasurementCreate) else MeasurementCreate(**row)
                if (data.target_id, data.measured_on) in seen:
                    raise InvalidInput(
                        f"A value for the same target and {data.measured_on} is given twice."
                    )
                seen.add((data.target_id, data.measured_on))
                stored.append(_measurement(session, actor, data, today or date.today()))
            except PeerlearnError as error:
                error.message = f"Row {number}: {error.message}"
                raise
    return stored


def withdraw_measurement(session: Session, *, actor: User, measurement_id: int) -> Measurement:
    """Withdraw a wrong value: kept in the history, left out of the status."""
    row = get_active(session, Measurement, measurement_id, label="measurement")
    _require_measurer(session, actor, get(session, Target, row.target_id, label="target"))
    row.archived_at = now()
    commit(session)
    return row


# --- reading ------------------------------------------------------------------------


def list_targets(
    session: Session,
    *,
    actor: User,
    network_id: int | None = None,
    city_id: int | None = None,
    include_archived: bool = False,
    today: date | None = None,
) -> list[TargetRow]:
    """Targets with their latest value and status, in two queries."""
    require_reader(actor)
    statement = (
        select(Target, City.name, Theme.name)
        .outerjoin(City, City.id == Target.city_id)
        .outerjoin(Theme, Theme.id == Target.theme_id)
        .order_by(func.coalesce(City.name, ""), Target.title, Target.id)
    )
    if network_id is not None:
        statement = statement.where(Target.network_id == network_id)
    if city_id is not None:
        statement = statement.where(Target.city_id == city_id)
    if not include_archived:
        statement = statement.where(Target.archived_at.is_(None))
    found = session.exec(statement).all()
    values = _measured(session, [t.id for t, _, _ in found])
    today = today or date.today()
    return [_row(t, city, theme, values.get(t.id, []), today) for t, city, theme in found]


def _measured(session: Session, target_ids: Iterable[int]) -> dict[int, list[tuple[date, float]]]:
    ids = list(target_ids)
    found: dict[int, list[tuple[date, float]]] = {}
    # Asked also for no target: a page then costs the same statements whatever it shows.
    statement = (
        select(Measurement.target_id, Measurement.measured_on, Measurement.value)
        .where(Measurement.target_id.in_(ids), Measurement.archived_at.is_(None))
        .order_by(Measurement.measured_on)
    )
    for target_id, day, value in session.exec(statement):
        found.setdefault(target_id, []).append((day, value))
    return found


def _row(
    target: Target,
    city: str | None,
    theme: str | None,
    values: list[tuple[date, float]],
    today: date,
) -> TargetRow:
    latest = values[-1] if values else (None, None)
    reading = rules.target_status(
        target.direction,
        target.baseline_value,
        target.baseline_year,
        target.target_value,
        target.deadline,
        values,
        today,
    )
    return TargetRow(
        id=target.id,
        network_id=target.network_id,
        city_id=target.city_id,
        city=city,
        theme_id=target.theme_id,
        theme=theme,
        title=target.title,
        indicator=target.indicator,
        unit=target.unit,
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        target_value=target.target_value,
        direction=target.direction,
        deadline=target.deadline,
        description=target.description,
        is_example=target.is_example,
        archived_at=target.archived_at,
        version=target.version,
        measurements=len(values),
        latest_on=latest[0],
        latest_value=latest[1],
        reading=reading,
    )


def ranked(rows: Iterable[TargetRow]) -> list[TargetRow]:
    """Worst first: off track, at risk, on track, then those not measured yet; within a
    status, the furthest behind its path first."""
    return sorted(
        rows,
        key=lambda r: (
            -rules.target_severity(r.status),
            -(r.reading.behind if r.reading else 0.0),
            r.owner.casefold(),
            r.title.casefold(),
        ),
    )


def off_track(rows: Iterable[TargetRow]) -> list[TargetRow]:
    """The targets at risk or off track, worst first: what Home shows."""
    return [
        r
        for r in ranked(rows)
        if r.status in (rules.TargetStatus.OFF_TRACK, rules.TargetStatus.AT_RISK)
    ]


def target_history(
    session: Session, *, actor: User, target_id: int, include_withdrawn: bool = True
) -> list[MeasurementRow]:
    """A target's measurements, oldest first, with who entered each."""
    require_reader(actor)
    get(session, Target, target_id, label="target")
    return target_histories(
        session, actor=actor, target_ids=[target_id], include_withdrawn=include_withdrawn
    )[target_id]


def target_histories(
    session: Session,
    *,
    actor: User,
    target_ids: Sequence[int],
    include_withdrawn: bool = True,
) -> dict[int, list[MeasurementRow]]:
    """Each target's measurements as :func:`target_history` gives them, in one query
    for any number of targets (the workbook's)."""
    require_reader(actor)
    found: dict[int, list[MeasurementRow]] = {i: [] for i in target_ids}
    if not found:
        return found
    statement = (
        select(
            Measurement.id,
            Measurement.target_id,
            Measurement.measured_on,
            Measurement.value,
            Measurement.source,
            func.coalesce(func.nullif(func.trim(User.name), ""), User.email),
            Measurement.is_example,
            Measurement.archived_at,
            Measurement.created_at,
        )
        .outerjoin(User, User.id == Measurement.entered_by_id)
        .where(Measurement.target_id.in_(list(found)))
        .order_by(Measurement.measured_on, Measurement.id)
    )
    if not include_withdrawn:
        statement = statement.where(Measurement.archived_at.is_(None))
    for row in session.exec(statement):
        found[row[1]].append(MeasurementRow(*row))
    return found


def measurable_targets(
    session: Session, *, actor: User, network_id: int | None = None
) -> list[TargetRow]:
    """The targets whose measurements ``actor`` may enter."""
    rows = list_targets(session, actor=actor, network_id=network_id)
    if actor.role == UserRole.COORDINATOR:
        return rows
    if actor.role != UserRole.TANDEM:
        return []
    # The member's cities once, not a query per target (Home lists these).
    cities = actor_city_ids(session, actor)
    return [r for r in rows if r.city_id is not None and r.city_id in cities]
