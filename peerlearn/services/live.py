"""Running a session live: join codes, the current activity, stepping through a quiz.

The state lives on the EventSession row, so the presenter view, the facilitator's
controls and every phone read the same thing from the database. Staff drive it;
participants only join (here) and answer (participation.py).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.models import (
    CountMode,
    EventSession,
    JoinAttempt,
    LiveActivity,
    Participant,
    Question,
    Quiz,
    User,
)
from peerlearn.services import participation
from peerlearn.services._common import STAFF, choice, commit, get, get_active, now, require_role

# No look-alikes: 0/O, 1/I/L are left out, so a code read off a projector is typed right.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# Wrong codes from one browser: this many within the window, then a growing wait.
FREE_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(minutes=10)
MAX_COUNTDOWN = 600
MAX_BUDGET = 20


class TooManyAttempts(InvalidInput):
    """Too many wrong codes from one browser; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


# --- codes ------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str | None) -> str:
    """Upper-case, without spaces or dashes (people type "abc-def" or "ABC DEF")."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def is_live(event_session: EventSession) -> bool:
    return event_session.live_started_at is not None and event_session.live_ended_at is None


def _staff_session(session: Session, actor: User | None, session_id: int) -> EventSession:
    require_role(actor, *STAFF)
    return get_active(session, EventSession, session_id, label="session")


def start_live(session: Session, *, actor: User, session_id: int) -> EventSession:
    """Open the session for phones: it gets a join code (kept if it had one)."""
    row = _staff_session(session, actor, session_id)
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
    commit(session, conflict="Another session took this join code at the same moment; try again.")
    return row


def end_live(session: Session, *, actor: User, session_id: int) -> EventSession:
    """Close the session: its code stops working; everything collected stays."""
    row = _staff_session(session, actor, session_id)
    if not is_live(row):
        raise InvalidInput(f"The session '{row.title}' is not live.")
    row.live_ended_at = now()
    row.activity = LiveActivity.ENDED
    session.add(row)
    commit(session)
    return row


# --- joining ----------------------------------------------------------------------


def _wait_seconds(session: Session, client_key: str) -> int:
    """Seconds this browser must wait before trying another code (0: go ahead)."""
    since = now() - ATTEMPT_WINDOW
    recent = list(
        session.scalars(
            select(JoinAttempt.attempted_at)
            .where(JoinAttempt.client_key == client_key, JoinAttempt.attempted_at >= since)
            .order_by(JoinAttempt.attempted_at.desc())
            .limit(50)
        )
    )
    if len(recent) < FREE_ATTEMPTS:
        return 0
    # 2, 4, 8 ... seconds after the last wrong code, at most a minute.
    delay = min(60, 2 ** (len(recent) - FREE_ATTEMPTS + 1))
    elapsed = (now() - recent[0]).total_seconds()
    return max(0, int(delay - elapsed + 0.999))


def session_by_code(session: Session, *, code: str | None, client_key: str) -> EventSession:
    """The live session with this join code.

    A wrong code is recorded for ``client_key`` (one browser); after a few, this browser
    has to wait longer and longer before the next try.
    """
    key = (client_key or "unknown")[:64]
    wait = _wait_seconds(session, key)
    if wait:
        raise TooManyAttempts(
            f"Too many wrong codes from this browser. Try again in {wait} seconds.", wait
        )
    text = normalise_code(code)
    row = None
    if len(text) == CODE_LENGTH:
        row = session.scalars(select(EventSession).where(EventSession.join_code == text)).first()
    if row is not None and is_live(row) and row.archived_at is None:
        return row
    session.add(JoinAttempt(client_key=key))
    commit(session)
    if row is not None and row.live_ended_at is not None:
        raise NotFound(f"The session with the code {text} has ended; thank you for taking part.")
    if row is not None:
        raise NotFound(f"The session with the code {text} has not started yet.")
    shown = text or "(empty)"
    raise NotFound(
        f"No live session has the code {shown}. Check the {CODE_LENGTH} characters "
        "on the big screen and type them again."
    )


def join_by_code(
    session: Session,
    *,
    code: str | None,
    client_key: str,
    city_id: int | None = None,
    display_name: str = "",
) -> Participant:
    row = session_by_code(session, code=code, client_key=client_key)
    return participation.join_session(
        session, session_id=row.id, city_id=city_id, display_name=display_name
    )


def participant_in_live_session(
    session: Session, *, token: str
) -> tuple[Participant, EventSession]:
    participant = participation.participant_by_token(session, token=token)
    row = get(session, EventSession, participant.session_id, label="session")
    return participant, row


# --- the activity and its settings ------------------------------------------------


def set_activity(session: Session, *, actor: User, session_id: int, activity: str) -> EventSession:
    row = _staff_session(session, actor, session_id)
    row.activity = choice(activity, list(LiveActivity), label="The activity")
    session.add(row)
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
) -> EventSession:
    """Counting per person or per city, hiding results until reveal, the dot budget."""
    row = _staff_session(session, actor, session_id)
    if count_mode is not None:
        row.count_mode = choice(count_mode, list(CountMode), label="Counting")
    if vote_mode is not None:
        row.vote_mode = choice(vote_mode, list(CountMode), label="Votes")
    if results_hidden is not None:
        row.results_hidden = bool(results_hidden)
    if vote_budget is not None:
        if isinstance(vote_budget, bool) or not isinstance(vote_budget, int):
            raise InvalidInput("The number of dots must be a whole number.")
        if not 1 <= vote_budget <= MAX_BUDGET:
            raise InvalidInput(f"The number of dots must be from 1 to {MAX_BUDGET}.")
        row.vote_budget = vote_budget
    session.add(row)
    commit(session)
    return row


def close_voting(session: Session, *, actor: User, session_id: int, closed: bool = True):
    row = _staff_session(session, actor, session_id)
    row.voting_closed_at = now() if closed else None
    session.add(row)
    commit(session)
    return row


# --- stepping through a quiz ------------------------------------------------------


def session_questions(session: Session, *, session_id: int) -> list[Question]:
    """The questions of the session's quizzes, in quiz then question order."""
    return list(
        session.scalars(
            select(Question)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.session_id == session_id)
            .order_by(Quiz.id, Question.position, Question.id)
        )
    )


