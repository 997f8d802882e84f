"""Solutions, their replication, the site visits that show them and cities' roles per
theme: the network's knowledge carrier.

Coordinators do everything; the members of a city's tandems record the city's own
solutions and what it replicates, adapts or studies; staff link site visits to the
solutions they show. Everyone signed in reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.models import City, EventSession, Network, SessionKind, Theme, User
from peerlearn.models import Event as EventRow
from peerlearn.models_solutions import (
    Link,
    Replication,
    ReplicationCreate,
    ReplicationKind,
    ReplicationStatus,
    ReplicationUpdate,
    SessionSolution,
    Solution,
    SolutionCreate,
    SolutionLink,
    SolutionTarget,
    SolutionUpdate,
    ThemeRole,
    ThemeRoleSet,
)
from peerlearn.models_targets import Target
from peerlearn.services.network import member_city
from peerlearn.services.permissions import (
    require_city_writer,
    require_coordinator,
    require_reader,
    require_staff,
)
from peerlearn.services.store import commit, get, get_active, now, unchanged_since

# Replications that count as taken up (Home's "newly replicated"), and for how long.
TAKEN_UP = (ReplicationKind.REPLICATES, ReplicationKind.ADAPTS)
UNDER_WAY = (ReplicationStatus.PILOTING, ReplicationStatus.IN_OPERATION)
NEWLY = timedelta(days=90)


@dataclass(frozen=True)
class LinkRow:
    title: str
    url: str


@dataclass(frozen=True)
class ReplicationRow:
    id: int
    solution_id: int
    solution: str
    from_city_id: int
    from_city: str
    city_id: int
    city: str
    kind: str
    status: str
    note: str
    is_example: bool
    created_at: datetime
    taken_up_at: datetime | None
    theme: str


@dataclass(frozen=True)
class SolutionRow:
    id: int
    network_id: int
    city_id: int
    city: str
    theme_id: int
    theme: str
    title: str
    status: str
    description: str
    site: str
    latitude: float | None
    longitude: float | None
    is_example: bool
    archived_at: datetime | None
    version: int
    links: tuple[LinkRow, ...] = ()
    target_ids: tuple[int, ...] = ()
    replications: tuple[ReplicationRow, ...] = ()
    session_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ThemeRoleRow:
    city_id: int
    city: str
    theme_id: int
    theme: str
    role: str


# --- checks -----------------------------------------------------------------------


def _check_targets(session: Session, network_id: int, ids: list[int]) -> None:
    if not ids:
        return
    found = {t.id: t for t in session.exec(select(Target).where(Target.id.in_(ids))).all()}
    for ident in ids:
        target = found.get(ident)
        if target is None:
            raise NotFound(f"No target with id {ident}.", field="target_ids")
        if target.network_id != network_id:
            raise InvalidInput(
                f"The target '{target.title}' belongs to another network.", field="target_ids"
            )


def _set_links(session: Session, solution: Solution, links: list[Link] | None) -> None:
    if links is None:
        return
    session.execute(delete(SolutionLink).where(SolutionLink.solution_id == solution.id))
    for position, link in enumerate(links):
        session.add(
            SolutionLink(solution_id=solution.id, title=link.title, url=link.url, position=position)
        )


def _set_targets(session: Session, solution: Solution, ids: list[int] | None) -> None:
    if ids is None:
        return
    _check_targets(session, solution.network_id, ids)
    session.execute(delete(SolutionTarget).where(SolutionTarget.solution_id == solution.id))
    for ident in dict.fromkeys(ids):
        session.add(SolutionTarget(solution_id=solution.id, target_id=ident))


_SAME_TITLE = "The city has a solution with this title in this network already; open that one."


# --- solutions ----------------------------------------------------------------------


def add_solution(session: Session, *, actor: User, data: SolutionCreate) -> Solution:
    require_city_writer(session, actor, data.city_id, what="this city's solutions")
    get_active(session, Network, data.network_id, label="network")
    member_city(session, data.network_id, data.city_id, field="city_id")
    get_active(session, Theme, data.theme_id, label="theme")
    values = data.model_dump(exclude={"links", "target_ids"})
    solution = Solution(**values)
    session.add(solution)
    try:
        session.flush()
    except IntegrityError as error:  # the same title, also at the same instant
        session.rollback()
        raise Conflict(_SAME_TITLE) from error
    _set_links(session, solution, data.links)
    _set_targets(session, solution, data.target_ids)
    commit(session, conflict=_SAME_TITLE)
    return solution


def update_solution(
    session: Session, *, actor: User, solution_id: int, data: SolutionUpdate
) -> Solution:
    solution = get_active(session, Solution, solution_id, label="solution")
    require_city_writer(session, actor, solution.city_id, what="this city's solutions")
    values = data.changes()
    unchanged_since(session, solution, values.pop("version", None), what="solution")
    if values.get("theme_id") is not None:
        get_active(session, Theme, values["theme_id"], label="theme")
    links = values.pop("links", None)
    _set_links(session, solution, None if links is None else data.links)
    _set_targets(session, solution, values.pop("target_ids", None))
    if {"latitude", "longitude"} & set(values):
        lat, lon = (
            values.get("latitude", solution.latitude),
            values.get("longitude", solution.longitude),
        )
        if (lat is None) != (lon is None):
            raise InvalidInput("Give both latitude and longitude of the site, or neither.")
    for key, value in values.items():
        setattr(solution, key, value)
    commit(session, conflict=_SAME_TITLE)
    return solution


def archive_solution(session: Session, *, actor: User, solution_id: int) -> Solution:
    solution = get_active(session, Solution, solution_id, label="solution")
    require_city_writer(session, actor, solution.city_id, what="this city's solutions")
    solution.archived_at = now()
    commit(session)
    return solution


def restore_solution(session: Session, *, actor: User, solution_id: int) -> Solution:
    solution = get(session, Solution, solution_id, label="solution")
    require_city_writer(session, actor, solution.city_id, what="this city's solutions")
    solution.archived_at = None
    commit(session, conflict=_SAME_TITLE)
    return solution


def list_solutions(
    session: Session,
    *,
    actor: User,
    network_id: int,
    theme_ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
    city_id: int | None = None,
    include_archived: bool = False,
) -> list[SolutionRow]:
    """The network's solutions with their links, targets, replications and site visits,
    in five queries whatever their number."""
    require_reader(actor)
    statement = (
        select(Solution, City.name, Theme.name)
        .join(City, City.id == Solution.city_id)
        .join(Theme, Theme.id == Solution.theme_id)
        .where(Solution.network_id == network_id)
        .order_by(City.name, Theme.name, Solution.title, Solution.id)
    )
    if theme_ids is not None:
        statement = statement.where(Solution.theme_id.in_(list(theme_ids)))
    if statuses is not None:
        statement = statement.where(Solution.status.in_([str(s) for s in statuses]))
    if city_id is not None:
        statement = statement.where(Solution.city_id == city_id)
    if not include_archived:
        statement = statement.where(Solution.archived_at.is_(None))
    found = session.exec(statement).all()
    ids = [s.id for s, _, _ in found]
    links: dict[int, list[LinkRow]] = {}
    for link in session.exec(
        select(SolutionLink)
        .where(SolutionLink.solution_id.in_(ids))
        .order_by(SolutionLink.position, SolutionLink.id)
    ):
        links.setdefault(link.solution_id, []).append(LinkRow(link.title, link.url))
    targets: dict[int, list[int]] = {}
    for solution_id, target_id in session.exec(
        select(SolutionTarget.solution_id, SolutionTarget.target_id)
        .where(SolutionTarget.solution_id.in_(ids))
        .order_by(SolutionTarget.target_id)
    ):
        targets.setdefault(solution_id, []).append(target_id)
    replications: dict[int, list[ReplicationRow]] = {}
    for row in _replications(session, solution_ids=ids):
        replications.setdefault(row.solution_id, []).append(row)
    sessions: dict[int, list[int]] = {}
    for solution_id, session_id in session.exec(
        select(SessionSolution.solution_id, SessionSolution.session_id).where(
            SessionSolution.solution_id.in_(ids)
        )
    ):
        sessions.setdefault(solution_id, []).append(session_id)
    return [
        SolutionRow(
            id=s.id,
            network_id=s.network_id,
            city_id=s.city_id,
            city=city,
            theme_id=s.theme_id,
            theme=theme,
            title=s.title,
            status=s.status,
            description=s.description,
            site=s.site,
            latitude=s.latitude,
            longitude=s.longitude,
            is_example=s.is_example,
            archived_at=s.archived_at,
            version=s.version,
            links=tuple(links.get(s.id, ())),
            target_ids=tuple(targets.get(s.id, ())),
            replications=tuple(replications.get(s.id, ())),
            session_ids=tuple(sorted(sessions.get(s.id, ()))),
        )
        for s, city, theme in found
    ]


# --- replications --------------------------------------------------------------------


def _replications(
    session: Session,
    *,
    solution_ids: list[int] | None = None,
    network_id: int | None = None,
    include_archived: bool = False,
) -> list[ReplicationRow]:
    origin = City.__table__.alias("origin")
    statement = (
        select(
            Replication.id,
            Replication.solution_id,
            Solution.title,
            Solution.city_id,
            origin.c.name,
            Replication.city_id,
            City.name,
            Replication.kind,
            Replication.status,
            Replication.note,
            Replication.is_example,
            Replication.created_at,
            Replication.taken_up_at,
            Theme.name,
        )
        .join(Solution, Solution.id == Replication.solution_id)
        .join(origin, origin.c.id == Solution.city_id)
        .join(City, City.id == Replication.city_id)
        .join(Theme, Theme.id == Solution.theme_id)
        .order_by(Solution.title, City.name, Replication.id)
    )
    if solution_ids is not None:
        statement = statement.where(Replication.solution_id.in_(solution_ids))
    if network_id is not None:
        statement = statement.where(
            Solution.network_id == network_id, Solution.archived_at.is_(None)
        )
    if not include_archived:
        statement = statement.where(Replication.archived_at.is_(None))
    return [ReplicationRow(*row) for row in session.exec(statement)]


def list_replications(session: Session, *, actor: User, network_id: int) -> list[ReplicationRow]:
    """Every city replicating, adapting or studying another's solution in the network."""
    require_reader(actor)
    return _replications(session, network_id=network_id)


