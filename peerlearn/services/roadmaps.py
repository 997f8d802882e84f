"""A tandem's roadmap: milestones up to the partnership deadline, their status history
(their red/amber/green and progress are rules, in peerlearn.rules).

Staff may work on any tandem's roadmap; a tandem member only on their own tandems'.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from peerlearn.errors import Conflict, InvalidInput, NotFound, PeerlearnError
from peerlearn.models import (
    TITLE_MAX,
    Challenge,
    City,
    CommonChallenge,
    Milestone,
    MilestoneChallenge,
    MilestoneCommonChallenge,
    MilestoneCreate,
    MilestoneStatusChange,
    MilestoneUpdate,
    Roadmap,
    Tandem,
    User,
    UserRole,
)
from peerlearn.models_solutions import MilestoneSolution, Solution
from peerlearn.services.challenges import tandem_city_ids
from peerlearn.services.permissions import (
    actor_tandem_ids,
    require_milestone_access,
    require_reader,
    require_roadmap_writer,
    require_role,
    require_tandem_access,
)
from peerlearn.services.store import commit, get, get_active, now, unchanged_since
from peerlearn.services.text import clean_text


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    title: str
    description: str
    partner_contribution: str
    due_date: date
    status: str
    position: int
    archived_at: datetime | None
    roadmap_id: int
    tandem_id: int
    tandem_name: str
    tandem_deadline: date | None
    network_id: int
    owner_city_id: int | None
    owner_city_name: str | None
    version: int
    challenge_ids: tuple[int, ...] = ()
    common_challenge_ids: tuple[int, ...] = ()
    solution_ids: tuple[int, ...] = ()


# --- checks that need the database -----------------------------------------------


@contextmanager
def _column(name: str) -> Iterator[None]:
    """Name the column in any error raised inside, so bulk edits can point at it."""
    try:
        yield
    except PeerlearnError as error:
        if error.field is None:
            error.field = name
        raise


def _check_links(
    session: Session,
    model: type[Challenge] | type[CommonChallenge],
    ids: list[int],
    *,
    allowed: Iterable[int],
    linked: set[int],
    label: str,
    owner: str,
) -> None:
    """Refuse ids that are unknown, outside ``allowed`` or archived (unless linked)."""
    if not ids:
        return
    rows = {r.id: r for r in session.exec(select(model).where(model.id.in_(ids)))}
    missing = [str(i) for i in ids if i not in rows]
    if missing:
        raise NotFound(f"No {label} with id {', '.join(missing)}.")
    allowed = set(allowed)
    for ident in ids:
        row = rows[ident]
        if ident not in allowed:
            raise InvalidInput(f"The {label} #{ident} does not belong to {owner}.")
        if row.archived_at is not None and ident not in linked:
            raise InvalidInput(f"The {label} #{ident} is archived; restore it first.")


def _check(
    session: Session,
    tandem: Tandem,
    values: Mapping[str, object],
    *,
    milestone: Milestone | None = None,
) -> None:
    """Refuse an owner outside the tandem and links to challenges that are not its own
    (the input models checked the rest); every error names its column."""
    city_id = values.get("owner_city_id")
    if city_id is not None:
        with _column("owner_city_id"):
            city = get(session, City, city_id, label="city")
            if city.id not in tandem_city_ids(session, tandem.id):
                raise InvalidInput(
                    f"{city.name} is not a city of the tandem '{tandem.name}'; "
                    "the owner must be one of its partner cities."
                )
    if values.get("challenge_ids"):
        ids = values["challenge_ids"]
        with _column("challenge_ids"):
            tandem_challenges = session.exec(
                select(Challenge.id).where(Challenge.tandem_id == tandem.id, Challenge.id.in_(ids))
            )
            _check_links(
                session,
                Challenge,
                ids,
                allowed=tandem_challenges,
                linked=_linked(session, MilestoneChallenge, milestone),
                label="challenge",
                owner=f"the tandem '{tandem.name}'",
            )
    if values.get("common_challenge_ids"):
        ids = values["common_challenge_ids"]
        with _column("common_challenge_ids"):
            network_groups = session.exec(
                select(CommonChallenge.id).where(
                    CommonChallenge.network_id == tandem.network_id,
                    CommonChallenge.id.in_(ids),
                )
            )
            _check_links(
                session,
                CommonChallenge,
                ids,
                allowed=network_groups,
                linked=_linked(session, MilestoneCommonChallenge, milestone),
                label="common challenge",
                owner="the tandem's network",
            )
    if values.get("solution_ids"):
        ids = values["solution_ids"]
        with _column("solution_ids"):
            network_solutions = session.exec(
                select(Solution.id).where(
                    Solution.network_id == tandem.network_id, Solution.id.in_(ids)
                )
            )
            _check_links(
                session,
                Solution,
                ids,
                allowed=network_solutions,
                linked=_linked(session, MilestoneSolution, milestone),
                label="solution",
                owner="the tandem's network",
            )


_LINKS = (
    ("challenge_ids", MilestoneChallenge, "challenge_id"),
    ("common_challenge_ids", MilestoneCommonChallenge, "common_challenge_id"),
    ("solution_ids", MilestoneSolution, "solution_id"),
)


def _linked(
    session: Session,
    link: type[MilestoneChallenge] | type[MilestoneCommonChallenge] | type[MilestoneSolution],
    milestone: Milestone | None,
) -> set[int]:
    if milestone is None or milestone.id is None:
        return set()
    other = getattr(link, next(column for _, kind, column in _LINKS if kind is link))
    return set(session.exec(select(other).where(link.milestone_id == milestone.id)))


# --- writing ----------------------------------------------------------------------


def _set_links(session: Session, milestone: Milestone, values: dict[str, object]) -> None:
    """Replace the milestone's linked challenges, common challenges and solutions when
    given."""
    for key, link, column in _LINKS:
        if key not in values:
            continue
        wanted = set(values.pop(key))
        current = _linked(session, link, milestone)
        if current - wanted:
            session.execute(
                delete(link).where(
                    link.milestone_id == milestone.id,
                    getattr(link, column).in_(current - wanted),
                )
            )
        for ident in sorted(wanted - current):
            session.add(link(milestone_id=milestone.id, **{column: ident}))


def _record_status(
    session: Session,
    milestone: Milestone,
    old_status: str | None,
    changed_by_id: int | None,
    at: datetime | None = None,
) -> None:
    """The one place a milestone's status history is written."""
    session.add(
        MilestoneStatusChange(
            milestone_id=milestone.id,
            old_status=old_status,
            new_status=milestone.status,
            changed_by_id=changed_by_id,
            changed_at=at or now(),
        )
    )


