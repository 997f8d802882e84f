import pytest
from sqlalchemy import event as sa_event
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.services import quizzes as qz

SINGLE, MULTIPLE, SCALE, OPEN = (
    m.QuestionKind.SINGLE,
    m.QuestionKind.MULTIPLE,
    m.QuestionKind.SCALE,
    m.QuestionKind.OPEN,
)


@pytest.fixture
def quiz(session, world):
    return qz.add_quiz(
        session,
        actor=world.facilitator,
        data=m.QuizCreate(session_id=world.workshop.id, title="Warm-up"),
    )


def _single(session, world, quiz, text="Which theme matters most?", **changes):
    fields = dict(
        actor=world.facilitator,
        quiz_id=quiz.id,
        kind=SINGLE,
        text=text,
        options=["Energy", "Mobility", "Data"],
        correct=[2],
    )
    fields.update(changes)
    actor = fields.pop("actor")
    return qz.add_question(session, actor=actor, data=m.QuestionCreate(**fields))


def _answer(session, question, option):
    participant = m.Participant(session_id=question_session(session, question), token="t-1")
    session.add(participant)
    session.flush()
    answer = m.Answer(participant_id=participant.id, question_id=question.id)
    session.add(answer)
    session.flush()
    session.add(m.AnswerOption(answer_id=answer.id, option_id=option.id))
    session.commit()
    return answer


def question_session(session, question):
    return session.get(m.Quiz, question.quiz_id).session_id


# --- quizzes ----------------------------------------------------------------------


def test_add_and_rename_quiz(session, world, quiz):
    assert session.get(m.Quiz, quiz.id).title == "Warm-up"
    qz.update_quiz(
        session, actor=world.coordinator, quiz_id=quiz.id, data=m.QuizUpdate(title="  Icebreaker ")
    )
    session.expire_all()
    assert session.get(m.Quiz, quiz.id).title == "Icebreaker"
    assert [
        q.id
        for q in qz.list_quizzes(session, actor=world.facilitator, session_id=world.workshop.id)
    ] == [quiz.id]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": " "}, InvalidInput),
        ({"title": "q" * (m.TITLE_MAX + 1)}, InvalidInput),
        ({"session_id": 9999}, NotFound),
        ({"title": "WARM-UP"}, Conflict),
    ],
)
def test_add_quiz_refuses_bad_input(session, world, quiz, unchanged, changes, error):
    fields = dict(session_id=world.workshop.id, title="Another")
    fields.update(changes)
    with unchanged(), pytest.raises(error):
        qz.add_quiz(session, actor=world.facilitator, data=m.QuizCreate(**fields))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_tandem_members_cannot_write_quizzes(session, world, quiz, unchanged, who):
    actor = getattr(world, who)
    question = _single(session, world, quiz)
    calls = [
        lambda: qz.add_quiz(
            session, actor=actor, data=m.QuizCreate(session_id=world.workshop.id, title="Mine")
        ),
        lambda: qz.update_quiz(
            session, actor=actor, quiz_id=quiz.id, data=m.QuizUpdate(title="Mine")
        ),
        lambda: qz.delete_quiz(session, actor=actor, quiz_id=quiz.id),
        lambda: qz.duplicate_quiz(session, actor=actor, quiz_id=quiz.id),
        lambda: _single(session, world, quiz, actor=actor),
        lambda: qz.update_question(
            session, actor=actor, question_id=question.id, data=m.QuestionUpdate(text="Mine")
        ),
        lambda: qz.delete_question(session, actor=actor, question_id=question.id),
        lambda: qz.move_question(session, actor=actor, question_id=question.id, direction=1),
    ]
    for call in calls:
        with unchanged(), pytest.raises(PermissionDenied):
            call()
    session.expire_all()
    assert session.get(m.Quiz, quiz.id).title == "Warm-up"
    assert session.get(m.Question, question.id).text == "Which theme matters most?"


def test_rename_quiz_refuses_duplicate(session, world, quiz):
    other = qz.add_quiz(
        session,
        actor=world.facilitator,
        data=m.QuizCreate(session_id=world.workshop.id, title="Closing"),
    )
    with pytest.raises(Conflict, match="'Warm-up'"):
        qz.update_quiz(
            session, actor=world.facilitator, quiz_id=other.id, data=m.QuizUpdate(title="warm-up")
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.Quiz, other.id).title == "Closing"


def test_delete_quiz_takes_questions_and_options(session, world, quiz):
    question = _single(session, world, quiz)
    qz.delete_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    # The database cascades to questions and options (a fresh query, not the identity map).
    assert session.exec(select(m.Quiz)).all() == []
    assert session.exec(select(m.Question).where(m.Question.id == question.id)).all() == []
    assert session.exec(select(m.Option)).all() == []


def test_delete_quiz_refused_once_answered(session, world, quiz, unchanged):
    question = _single(session, world, quiz)
    option = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0].options[0]
    _answer(session, question, option)
    with unchanged(), pytest.raises(Conflict, match="1 answer"):
        qz.delete_quiz(session, actor=world.facilitator, quiz_id=quiz.id)


