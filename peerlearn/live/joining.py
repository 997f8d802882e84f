"""Joining a live session from a phone: its code, wrong codes slowed down, the
participant and the random token that is who they are from then on."""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn.errors import InvalidInput, NotFound
from peerlearn.live import clock
from peerlearn.models import NAME_MAX, City, Event, EventSession, JoinAttempt, Participant
from peerlearn.services.store import commit, get, get_active, now
from peerlearn.services.text import clean_text

# No look-alikes: 0/O, 1/I/L are left out, so a code read off a projector is typed right.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# Wrong codes from one browser: this many within the window, then a wait that doubles
# with every further attempt (refused ones too), up to MAX_WAIT seconds. The browser's
# network address is counted as well, so clearing cookies does not start afresh; a
# venue's wifi puts a whole room behind one address, hence its larger allowance.
FREE_ATTEMPTS = 5
FREE_ATTEMPTS_PER_ADDRESS = 50
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_WAIT = 300
TOKEN_BYTES = 16
TOKEN_MAX = 64  # Participant.token's column length


class TooManyAttempts(InvalidInput):
    """Too many wrong codes from one browser; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


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


# --- wrong codes ------------------------------------------------------------------


def _keys(client_key: str | None, client_address: str | None) -> dict[str, int]:
    """The keys a code attempt is counted under, each with its free attempts."""
    keys = {(client_key or "unknown")[:64]: FREE_ATTEMPTS}
    if client_address:
        keys.setdefault(f"ip:{client_address}"[:64], FREE_ATTEMPTS_PER_ADDRESS)
    return keys


def _delay(attempts: int, free: int) -> int:
    """Seconds to wait after the last of ``attempts``: 0 within the free ones, then
    2, 4, 8 ... up to MAX_WAIT."""
    if attempts < free:
        return 0
    return min(MAX_WAIT, 2 ** min(attempts - free + 1, 20))


def _attempts(session: Session, keys: dict[str, int]) -> dict[str, tuple[int, object]]:
    """(attempts within the window, the last one's time) for each key that has some."""
    rows = session.execute(
        select(JoinAttempt.client_key, func.count(), func.max(JoinAttempt.attempted_at))
        .where(
            JoinAttempt.client_key.in_(list(keys)),
            JoinAttempt.attempted_at >= now() - ATTEMPT_WINDOW,
        )
        .group_by(JoinAttempt.client_key)
    )
    return {key: (int(n), last) for key, n, last in rows}


def wait_seconds(
    session: Session, *, client_key: str | None, client_address: str | None = None
) -> int:
    """Seconds this browser must wait before trying another code (0: go ahead)."""
    keys = _keys(client_key, client_address)
    wait = 0.0
    moment = now()
    for key, (attempts, last) in _attempts(session, keys).items():
        delay = _delay(attempts, keys[key])
        if delay:
            wait = max(wait, delay - (moment - last).total_seconds())
    return max(0, math.ceil(wait))


def _record(session: Session, keys: dict[str, int]) -> None:
    """Count one attempt under each key (and forget this key's attempts of long ago)."""
    session.execute(
        delete(JoinAttempt).where(
            JoinAttempt.client_key.in_(list(keys)),
            JoinAttempt.attempted_at < now() - ATTEMPT_WINDOW,
        )
    )
    session.add_all(JoinAttempt(client_key=key) for key in keys)
    commit(session)


def wait_message(seconds: int) -> str:
    """'Try again in 1 second.', '... in 8 seconds.', '... in 3 minutes.'"""
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return f"Try again in {minutes} minutes."
    return f"Try again in {seconds} second{'' if seconds == 1 else 's'}."


def session_by_code(
    session: Session, *, code: str | None, client_key: str, client_address: str | None = None
) -> EventSession:
    """The live session with this join code.

    A wrong code is recorded for ``client_key`` (one browser) and ``client_address``
    (its network address, when known); after a few, this browser has to wait longer
    and longer before the next try. A try while it has to wait is refused, even with
    the right code, and counts as well: hammering makes the wait longer.
    """
    keys = _keys(client_key, client_address)
    if wait_seconds(session, client_key=client_key, client_address=client_address):
        _record(session, keys)
        wait = wait_seconds(session, client_key=client_key, client_address=client_address)
        raise TooManyAttempts(f"Too many wrong codes from this browser. {wait_message(wait)}", wait)
    text = normalise_code(code)
    row = None
    if len(text) == CODE_LENGTH:
        row = session.scalars(select(EventSession).where(EventSession.join_code == text)).first()
    if row is not None and is_live(row) and row.archived_at is None:
        return row
    _record(session, keys)
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
    text = (token or "").strip()
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
    text = (token or "").strip()
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
