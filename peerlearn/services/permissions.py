"""Who may do what: the checks every service, live and analytics function calls first.

Each check returns the active actor it let through, or raises PermissionDenied with a
message that says who may. Roles:

- coordinator: everything;
- facilitator (staff): events, sessions, quizzes, challenges and their groups; reads
  the network and the roadmaps but does not write them;
- tandem member: the challenges and roadmap of their own tandems; reads the network.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from peerlearn.errors import PermissionDenied
from peerlearn.models import (
    Challenge,
    EventSession,
    Milestone,
    Roadmap,
    Tandem,
    TandemCity,
    User,
    UserRole,
    UserTandem,
)
from peerlearn.services.store import get, get_active

STAFF = (UserRole.COORDINATOR, UserRole.FACILITATOR)
READERS = (*STAFF, UserRole.TANDEM)


def require_role(actor: User | None, *roles: str) -> User:
    """The active actor if its role is one of ``roles``; PermissionDenied otherwise."""
    if actor is None or not actor.active:
        raise PermissionDenied("Sign in with an active account to do this.")
    if actor.role not in roles:
        wanted = " or ".join(str(r) for r in roles)
        raise PermissionDenied(f"Only a {wanted} may do this; you are signed in as {actor.role}.")
    return actor


def require_coordinator(actor: User | None) -> User:
    return require_role(actor, UserRole.COORDINATOR)


def require_staff(actor: User | None) -> User:
    """A coordinator or a facilitator."""
    return require_role(actor, *STAFF)


def require_reader(actor: User | None) -> User:
    """Anyone signed in with a role: staff and tandem members read the network."""
    return require_role(actor, *READERS)


def require_signed_in(actor: User | None) -> User:
    """Any active account, whatever its role (their own account, their own password)."""
    return require_role(actor, *UserRole)


def actor_tandem_ids(session: Session, actor: User) -> set[int]:
    """The tandems a tandem member belongs to."""
    statement = select(UserTandem.tandem_id).where(UserTandem.user_id == actor.id)
    return set(session.scalars(statement))


def require_tandem_access(session: Session, actor: User | None, tandem: Tandem) -> User:
    """Staff read any tandem; a tandem member only their own tandems."""
    actor = require_reader(actor)
    if actor.role == UserRole.TANDEM and tandem.id not in actor_tandem_ids(session, actor):
        raise PermissionDenied(f"You are not a member of the tandem '{tandem.name}'.")
    return actor


def require_roadmap_writer(session: Session, actor: User | None, tandem: Tandem) -> User:
    """A coordinator writes any roadmap; a tandem member only their own tandems'.

    Facilitators read roadmaps but do not write them: a roadmap is the tandem's plan.
    """
    actor = require_tandem_access(session, actor, tandem)
    if actor.role == UserRole.FACILITATOR:
        raise PermissionDenied(
            "Facilitators read roadmaps; a coordinator or the tandem's members change them."
        )
    return actor


def require_session_access(session: Session, actor: User | None, session_id: int) -> EventSession:
    """The event session that staff ``actor`` drives; refused for others and when archived."""
    require_staff(actor)
    return get_active(session, EventSession, session_id, label="session")


def require_challenge_access(
    session: Session, actor: User | None, challenge_id: int
) -> tuple[Challenge, Tandem]:
    """The challenge and its tandem, once ``actor`` may work on that tandem's challenges."""
    challenge = get(session, Challenge, challenge_id, label="challenge")
    tandem = get(session, Tandem, challenge.tandem_id, label="tandem")
    require_tandem_access(session, actor, tandem)
    return challenge, tandem


def require_milestone_access(
    session: Session, actor: User | None, milestone_id: int, *, write: bool = True
) -> tuple[Milestone, Tandem]:
    """The milestone and its tandem, once ``actor`` may change it (or read it)."""
    milestone = get(session, Milestone, milestone_id, label="milestone")
    roadmap = get(session, Roadmap, milestone.roadmap_id, label="roadmap")
    tandem = get(session, Tandem, roadmap.tandem_id, label="tandem")
    if write:
        require_roadmap_writer(session, actor, tandem)
    else:
        require_tandem_access(session, actor, tandem)
    return milestone, tandem


def actor_city_ids(session: Session, actor: User) -> set[int]:
    """The cities of the tandems a tandem member belongs to."""
    statement = (
        select(TandemCity.city_id)
        .join(UserTandem, UserTandem.tandem_id == TandemCity.tandem_id)
        .where(UserTandem.user_id == actor.id)
    )
    return set(session.scalars(statement))


def require_city_writer(session: Session, actor: User | None, city_id: int, *, what: str) -> User:
    """A coordinator writes for any city; a tandem member for the cities of their own
    tandems (their measurements, solutions and replications). Facilitators read."""
    actor = require_reader(actor)
    if actor.role == UserRole.COORDINATOR:
        return actor
    if actor.role == UserRole.TANDEM and city_id in actor_city_ids(session, actor):
        return actor
    raise PermissionDenied(
        f"Only a coordinator or a member of one of the city's tandems may change {what}."
    )
