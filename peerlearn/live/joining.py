"""Joining a live session from a phone: its code, wrong codes limited, the
participant and the random token that is who they are from then on."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from peerlearn.errors import NotFound
from peerlearn.inputs import without_controls
from peerlearn.live import clock, wrong_codes
from peerlearn.models import NAME_MAX, City, Event, EventSession, Participant
from peerlearn.services.store import commit, get, get_active
from peerlearn.services.text import clean_text

# No look-alikes: 0/O, 1/I/L are left out, so a code read off a projector is typed right.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TOKEN_BYTES = 16
TOKEN_MAX = 64  # Participant.token's column length


class TooManyWrongCodes(NotFound):
    """A wrong code past the budget of the whole code space (peerlearn.live.wrong_codes)."""


# --- codes ------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    """Who a participant is from joining on: random, and so not to be guessed."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def normalise_code(code: str | None) -> str:
    """Upper-case, without spaces or dashes (people type "abc-def" or "ABC DEF")."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def is_live(event_session: EventSession) -> bool:
    return event_session.live_started_at is not None and event_session.live_ended_at is None


def require_live(event_session: EventSession) -> None:
    if not is_live(event_session):
        raise NotFound(f"The session '{event_session.title}' is not live.")


def session_by_code(
    session: Session, *, code: str | None, moment: datetime | None = None
) -> EventSession:
    """The live session with this join code.

    The code is looked up first: a right one is never refused. A wrong one is counted
    for the whole code space at ``moment`` (default: now); past the window's budget it
    is refused with one polite sentence that tells nothing about it.
    """
    text = normalise_code(code)
    row = None
    if len(text) == CODE_LENGTH:
        row = session.scalars(select(EventSession).where(EventSession.join_code == text)).first()
    if row is not None and is_live(row) and row.archived_at is None:
        return row
    if wrong_codes.over_budget(wrong_codes.count_wrong(session, moment=moment)):
        raise TooManyWrongCodes(wrong_codes.TOO_MANY)
    if row is not None and row.live_ended_at is not None:
        raise NotFound(f"The session with the code {text} has ended; thank you for taking part.")
    if row is not None:
        raise NotFound(f"The session with the code {text} has not started yet.")
    shown = text or "(empty)"
    raise NotFound(
        f"No live session has the code {shown}. Check the {CODE_LENGTH} characters "
        "on the big screen and type them again."
    )


# --- participants -------------------------------------------------------------------


def live_session(session: Session, *, session_id: int) -> EventSession:
    """The session, refused unless it is open for phones right now."""
    row = get(session, EventSession, session_id, label="session")
    if row.archived_at is not None or not is_live(row):
        raise NotFound(f"The session '{row.title}' is not open for phones (any more).")
    return row


def join(
    session: Session,
    *,
    session_id: int,
    city_id: int | None = None,
    display_name: str = "",
) -> Participant:
    """A new participant of a live session (found by its code a moment ago),
    identified from now on by a random token."""
    row = live_session(session, session_id=session_id)
    get_active(session, Event, row.event_id, label="event")
    city = get_active(session, City, city_id, label="city").id if city_id is not None else None
    name = clean_text(
        display_name, label="Your name", max_len=NAME_MAX, required=False, field="display_name"
    )
    participant = Participant(
        session_id=row.id,
        token=new_token(),
        city_id=city,
        display_name=name,
    )
    session.add(participant)
    clock.bump(session, row.id)
    commit(session, conflict="Joining failed for a technical reason; please try again.")
    return participant


def participant_by_token(session: Session, *, token: str | None) -> Participant:
    text = without_controls(token or "").strip()
    participant = None
    if text and len(text) <= TOKEN_MAX:
        participant = session.scalars(select(Participant).where(Participant.token == text)).first()
    if participant is None:
        raise NotFound(
            "This participation link is not known (it may be incomplete); "
            "join the session again with its code."
        )
    return participant


def returning_participant(
    session: Session, *, session_id: int, token: str | None
) -> Participant | None:
    """The participant this browser joined ``session_id`` as before (its token kept in
    a cookie), or None when the token is unknown or of another session."""
    text = without_controls(token or "").strip()
    if not text or len(text) > TOKEN_MAX:
        return None
    return session.scalars(
        select(Participant).where(Participant.token == text, Participant.session_id == session_id)
    ).first()


def participant_and_session(
    session: Session, *, token: str | None
) -> tuple[Participant, EventSession]:
    """The participant with ``token`` and the session they joined (live or not)."""
    participant = participant_by_token(session, token=token)
    return participant, get(session, EventSession, participant.session_id, label="session")


def participant_in_live_session(
    session: Session, *, token: str | None
) -> tuple[Participant, EventSession]:
    """Like :func:`participant_and_session`, refused once the session is not live."""
    participant, row = participant_and_session(session, token=token)
    require_live(row)
    return participant, row
