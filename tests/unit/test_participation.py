import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.services import participation as pt
from peerlearn.services import quizzes as qz


@pytest.fixture
def live(session, world):
    """A quiz in the workshop with a question of each kind, the single choice one open
    (``show`` opens another), and one participant."""
    f = world.facilitator
    quiz = qz.add_quiz(session, actor=f, session_id=world.workshop.id, title="Live")
    w = type("Live", (), {})()
    w.single = qz.add_question(
        session,
        actor=f,
        quiz_id=quiz.id,
        kind=m.QuestionKind.SINGLE,
        text="First theme?",
        options=["Energy", "Mobility", "Data"],
    )
    w.multiple = qz.add_question(
        session,
        actor=f,
        quiz_id=quiz.id,
        kind=m.QuestionKind.MULTIPLE,
        text="Needs?",
        options=["Funding", "Consulting", "Staff"],
    )
    w.scale = qz.add_question(
        session, actor=f, quiz_id=quiz.id, kind=m.QuestionKind.SCALE, text="Ready?"
    )
    w.open = qz.add_question(
        session, actor=f, quiz_id=quiz.id, kind=m.QuestionKind.OPEN, text="One word?"
    )
    # One question at a time is open: the one on the screen.
    w.show = lambda question: pt.open_question(session, actor=f, question_id=question.id)
    w.show(w.single)
    view = qz.get_quiz(session, quiz_id=quiz.id)
    w.single_options = [o.id for o in view.questions[0].options]
    w.multiple_options = [o.id for o in view.questions[1].options]
    w.me = pt.join_session(session, session_id=world.workshop.id, city_id=world.arezzo.id)
    return w


def _answers(session):
    return session.exec(select(m.Answer)).all()


def _chosen(session, answer_id):
    statement = select(m.AnswerOption.option_id).where(m.AnswerOption.answer_id == answer_id)
    return sorted(session.exec(statement).all())


# --- joining ----------------------------------------------------------------------


def test_join_session_gives_a_random_token(session, world):
    a = pt.join_session(
        session, session_id=world.workshop.id, city_id=world.arezzo.id, display_name=" Giulia "
    )
    b = pt.join_session(session, session_id=world.workshop.id)
    assert len(a.token) >= 20 and a.token != b.token
    assert (a.display_name, a.city_id) == ("Giulia", world.arezzo.id)
    assert (b.display_name, b.city_id) == ("", None)
    assert pt.participant_by_token(session, token=a.token).id == a.id


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"session_id": 9999}, NotFound),
        ({"city_id": 9999}, NotFound),
        ({"display_name": "n" * (m.NAME_MAX + 1)}, InvalidInput),
    ],
)
def test_join_session_refuses_bad_input(session, world, unchanged, changes, error):
    fields = dict(session_id=world.workshop.id, city_id=world.arezzo.id)
    fields.update(changes)
    with unchanged(), pytest.raises(error):
        pt.join_session(session, **fields)


def test_join_refuses_archived_city_and_session(session, world, unchanged):
    world.pirna.archived_at = m.utcnow()
    world.plenary.archived_at = m.utcnow()
    session.commit()
    with unchanged(), pytest.raises(NotFound, match="Pirna"):
        pt.join_session(session, session_id=world.workshop.id, city_id=world.pirna.id)
    with unchanged(), pytest.raises(NotFound, match="archived"):
        pt.join_session(session, session_id=world.plenary.id)


@pytest.mark.parametrize("token", ["", "   ", None, "not-a-token", "x" * 500])
def test_unknown_token(session, world, live, token):
    with pytest.raises(NotFound, match="join the session again"):
        pt.participant_by_token(session, token=token)


