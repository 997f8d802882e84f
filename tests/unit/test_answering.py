"""Answering from a phone (peerlearn.live.answers), the facilitator opening and
closing the question on the screen (peerlearn.live.quiz), and what the room answered
as the screens count it (peerlearn.live.snapshot).

Ported from the old test_participation.py. What changed: questions are opened and
closed within their session (``session_id``), a phone answers only while its session
is open for phones, and the results are the snapshot's current question (the old
``question_results`` is gone).
"""

import pytest
from sqlalchemy import event as sa_event
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.live import answers, lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots
from peerlearn.services import quizzes as qz
from tests.unit.live_fixtures import fresh, join, snap, statements_during


@pytest.fixture
def live(session, world, code):
    """A quiz in the live workshop with a question of each kind, the single choice one
    open (``show`` opens another), and one participant."""
    f = world.facilitator
    quiz = qz.add_quiz(
        session, actor=f, data=m.QuizCreate(session_id=world.workshop.id, title="Live")
    )
    w = type("Live", (), {})()
    w.single = qz.add_question(
        session,
        actor=f,
        data=m.QuestionCreate(
            quiz_id=quiz.id,
            kind=m.QuestionKind.SINGLE,
            text="First theme?",
            options=["Energy", "Mobility", "Data"],
        ),
    )
    w.multiple = qz.add_question(
        session,
        actor=f,
        data=m.QuestionCreate(
            quiz_id=quiz.id,
            kind=m.QuestionKind.MULTIPLE,
            text="Needs?",
            options=["Funding", "Consulting", "Staff"],
        ),
    )
    w.scale = qz.add_question(
        session,
        actor=f,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=m.QuestionKind.SCALE, text="Ready?"),
    )
    w.open = qz.add_question(
        session,
        actor=f,
        data=m.QuestionCreate(quiz_id=quiz.id, kind=m.QuestionKind.OPEN, text="One word?"),
    )
    w.quiz = quiz
    # One question at a time is open: the one on the screen.
    w.show = lambda question: live_quiz.open_question(
        session, actor=f, session_id=world.workshop.id, question_id=question.id
    )
    w.show(w.single)
    view = qz.get_quiz(session, actor=world.facilitator, quiz_id=quiz.id)
    w.single_options = [o.id for o in view.questions[0].options]
    w.multiple_options = [o.id for o in view.questions[1].options]
    w.me = join(session, code, world.arezzo)
    w.code = code
    return w


def _answers(session):
    session.expire_all()
    return session.exec(select(m.Answer).order_by(m.Answer.id)).all()


def _chosen(session, answer_id):
    statement = select(m.AnswerOption.option_id).where(m.AnswerOption.answer_id == answer_id)
    return sorted(session.exec(statement).all())


def _close(session, world, question, actor=None):
    return live_quiz.close_question(
        session,
        actor=actor or world.facilitator,
        session_id=world.workshop.id,
        question_id=question.id,
    )


def _answer(session, phone, question, **values):
    return answers.answer_question(session, token=phone.token, question_id=question.id, **values)


# --- opening and closing ----------------------------------------------------------


def test_a_question_opens_closes_and_reopens(session, world, live):
    question = fresh(session, m.Question, live.single)
    assert question.opened_at is not None and question.closed_at is None
    _close(session, world, question, actor=world.coordinator)
    closed = fresh(session, m.Question, live.single)
    assert closed.closed_at is not None and closed.closed_at >= closed.opened_at
    assert live_quiz.state(closed) == "closed"
    live.show(question)
    reopened = fresh(session, m.Question, live.single)
    assert reopened.closed_at is None and live_quiz.state(reopened) == "open"


def test_closing_twice_keeps_the_first_closing_time(session, world, live):
    first = _close(session, world, live.single).closed_at
    assert fresh(session, m.Question, live.single).closed_at == first
    _close(session, world, live.single)
    assert fresh(session, m.Question, live.single).closed_at == first


