"""Taking part in a live session from a phone: joining, answering, seeing results.

Participants have no account: a random token (kept in the URL) is who they are, so a
reload or a server restart loses nothing. Staff open and close questions; one answer
per participant and question, and a resubmission changes that answer in place.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.models import (
    NAME_MAX,
    TEXT_MAX,
    Answer,
    AnswerOption,
    City,
    Event,
    EventSession,
    LiveActivity,
    Option,
    Participant,
    Question,
    QuestionKind,
    Quiz,
    User,
)
from peerlearn.services._common import (
    STAFF,
    clean_text,
    commit,
    get,
    get_active,
    now,
    require_role,
)

TOKEN_BYTES = 16
TOKEN_MAX = 64  # Participant.token's column length


@dataclass(frozen=True)
class OptionResult:
    option_id: int
    text: str
    is_correct: bool
    count: int


@dataclass(frozen=True)
class QuestionResults:
    question_id: int
    kind: str
    answers: int
    options: list[OptionResult]  # choice questions, in the question's order
    mean: float | None  # scale questions
    value_counts: dict[int, int]  # scale questions: every step of the scale, 0 if unused
    texts: list[str]  # open questions, oldest first


# --- participants -----------------------------------------------------------------


def _city(session: Session, city_id: int | None) -> int | None:
    if city_id is None:
        return None
    return get_active(session, City, city_id, label="city").id


def join_session(
    session: Session, *, session_id: int, city_id: int | None = None, display_name: str = ""
) -> Participant:
    """A new participant of the session, identified from now on by its token."""
    event_session = get_active(session, EventSession, session_id, label="session")
    get_active(session, Event, event_session.event_id, label="event")
    city = _city(session, city_id)
    name = clean_text(
        display_name, label="Your name", max_len=NAME_MAX, required=False, field="display_name"
    )
    participant = Participant(
        session_id=event_session.id,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        city_id=city,
        display_name=name,
    )
    session.add(participant)
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


def set_participant_city(session: Session, *, token: str, city_id: int | None) -> Participant:
    """Say which city the participant speaks for (None: no city)."""
    participant = participant_by_token(session, token=token)
    participant.city_id = _city(session, city_id)
    session.add(participant)
    commit(session, conflict="Your city could not be saved; please try again.")
    return participant


# --- opening and closing questions (staff) ----------------------------------------

MAX_COUNTDOWN = 600


def _question_session(session: Session, question: Question) -> EventSession:
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    return get(session, EventSession, quiz.session_id, label="session")


def _closing_time(question: Question):
    """When an open question closes now: at its countdown's end if that has passed."""
    moment = now()
    if question.closes_at is not None and question.closes_at <= moment:
        return question.closes_at
    return moment