def test_set_participant_city(session, world, live, unchanged):
    pt.set_participant_city(session, token=live.me.token, city_id=world.arnsberg.id)
    session.expire_all()
    assert session.get(m.Participant, live.me.id).city_id == world.arnsberg.id
    with unchanged(), pytest.raises(NotFound):
        pt.set_participant_city(session, token=live.me.token, city_id=9999)
    with unchanged(), pytest.raises(NotFound):
        pt.set_participant_city(session, token="nobody", city_id=world.arezzo.id)
    session.expire_all()
    assert session.get(m.Participant, live.me.id).city_id == world.arnsberg.id
    pt.set_participant_city(session, token=live.me.token, city_id=None)
    assert session.get(m.Participant, live.me.id).city_id is None


# --- opening and closing ----------------------------------------------------------


def test_open_close_reopen(session, world, live):
    question = live.single
    assert question.opened_at is not None and question.closed_at is None
    pt.close_question(session, actor=world.coordinator, question_id=question.id)
    session.expire_all()
    closed = session.get(m.Question, question.id)
    assert closed.closed_at is not None and closed.closed_at >= closed.opened_at
    pt.open_question(session, actor=world.facilitator, question_id=question.id)
    session.expire_all()
    assert session.get(m.Question, question.id).closed_at is None


def test_close_unopened_question_refused(session, world, live):
    fresh = qz.add_question(
        session, actor=world.facilitator, quiz_id=live.single.quiz_id, kind="open text", text="?"
    )
    with pytest.raises(InvalidInput, match="not been opened"):
        pt.close_question(session, actor=world.facilitator, question_id=fresh.id)
    with pytest.raises(NotFound):
        pt.open_question(session, actor=world.facilitator, question_id=9999)


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_staff_open_and_close(session, world, live, who):
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        pt.close_question(session, actor=actor, question_id=live.single.id)
    with pytest.raises(PermissionDenied):
        pt.open_question(session, actor=actor, question_id=live.single.id)
    session.rollback()
    session.expire_all()
    assert session.get(m.Question, live.single.id).closed_at is None


# --- answering --------------------------------------------------------------------


def test_answer_each_kind(session, world, live):
    token = live.me.token
    single = pt.answer_question(
        session, token=token, question_id=live.single.id, option_ids=[live.single_options[2]]
    )
    live.show(live.multiple)
    multiple = pt.answer_question(
        session,
        token=token,
        question_id=live.multiple.id,
        option_ids=live.multiple_options[:2],
    )
    live.show(live.scale)
    scale = pt.answer_question(session, token=token, question_id=live.scale.id, value=4)
    live.show(live.open)
    words = pt.answer_question(session, token=token, question_id=live.open.id, text=" Data! ")
    assert _chosen(session, single.id) == [live.single_options[2]]
    assert _chosen(session, multiple.id) == sorted(live.multiple_options[:2])
    assert session.get(m.Answer, scale.id).value == 4
    assert session.get(m.Answer, words.id).text == "Data!"
    assert len(_answers(session)) == 4
    assert pt.participant_answer(session, token=token, question_id=live.multiple.id) == (
        multiple,
        sorted(live.multiple_options[:2]),
    )


def test_changing_an_answer_keeps_one_row(session, world, live):
    token = live.me.token
    live.show(live.multiple)
    first = pt.answer_question(
        session, token=token, question_id=live.multiple.id, option_ids=live.multiple_options[:2]
    )
    # Same options again, then different ones: always the same Answer row.
    again = pt.answer_question(
        session, token=token, question_id=live.multiple.id, option_ids=live.multiple_options[:2]
    )
    changed = pt.answer_question(
        session, token=token, question_id=live.multiple.id, option_ids=[live.multiple_options[2]]
    )
    assert first.id == again.id == changed.id
    assert len(_answers(session)) == 1
    assert _chosen(session, first.id) == [live.multiple_options[2]]
    assert len(session.exec(select(m.AnswerOption)).all()) == 1

    live.show(live.scale)
    pt.answer_question(session, token=token, question_id=live.scale.id, value=2)
    pt.answer_question(session, token=token, question_id=live.scale.id, value=5)
    session.expire_all()
    scale_answers = session.exec(
        select(m.Answer).where(m.Answer.question_id == live.scale.id)
    ).all()
    assert [a.value for a in scale_answers] == [5]