# --- questions --------------------------------------------------------------------


def test_add_questions_of_every_kind(session, world, quiz):
    single = _single(session, world, quiz)
    multiple = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(
            quiz_id=quiz.id,
            kind="multiple choice",
            text="Which needs do you have?",
            options=["Funding", "Consulting", "Qualified staff"],
            correct=[0, 2],
        ),
    )
    scale = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=SCALE, text="How ready?"),
    )
    wide = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(
            quiz_id=quiz.id, kind=SCALE, text="Score 0-10", scale_min=0, scale_max=10
        ),
    )
    open_ = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=OPEN, text="One word?"),
    )
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    assert [v.question.id for v in view.questions] == [
        single.id,
        multiple.id,
        scale.id,
        wide.id,
        open_.id,
    ]
    assert [v.question.position for v in view.questions] == [0, 1, 2, 3, 4]
    first = view.questions[0]
    assert [(o.text, o.is_correct) for o in first.options] == [
        ("Energy", False),
        ("Mobility", False),
        ("Data", True),
    ]
    assert [o.is_correct for o in view.questions[1].options] == [True, False, True]
    assert (scale.scale_min, scale.scale_max) == (1, 5)
    assert (wide.scale_min, wide.scale_max) == (0, 10)
    assert view.questions[4].options == [] and view.questions[4].answer_count == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "must not be blank"),
        ({"text": "q" * (m.TEXT_MAX + 1)}, "at most"),
        ({"kind": "riddle"}, "must be one of"),
        ({"options": ["Only one"], "correct": []}, "2 to 12 options"),
        ({"options": [f"o{i}" for i in range(13)], "correct": []}, "2 to 12 options"),
        ({"options": ["Energy", " "], "correct": []}, "Option 2 must not be blank"),
        ({"options": ["Energy", "energy"], "correct": []}, "repeats option 1"),
        ({"options": ["A", "o" * (m.TITLE_MAX + 1)], "correct": []}, "at most"),
        ({"correct": [0, 1]}, "at most one correct"),
        ({"correct": [3]}, "does not exist"),
        ({"correct": [-1]}, "does not exist"),
        ({"kind": SCALE, "options": None, "correct": None, "scale_max": 1}, "above its bottom"),
        ({"kind": SCALE, "options": None, "correct": None, "scale_max": 12}, "at most 10"),
        ({"kind": SCALE, "correct": None}, "takes no options"),
        ({"kind": OPEN, "options": None, "correct": [0]}, "no correct option"),
        ({"scale_min": 1}, "Only a scale question"),
    ],
)
def test_add_question_refuses_bad_input(session, world, quiz, unchanged, changes, message):
    with unchanged(), pytest.raises(InvalidInput, match=message):
        _single(session, world, quiz, **changes)


def test_add_question_to_unknown_quiz(session, world, unchanged):
    with unchanged(), pytest.raises(NotFound):
        qz.add_question(
            session,
            actor=world.facilitator,
            data=m.QuestionCreate(quiz_id=9999, kind=OPEN, text="Hi?"),
        )


def test_get_quiz_uses_few_queries(session, world, quiz, engine):
    for i in range(5):
        _single(session, world, quiz, text=f"Question {i}")
    session.expire_all()
    session.refresh(world.facilitator)  # the permission check reads the actor, not the quiz
    statements = []

    def record(*_args):
        statements.append(1)

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert len(view.questions) == 5
    assert all(len(v.options) == 3 for v in view.questions)
    assert len(statements) <= 4


def test_update_question_text_and_options(session, world, quiz):
    question = _single(session, world, quiz)
    qz.update_question(
        session,
        actor=world.facilitator,
        question_id=question.id,
        data=m.QuestionUpdate(text="Which theme first?", options=["Energy", "Data"], correct=[0]),
    )
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0]
    assert view.question.text == "Which theme first?"
    assert [(o.text, o.is_correct, o.position) for o in view.options] == [
        ("Energy", True, 0),
        ("Data", False, 1),
    ]


def test_update_question_bad_input_changes_nothing(session, world, quiz, unchanged):
    question = _single(session, world, quiz)
    for changes in (
        {"text": ""},
        {"options": ["Lonely"]},
        {"correct": [0, 1]},
        {"scale_max": 4},
    ):
        with unchanged(), pytest.raises(InvalidInput):
            qz.update_question(
                session,
                actor=world.facilitator,
                question_id=question.id,
                data=m.QuestionUpdate(**changes),
            )
    session.expire_all()
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0]
    assert view.question.text == "Which theme matters most?"
    assert [o.is_correct for o in view.options] == [False, False, True]


