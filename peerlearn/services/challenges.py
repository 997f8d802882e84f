"""Challenges: what a tandem's cities need, recorded in workshops or afterwards.

Staff may work on any tandem's challenges; a tandem member only on their own tandems'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import clock

# PRIORITIES is read from here by screens, reports and imports.
from peerlearn.models import PRIORITIES as PRIORITIES
from peerlearn.models import (
    TEXT_MAX,
    Category,
    Challenge,
    ChallengeCreate,
    ChallengeUpdate,
    City,
    Event,
    EventSession,
    Tandem,
    TandemCity,
    Theme,
    User,
    UserRole,
)
from peerlearn.services.permissions import (
    actor_tandem_ids,
    require_challenge_access,
    require_reader,
    require_staff,
    require_tandem_access,
)
from peerlearn.services.store import commit, get, get_active, now, unchanged_since
from peerlearn.services.text import clean_text


@dataclass(frozen=True)
class ChallengeRow:
    """A challenge with the names of what it points at, for lists and tables."""

    id: int
    text: str
    priority: int
    hidden: bool
    archived_at: datetime | None
    created_at: datetime
    tandem_id: int
    tandem_name: str
    network_id: int
    city_id: int | None
    city_name: str | None
    category_id: int | None
    category_name: str | None
    theme_id: int | None
    theme_name: str | None
    session_id: int | None
    session_title: str | None
    event_id: int | None
    common_challenge_id: int | None
    version: int


def tandem_city_ids(session: Session, tandem_id: int) -> set[int]:
    rows = session.exec(select(TandemCity.city_id).where(TandemCity.tandem_id == tandem_id))
    return set(rows)


def _check_links(session: Session, tandem: Tandem, fields: Mapping[str, object]) -> None:
    """Refuse what the challenge's fields point at unless it fits the tandem."""
    if (city_id := fields.get("city_id")) is not None:
        city = get(session, City, city_id, label="city")
        if city.id not in tandem_city_ids(session, tandem.id):
            raise InvalidInput(
                f"{city.name} is not a city of the tandem '{tandem.name}'; "
                "pick one of its partner cities.",
                field="city_id",
            )
    if (category_id := fields.get("category_id")) is not None:
        get_active(session, Category, category_id, label="category")
    if (theme_id := fields.get("theme_id")) is not None:
        get_active(session, Theme, theme_id, label="theme")
    if (session_id := fields.get("session_id")) is not None:
        event_session = get_active(session, EventSession, session_id, label="session")
        event = get(session, Event, event_session.event_id, label="event")
        if event.network_id != tandem.network_id:
            raise InvalidInput(
                f"The session '{event_session.title}' belongs to an event of another "
                f"network than the tandem '{tandem.name}'.",
                field="session_id",
            )


def add_challenge(
    session: Session, *, actor: User | None, data: ChallengeCreate, system: bool = False
) -> Challenge:
    """Record a challenge of a tandem; its theme defaults to the tandem's theme.

    The trusted command line (an import) passes ``system=True``: no permission check.
    """
    tandem = get_active(session, Tandem, data.tandem_id, label="tandem")
    if not system:
        require_tandem_access(session, actor, tandem)
    values = data.model_dump()
    if values["theme_id"] is None:
        values["theme_id"] = tandem.theme_id
    _check_links(session, tandem, values)
    challenge = Challenge(**values)
    session.add(challenge)
    clock.bump(session, challenge.session_id)
    commit(session, conflict="The challenge could not be saved; reload and try again.")
    return challenge


def update_challenge(
    session: Session,
    *,
    actor: User | None,
    challenge_id: int,
    data: ChallengeUpdate,
    system: bool = False,
) -> Challenge:
    """Change the fields given; None clears the city, category, theme or session."""
    if system:
        challenge = get(session, Challenge, challenge_id, label="challenge")
        tandem = get(session, Tandem, challenge.tandem_id, label="tandem")
    else:
        challenge, tandem = require_challenge_access(session, actor, challenge_id)
    if challenge.archived_at is not None:
        raise InvalidInput("This challenge is archived; restore it before changing it.")
    values = data.changes()
    unchanged_since(session, challenge, values.pop("version", None), what="challenge")
    _check_links(session, tandem, values)
    moved_from = challenge.session_id
    for key, value in values.items():
        setattr(challenge, key, value)
    clock.bump_many(session, {moved_from, challenge.session_id})
    commit(session, conflict="The challenge could not be saved; reload and try again.")
    return challenge


