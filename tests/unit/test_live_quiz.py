"""Stepping through a session's quiz live: the question on the screen, opening it for
answers with the session's countdown, closing, revealing, the end of the quiz and a
fresh run (peerlearn.live.quiz).

Ported from the old test_live.py. What changed: the countdown is a setting of the
session (``lifecycle.set_countdown``) that each question opened gets, not an argument
of ``open_question``; "Next" on the last question ends the quiz with the podium.
"""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from peerlearn import models as m
from peerlearn.errors import Conflict, InvalidInput, PermissionDenied
from peerlearn.live import joining, lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots
from peerlearn.services.store import now
from tests.unit.live_fixtures import answer, countdown, fresh, join, open_question, snap


def _step(session, world, direction):
    return live_quiz.step(
        session, actor=world.facilitator, session_id=world.workshop.id, direction=direction
    )


def _reveal(session, world, question):
    return live_quiz.reveal_question(
        session, actor=world.facilitator, session_id=world.workshop.id, question_id=question.id
    )


def _state(session, question) -> str:
    return live_quiz.state(fresh(session, m.Question, question))


# --- the question on the screen -------------------------------------------------------


def test_stepping_through_the_questions(session, world, quiz, code):
    assert _step(session, world, 1).id == quiz.single.id
    assert _step(session, world, 1).id == quiz.scale.id
    assert _step(session, world, -1).id == quiz.single.id
    row = fresh(session, m.EventSession, world.workshop)
    assert (row.current_question_id, row.activity) == (quiz.single.id, m.LiveActivity.QUIZ)
    with pytest.raises(InvalidInput, match="no question before"):
        _step(session, world, -1)
    # Shown, not opened: nothing takes answers yet.
    assert _state(session, quiz.single) == "waiting"


def test_next_on_the_last_question_ends_the_quiz_with_the_podium(session, world, quiz, code):
    _step(session, world, 1)
    _step(session, world, 1)
    _step(session, world, 1)
    open_question(session, world, quiz.open)
    assert _step(session, world, 1) is None
    # Asked, so closed and revealed on the way out: it counts for the podium.
    assert _state(session, quiz.open) == "revealed"
    assert snap(session, world).finished
    with pytest.raises(InvalidInput, match="The quiz is over"):
        _step(session, world, 1)
    # "Previous" from the podium goes back to the last question.
    assert _step(session, world, -1).id == quiz.open.id
    assert not snap(session, world).finished


def test_a_question_of_another_session_cannot_be_shown(session, world, quiz, code, unchanged):
    for action in (live_quiz.show_question, live_quiz.open_question):
        with unchanged(), pytest.raises(InvalidInput, match="another session"):
            action(
                session,
                actor=world.facilitator,
                session_id=world.plenary.id,
                question_id=quiz.single.id,
            )
    assert fresh(session, m.EventSession, world.plenary).current_question_id is None


def test_moving_to_another_question_closes_the_open_one(session, world, quiz, code):
    _step(session, world, 1)
    open_question(session, world, quiz.single)
    _step(session, world, 1)
    assert _state(session, quiz.single) == "closed"
    assert _state(session, quiz.scale) == "waiting"


def test_answers_go_only_to_the_question_on_the_screen(session, world, quiz, code, unchanged):
    phone = join(session, code, world.arezzo)
    open_question(session, world, quiz.single)
    # Another question was left open by hand (as an older version of the app did).
    scale = fresh(session, m.Question, quiz.scale)
    scale.opened_at, scale.closed_at = now(), None
    session.add(scale)
    session.commit()
    with unchanged(), pytest.raises(Conflict, match="no longer on the screen"):
        answer(session, phone, quiz.scale, value=3)
    lifecycle.set_activity(
        session, actor=world.facilitator, session_id=world.workshop.id, activity=m.LiveActivity.WALL
    )
    with unchanged(), pytest.raises(Conflict, match="no longer on the screen"):
        answer(session, phone, quiz.single, option_ids=[quiz.public.id])


# --- opening, closing, the countdown ----------------------------------------------------


def test_a_countdown_closes_the_question_by_itself(session, world, quiz, code, unchanged):
    phone = join(session, code, world.arezzo)
    countdown(session, world, 30)
    question = open_question(session, world, quiz.scale)
    assert question.countdown_seconds == 30
    assert question.closes_at == question.opened_at + timedelta(seconds=30)
    assert live_quiz.state(question) == "open"
    question.closes_at = now() - timedelta(seconds=1)  # time passes
    session.add(question)
    session.commit()
    assert live_quiz.state(question) == "closed"
    assert question.closed_at is None  # nobody wrote: the countdown alone closed it
    with unchanged(), pytest.raises(Conflict, match="closed"):
        answer(session, phone, quiz.scale, value=3)


def test_a_countdown_that_ran_out_closes_at_its_end(session, world, quiz, code):
    countdown(session, world, 10)
    question = open_question(session, world, quiz.single)
    ended = now() - timedelta(seconds=5)
    question.closes_at = ended
    session.add(question)
    session.commit()
    open_question(session, world, quiz.scale)
    assert fresh(session, m.Question, quiz.single).closed_at == ended