def test_changing_an_answer_from_a_fresh_session(engine, session, world, live):
    """Each page run uses its own Session: the update must find the stored row."""
    from sqlmodel import Session

    token, qid = live.me.token, live.single.id
    with Session(engine) as one:
        pt.answer_question(one, token=token, question_id=qid, option_ids=[live.single_options[0]])
    with Session(engine) as two:
        pt.answer_question(two, token=token, question_id=qid, option_ids=[live.single_options[1]])
    assert len(_answers(session)) == 1
    assert _chosen(session, _answers(session)[0].id) == [live.single_options[1]]


def test_answering_a_closed_question_is_refused(session, world, live, unchanged):
    token = live.me.token
    answer = pt.answer_question(
        session, token=token, question_id=live.single.id, option_ids=[live.single_options[0]]
    )
    pt.close_question(session, actor=world.facilitator, question_id=live.single.id)
    with (
        unchanged(),
        pytest.raises(Conflict, match="This question is closed; answers can no longer change."),
    ):
        pt.answer_question(
            session, token=token, question_id=live.single.id, option_ids=[live.single_options[1]]
        )
    session.expire_all()
    assert _chosen(session, answer.id) == [live.single_options[0]]


def test_only_the_question_on_the_screen_takes_answers(session, world, live, unchanged):
    live.show(live.scale)  # the single choice question closes as the scale goes on screen
    session.expire_all()
    assert pt.is_closed(session.get(m.Question, live.single.id))
    with unchanged(), pytest.raises(Conflict, match="closed"):
        pt.answer_question(
            session,
            token=live.me.token,
            question_id=live.single.id,
            option_ids=[live.single_options[0]],
        )
    row = session.get(m.EventSession, world.workshop.id)
    assert (row.current_question_id, row.activity) == (live.scale.id, m.LiveActivity.QUIZ)
    assert pt.answer_question(session, token=live.me.token, question_id=live.scale.id, value=3)


def test_answering_an_unopened_question_is_refused(session, world, live, unchanged):
    fresh = qz.add_question(
        session, actor=world.facilitator, quiz_id=live.single.quiz_id, kind="open text", text="?"
    )
    with unchanged(), pytest.raises(InvalidInput, match="not open yet"):
        pt.answer_question(session, token=live.me.token, question_id=fresh.id, text="Early")


def test_answering_a_question_of_another_session_is_refused(session, world, live, unchanged):
    elsewhere = pt.join_session(session, session_id=world.plenary.id)
    with unchanged(), pytest.raises(PermissionDenied, match="another session"):
        pt.answer_question(
            session,
            token=elsewhere.token,
            question_id=live.single.id,
            option_ids=[live.single_options[0]],
        )


def test_answering_with_an_unknown_token_or_question(session, world, live, unchanged):
    with unchanged(), pytest.raises(NotFound, match="join the session again"):
        pt.answer_question(
            session, token="forged", question_id=live.single.id, option_ids=[live.single_options[0]]
        )
    with unchanged(), pytest.raises(NotFound):
        pt.answer_question(session, token=live.me.token, question_id=9999, text="x")


def test_bad_answers_change_nothing(session, world, live, unchanged):
    token = live.me.token
    kept = pt.answer_question(
        session, token=token, question_id=live.single.id, option_ids=[live.single_options[0]]
    )
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
            pt.answer_question(session, token=token, question_id=question.id, **fields)
    session.expire_all()
    assert [a.id for a in _answers(session)] == [kept.id]
    assert _chosen(session, kept.id) == [live.single_options[0]]


# --- results ----------------------------------------------------------------------


def _crowd(session, world, n):
    return [pt.join_session(session, session_id=world.workshop.id) for _ in range(n)]