def newly_replicated(
    session: Session, *, actor: User, network_id: int, moment: datetime | None = None
) -> list[ReplicationRow]:
    """Solutions a city began to replicate or adapt in the last 90 days, newest first."""
    since = (moment or now()) - NEWLY
    rows = list_replications(session, actor=actor, network_id=network_id)
    fresh = [r for r in rows if r.taken_up_at is not None and r.taken_up_at >= since]
    return sorted(fresh, key=lambda r: r.taken_up_at, reverse=True)


def _mark_taken_up(replication: Replication, before: tuple[str, str] | None) -> None:
    taken = replication.kind in TAKEN_UP and replication.status in UNDER_WAY
    was = before is not None and before[0] in TAKEN_UP and before[1] in UNDER_WAY
    if taken and not was:
        replication.taken_up_at = now()


def add_replication(session: Session, *, actor: User, data: ReplicationCreate) -> Replication:
    """A city records that it replicates, adapts or studies a solution of another city."""
    solution = get_active(session, Solution, data.solution_id, label="solution")
    require_city_writer(session, actor, data.city_id, what="what this city replicates")
    city = member_city(session, solution.network_id, data.city_id, field="city_id")
    if city.id == solution.city_id:
        raise InvalidInput(
            f"'{solution.title}' is {city.name}'s own solution; a city replicates another's.",
            field="city_id",
        )
    existing = session.exec(
        select(Replication).where(
            Replication.solution_id == solution.id, Replication.city_id == city.id
        )
    ).first()
    if existing is not None and existing.archived_at is not None:
        # Removed before: taken up again, as a new record would be.
        for key, value in data.model_dump(exclude={"solution_id", "city_id"}).items():
            setattr(existing, key, value)
        existing.archived_at, existing.created_at = None, now()
        _mark_taken_up(existing, None)
        commit(session)
        return existing
    if existing is not None:
        raise Conflict(
            f"{city.name} has a record for '{solution.title}' already "
            f"({existing.kind}, {existing.status}); change that one.",
            field="city_id",
        )
    replication = Replication(**data.model_dump())
    _mark_taken_up(replication, None)
    session.add(replication)
    commit(
        session,
        conflict=f"{city.name} has a record for '{solution.title}' already; reload to see it.",
    )
    return replication