def test_a_question_never_opened_cannot_be_closed(session, world, live, unchanged):
    later = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=live.quiz.id, kind="open text", text="?"),
    )
    with unchanged(), pytest.raises(InvalidInput, match="not been opened"):
        _close(session, world, later)
    with unchanged(), pytest.raises(NotFound, match="question"):
        live_quiz.open_question(
            session, actor=world.facilitator, session_id=world.workshop.id, question_id=9999
        )


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_staff_open_and_close(session, world, live, who, unchanged):
    actor = getattr(world, who)
    with unchanged(), pytest.raises(PermissionDenied):
        _close(session, world, live.single, actor=actor)
    with unchanged(), pytest.raises(PermissionDenied):
        live_quiz.open_question(
            session, actor=actor, session_id=world.workshop.id, question_id=live.scale.id
        )
    assert fresh(session, m.Question, live.single).closed_at is None
    assert fresh(session, m.Question, live.scale).opened_at is None


# --- answering --------------------------------------------------------------------


def test_each_kind_of_question_is_answered(session, world, live):
    me = live.me
    single = _answer(session, me, live.single, option_ids=[live.single_options[2]])
    live.show(live.multiple)
    multiple = _answer(session, me, live.multiple, option_ids=live.multiple_options[:2])
    live.show(live.scale)
    scale = _answer(session, me, live.scale, value=4)
    live.show(live.open)
    words = _answer(session, me, live.open, text=" Data! ")
    assert _chosen(session, single.id) == [live.single_options[2]]
    assert _chosen(session, multiple.id) == sorted(live.multiple_options[:2])
    assert session.get(m.Answer, scale.id).value == 4
    assert session.get(m.Answer, words.id).text == "Data!"
    assert len(_answers(session)) == 4
    found, options = answers.participant_answer(
        session, token=me.token, question_id=live.multiple.id
    )
    assert (found.id, options) == (multiple.id, sorted(live.multiple_options[:2]))
    assert answers.participant_answer(session, token=me.token, question_id=9999) is None


def test_changing_an_answer_keeps_one_row(session, world, live):
    me = live.me
    live.show(live.multiple)
    first = _answer(session, me, live.multiple, option_ids=live.multiple_options[:2])
    # Same options again, then different ones: always the same Answer row.
    again = _answer(session, me, live.multiple, option_ids=live.multiple_options[:2])
    changed = _answer(session, me, live.multiple, option_ids=[live.multiple_options[2]])
    assert first.id == again.id == changed.id
    assert len(_answers(session)) == 1
    assert _chosen(session, first.id) == [live.multiple_options[2]]
    assert len(session.exec(select(m.AnswerOption)).all()) == 1

    live.show(live.scale)
    _answer(session, me, live.scale, value=2)
    _answer(session, me, live.scale, value=5)
    scale_answers = [a for a in _answers(session) if a.question_id == live.scale.id]
    assert [a.value for a in scale_answers] == [5]


def test_changing_an_answer_from_a_fresh_database_session(engine, session, world, live):
    """Each page run uses its own Session: the update must find the stored row."""
    token, qid = live.me.token, live.single.id
    with Session(engine) as one:
        answers.answer_question(
            one, token=token, question_id=qid, option_ids=[live.single_options[0]]
        )
    with Session(engine) as two:
        answers.answer_question(
            two, token=token, question_id=qid, option_ids=[live.single_options[1]]
        )
    stored = _answers(session)
    assert len(stored) == 1
    assert _chosen(session, stored[0].id) == [live.single_options[1]]


def test_a_closed_question_keeps_its_answers(session, world, live, unchanged):
    answer = _answer(session, live.me, live.single, option_ids=[live.single_options[0]])
    _close(session, world, live.single)
    with (
        unchanged(),
        pytest.raises(Conflict, match="This question is closed; answers can no longer change."),
    ):
        _answer(session, live.me, live.single, option_ids=[live.single_options[1]])
    session.expire_all()
    assert _chosen(session, answer.id) == [live.single_options[0]]


