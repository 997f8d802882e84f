"""What a session votes on: the common challenges grouped there, and earlier ones of
the event or the network that the facilitator brings in. Staff only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session

from peerlearn.errors import InvalidInput
from peerlearn.live import clock
from peerlearn.models import Ballot, CommonChallenge, Event, EventSession
from peerlearn.services.permissions import require_session_access
from peerlearn.services.store import commit, get


@dataclass(frozen=True)
class BallotChoice:
    id: int
    name: str
    origin: str  # where it was formed: "this session", "this event: <session>", "<event>"
    on_ballot: bool


def put_on_ballot(session: Session, session_id: int, group_ids: Iterable[int]) -> None:
    """Add groups to the session's ballot (those already on it stay); not committed."""
    present = set(
        session.scalars(select(Ballot.common_challenge_id).where(Ballot.session_id == session_id))
    )
    for group_id in dict.fromkeys(group_ids):
        if group_id not in present:
            session.add(Ballot(session_id=session_id, common_challenge_id=group_id))
    clock.bump(session, session_id, stage=True)


def choices(session: Session, *, actor, session_id: int) -> list[BallotChoice]:
    """The network's live common challenges the session may vote on: its own and the
    event's first, then those of earlier events, each by name."""
    row = require_session_access(session, actor, session_id)
    event = get(session, Event, row.event_id, label="event")
    listed = set(
        session.scalars(select(Ballot.common_challenge_id).where(Ballot.session_id == row.id))
    )
    rows = session.execute(
        select(
            CommonChallenge.id,
            CommonChallenge.name,
            CommonChallenge.session_id,
            EventSession.title,
            EventSession.event_id,
            Event.title,
        )
        .outerjoin(EventSession, EventSession.id == CommonChallenge.session_id)
        .outerjoin(Event, Event.id == EventSession.event_id)
        .where(
            CommonChallenge.network_id == event.network_id, CommonChallenge.archived_at.is_(None)
        )
    ).all()

    def origin(group_session, session_title, event_id, event_title) -> tuple[int, str]:
        if group_session == row.id:
            return 0, "this session"
        if event_id == row.event_id:
            return 1, f"this event: {session_title}"
        if event_title:
            return 2, event_title
        return 3, "the network"

    found = []
    for group_id, name, group_session, session_title, event_id, event_title in rows:
        rank, where = origin(group_session, session_title, event_id, event_title)
        found.append(
            (rank, name.casefold(), BallotChoice(group_id, name, where, group_id in listed))
        )
    return [choice for *_, choice in sorted(found, key=lambda item: item[:2])]


def add(session: Session, *, actor, session_id: int, common_challenge_ids: Iterable[int]) -> int:
    """Bring common challenges of the event's network to the session's vote."""
    row = require_session_access(session, actor, session_id)
    event = get(session, Event, row.event_id, label="event")
    ids = list(dict.fromkeys(common_challenge_ids))
    if not ids:
        raise InvalidInput("Choose at least one common challenge to vote on.")
    groups = session.scalars(select(CommonChallenge).where(CommonChallenge.id.in_(ids))).all()
    known = {g.id: g for g in groups}
    for group_id in ids:
        group = known.get(group_id)
        if group is None or group.archived_at is not None:
            raise InvalidInput(f"No live common challenge with id {group_id}.")
        if group.network_id != event.network_id:
            raise InvalidInput(f"'{group.name}' belongs to another network.")
    put_on_ballot(session, row.id, ids)
    commit(session)
    return len(ids)


def remove(session: Session, *, actor, session_id: int, common_challenge_id: int) -> None:
    """Take a group off the session's vote (its dots stay stored, and count again if it
    comes back)."""
    row = require_session_access(session, actor, session_id)
    session.execute(
        delete(Ballot).where(
            Ballot.session_id == row.id, Ballot.common_challenge_id == common_challenge_id
        )
    )
    clock.bump(session, row.id, stage=True)
    commit(session)