def test_opening_a_question_closes_the_one_open_before(session, world, quiz, code):
    """And any other left open by hand (as an older version of the app did), though
    it is not on the screen."""
    open_question(session, world, quiz.single)
    scale = fresh(session, m.Question, quiz.scale)
    scale.opened_at, scale.closed_at = now(), None
    session.add(scale)
    session.commit()
    open_question(session, world, quiz.open)
    assert (_state(session, quiz.single), _state(session, quiz.scale)) == ("closed", "closed")
    assert _state(session, quiz.open) == "open"
    assert fresh(session, m.EventSession, world.workshop).current_question_id == quiz.open.id


def test_reveal_closes_and_shows(session, world, quiz, code, unchanged):
    with unchanged(), pytest.raises(Conflict, match="Open the question"):
        _reveal(session, world, quiz.single)
    open_question(session, world, quiz.single)
    question = _reveal(session, world, quiz.single)
    assert question.closed_at is not None and question.revealed_at is not None
    assert live_quiz.state(question) == "revealed"
    assert snap(session, world).question.state == "revealed"


def test_reopening_a_revealed_question_must_be_asked_for(session, world, quiz, code, unchanged):
    open_question(session, world, quiz.single)
    _reveal(session, world, quiz.single)
    with unchanged(), pytest.raises(Conflict, match="hides them"):
        open_question(session, world, quiz.single)
    assert _state(session, quiz.single) == "revealed"
    open_question(session, world, quiz.single, hide_results=True)
    assert _state(session, quiz.single) == "open"
    assert fresh(session, m.Question, quiz.single).revealed_at is None


# --- a fresh run of the quiz ------------------------------------------------------------


def _play(session, world, quiz, code):
    """Two people answer the first two questions; the first is revealed."""
    people = [join(session, code, world.arezzo, "Ana"), join(session, code, world.arnsberg)]
    open_question(session, world, quiz.single)
    for person in people:
        answer(session, person, quiz.single, option_ids=[quiz.public.id])
    _reveal(session, world, quiz.single)
    countdown(session, world, 30)
    open_question(session, world, quiz.scale)
    answer(session, people[0], quiz.scale, value=4)
    return people


def _quiz_answers(session, world, actor=None) -> int:
    return live_quiz.quiz_answers(
        session, actor=actor or world.facilitator, session_id=world.workshop.id
    )


def test_a_fresh_run_clears_the_answers_and_the_states(session, world, quiz, code):
    people = _play(session, world, quiz, code)
    sid = world.workshop.id
    # Answers to another session's quiz stay.
    other = m.Quiz(session_id=world.plenary.id, title="Other")
    session.add(other)
    session.flush()
    kept = m.Question(quiz_id=other.id, kind=m.QuestionKind.OPEN, text="Kept?", opened_at=now())
    elsewhere = m.Participant(session_id=world.plenary.id, token="plenary")
    session.add_all([kept, elsewhere])
    session.flush()
    session.add(m.Answer(participant_id=elsewhere.id, question_id=kept.id, text="Kept"))
    session.commit()
    assert _quiz_answers(session, world) == 3

    done = live_quiz.fresh_quiz_run(session, actor=world.facilitator, session_id=sid)

    assert (done.answers, done.questions) == (3, 3)
    assert _quiz_answers(session, world) == 0
    for question in (quiz.single, quiz.scale, quiz.open):
        row = fresh(session, m.Question, question)
        assert (row.opened_at, row.closed_at, row.revealed_at, row.closes_at) == (None,) * 4
        assert row.countdown_seconds is None
    assert session.scalars(select(m.AnswerOption)).all() == []
    assert [a.text for a in session.scalars(select(m.Answer))] == ["Kept"]
    row = fresh(session, m.EventSession, world.workshop)
    assert row.current_question_id is None and row.quiz_finished_at is None
    assert joining.is_live(row) and row.run_started_at is not None
    assert row.countdown_seconds == 30  # the session's setting stays
    # The people stay, and the quiz runs again from the start for them.
    assert {p.id for p in session.scalars(select(m.Participant))} >= {p.id for p in people}
    assert snapshots.leaderboard(session, session_id=sid) == ([], [])
    assert _step(session, world, 1).id == quiz.single.id
    open_question(session, world, quiz.single)
    answer(session, people[0], quiz.single, option_ids=[quiz.private.id])
    assert snap(session, world).question.answers == 1


def test_only_staff_start_a_fresh_run(session, world, quiz, code, unchanged):
    _play(session, world, quiz, code)
    with unchanged(), pytest.raises(PermissionDenied):
        live_quiz.fresh_quiz_run(session, actor=world.member, session_id=world.workshop.id)
    with pytest.raises(PermissionDenied):
        _quiz_answers(session, world, actor=world.member)
    assert fresh(session, m.Question, quiz.single).revealed_at is not None


def test_a_fresh_run_is_all_or_nothing(session, engine, world, quiz, code):
    _play(session, world, quiz, code)

    def fail(_conn, _cursor, statement, *_rest):
        if statement.startswith("UPDATE question"):
            raise RuntimeError("the database went away")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError):
            live_quiz.fresh_quiz_run(session, actor=world.facilitator, session_id=world.workshop.id)
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    session.rollback()
    assert _quiz_answers(session, world) == 3
    assert fresh(session, m.Question, quiz.single).revealed_at is not None
    assert fresh(session, m.EventSession, world.workshop).current_question_id == quiz.scale.id
