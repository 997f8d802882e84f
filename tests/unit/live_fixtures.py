"""What the live-session tests share: a quiz in the workshop session, the session open
for phones, and small steps a facilitator or a phone takes.

The fixtures (``quiz``, ``code``) are registered for every unit test by
tests/unit/conftest.py; the helpers are imported where they are used.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from peerlearn import models as m
from peerlearn.live import answers, ballot, joining, lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots


@pytest.fixture
def quiz(session, world):
    """A quiz in the workshop session: a single choice with a correct option, a scale,
    an open question."""
    q = m.Quiz(session_id=world.workshop.id, title="Warm-up")
    session.add(q)
    session.flush()
    single = m.Question(quiz_id=q.id, kind=m.QuestionKind.SINGLE, text="Who drives it?", position=0)
    scale = m.Question(
        quiz_id=q.id,
        kind=m.QuestionKind.SCALE,
        text="How important?",
        position=1,
        scale_min=1,
        scale_max=5,
    )
    open_ = m.Question(quiz_id=q.id, kind=m.QuestionKind.OPEN, text="One word?", position=2)
    session.add_all([single, scale, open_])
    session.flush()
    public = m.Option(question_id=single.id, text="Public authorities", is_correct=True)
    private = m.Option(question_id=single.id, text="Companies", position=1)
    session.add_all([public, private])
    session.commit()
    return type(
        "Quiz",
        (),
        dict(quiz=q, single=single, scale=scale, open=open_, public=public, private=private),
    )()


@pytest.fixture
def code(session, world):
    """The workshop session, open for phones: its join code."""
    row = lifecycle.start_live(session, actor=world.facilitator, session_id=world.workshop.id)
    return row.join_code


@pytest.fixture
def groups(session, world, code):
    """Three common challenges on the (live) workshop's ballot."""
    rows = [
        m.CommonChallenge(network_id=world.network.id, session_id=world.workshop.id, name=name)
        for name in ("Funding", "Skills", "Pirna funding")
    ]
    session.add_all(rows)
    session.flush()
    ballot.put_on_ballot(session, world.workshop.id, [g.id for g in rows])
    session.commit()
    return rows


def join(session, code, city, name="") -> m.Participant:
    """A phone joining as the join page does: the code is looked up (a wrong one is
    counted), then the participant joins the session it names."""
    row = joining.session_by_code(session, code=code)
    return joining.join(
        session, session_id=row.id, city_id=city.id if city else None, display_name=name
    )


def open_question(session, world, question, *, session_id=None, **kwargs) -> m.Question:
    return live_quiz.open_question(
        session,
        actor=world.facilitator,
        session_id=session_id or world.workshop.id,
        question_id=question.id,
        **kwargs,
    )


def countdown(session, world, seconds, *, session_id=None) -> None:
    lifecycle.set_countdown(
        session,
        actor=world.facilitator,
        session_id=session_id or world.workshop.id,
        seconds=seconds,
    )


def answer(session, phone, question, **values) -> m.Answer:
    return answers.answer_question(session, token=phone.token, question_id=question.id, **values)


def fresh(session, model, row):
    """``row`` as stored now."""
    session.expire_all()
    return session.get(model, row.id)


def snap(session, world, session_id=None) -> snapshots.Snapshot:
    session.expire_all()
    return snapshots.snapshot(session, session_id=session_id or world.workshop.id)


def statements_during(engine, action) -> list[str]:
    """The SQL statements ``action()`` sends."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen
