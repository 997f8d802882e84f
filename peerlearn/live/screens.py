"""Small reads the live screens need: the cities a participant may speak for, the
sessions live right now, the categories to post under, and the presenter's access."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from peerlearn.errors import NotFound
from peerlearn.live.joining import is_live
from peerlearn.models import Category, City, Event, EventSession, Membership, User
from peerlearn.server_secret import server_secret
from peerlearn.services.permissions import require_staff
from peerlearn.services.store import get

KEY_LENGTH = 32  # hex digits: 128 bits


@dataclass(frozen=True)
class CityChoice:
    id: int
    label: str


@dataclass(frozen=True)
class LiveSession:
    id: int
    title: str
    event: str
    code: str | None
    started_at: datetime | None


def session_cities(session: Session, *, session_id: int) -> list[CityChoice]:
    """The cities of the session's network, by name: whom a participant may speak for."""
    row = get(session, EventSession, session_id, label="session")
    statement = (
        select(City.id, City.name, City.country)
        .join(Membership, Membership.city_id == City.id)
        .join(Event, Event.network_id == Membership.network_id)
        .where(Event.id == row.event_id, City.archived_at.is_(None))
        .order_by(City.name, City.country)
    )
    return [CityChoice(i, f"{name} ({country})") for i, name, country in session.execute(statement)]


def live_sessions(session: Session, *, actor: User) -> list[LiveSession]:
    """Sessions open for phones right now, newest first (to get back to one quickly)."""
    require_staff(actor)
    statement = (
        select(
            EventSession.id,
            EventSession.title,
            Event.title,
            EventSession.join_code,
            EventSession.live_started_at,
        )
        .join(Event, Event.id == EventSession.event_id)
        .where(
            EventSession.live_started_at.is_not(None),
            EventSession.live_ended_at.is_(None),
            EventSession.archived_at.is_(None),
        )
        .order_by(EventSession.live_started_at.desc())
    )
    return [LiveSession(*row) for row in session.execute(statement)]


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    name: str


def wall_categories(session: Session) -> list[CategoryChoice]:
    """The categories of need a participant may file a challenge under."""
    statement = select(Category.id, Category.name).where(Category.archived_at.is_(None))
    return [CategoryChoice(i, n) for i, n in session.execute(statement.order_by(Category.name))]


def presenter_message(row: EventSession) -> bytes:
    """What the presenter key of ``row`` signs: the session and this opening of it (when
    it was opened, and ended if it was), so reopening or ending gives another key."""
    opened, ended = (_instant(row.live_started_at), _instant(row.live_ended_at))
    return f"presenter:{row.id}:{opened}:{ended}".encode()


def _instant(moment: datetime | None) -> str:
    # The same text for the row as written and as read back, on either database.
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def presenter_key(session: Session, row: EventSession) -> str:
    """The secret part of the presenter view's address.

    The big screen opens in a tab of its own (often on another computer), without a
    sign-in; the key, an HMAC with the server's secret, lets just that screen in, for
    as long as this opening of the session lasts.
    """
    digest = hmac.new(server_secret(session), presenter_message(row), hashlib.sha256)
    return digest.hexdigest()[:KEY_LENGTH]


def session_for_presenter(session: Session, *, session_id: int, key: str | None) -> EventSession:
    """The live session this presenter address shows; refused if the key does not match
    or the session is no longer live (an old address shows nothing of it)."""
    row = session.get(EventSession, session_id)
    given = (key or "")[: KEY_LENGTH * 2].encode("utf-8", "replace")
    if (
        row is None
        or row.archived_at is not None
        or not is_live(row)
        or not hmac.compare_digest(presenter_key(session, row).encode(), given)
    ):
        raise NotFound(
            "This presenter address is not valid (any more): open the presenter view "
            "again from Run live."
        )
    return row
