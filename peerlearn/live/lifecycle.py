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
from peerlearn.models import CountMode, EventSession, LiveActivity, Question, Quiz, User
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
    still_open = session.scalars(
        select(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(
            Quiz.session_id == row.id,
            Question.opened_at.is_not(None),
            Question.closed_at.is_(None),
        )
    )
    for question in still_open:
        question.closed_at = rules.closing_time(question.closes_at, moment)
        session.add(question)
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
    session: Session,
    *,
    actor: User,
    session_id: int,
    count_mode: str | None = None,
    results_hidden: bool | None = None,
    vote_mode: str | None = None,
    vote_budget: int | None = None,
    tally_hidden: bool | None = None,
) -> EventSession:
    """Counting per person or per city, hiding results until the reveal, the dot
    budget and whether the tally waits for the end of voting."""
    row = require_session_access(session, actor, session_id)
    if count_mode is not None:
        row.count_mode = choice(count_mode, list(CountMode), label="Counting")
    if vote_mode is not None:
        row.vote_mode = choice(vote_mode, list(CountMode), label="Votes")
    if results_hidden is not None:
        row.results_hidden = bool(results_hidden)
    if tally_hidden is not None:
        row.tally_hidden = bool(tally_hidden)
    if vote_budget is not None:
        if isinstance(vote_budget, bool) or not isinstance(vote_budget, int):
            raise InvalidInput("The number of dots must be a whole number.")
        if not 1 <= vote_budget <= rules.MAX_DOTS:
            raise InvalidInput(f"The number of dots must be from 1 to {rules.MAX_DOTS}.")
        row.vote_budget = vote_budget
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
