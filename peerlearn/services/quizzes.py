"""Quizzes of a session: their questions (in order) and the options of choice questions.

Staff (coordinator, facilitator) write. Once a question has answers, what was asked
stays as it was: its options and scale can no longer change and it cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn.errors import Conflict, InvalidInput
from peerlearn.live import clock
from peerlearn.models import (
    TITLE_MAX,
    Answer,
    EventSession,
    Option,
    Question,
    QuestionCreate,
    QuestionKind,
    QuestionUpdate,
    Quiz,
    QuizCreate,
    QuizUpdate,
    User,
)
from peerlearn.services.permissions import require_staff
from peerlearn.services.store import commit, count, get, get_active
from peerlearn.services.text import clean_text

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
OPTIONS_MIN, OPTIONS_MAX = 2, 12
SCALE_DEFAULT = (1, 5)
SCALE_SPAN_MAX = 10


@dataclass(frozen=True)
class QuestionView:
    question: Question
    options: list[Option]
    answer_count: int


@dataclass(frozen=True)
class QuizView:
    quiz: Quiz
    questions: list[QuestionView]


# --- validation helpers -----------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_options(
    kind: str, options: Sequence[str] | None, correct: Sequence[int] | None
) -> list[tuple[str, bool]]:
    """(text, is_correct) per option, in order; [] for scale and open questions."""
    if kind not in CHOICE_KINDS:
        if options:
            raise InvalidInput(f"A {kind} question takes no options; remove them.", field="options")
        if correct:
            raise InvalidInput(f"A {kind} question has no correct option.", field="correct")
        return []
    texts = [
        clean_text(text, label=f"Option {i + 1}", max_len=TITLE_MAX, field="options")
        for i, text in enumerate(options or [])
    ]
    if not OPTIONS_MIN <= len(texts) <= OPTIONS_MAX:
        raise InvalidInput(
            f"A {kind} question needs {OPTIONS_MIN} to {OPTIONS_MAX} options; {len(texts)} given.",
            field="options",
        )
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        if text.lower() in seen:
            raise InvalidInput(
                f"Option {i + 1} ('{text}') repeats option {seen[text.lower()] + 1}; "
                "each option must differ.",
                field="options",
            )
        seen[text.lower()] = i
    return list(zip(texts, _correct_marks(kind, correct, len(texts)), strict=True))


def _correct_marks(kind: str, correct: Sequence[int] | None, n: int) -> list[bool]:
    marked: set[int] = set()
    for index in correct or []:
        if not _is_int(index) or not 0 <= index < n:
            raise InvalidInput(
                f"The correct option {index!r} does not exist; options are numbered 0 to {n - 1}.",
                field="correct",
            )
        marked.add(index)
    if kind == QuestionKind.SINGLE and len(marked) > 1:
        raise InvalidInput(
            "A single choice question has at most one correct option.", field="correct"
        )
    return [i in marked for i in range(n)]


def _scale(kind: str, scale_min: int | None, scale_max: int | None) -> tuple[int | None, ...]:
    if kind != QuestionKind.SCALE:
        if scale_min is not None or scale_max is not None:
            raise InvalidInput(f"Only a scale question has a scale; a {kind} question has none.")
        return None, None
    low = SCALE_DEFAULT[0] if scale_min is None else scale_min
    high = SCALE_DEFAULT[1] if scale_max is None else scale_max
    if not (_is_int(low) and _is_int(high)):
        raise InvalidInput("The ends of a scale must be whole numbers.", field="scale")
    if high <= low:
        raise InvalidInput(
            f"The top of the scale ({high}) must be above its bottom ({low}).", field="scale"
        )
    if high - low > SCALE_SPAN_MAX:
        raise InvalidInput(
            f"A scale spans at most {SCALE_SPAN_MAX} steps; {low} to {high} spans {high - low}.",
            field="scale",
        )
    return low, high


def _refuse_duplicate_title(
    session: Session, session_id: int, title: str, exclude_id: int | None = None
) -> None:
    statement = select(Quiz.title).where(
        Quiz.session_id == session_id, func.lower(Quiz.title) == title.lower()
    )
    if exclude_id is not None:
        statement = statement.where(Quiz.id != exclude_id)
    if (existing := session.scalars(statement.limit(1)).first()) is not None:
        raise Conflict(
            f"This session already has a quiz named '{existing}'; choose another title.",
            field="title",
        )


def _answer_count(session: Session, question_id: int) -> int:
    return count(session, select(Answer.id).where(Answer.question_id == question_id))


def _ordered_questions(session: Session, quiz_id: int) -> list[Question]:
    statement = (
        select(Question).where(Question.quiz_id == quiz_id).order_by(Question.position, Question.id)
    )
    return list(session.scalars(statement))


def _number(questions: Sequence[Question]) -> None:
    """Positions 0..n-1 in the given order (only moved rows are written)."""
    for position, question in enumerate(questions):
        question.position = position


def _options_of(session: Session, question_id: int) -> list[Option]:
    statement = (
        select(Option).where(Option.question_id == question_id).order_by(Option.position, Option.id)
    )
    return list(session.scalars(statement))


def _tell_screens(session: Session, quiz_id: int) -> None:
    """A question changed: the live screens of its session redraw."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is not None:
        clock.bump(session, quiz.session_id, stage=True)