def test_answered_question_keeps_its_options(session, world, quiz, unchanged):
    question = _single(session, world, quiz)
    options = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0].options
    _answer(session, question, options[0])
    with unchanged(), pytest.raises(Conflict, match="can no\\s+longer change"):
        qz.update_question(
            session,
            actor=world.facilitator,
            question_id=question.id,
            data=m.QuestionUpdate(options=["Water", "Air"]),
        )
    # The text, and which option is correct, may still change; the option rows stay.
    qz.update_question(
        session,
        actor=world.facilitator,
        question_id=question.id,
        data=m.QuestionUpdate(
            text="Which theme?", options=["Energy", "Mobility", "Data"], correct=[1]
        ),
    )
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0]
    assert [o.id for o in view.options] == [o.id for o in options]
    assert [o.is_correct for o in view.options] == [False, True, False]
    assert view.question.text == "Which theme?"
    assert view.answer_count == 1


def test_answered_scale_keeps_its_range(session, world, quiz):
    question = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=SCALE, text="Ready?"),
    )
    participant = m.Participant(session_id=world.workshop.id, token="t-scale")
    session.add(participant)
    session.flush()
    session.add(m.Answer(participant_id=participant.id, question_id=question.id, value=4))
    session.commit()
    with pytest.raises(Conflict):
        qz.update_question(
            session,
            actor=world.facilitator,
            question_id=question.id,
            data=m.QuestionUpdate(scale_max=3),
        )
    session.rollback()
    session.expire_all()
    assert session.get(m.Question, question.id).scale_max == 5


def test_delete_question_renumbers(session, world, quiz):
    a, b, c = (_single(session, world, quiz, text=t) for t in ("A?", "B?", "C?"))
    qz.delete_question(session, actor=world.facilitator, question_id=b.id)
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    assert [(v.question.id, v.question.position) for v in view.questions] == [
        (a.id, 0),
        (c.id, 1),
    ]
    assert session.exec(select(m.Option).where(m.Option.question_id == b.id)).all() == []


def test_delete_question_refused_with_answers(session, world, quiz, unchanged):
    question = _single(session, world, quiz)
    _answer(
        session,
        question,
        qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0].options[1],
    )
    with unchanged(), pytest.raises(Conflict, match="1 answer"):
        qz.delete_question(session, actor=world.facilitator, question_id=question.id)


def test_move_question(session, world, quiz):
    a, b, c = (_single(session, world, quiz, text=t) for t in ("A?", "B?", "C?"))
    order = qz.move_question(session, actor=world.facilitator, question_id=c.id, direction=-1)
    assert [q.id for q in order] == [a.id, c.id, b.id]
    session.expire_all()
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    assert [(v.question.id, v.question.position) for v in view.questions] == [
        (a.id, 0),
        (c.id, 1),
        (b.id, 2),
    ]


@pytest.mark.parametrize(("which", "direction"), [(0, -1), (2, 1), (1, 2), (1, 0)])
def test_move_question_refuses_impossible_moves(session, world, quiz, unchanged, which, direction):
    questions = [_single(session, world, quiz, text=t) for t in ("A?", "B?", "C?")]
    with unchanged(), pytest.raises(InvalidInput):
        qz.move_question(
            session,
            actor=world.facilitator,
            question_id=questions[which].id,
            direction=direction,
        )
    session.expire_all()
    assert [
        v.question.id
        for v in qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions
    ] == [q.id for q in questions]


# --- duplicating ------------------------------------------------------------------


def test_duplicate_quiz_copies_questions_not_answers(session, world, quiz):
    question = _single(session, world, quiz)
    qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=SCALE, text="Ready?"),
    )
    session.get(m.Question, question.id).opened_at = m.utcnow()
    session.commit()
    _answer(
        session,
        question,
        qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id).questions[0].options[2],
    )

    copy = qz.duplicate_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    assert copy.title == "Warm-up (copy)" and copy.session_id == world.workshop.id
    again = qz.duplicate_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    assert again.title == "Warm-up (copy 2)"
    elsewhere = qz.duplicate_quiz(
        session,
        actor=world.facilitator,
        quiz_id=quiz.id,
        title="Plenary warm-up",
        session_id=world.plenary.id,
    )
    assert elsewhere.session_id == world.plenary.id

    source = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    copied = qz.get_quiz(session, actor=world.facilitator, quiz_id=copy.id)
    assert [(v.question.kind, v.question.text, v.question.position) for v in copied.questions] == [
        (v.question.kind, v.question.text, v.question.position) for v in source.questions
    ]
    assert [(o.text, o.is_correct) for o in copied.questions[0].options] == [
        (o.text, o.is_correct) for o in source.questions[0].options
    ]
    assert {o.id for o in copied.questions[0].options}.isdisjoint(
        o.id for o in source.questions[0].options
    )
    assert copied.questions[1].question.scale_max == 5
    assert all(v.answer_count == 0 for v in copied.questions)
    assert copied.questions[0].question.opened_at is None


def test_duplicate_quiz_bad_input(session, world, quiz, unchanged):
    _single(session, world, quiz)
    for changes, error in (
        ({"title": "Warm-up"}, Conflict),
        ({"title": " "}, InvalidInput),
        ({"session_id": 9999}, NotFound),
        ({"quiz_id": 9999}, NotFound),
    ):
        fields = dict(actor=world.facilitator, quiz_id=quiz.id)
        fields.update(changes)
        with unchanged(), pytest.raises(error):
            qz.duplicate_quiz(session, **fields)
