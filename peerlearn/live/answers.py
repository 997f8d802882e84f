"""Answering from a phone: one answer per participant and question (a unique
constraint); sending again changes that answer in place."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from peerlearn import rules
from peerlearn.errors import Conflict, InvalidInput, PermissionDenied
from peerlearn.live import clock, limits
from peerlearn.live.joining import participant_by_token, participant_in_live_session
from peerlearn.models import (
    TEXT_MAX,
    Answer,
    AnswerOption,
    LiveActivity,
    Option,
    Participant,
    Question,
    QuestionKind,
    Quiz,
    User,
)
from peerlearn.services.permissions import require_staff
from peerlearn.services.store import commit, get, lock, now
from peerlearn.services.text import clean_text


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _chosen_options(session: Session, question: Question, option_ids: Sequence[int]) -> list[int]:
    chosen = list(dict.fromkeys(option_ids))  # drop repeats, keep the order
    if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise InvalidInput("Choose exactly one option.", field="option_ids")
    if not chosen:
        raise InvalidInput("Choose at least one option.", field="option_ids")
    if not all(_is_int(i) for i in chosen):
        raise InvalidInput("Options are given by their ids (whole numbers).", field="option_ids")
    known = set(
        session.scalars(
            select(Option.id).where(Option.question_id == question.id, Option.id.in_(chosen))
        )
    )
    if strangers := [i for i in chosen if i not in known]:
        raise InvalidInput(
            f"Option(s) {strangers} are not options of this question; choose among its own.",
            field="option_ids",
        )
    return chosen


def _validated(
    session: Session,
    question: Question,
    option_ids: Sequence[int] | None,
    value: int | None,
    text: str | None,
) -> tuple[list[int], int | None, str]:
    """(option ids, value, text) fit for the question's kind."""
    given_text = bool((text or "").strip())
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if value is not None or given_text:
            raise InvalidInput("A choice question is answered by choosing options.")
        return _chosen_options(session, question, option_ids or []), None, ""
    if option_ids:
        raise InvalidInput(f"A {question.kind} question has no options to choose.")
    if question.kind == QuestionKind.SCALE:
        if given_text:
            raise InvalidInput("A scale question is answered with a number.")
        low, high = question.scale_min, question.scale_max
        if not _is_int(value) or not low <= value <= high:
            raise InvalidInput(
                f"Choose a whole number from {low} to {high} (got {value!r}).", field="value"
            )
        return [], value, ""
    if value is not None:
        raise InvalidInput("An open question is answered with text, not a number.")
    return [], None, clean_text(text, label="Your answer", max_len=TEXT_MAX, field="text")


def _store(
    session: Session,
    session_id: int,
    participant: Participant,
    question_id: int,
    chosen: list[int],
    value: int | None,
    text: str,
) -> Answer:
    # The phone's answers one at a time, so that its rate limit holds under a burst.
    lock(session, participant)
    participant_id = participant.id
    limits.take_turn(session, participant_id, rules.ANSWER)
    answer = session.scalars(
        select(Answer).where(
            Answer.participant_id == participant_id, Answer.question_id == question_id
        )
    ).first()
    if answer is None:
        answer = Answer(participant_id=participant_id, question_id=question_id)
        session.add(answer)
    answer.value, answer.text, answer.answered_at = value, text, now()
    session.flush()
    # The same Answer row keeps its id; only the chosen options are replaced.
    session.execute(delete(AnswerOption).where(AnswerOption.answer_id == answer.id))
    session.add_all(AnswerOption(answer_id=answer.id, option_id=o) for o in chosen)
    clock.bump(session, session_id)
    commit(session, conflict="Your answer could not be saved; please send it again.")
    return answer


def answer_question(
    session: Session,
    *,
    token: str,
    question_id: int,
    option_ids: Sequence[int] | None = None,
    value: int | None = None,
    text: str | None = None,
) -> Answer:
    """Answer (or change one's answer to) the open question on the screen of the
    live session one joined.

    Choice questions take ``option_ids``, scale questions ``value``, open ones ``text``.
    """
    participant, row = participant_in_live_session(session, token=token)
    question = get(session, Question, question_id, label="question")
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    if quiz.session_id != participant.session_id:
        raise PermissionDenied(
            "This question belongs to another session; "
            "you can answer only the questions of the session you joined."
        )
    if question.opened_at is None:
        raise InvalidInput("This question is not open yet; wait until the facilitator opens it.")
    if rules.is_closed(question.closed_at, question.closes_at, now()):
        raise Conflict("This question is closed; answers can no longer change.")
    if row.activity != LiveActivity.QUIZ or row.current_question_id != question.id:
        raise Conflict(
            "This question is no longer on the screen; answer the one the facilitator shows now."
        )
    chosen, number, words = _validated(session, question, option_ids, value, text)
    ids = row.id, participant, question.id
    try:
        return _store(session, *ids, chosen, number, words)
    except IntegrityError:
        # Two submissions raced to give the first answer; the other one stored it,
        # so this one now updates that row.
        session.rollback()
        return _store(session, *ids, chosen, number, words)


def participant_answer(
    session: Session, *, token: str, question_id: int
) -> tuple[Answer, list[int]] | None:
    """The participant's answer to the question and its chosen option ids, if any."""
    participant = participant_by_token(session, token=token)
    answer = session.scalars(
        select(Answer).where(
            Answer.participant_id == participant.id, Answer.question_id == question_id
        )
    ).first()
    if answer is None:
        return None
    option_ids = session.scalars(
        select(AnswerOption.option_id).where(AnswerOption.answer_id == answer.id)
    )
    return answer, sorted(option_ids)


def set_hidden(session: Session, *, actor: User, answer_id: int, hidden: bool = True) -> Answer:
    """Take an open answer off the screens and out of the word chart (``hidden``), or
    show it again. Staff only; the answer stays stored and in the Excel summary."""
    require_staff(actor)
    answer = get(session, Answer, answer_id, label="answer")
    question = get(session, Question, answer.question_id, label="question")
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    answer.hidden = bool(hidden)
    session.add(answer)
    clock.bump(session, quiz.session_id)
    commit(session)
    return answer