def _add_options(session: Session, question_id: int, options: list[tuple[str, bool]]) -> None:
    session.add_all(
        Option(question_id=question_id, text=text, position=i, is_correct=is_correct)
        for i, (text, is_correct) in enumerate(options)
    )


# --- quizzes ----------------------------------------------------------------------


def add_quiz(session: Session, *, actor: User, data: QuizCreate) -> Quiz:
    require_staff(actor)
    event_session = get_active(session, EventSession, data.session_id, label="session")
    _refuse_duplicate_title(session, event_session.id, data.title)
    quiz = Quiz(session_id=event_session.id, title=data.title)
    session.add(quiz)
    clock.bump(session, event_session.id, stage=True)
    commit(session, conflict=f"The quiz '{data.title}' could not be saved.")
    return quiz


def update_quiz(session: Session, *, actor: User, quiz_id: int, data: QuizUpdate) -> Quiz:
    """Rename a quiz (a title left out or None keeps it)."""
    require_staff(actor)
    quiz = get(session, Quiz, quiz_id, label="quiz")
    if data.title is not None:
        _refuse_duplicate_title(session, quiz.session_id, data.title, exclude_id=quiz.id)
        quiz.title = data.title
    session.add(quiz)
    clock.bump(session, quiz.session_id, stage=True)
    commit(session, conflict=f"The quiz '{quiz.title}' could not be saved.")
    return quiz


def delete_quiz(session: Session, *, actor: User, quiz_id: int) -> None:
    """Delete a quiz with its questions; refused once anyone has answered it."""
    require_staff(actor)
    quiz = get(session, Quiz, quiz_id, label="quiz")
    answers = count(
        session,
        select(Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.quiz_id == quiz.id),
    )
    if answers:
        raise Conflict(
            f"The quiz '{quiz.title}' cannot be deleted: it has {answers} answer(s). "
            "Duplicate it if you need a fresh copy."
        )
    session.delete(quiz)  # its questions and options go with it (ON DELETE CASCADE)
    clock.bump(session, quiz.session_id, stage=True)
    commit(session, conflict=f"The quiz '{quiz.title}' could not be deleted.")


def list_quizzes(session: Session, *, actor: User, session_id: int) -> list[Quiz]:
    """The session's quizzes; staff only, as quizzes are prepared before the room sees them."""
    require_staff(actor)
    statement = select(Quiz).where(Quiz.session_id == session_id).order_by(Quiz.id)
    return list(session.scalars(statement))


def get_quiz(session: Session, *, actor: User, quiz_id: int) -> QuizView:
    """The quiz with its questions (in order), their options and answer counts: 4 queries.

    Staff only: the options say which are correct, and only those who may edit the quiz
    see that before it is revealed; the room sees questions through the live snapshot.
    """
    require_staff(actor)
    quiz = get(session, Quiz, quiz_id, label="quiz")
    questions = _ordered_questions(session, quiz.id)
    ids = [q.id for q in questions]
    options: dict[int, list[Option]] = {i: [] for i in ids}
    answers: dict[int, int] = {}
    if ids:
        for option in session.scalars(
            select(Option).where(Option.question_id.in_(ids)).order_by(Option.position, Option.id)
        ):
            options[option.question_id].append(option)
        answers = dict(
            session.execute(
                select(Answer.question_id, func.count(Answer.id))
                .where(Answer.question_id.in_(ids))
                .group_by(Answer.question_id)
            ).all()
        )
    return QuizView(
        quiz=quiz,
        questions=[QuestionView(q, options[q.id], answers.get(q.id, 0)) for q in questions],
    )


def duplicate_quiz(
    session: Session,
    *,
    actor: User,
    quiz_id: int,
    title: str | None = None,
    session_id: int | None = None,
) -> Quiz:
    """A copy of the quiz's questions and options (no answers), closed, in any session."""
    require_staff(actor)
    source = get_quiz(session, actor=actor, quiz_id=quiz_id)
    target = get_active(
        session,
        EventSession,
        source.quiz.session_id if session_id is None else session_id,
        label="session",
    )
    if title is not None:
        title = clean_text(title, label="The quiz's title", max_len=TITLE_MAX, field="title")
    if title is None:
        title = _free_copy_title(session, target.id, source.quiz.title)
    else:
        _refuse_duplicate_title(session, target.id, title)
    quiz = Quiz(session_id=target.id, title=title)
    session.add(quiz)
    session.flush()
    copies = [
        Question(
            quiz_id=quiz.id,
            kind=view.question.kind,
            text=view.question.text,
            position=position,
            scale_min=view.question.scale_min,
            scale_max=view.question.scale_max,
        )
        for position, view in enumerate(source.questions)
    ]
    session.add_all(copies)
    session.flush()
    for copy, view in zip(copies, source.questions, strict=True):
        _add_options(session, copy.id, [(o.text, o.is_correct) for o in view.options])
    clock.bump(session, target.id, stage=True)
    commit(session, conflict=f"The quiz '{title}' could not be saved.")
    return quiz


