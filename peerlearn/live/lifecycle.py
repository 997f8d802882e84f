"""Opening a session for phones and closing it, the activity the room is on, and the
session's settings. Staff only.

The state lives on the EventSession row, so the presenter view, the facilitator's
controls and every phone read the same thing from the database; each change moves the
session's clock (peerlearn.live.clock) in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import InvalidInput
from peerlearn.live import clock
from peerlearn.live.joining import is_live, new_code
from peerlearn.live.quiz import close_open_questions
from peerlearn.models import EventSession, LiveActivity, LiveSettingsUpdate, User
from peerlearn.services.permissions import require_session_access
from peerlearn.services.store import commit, now
from peerlearn.services.text import choice


def start_live(session: Session, *, actor: User, session_id: int) -> EventSession:
    """Open the session for phones: it gets a join code (kept if it had one)."""
    row = require_session_access(session, actor, session_id)
    if row.join_code is None:
        taken = True
        while taken:
            code = new_code()
            taken = session.scalar(select(func.count()).where(EventSession.join_code == code))
        row.join_code = code
    row.live_started_at = now()
    row.live_ended_at = None
    if row.activity == LiveActivity.ENDED:
        row.activity = LiveActivity.LOBBY
    session.add(row)
    clock.start(session, row.id)
    commit(session, conflict="Another session took this join code at the same moment; try again.")
    return row


def end_live(session: Session, *, actor: User, session_id: int) -> EventSession:
    """Close the session: its code stops working, an open question closes, and
    everything collected stays."""
    row = require_session_access(session, actor, session_id)
    if not is_live(row):
        raise InvalidInput(f"The session '{row.title}' is not live.")
    moment = now()
    close_open_questions(session, row)
    row.live_ended_at = moment
    row.activity = LiveActivity.ENDED
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return row


def set_activity(session: Session, *, actor: User, session_id: int, activity: str) -> EventSession:
    row = require_session_access(session, actor, session_id)
    row.activity = choice(activity, list(LiveActivity), label="The activity")
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return row


def update_settings(
    session: Session, *, actor: User, session_id: int, data: LiveSettingsUpdate
) -> EventSession:
    """Counting per person or per city, hiding results until the reveal, the dot
    budget and whether the tally waits for the end of voting."""
    row = require_session_access(session, actor, session_id)
    for key, value in data.changes().items():
        # None cannot clear a setting: it keeps it, like leaving it out.
        if value is not None:
            setattr(row, key, value)
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return row


def set_countdown(
    session: Session, *, actor: User, session_id: int, seconds: int | None
) -> EventSession:
    """The countdown each question gets when it is opened (None: none), kept for the
    next question and the next visit to Run live."""
    row = require_session_access(session, actor, session_id)
    if seconds is not None and not rules.valid_countdown(seconds):
        raise InvalidInput(
            f"A countdown runs from {rules.MIN_COUNTDOWN} to {rules.MAX_COUNTDOWN} seconds "
            "(0 for none).",
            field="countdown_seconds",
        )
    row.countdown_seconds = seconds
    session.add(row)
    clock.bump(session, row.id)
    commit(session)
    return row


def close_voting(
    session: Session, *, actor: User, session_id: int, closed: bool = True
) -> EventSession:
    """Close the dot-voting (the ranking goes on the screens), or open it again."""
    row = require_session_access(session, actor, session_id)
    row.voting_closed_at = now() if closed else None
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return row