def _apply(
    session: Session,
    changed_by_id: int | None,
    milestone: Milestone,
    values: dict[str, object],
    at: datetime | None = None,
) -> None:
    """Write checked ``values`` and record a status change when there is one."""
    values = dict(values)
    _set_links(session, milestone, values)
    old_status = milestone.status
    for key, value in values.items():
        setattr(milestone, key, value)
    if milestone.status != old_status:
        _record_status(session, milestone, old_status, changed_by_id, at)


def _roadmap(session: Session, tandem: Tandem, title: str | None = None) -> Roadmap:
    roadmap = session.exec(select(Roadmap).where(Roadmap.tandem_id == tandem.id)).first()
    if roadmap is None:
        roadmap = Roadmap(tandem_id=tandem.id, title=title or f"Roadmap {tandem.name}")
        session.add(roadmap)
        session.flush()
    return roadmap


def _new_milestone(
    session: Session,
    changed_by_id: int | None,
    roadmap: Roadmap,
    values: dict[str, object],
    position: int,
    at: datetime | None = None,
) -> Milestone:
    values = dict(values)
    links = {key: values.pop(key) for key, _, _ in _LINKS if key in values}
    milestone = Milestone(roadmap_id=roadmap.id, position=position, **values)
    session.add(milestone)
    session.flush()
    _set_links(session, milestone, links)
    _record_status(session, milestone, None, changed_by_id, at)
    return milestone


def _next_position(session: Session, roadmap: Roadmap) -> int:
    statement = select(func.max(Milestone.position)).where(Milestone.roadmap_id == roadmap.id)
    highest = session.exec(statement).one()
    return 0 if highest is None else highest + 1


def get_or_create_roadmap(
    session: Session, *, actor: User, tandem_id: int, title: str | None = None
) -> Roadmap:
    """The tandem's roadmap, created (titled ``title`` or "Roadmap <tandem>") if missing."""
    tandem = get_active(session, Tandem, tandem_id, label="tandem")
    require_roadmap_writer(session, actor, tandem)
    if title is not None:
        title = clean_text(title, label="The title", max_len=TITLE_MAX, field="title")
    existing = session.exec(select(Roadmap).where(Roadmap.tandem_id == tandem.id)).first()
    if existing is not None:
        return existing
    roadmap = _roadmap(session, tandem, title)
    try:
        commit(session, conflict="The roadmap could not be created; reload and try again.")
    except Conflict:
        # Someone created it at the same moment (unique tandem_id): theirs is the one.
        existing = session.exec(select(Roadmap).where(Roadmap.tandem_id == tandem.id)).first()
        if existing is None:
            raise
        return existing
    return roadmap