def update_replication(
    session: Session, *, actor: User, replication_id: int, data: ReplicationUpdate
) -> Replication:
    replication = get(session, Replication, replication_id, label="replication")
    require_city_writer(session, actor, replication.city_id, what="what this city replicates")
    before = (replication.kind, replication.status)
    for key, value in data.changes().items():
        setattr(replication, key, value)
    replication.archived_at = None
    _mark_taken_up(replication, before)
    commit(session)
    return replication


def remove_replication(session: Session, *, actor: User, replication_id: int) -> Replication:
    """Archive a replication record (it stays in the trail, off the map)."""
    replication = get(session, Replication, replication_id, label="replication")
    require_city_writer(session, actor, replication.city_id, what="what this city replicates")
    replication.archived_at = now()
    commit(session)
    return replication


# --- site visits ---------------------------------------------------------------------


def set_session_solutions(
    session: Session, *, actor: User, session_id: int, solution_ids: list[int]
) -> list[int]:
    """The solutions a site visit shows (replacing those linked before)."""
    require_staff(actor)
    visit = get_active(session, EventSession, session_id, label="session")
    if visit.kind != SessionKind.SITE_VISIT and solution_ids:
        raise InvalidInput(
            f"'{visit.title}' is a {visit.kind}; only a site visit shows solutions.",
            field="solution_ids",
        )
    event = get(session, EventRow, visit.event_id, label="event")
    ids = list(dict.fromkeys(solution_ids))
    found = {s.id: s for s in session.exec(select(Solution).where(Solution.id.in_(ids))).all()}
    for ident in ids:
        solution = found.get(ident)
        if solution is None:
            raise NotFound(f"No solution with id {ident}.", field="solution_ids")
        if solution.network_id != event.network_id:
            raise InvalidInput(
                f"'{solution.title}' belongs to another network than this event.",
                field="solution_ids",
            )
    session.execute(delete(SessionSolution).where(SessionSolution.session_id == visit.id))
    for ident in ids:
        session.add(SessionSolution(session_id=visit.id, solution_id=ident))
    commit(session)
    return ids