def test_only_the_question_on_the_screen_takes_answers(session, world, live, unchanged):
    live.show(live.scale)  # the single choice question closes as the scale goes on screen
    assert live_quiz.state(fresh(session, m.Question, live.single)) == "closed"
    with unchanged(), pytest.raises(Conflict, match="closed"):
        _answer(session, live.me, live.single, option_ids=[live.single_options[0]])
    row = fresh(session, m.EventSession, world.workshop)
    assert (row.current_question_id, row.activity) == (live.scale.id, m.LiveActivity.QUIZ)
    assert _answer(session, live.me, live.scale, value=3)


def test_a_question_not_opened_yet_takes_no_answers(session, world, live, unchanged):
    later = qz.add_question(
        session,
        actor=world.facilitator,
        data=m.QuestionCreate(quiz_id=live.quiz.id, kind="open text", text="?"),
    )
    with unchanged(), pytest.raises(InvalidInput, match="not open yet"):
        _answer(session, live.me, later, text="Early")


def test_a_question_of_another_session_is_refused(session, world, live, unchanged):
    lifecycle.start_live(session, actor=world.facilitator, session_id=world.plenary.id)
    elsewhere = m.Participant(session_id=world.plenary.id, token="plenary")
    session.add(elsewhere)
    session.commit()
    with unchanged(), pytest.raises(PermissionDenied, match="another session"):
        _answer(session, elsewhere, live.single, option_ids=[live.single_options[0]])


def test_an_unknown_token_or_question_is_refused(session, world, live, unchanged):
    with unchanged(), pytest.raises(NotFound, match="join the session again"):
        answers.answer_question(
            session,
            token="forged",
            question_id=live.single.id,
            option_ids=[live.single_options[0]],
        )
    with unchanged(), pytest.raises(NotFound, match="question"):
        answers.answer_question(session, token=live.me.token, question_id=9999, text="x")


def test_a_session_that_ended_takes_no_answers(session, world, live, unchanged):
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with unchanged(), pytest.raises(NotFound, match="is not live"):
        _answer(session, live.me, live.single, option_ids=[live.single_options[0]])


def test_bad_answers_change_nothing(session, world, live, unchanged):
    kept = _answer(session, live.me, live.single, option_ids=[live.single_options[0]])
    bad = [
        (live.single, {"option_ids": []}, "exactly one"),
        (live.single, {"option_ids": live.single_options[:2]}, "exactly one"),
        (live.single, {"option_ids": [live.multiple_options[0]]}, "not options of this question"),
        (live.single, {"option_ids": ["1"]}, "whole numbers"),
        (live.single, {"value": 3}, "choosing options"),
        (live.multiple, {"option_ids": None}, "at least one"),
        (live.multiple, {"option_ids": [live.multiple_options[0], 9999]}, "9999"),
        (live.scale, {"value": 6}, "from 1 to 5"),
        (live.scale, {"value": 0}, "from 1 to 5"),
        (live.scale, {"value": None}, "from 1 to 5"),
        (live.scale, {"value": 2.5}, "whole number"),
        (live.scale, {"value": True}, "whole number"),
        (live.scale, {"value": 3, "text": "three"}, "with a number"),
        (live.scale, {"option_ids": [live.single_options[0]]}, "no options"),
        (live.open, {"text": "   "}, "must not be blank"),
        (live.open, {"text": "t" * (m.TEXT_MAX + 1)}, "at most"),
        (live.open, {"text": "x", "value": 3}, "with text"),
    ]
    for question, fields, message in bad:
        live.show(question)
        with unchanged(), pytest.raises(InvalidInput, match=message):
            _answer(session, live.me, question, **fields)
    assert [a.id for a in _answers(session)] == [kept.id]
    assert _chosen(session, kept.id) == [live.single_options[0]]