def test_results_of_a_choice_question(session, world, live):
    people = _crowd(session, world, 3)
    energy, mobility, data = live.single_options
    for person, option in zip(people, (data, data, energy), strict=True):
        pt.answer_question(
            session, token=person.token, question_id=live.single.id, option_ids=[option]
        )
    results = pt.question_results(session, question_id=live.single.id)
    assert results.answers == 3
    assert [(r.text, r.count) for r in results.options] == [
        ("Energy", 1),
        ("Mobility", 0),
        ("Data", 2),
    ]
    assert results.mean is None and results.texts == [] and results.value_counts == {}


def test_results_of_a_multiple_choice_question(session, world, live):
    funding, consulting, staff = live.multiple_options
    a, b = _crowd(session, world, 2)
    live.show(live.multiple)
    pt.answer_question(
        session, token=a.token, question_id=live.multiple.id, option_ids=[funding, staff]
    )
    pt.answer_question(session, token=b.token, question_id=live.multiple.id, option_ids=[funding])
    results = pt.question_results(session, question_id=live.multiple.id)
    assert results.answers == 2
    assert [r.count for r in results.options] == [2, 0, 1]


def test_results_of_scale_and_open_questions(session, world, live):
    people = _crowd(session, world, 3)
    live.show(live.scale)
    for person, value in zip(people, (2, 5, 5), strict=True):
        pt.answer_question(session, token=person.token, question_id=live.scale.id, value=value)
    scale = pt.question_results(session, question_id=live.scale.id)
    assert scale.answers == 3
    assert scale.mean == pytest.approx(4.0)
    assert scale.value_counts == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}

    live.show(live.open)
    pt.answer_question(session, token=people[0].token, question_id=live.open.id, text="Data")
    pt.answer_question(session, token=people[1].token, question_id=live.open.id, text="Trust")
    words = pt.question_results(session, question_id=live.open.id)
    assert words.texts == ["Data", "Trust"] and words.mean is None


def test_results_without_answers(session, world, live):
    results = pt.question_results(session, question_id=live.scale.id)
    assert results.answers == 0 and results.mean is None
    assert set(results.value_counts.values()) == {0}
    with pytest.raises(NotFound):
        pt.question_results(session, question_id=9999)


def test_results_are_grouped_in_sql(session, world, live, engine):
    """A constant number of statements, however many people answered."""
    from sqlalchemy import event as sa_event

    for person in _crowd(session, world, 6):
        pt.answer_question(
            session,
            token=person.token,
            question_id=live.single.id,
            option_ids=[live.single_options[1]],
        )
    session.expire_all()
    statements = []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        results = pt.question_results(session, question_id=live.single.id)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert results.options[1].count == 6
    assert len(statements) <= 3
    assert any("GROUP BY" in s for s in statements)


def test_racing_first_answers_end_in_one_row(session, engine, world, live):
    """Another submission stores the first answer between our lookup and our insert."""
    from sqlalchemy import event as sa_event
    from sqlmodel import Session

    competitor = {"done": False}

    def race(_conn, _cursor, statement, *_rest):
        if competitor["done"] or not statement.startswith("INSERT INTO answer "):
            return
        competitor["done"] = True
        with Session(engine) as other:
            pt.answer_question(
                other,
                token=live.me.token,
                question_id=live.single.id,
                option_ids=[live.single_options[0]],
            )

    sa_event.listen(engine, "before_cursor_execute", race)
    try:
        answer = pt.answer_question(
            session,
            token=live.me.token,
            question_id=live.single.id,
            option_ids=[live.single_options[2]],
        )
    finally:
        sa_event.remove(engine, "before_cursor_execute", race)
    assert competitor["done"]
    rows = _answers(session)
    assert [a.id for a in rows] == [answer.id]
    assert _chosen(session, answer.id) == [live.single_options[2]]
