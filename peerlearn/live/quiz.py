"""Stepping through a session's quiz live: the question on the screen, opening it for
answers (with the session's countdown), closing, revealing, the end with its podium,
and a fresh run. Staff only; one question is open at a time, the one on the screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import Conflict, InvalidInput
from peerlearn.live import clock
from peerlearn.models import Answer, AnswerOption, EventSession, LiveActivity, Question, Quiz, User
from peerlearn.services.permissions import require_session_access
from peerlearn.services.store import commit, get, now


def session_questions(session: Session, *, actor: User, session_id: int) -> list[Question]:
    """The questions of the session's quizzes, in quiz then question order; staff only."""
    require_session_access(session, actor, session_id)
    return list(
        session.scalars(
            select(Question)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.session_id == session_id)
            .order_by(Quiz.id, Question.position, Question.id)
        )
    )


def state(question: Question | None) -> str:
    """'waiting', 'open', 'closed' or 'revealed' — what phones and the screen show."""
    if question is None:
        return "waiting"
    return rules.question_state(
        question.opened_at, question.closed_at, question.closes_at, question.revealed_at, now()
    )


def _session_question(session: Session, row: EventSession, question_id: int) -> Question:
    question = get(session, Question, question_id, label="question")
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    if quiz.session_id != row.id:
        raise InvalidInput(
            f"That question belongs to a quiz of another session than '{row.title}'."
        )
    return question


def close_open_questions(
    session: Session, row: EventSession, *, keep_id: int | None = None
) -> None:
    """Close every open question of the session but ``keep_id`` (not committed): only
    the question on the screen takes answers."""
    moment = now()
    still_open = session.scalars(
        select(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(
            Quiz.session_id == row.id,
            Question.opened_at.is_not(None),
            Question.closed_at.is_(None),
        )
    ).all()
    for question in still_open:
        if question.id != keep_id:
            question.closed_at = rules.closing_time(question.closes_at, moment)
            session.add(question)


def _on_screen(session: Session, row: EventSession, question: Question) -> None:
    close_open_questions(session, row, keep_id=question.id)
    row.current_question_id = question.id
    row.activity = LiveActivity.QUIZ
    row.quiz_finished_at = None
    session.add(row)


def show_question(session: Session, *, actor: User, session_id: int, question_id: int):
    """Put a question on the big screen and the phones (not yet open for answers).

    A question still open closes: phones answer only the question on the screen.
    """
    row = require_session_access(session, actor, session_id)
    question = _session_question(session, row, question_id)
    _on_screen(session, row, question)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return question


def step(session: Session, *, actor: User, session_id: int, direction: int) -> Question | None:
    """Show the next (+1) or previous (-1) question of the session.

    "Next" on the last question ends the quiz: the question closes (and is revealed if
    it was asked, so that it counts) and the screen shows the final podium; None is
    returned then. "Previous" from the podium goes back to the last question.
    """
    row = require_session_access(session, actor, session_id)
    questions = session_questions(session, actor=actor, session_id=row.id)
    if not questions:
        raise InvalidInput(f"The session '{row.title}' has no quiz questions yet.")
    ids = [q.id for q in questions]
    forward = direction > 0
    if row.quiz_finished_at is not None:
        if forward:
            raise InvalidInput("The quiz is over: the podium is on the screen.")
        index = len(ids) - 1
    elif row.current_question_id in ids:
        index = ids.index(row.current_question_id) + (1 if forward else -1)
    else:
        index = 0
    if index == len(ids):
        return _finish(session, row, questions[-1])
    if index < 0:
        raise InvalidInput("There is no question before this one.")
    return show_question(session, actor=actor, session_id=row.id, question_id=ids[index])


def _finish(session: Session, row: EventSession, last: Question) -> None:
    moment = now()
    close_open_questions(session, row, keep_id=None)
    if last.opened_at is not None and last.revealed_at is None:
        if last.closed_at is None:
            last.closed_at = rules.closing_time(last.closes_at, moment)
        last.revealed_at = moment
        session.add(last)
    row.quiz_finished_at = moment
    row.activity = LiveActivity.QUIZ
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return None


def open_question(
    session: Session,
    *,
    actor: User,
    session_id: int,
    question_id: int,
    hide_results: bool = False,
) -> Question:
    """Open the question for answers, closing by itself after the session's countdown
    if it has one.

    It goes on the screen, and any other open question of the session closes. A
    revealed question reopens only with ``hide_results`` (its results leave the screen).
    """
    row = require_session_access(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if question.revealed_at is not None and not hide_results:
        raise Conflict(
            "The results of this question are revealed; opening it again hides them. "
            "Choose 'Open again (hides the results)' to do so."
        )
    _on_screen(session, row, question)
    started = now()
    seconds = row.countdown_seconds
    question.opened_at = started
    question.closed_at = None
    question.revealed_at = None
    question.countdown_seconds = seconds
    question.closes_at = started + timedelta(seconds=seconds) if seconds else None
    session.add(question)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return question


def close_question(session: Session, *, actor: User, session_id: int, question_id: int):
    """Stop taking answers; the answers given stay as they are."""
    row = require_session_access(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if question.opened_at is None:
        raise InvalidInput("This question has not been opened yet, so it cannot be closed.")
    if question.closed_at is None:
        # A countdown that ran out closed it at that moment, not now.
        question.closed_at = rules.closing_time(question.closes_at, now())
        session.add(question)
        clock.bump(session, row.id, stage=True)
        commit(session)
    return question


def reveal_question(session: Session, *, actor: User, session_id: int, question_id: int):
    """Show the results to everyone (closing the question first if it is open)."""
    row = require_session_access(session, actor, session_id)
    question = _session_question(session, row, question_id)
    if question.opened_at is None:
        raise Conflict("Open the question and collect answers before revealing its results.")
    moment = now()
    if question.closed_at is None:
        question.closed_at = rules.closing_time(question.closes_at, moment)
    question.revealed_at = moment
    session.add(question)
    clock.bump(session, row.id, stage=True)
    commit(session)
    return question


@dataclass(frozen=True)
class FreshRun:
    answers: int  # answers cleared
    questions: int  # questions put back to "not opened yet"


def quiz_answers(session: Session, *, actor: User, session_id: int) -> int:
    """How many answers the questions of the session's quizzes hold."""
    row = require_session_access(session, actor, session_id)
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
    yet", with nothing on the screen. Participants, challenges and votes stay; the people
    present are counted from now on. Open for phones or not yet. One transaction: all of
    it or nothing.
    """
    row = require_session_access(session, actor, session_id)
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
    row.quiz_finished_at = None
    row.run_started_at = now()
    session.add(row)
    clock.bump(session, row.id, stage=True)
    commit(session, conflict="The quiz could not be reset; try again.")
    return FreshRun(answers=answers, questions=len(questions))