def test_racing_first_answers_end_in_one_row(session, engine, world, live):
    """Another submission stores the first answer just before ours takes its turn (a
    phone's answers are stored one at a time: its row is locked first)."""
    competitor = {"done": False}

    def race(_conn, _cursor, statement, *_rest):
        locking = statement.startswith("UPDATE participant ") or (
            "FROM participant" in statement and "FOR UPDATE" in statement
        )
        if competitor["done"] or not locking:
            return
        competitor["done"] = True
        with Session(engine) as other:
            answers.answer_question(
                other,
                token=live.me.token,
                question_id=live.single.id,
                option_ids=[live.single_options[0]],
            )

    sa_event.listen(engine, "before_cursor_execute", race)
    try:
        answer = _answer(session, live.me, live.single, option_ids=[live.single_options[2]])
    finally:
        sa_event.remove(engine, "before_cursor_execute", race)
    assert competitor["done"]
    assert [a.id for a in _answers(session)] == [answer.id]
    assert _chosen(session, answer.id) == [live.single_options[2]]


# --- what the room answered -----------------------------------------------------------


def _crowd(session, live, n, city=None):
    return [join(session, live.code, city) for _ in range(n)]


def test_the_results_of_a_choice_question(session, world, live):
    people = _crowd(session, live, 3)
    energy, _, data = live.single_options
    for person, option in zip(people, (data, data, energy), strict=True):
        _answer(session, person, live.single, option_ids=[option])
    results = snap(session, world).question
    assert results.id == live.single.id and results.answers == 3
    assert [(o.text, o.count) for o in results.options] == [
        ("Energy", 1),
        ("Mobility", 0),
        ("Data", 2),
    ]
    assert results.mean is None and results.texts == [] and results.value_counts == {}


def test_the_results_of_a_multiple_choice_question(session, world, live):
    funding, _, staff = live.multiple_options
    a, b = _crowd(session, live, 2)
    live.show(live.multiple)
    _answer(session, a, live.multiple, option_ids=[funding, staff])
    _answer(session, b, live.multiple, option_ids=[funding])
    results = snap(session, world).question
    assert results.answers == 2  # people, however many options each chose
    assert [o.count for o in results.options] == [2, 0, 1]


def test_the_results_of_scale_and_open_questions(session, world, live):
    people = _crowd(session, live, 3)
    live.show(live.scale)
    for person, value in zip(people, (2, 5, 5), strict=True):
        _answer(session, person, live.scale, value=value)
    scale = snap(session, world).question
    assert scale.answers == 3
    assert scale.mean == pytest.approx(4.0)
    assert scale.value_counts == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}

    live.show(live.open)
    _answer(session, people[0], live.open, text="Data")
    _answer(session, people[1], live.open, text="Trust")
    words = snap(session, world).question
    assert words.texts == ["Data", "Trust"] and words.mean is None


def test_the_results_without_answers(session, world, live):
    live.show(live.scale)
    results = snap(session, world).question
    assert results.answers == 0 and results.mean is None
    assert set(results.value_counts.values()) == {0}
    with pytest.raises(NotFound):
        snapshots.snapshot(session, session_id=9999)


def test_the_results_are_counted_in_sql(session, world, live, engine):
    """The same statements however many people answered, grouped in the database."""

    def counted():
        session.expire_all()
        seen = statements_during(engine, lambda: snapshots.snapshot(session, session_id=sid))
        return seen, snapshots.snapshot(session, session_id=sid)

    sid = world.workshop.id
    _answer(session, live.me, live.single, option_ids=[live.single_options[1]])
    few, _ = counted()
    for person in _crowd(session, live, 6):
        _answer(session, person, live.single, option_ids=[live.single_options[1]])
    many, results = counted()
    assert results.question.options[1].count == 7
    assert len(many) == len(few)
    assert any("GROUP BY" in s for s in many)