def session_solutions(session: Session, *, actor: User, session_id: int) -> list[SolutionRow]:
    """The solutions a site visit shows, with their city and theme."""
    require_reader(actor)
    visit = get(session, EventSession, session_id, label="session")
    event = get(session, EventRow, visit.event_id, label="event")
    ids = set(
        session.exec(
            select(SessionSolution.solution_id).where(SessionSolution.session_id == visit.id)
        )
    )
    if not ids:
        return []
    rows = list_solutions(session, actor=actor, network_id=event.network_id)
    return [r for r in rows if r.id in ids]


def event_site_visits(
    session: Session, *, actor: User, event_id: int
) -> dict[int, list[SolutionRow]]:
    """Each site visit of an event with the solutions it shows (for the summary), in the
    order of list_solutions."""
    require_reader(actor)
    event = get(session, EventRow, event_id, label="event")
    visits = set(
        session.exec(
            select(SessionSolution.session_id)
            .join(EventSession, EventSession.id == SessionSolution.session_id)
            .where(EventSession.event_id == event.id)
        )
    )
    if not visits:
        return {}
    shown: dict[int, list[SolutionRow]] = {}
    for row in list_solutions(session, actor=actor, network_id=event.network_id):
        for session_id in visits.intersection(row.session_ids):
            shown.setdefault(session_id, []).append(row)
    return shown


# --- roles per theme ------------------------------------------------------------------


def set_theme_role(session: Session, *, actor: User, data: ThemeRoleSet) -> ThemeRole | None:
    """A city's role in one theme of the network; no role removes it."""
    require_coordinator(actor)
    get_active(session, Network, data.network_id, label="network")
    member_city(session, data.network_id, data.city_id, field="city_id")
    get_active(session, Theme, data.theme_id, label="theme")
    row = session.exec(
        select(ThemeRole).where(
            ThemeRole.network_id == data.network_id,
            ThemeRole.city_id == data.city_id,
            ThemeRole.theme_id == data.theme_id,
        )
    ).first()
    if data.role is None:
        if row is not None:
            session.delete(row)
            commit(session)
        return None
    if row is None:
        row = ThemeRole(**data.model_dump())
        session.add(row)
    else:
        row.role = data.role
    commit(session, conflict="Someone set this role at the same moment; reload to see it.")
    return row


def list_theme_roles(
    session: Session, *, actor: User, network_id: int, city_id: int | None = None
) -> list[ThemeRoleRow]:
    require_reader(actor)
    statement = (
        select(ThemeRole.city_id, City.name, ThemeRole.theme_id, Theme.name, ThemeRole.role)
        .join(City, City.id == ThemeRole.city_id)
        .join(Theme, Theme.id == ThemeRole.theme_id)
        .where(ThemeRole.network_id == network_id)
        .order_by(City.name, Theme.name)
    )
    if city_id is not None:
        statement = statement.where(ThemeRole.city_id == city_id)
    return [ThemeRoleRow(*row) for row in session.exec(statement)]