def _session_question(session: Session, row: EventSession, question_id: int) -> Question:
    question = get(session, Question, question_id, label="question")
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    if quiz.session_id != row.id:
        raise InvalidInput(
            f"That question belongs to a quiz of another session than '{row.title}'."
        )
    return question


def show_question(session: Session, *, actor: User, session_id: int, question_id: int):
    """Put a question on the big screen and the phones (not yet open for answers)."""
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    row.current_question_id = question.id
    row.activity = LiveActivity.QUIZ
    session.add(row)
    commit(session)
    return question


def step(session: Session, *, actor: User, session_id: int, direction: int) -> Question:
    """Show the next (+1) or previous (-1) question of the session."""
    row = _staff_session(session, actor, session_id)
    questions = session_questions(session, session_id=row.id)
    if not questions:
        raise InvalidInput(f"The session '{row.title}' has no quiz questions yet.")
    ids = [q.id for q in questions]
    if row.current_question_id in ids:
        index = ids.index(row.current_question_id) + (1 if direction > 0 else -1)
    else:
        index = 0
    if not 0 <= index < len(ids):
        raise InvalidInput(
            "There is no question " + ("after" if direction > 0 else "before") + " this one."
        )
    return show_question(session, actor=actor, session_id=row.id, question_id=ids[index])


def open_question(
    session: Session,
    *,
    actor: User,
    session_id: int,
    question_id: int,
    countdown_seconds: int | None = None,
) -> Question:
    """Open the question for answers, optionally closing by itself after a countdown."""
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if countdown_seconds is not None and (
        isinstance(countdown_seconds, bool)
        or not isinstance(countdown_seconds, int)
        or not 5 <= countdown_seconds <= MAX_COUNTDOWN
    ):
        raise InvalidInput(f"A countdown runs from 5 to {MAX_COUNTDOWN} seconds.")
    started = now()
    question.opened_at = started
    question.closed_at = None
    question.revealed_at = None
    question.countdown_seconds = countdown_seconds
    question.closes_at = (
        started + timedelta(seconds=countdown_seconds) if countdown_seconds else None
    )
    row.current_question_id = question.id
    row.activity = LiveActivity.QUIZ
    session.add_all([question, row])
    commit(session)
    return question


def close_question(session: Session, *, actor: User, session_id: int, question_id: int):
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if question.opened_at is None:
        raise InvalidInput("This question has not been opened yet, so it cannot be closed.")
    if question.closed_at is None:
        # A countdown that ran out closed it at that moment, not now.
        ran_out = question.closes_at is not None and question.closes_at <= now()
        question.closed_at = question.closes_at if ran_out else now()
        session.add(question)
        commit(session)
    return question


def reveal_question(session: Session, *, actor: User, session_id: int, question_id: int):
    """Show the results to everyone (closing the question first if it is open)."""
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if question.opened_at is None:
        raise Conflict("Open the question and collect answers before revealing its results.")
    if question.closed_at is None:
        question.closed_at = min(now(), question.closes_at) if question.closes_at else now()
    question.revealed_at = now()
    session.add(question)
    commit(session)
    return question


def question_state(question: Question | None) -> str:
    """'waiting', 'open', 'closed' or 'revealed' — what phones and the screen show."""
    if question is None or question.opened_at is None:
        return "waiting"
    if question.revealed_at is not None:
        return "revealed"
    if participation.is_closed(question):
        return "closed"
    return "open"


def require_live(event_session: EventSession) -> None:
    if not is_live(event_session):
        raise NotFound(f"The session '{event_session.title}' is not live.")