def _free_copy_title(session: Session, session_id: int, original: str) -> str:
    taken = {
        t.lower() for t in session.scalars(select(Quiz.title).where(Quiz.session_id == session_id))
    }
    for n in range(1, len(taken) + 2):
        suffix = " (copy)" if n == 1 else f" (copy {n})"
        candidate = original[: TITLE_MAX - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 titles is free")


# --- questions --------------------------------------------------------------------


def add_question(session: Session, *, actor: User, data: QuestionCreate) -> Question:
    """Add a question at the end of the quiz."""
    require_staff(actor)
    quiz = get(session, Quiz, data.quiz_id, label="quiz")
    kind, text = data.kind, data.text
    cleaned = _clean_options(kind, data.options, data.correct)
    low, high = _scale(kind, data.scale_min, data.scale_max)
    last = session.scalar(select(func.max(Question.position)).where(Question.quiz_id == quiz.id))
    question = Question(
        quiz_id=quiz.id,
        kind=kind,
        text=text,
        position=0 if last is None else last + 1,
        scale_min=low,
        scale_max=high,
    )
    session.add(question)
    session.flush()
    _add_options(session, question.id, cleaned)
    _tell_screens(session, question.quiz_id)
    commit(session, conflict="The question could not be saved.")
    return question


def update_question(
    session: Session, *, actor: User, question_id: int, data: QuestionUpdate
) -> Question:
    """Change what is given (left out or None keeps it).

    ``options`` replaces all options and is refused once the question has answers,
    unless their texts are the same as now (then only ``correct`` is applied);
    ``correct`` alone re-marks the existing options, which is allowed at any time.
    """
    require_staff(actor)
    question = get(session, Question, question_id, label="question")
    options, correct = data.options, data.correct
    scale_min, scale_max = data.scale_min, data.scale_max
    new_text = question.text if data.text is None else data.text
    answered = _answer_count(session, question.id)
    current = _options_of(session, question.id)
    new_options = None
    marks = None
    if options is not None:
        new_options = _clean_options(question.kind, options, correct)
        if [t for t, _ in new_options] == [o.text for o in current]:
            # Same options: keep their rows (answers point at them), only re-mark.
            marks = list(zip(current, [c for _, c in new_options], strict=True))
            new_options = None
    elif correct is not None:
        if question.kind not in CHOICE_KINDS:
            raise InvalidInput(f"A {question.kind} question has no correct option.")
        marks = list(
            zip(current, _correct_marks(question.kind, correct, len(current)), strict=True)
        )
    scale_given = scale_min is not None or scale_max is not None
    low, high = question.scale_min, question.scale_max
    if scale_given:
        low, high = _scale(
            question.kind,
            low if scale_min is None else scale_min,
            high if scale_max is None else scale_max,
        )
    changes_what_was_asked = (new_options is not None) or (
        scale_given and (low, high) != (question.scale_min, question.scale_max)
    )
    if answered and changes_what_was_asked:
        raise Conflict(
            f"This question already has {answered} answer(s); its options and scale can no "
            "longer change. Add a new question instead."
        )
    question.text, question.scale_min, question.scale_max = new_text, low, high
    session.add(question)
    if new_options is not None:
        session.execute(delete(Option).where(Option.question_id == question.id))
        _add_options(session, question.id, new_options)
    for option, is_correct in marks or []:
        option.is_correct = is_correct
        session.add(option)
    _tell_screens(session, question.quiz_id)
    commit(session, conflict="The question could not be saved.")
    return question


def delete_question(session: Session, *, actor: User, question_id: int) -> None:
    require_staff(actor)
    question = get(session, Question, question_id, label="question")
    if answered := _answer_count(session, question.id):
        raise Conflict(
            f"This question cannot be deleted: it has {answered} answer(s). "
            "Keep it, or duplicate the quiz without it."
        )
    quiz_id = question.quiz_id
    session.delete(question)
    session.flush()
    _number(_ordered_questions(session, quiz_id))
    _tell_screens(session, quiz_id)
    commit(session, conflict="The question could not be deleted.")


def move_question(
    session: Session, *, actor: User, question_id: int, direction: int
) -> list[Question]:
    """Move a question one place up (-1) or down (+1); returns the quiz's questions in order."""
    require_staff(actor)
    question = get(session, Question, question_id, label="question")
    if direction not in (-1, 1):
        raise InvalidInput(f"Move a question by -1 (up) or +1 (down), not by {direction!r}.")
    questions = _ordered_questions(session, question.quiz_id)
    index = next(i for i, q in enumerate(questions) if q.id == question.id)
    target = index + direction
    if not 0 <= target < len(questions):
        raise InvalidInput(
            f"The question is already the {'first' if direction < 0 else 'last'} one."
        )
    questions[index], questions[target] = questions[target], questions[index]
    _number(questions)
    _tell_screens(session, question.quiz_id)
    commit(session, conflict="The questions could not be reordered.")
    return questions