def add_milestone(
    session: Session, *, actor: User, tandem_id: int, data: MilestoneCreate
) -> Milestone:
    """Add a milestone to the tandem's roadmap (created if missing)."""
    tandem = get_active(session, Tandem, tandem_id, label="tandem")
    require_roadmap_writer(session, actor, tandem)
    values = data.model_dump()
    _check(session, tandem, values)
    roadmap = _roadmap(session, tandem)
    milestone = _new_milestone(session, actor.id, roadmap, values, _next_position(session, roadmap))
    commit(session, conflict="The milestone could not be saved; reload and try again.")
    return milestone


def update_milestone(
    session: Session, *, actor: User, milestone_id: int, data: MilestoneUpdate
) -> Milestone:
    """Change the fields given; a change of status is recorded in the history."""
    milestone, tandem = require_milestone_access(session, actor, milestone_id)
    if milestone.archived_at is not None:
        raise InvalidInput("This milestone is archived; it can no longer be changed.")
    values = data.changes()
    unchanged_since(session, milestone, values.pop("version", None), what="milestone")
    _check(session, tandem, values, milestone=milestone)
    _apply(session, actor.id, milestone, values)
    commit(session, conflict="The milestone could not be saved; reload and try again.")
    return milestone


def bulk_update_milestones(
    session: Session,
    *,
    actor: User,
    tandem_id: int,
    rows: Sequence[Mapping[str, object]],
    column_labels: Mapping[str, str] | None = None,
) -> list[Milestone]:
    """Save an edited roadmap table: rows with an ``id`` update, rows without add.

    Each row becomes a MilestoneUpdate (with an id) or a MilestoneCreate here, not in
    the caller, so that one message can name every bad row at once. Every row is
    checked before anything is written; if any is bad, nothing is saved and the
    message names each bad row and column: a stored milestone by its title (a data
    editor shows no row numbers), another row by its number (from 1), a column by
    ``column_labels`` (the table's headers) where given.
    """
    column_labels = column_labels or {}
    tandem = get_active(session, Tandem, tandem_id, label="tandem")
    require_roadmap_writer(session, actor, tandem)
    existing = {
        m.id: m
        for m in session.exec(
            select(Milestone)
            .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
            .where(Roadmap.tandem_id == tandem.id)
        )
    }
    problems: list[str] = []
    planned: list[tuple[Milestone | None, dict[str, object]]] = []
    seen: set[int] = set()
    for number, row in enumerate(rows, start=1):
        fields = dict(row)
        ident = fields.pop("id", None)
        label = f"Row {number}" if ident is not None else f"New row {number}"
        try:
            milestone = None
            if ident is not None:
                with _column("id"):
                    milestone = existing.get(ident)
                    if milestone is None:
                        raise InvalidInput(
                            f"No milestone #{ident} in the roadmap of '{tandem.name}'."
                        )
                    label = f"The row of '{milestone.title}'"
                    if milestone.archived_at is not None:
                        raise InvalidInput(f"The milestone #{ident} is archived.")
                    if ident in seen:
                        raise InvalidInput(f"The milestone #{ident} appears twice.")
                    seen.add(ident)
            if milestone is None:
                values = MilestoneCreate(**fields).model_dump()
            else:
                values = MilestoneUpdate(**fields).changes()
            _check(session, tandem, values, milestone=milestone)
            planned.append((milestone, values))
        except PeerlearnError as error:
            column = column_labels.get(error.field, error.field)
            problems.append(f"{label}, column '{column}': {error.message}")
    if problems:
        raise InvalidInput("Nothing was saved. " + " ".join(problems), field="rows")
    if not planned:
        return []

    roadmap = _roadmap(session, tandem)
    position = _next_position(session, roadmap)
    written = []
    for milestone, values in planned:
        if milestone is None:
            milestone = _new_milestone(session, actor.id, roadmap, values, position)
            position += 1
        else:
            _apply(session, actor.id, milestone, values)
        written.append(milestone)
    commit(session, conflict="The roadmap changed meanwhile; reload it and save again.")
    return written