def archive_challenge(session: Session, *, actor: User, challenge_id: int) -> Challenge:
    """Archive a challenge; it stays in its common challenge and can be restored."""
    challenge, _ = require_challenge_access(session, actor, challenge_id)
    if challenge.archived_at is not None:
        raise InvalidInput("This challenge is already archived.")
    challenge.archived_at = now()
    clock.bump(session, challenge.session_id)
    commit(session)
    return challenge


def restore_challenge(session: Session, *, actor: User, challenge_id: int) -> Challenge:
    challenge, tandem = require_challenge_access(session, actor, challenge_id)
    if challenge.archived_at is None:
        raise InvalidInput("This challenge is not archived; there is nothing to restore.")
    if tandem.archived_at is not None:
        raise InvalidInput(f"The tandem '{tandem.name}' is archived; restore the tandem first.")
    challenge.archived_at = None
    clock.bump(session, challenge.session_id)
    commit(session)
    return challenge


def set_hidden(session: Session, *, actor: User, challenge_id: int, hidden: bool) -> Challenge:
    """Hide a challenge from shared screens (or show it again); staff only."""
    require_staff(actor)
    if not isinstance(hidden, bool):
        raise InvalidInput(f"Hidden must be true or false (got {hidden!r}).", field="hidden")
    challenge = get(session, Challenge, challenge_id, label="challenge")
    challenge.hidden = hidden
    clock.bump(session, challenge.session_id)
    commit(session)
    return challenge


def list_challenges(
    session: Session,
    *,
    actor: User,
    network_id: int | None = None,
    event_id: int | None = None,
    tandem_id: int | None = None,
    city_id: int | None = None,
    category_id: int | None = None,
    theme_id: int | None = None,
    search: str | None = None,
    include_archived: bool = False,
    include_hidden: bool = True,
) -> list[ChallengeRow]:
    """Challenges matching every filter given, with their names joined in one query.

    A tandem member sees only the challenges of their own tandems.
    """
    actor = require_reader(actor)
    if tandem_id is not None:
        tandem = session.get(Tandem, tandem_id)
        if tandem is None:
            raise NotFound(f"No tandem with id {tandem_id}.")
        require_tandem_access(session, actor, tandem)
    search_text = clean_text(search, label="The search", max_len=TEXT_MAX, required=False)

    statement = (
        select(
            Challenge.id,
            Challenge.text,
            Challenge.priority,
            Challenge.hidden,
            Challenge.archived_at,
            Challenge.created_at,
            Tandem.id,
            Tandem.name,
            Tandem.network_id,
            Challenge.city_id,
            City.name,
            Challenge.category_id,
            Category.name,
            Challenge.theme_id,
            Theme.name,
            Challenge.session_id,
            EventSession.title,
            EventSession.event_id,
            Challenge.common_challenge_id,
            Challenge.version,
        )
        .join(Tandem, Tandem.id == Challenge.tandem_id)
        .outerjoin(City, City.id == Challenge.city_id)
        .outerjoin(Category, Category.id == Challenge.category_id)
        .outerjoin(Theme, Theme.id == Challenge.theme_id)
        .outerjoin(EventSession, EventSession.id == Challenge.session_id)
    )
    if actor.role == UserRole.TANDEM:
        statement = statement.where(Challenge.tandem_id.in_(actor_tandem_ids(session, actor)))
    filters = {
        Tandem.network_id: network_id,
        EventSession.event_id: event_id,
        Challenge.tandem_id: tandem_id,
        Challenge.city_id: city_id,
        Challenge.category_id: category_id,
        Challenge.theme_id: theme_id,
    }
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(column == value)
    if search_text:
        statement = statement.where(Challenge.text.icontains(search_text, autoescape=True))
    if not include_archived:
        statement = statement.where(Challenge.archived_at.is_(None), Tandem.archived_at.is_(None))
    if not include_hidden:
        statement = statement.where(Challenge.hidden.is_(False))
    statement = statement.order_by(Tandem.name, Challenge.priority, Challenge.id)
    return [ChallengeRow(*row) for row in session.exec(statement)]
