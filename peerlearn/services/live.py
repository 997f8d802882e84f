"""Running a session live: join codes, the current activity, stepping through a quiz.

The state lives on the EventSession row, so the presenter view, the facilitator's
controls and every phone read the same thing from the database. Staff drive it;
participants only join (here) and answer (participation.py).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.models import (
    Answer,
    AnswerOption,
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
# Wrong codes from one browser: this many within the window, then a wait that doubles
# with every further attempt (refused ones too), up to MAX_WAIT seconds. The browser's
# network address is counted as well, so clearing cookies does not start afresh; a
# venue's wifi puts a whole room behind one address, hence its larger allowance.
FREE_ATTEMPTS = 5
FREE_ATTEMPTS_PER_ADDRESS = 50
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_WAIT = 300
MAX_COUNTDOWN = participation.MAX_COUNTDOWN
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


def live_session(session: Session, *, session_id: int) -> EventSession:
    """The session, refused unless it is open for phones right now."""
    row = get(session, EventSession, session_id, label="session")
    if row.archived_at is not None or not is_live(row):
        raise NotFound(f"The session '{row.title}' is not open for phones (any more).")
    return row


def join_live(
    session: Session,
    *,
    session_id: int,
    city_id: int | None = None,
    display_name: str = "",
) -> Participant:
    """A new participant of a live session found by its code a moment ago."""
    row = live_session(session, session_id=session_id)
    return participation.join_session(
        session, session_id=row.id, city_id=city_id, display_name=display_name
    )


def returning_participant(
    session: Session, *, session_id: int, token: str | None
) -> Participant | None:
    """The participant this browser joined ``session_id`` as before (its token kept in
    a cookie), or None when the token is unknown or of another session."""
    text = (token or "").strip()
    if not text or len(text) > participation.TOKEN_MAX:
        return None
    return session.scalars(
        select(Participant).where(Participant.token == text, Participant.session_id == session_id)
    ).first()


def join_by_code(
    session: Session,
    *,
    code: str | None,
    client_key: str,
    client_address: str | None = None,
    city_id: int | None = None,
    display_name: str = "",
) -> Participant:
    row = session_by_code(session, code=code, client_key=client_key, client_address=client_address)
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
    """Put a question on the big screen and the phones (not yet open for answers).

    A question still open closes: phones answer only the question on the screen.
    """
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    participation.close_other_questions(session, session_id=row.id, keep_id=question.id)
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
    hide_results: bool = False,
) -> Question:
    """Open the question for answers, optionally closing by itself after a countdown.

    It goes on the screen, and any other open question of the session closes. A
    revealed question reopens only with ``hide_results`` (its results leave the screen).
    """
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    return participation.open_question(
        session,
        actor=actor,
        question_id=question.id,
        countdown_seconds=countdown_seconds,
        hide_results=hide_results,
    )


def close_question(session: Session, *, actor: User, session_id: int, question_id: int):
    row = _staff_session(session, actor, session_id)
    question = _session_question(session, row, question_id)
    return participation.close_question(session, actor=actor, question_id=question.id)


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


@dataclass(frozen=True)
class FreshRun:
    answers: int  # answers cleared
    questions: int  # questions put back to "not opened yet"


def quiz_answers(session: Session, *, actor: User, session_id: int) -> int:
    """How many answers the questions of the session's quizzes hold."""
    row = _staff_session(session, actor, session_id)
    return int(
        session.scalar(
            select(func.count(Answer.id))
            .join(Question, Question.id == Answer.question_id)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.session_id == row.id)
        )
    )


def fresh_quiz_run(session: Session, *, actor: User, session_id: int) -> FreshRun:
    """Start the session's quiz afresh, as in "reset results" of live-quiz tools.

    Every answer to its questions goes (they are deleted: the event summary holds only
    what is stored, so it keeps none of them), and each question is back to "not opened
    yet", with nothing on the screen. Participants, challenges and votes stay. One
    transaction: all of it or nothing.
    """
    row = _staff_session(session, actor, session_id)
    question_ids = select(Question.id).join(Quiz, Quiz.id == Question.quiz_id)
    question_ids = question_ids.where(Quiz.session_id == row.id)
    answer_ids = select(Answer.id).where(Answer.question_id.in_(question_ids))
    answers = int(session.scalar(select(func.count()).select_from(answer_ids.subquery())))
    session.execute(delete(AnswerOption).where(AnswerOption.answer_id.in_(answer_ids)))
    session.execute(delete(Answer).where(Answer.question_id.in_(question_ids)))
    questions = session.scalars(select(Question).where(Question.id.in_(question_ids))).all()
    for question in questions:
        question.opened_at = question.closed_at = question.revealed_at = None
        question.countdown_seconds = question.closes_at = None
        session.add(question)
    row.current_question_id = None
    session.add(row)
    commit(session, conflict="The quiz could not be reset; try again.")
    return FreshRun(answers=answers, questions=len(questions))


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