def close_other_questions(session: Session, *, session_id: int, keep_id: int | None) -> None:
    """Close every open question of the session but ``keep_id`` (not committed).

    Only the question on the screen takes answers: opening or showing another one
    ends the previous one.
    """
    still_open = session.scalars(
        select(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(
            Quiz.session_id == session_id,
            Question.opened_at.is_not(None),
            Question.closed_at.is_(None),
        )
    ).all()
    for question in still_open:
        if question.id != keep_id:
            question.closed_at = _closing_time(question)
            session.add(question)


def open_question(
    session: Session,
    *,
    actor: User,
    question_id: int,
    countdown_seconds: int | None = None,
    hide_results: bool = False,
) -> Question:
    """Put the question on the screen and open it for answers (a closed one reopens).

    Any other open question of the session closes: phones answer only the question on
    the screen. Reopening a question whose results are revealed hides them again, so it
    must be asked for with ``hide_results``.
    """
    require_role(actor, *STAFF)
    question = get(session, Question, question_id, label="question")
    if countdown_seconds is not None and (
        isinstance(countdown_seconds, bool)
        or not isinstance(countdown_seconds, int)
        or not 5 <= countdown_seconds <= MAX_COUNTDOWN
    ):
        raise InvalidInput(f"A countdown runs from 5 to {MAX_COUNTDOWN} seconds.")
    if question.revealed_at is not None and not hide_results:
        raise Conflict(
            "The results of this question are revealed; opening it again hides them. "
            "Choose 'Open again (hides the results)' to do so."
        )
    row = _question_session(session, question)
    close_other_questions(session, session_id=row.id, keep_id=question.id)
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


def close_question(session: Session, *, actor: User, question_id: int) -> Question:
    """Stop taking answers; the answers given stay as they are."""
    require_role(actor, *STAFF)
    question = get(session, Question, question_id, label="question")
    if question.opened_at is None:
        raise InvalidInput("This question has not been opened yet, so it cannot be closed.")
    if question.closed_at is None:
        # A countdown that ran out closed it at that moment, not now.
        question.closed_at = _closing_time(question)
        session.add(question)
        commit(session)
    return question


# --- answering --------------------------------------------------------------------


def is_closed(question: Question) -> bool:
    """Closed by the facilitator, or its countdown has run out."""
    if question.closed_at is not None:
        return True
    return question.closes_at is not None and now() >= question.closes_at


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
    participant_id: int,
    question_id: int,
    chosen: list[int],
    value: int | None,
    text: str,
) -> Answer:
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
    session one joined.

    Choice questions take ``option_ids``, scale questions ``value``, open ones ``text``.
    """
    participant = participant_by_token(session, token=token)
    question = get(session, Question, question_id, label="question")
    quiz = get(session, Quiz, question.quiz_id, label="quiz")
    if quiz.session_id != participant.session_id:
        raise PermissionDenied(
            "This question belongs to another session; "
            "you can answer only the questions of the session you joined."
        )
    if question.opened_at is None:
        raise InvalidInput("This question is not open yet; wait until the facilitator opens it.")
    if is_closed(question):
        raise Conflict("This question is closed; answers can no longer change.")
    row = get(session, EventSession, participant.session_id, label="session")
    if row.activity != LiveActivity.QUIZ or row.current_question_id != question.id:
        raise Conflict(
            "This question is no longer on the screen; answer the one the facilitator shows now."
        )
    chosen, number, words = _validated(session, question, option_ids, value, text)
    ids = participant.id, question.id
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


# --- results ----------------------------------------------------------------------


def question_results(session: Session, *, question_id: int) -> QuestionResults:
    """What the room answered, aggregated in the database (a few GROUP BY queries)."""
    question = get(session, Question, question_id, label="question")
    total, mean = session.execute(
        select(func.count(Answer.id), func.avg(Answer.value)).where(
            Answer.question_id == question.id
        )
    ).one()
    options: list[OptionResult] = []
    value_counts: dict[int, int] = {}
    texts: list[str] = []
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        rows = session.execute(
            select(Option.id, Option.text, Option.is_correct, func.count(AnswerOption.answer_id))
            .outerjoin(AnswerOption, AnswerOption.option_id == Option.id)
            .where(Option.question_id == question.id)
            .group_by(Option.id, Option.text, Option.is_correct, Option.position)
            .order_by(Option.position, Option.id)
        )
        options = [OptionResult(*row) for row in rows]
    elif question.kind == QuestionKind.SCALE:
        value_counts = dict.fromkeys(range(question.scale_min, question.scale_max + 1), 0)
        value_counts.update(
            session.execute(
                select(Answer.value, func.count(Answer.id))
                .where(Answer.question_id == question.id)
                .group_by(Answer.value)
            ).all()
        )
    else:
        texts = list(
            session.scalars(
                select(Answer.text)
                .where(Answer.question_id == question.id)
                .order_by(Answer.answered_at, Answer.id)
            )
        )
    return QuestionResults(
        question_id=question.id,
        kind=question.kind,
        answers=total,
        options=options,
        mean=None if mean is None or question.kind != QuestionKind.SCALE else float(mean),
        value_counts=value_counts,
        texts=texts,
    )