def import_milestones(
    session: Session,
    *,
    actor: User | None,
    adds: Sequence[tuple[int, MilestoneCreate]] = (),
    updates: Sequence[tuple[int, MilestoneUpdate]] = (),
    system: bool = False,
    at: datetime | None = None,
) -> list[Milestone]:
    """Write an import's milestones: ``adds`` as (tandem id, data), ``updates`` as
    (milestone id, data), in the caller's transaction (the import commits once).

    New milestones go at the end of each tandem's roadmap, created if missing. The
    trusted command line passes ``system=True``: no permission check, and no person in
    the status history. ``at`` dates the status history (now when None), for a loader
    that replays a roadmap's past.
    """
    if not system:
        require_role(actor, UserRole.COORDINATOR, UserRole.TANDEM)
    changed_by_id = None if system or actor is None else actor.id
    tandems: dict[int, Tandem] = {}

    def tandem_of(tandem_id: int) -> Tandem:
        if tandem_id not in tandems:
            tandem = get_active(session, Tandem, tandem_id, label="tandem")
            if not system:
                require_roadmap_writer(session, actor, tandem)
            tandems[tandem_id] = tandem
        return tandems[tandem_id]

    written: list[Milestone] = []
    by_tandem: dict[int, list[dict[str, object]]] = {}
    for tandem_id, data in adds:
        values = data.model_dump()
        _check(session, tandem_of(tandem_id), values)
        by_tandem.setdefault(tandem_id, []).append(values)
    for tandem_id, values_list in by_tandem.items():
        roadmap = _roadmap(session, tandems[tandem_id])
        position = _next_position(session, roadmap)
        for offset, values in enumerate(values_list):
            written.append(
                _new_milestone(session, changed_by_id, roadmap, values, position + offset, at)
            )
    for milestone_id, data in updates:
        milestone = get(session, Milestone, milestone_id, label="milestone")
        if milestone.archived_at is not None:
            raise InvalidInput(f"The milestone '{milestone.title}' is archived.")
        roadmap = get(session, Roadmap, milestone.roadmap_id, label="roadmap")
        values = data.changes()
        _check(session, tandem_of(roadmap.tandem_id), values, milestone=milestone)
        _apply(session, changed_by_id, milestone, values, at)
        written.append(milestone)
    session.flush()
    return written


def archive_milestone(session: Session, *, actor: User, milestone_id: int) -> Milestone:
    milestone, _ = require_milestone_access(session, actor, milestone_id)
    if milestone.archived_at is not None:
        raise InvalidInput("This milestone is already archived.")
    milestone.archived_at = now()
    commit(session)
    return milestone


def restore_milestone(session: Session, *, actor: User, milestone_id: int) -> Milestone:
    """Put an archived milestone back on its roadmap (its history was kept)."""
    milestone, tandem = require_milestone_access(session, actor, milestone_id)
    if milestone.archived_at is None:
        raise InvalidInput("This milestone is not archived; there is nothing to restore.")
    if tandem.archived_at is not None:
        raise InvalidInput(f"The tandem '{tandem.name}' is archived; restore the tandem first.")
    milestone.archived_at = None
    commit(session)
    return milestone


# --- reading ----------------------------------------------------------------------


def list_milestones(
    session: Session,
    *,
    actor: User,
    tandem_id: int | None = None,
    network_id: int | None = None,
    include_archived: bool = False,
) -> list[MilestoneRow]:
    """Milestones by tandem and due date, with owner city and tandem joined.

    A tandem member sees only their own tandems' milestones.
    """
    actor = require_reader(actor)
    if tandem_id is not None:
        tandem = session.get(Tandem, tandem_id)
        if tandem is None:
            raise NotFound(f"No tandem with id {tandem_id}.")
        require_tandem_access(session, actor, tandem)
    statement = (
        select(
            Milestone.id,
            Milestone.title,
            Milestone.description,
            Milestone.partner_contribution,
            Milestone.due_date,
            Milestone.status,
            Milestone.position,
            Milestone.archived_at,
            Milestone.roadmap_id,
            Tandem.id,
            Tandem.name,
            Tandem.deadline,
            Tandem.network_id,
            Milestone.owner_city_id,
            City.name,
            Milestone.version,
        )
        .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
        .join(Tandem, Tandem.id == Roadmap.tandem_id)
        .outerjoin(City, City.id == Milestone.owner_city_id)
        .order_by(Tandem.name, Milestone.due_date, Milestone.position, Milestone.id)
    )
    if actor.role == UserRole.TANDEM:
        statement = statement.where(Tandem.id.in_(actor_tandem_ids(session, actor)))
    if tandem_id is not None:
        statement = statement.where(Tandem.id == tandem_id)
    if network_id is not None:
        statement = statement.where(Tandem.network_id == network_id)
    if not include_archived:
        statement = statement.where(Milestone.archived_at.is_(None), Tandem.archived_at.is_(None))
    rows = session.exec(statement).all()
    ids = [row[0] for row in rows]
    links: dict[str, dict[int, list[int]]] = {}
    for key, link, name in _LINKS:
        column = getattr(link, name)
        links[key] = {}
        pairs = session.exec(
            select(link.milestone_id, column).where(link.milestone_id.in_(ids)).order_by(column)
        )
        for milestone_id, other in pairs:
            links[key].setdefault(milestone_id, []).append(other)
    return [
        MilestoneRow(
            *row,
            challenge_ids=tuple(links["challenge_ids"].get(row[0], ())),
            common_challenge_ids=tuple(links["common_challenge_ids"].get(row[0], ())),
            solution_ids=tuple(links["solution_ids"].get(row[0], ())),
        )
        for row in rows
    ]
