"""Faults in the middle of a live quiz, with a phone and the big screen open in Chromium:
PostgreSQL restarts (the phone is told politely, and the next tap goes through with no
restart of the app), then the app server restarts (phone and big screen carry on where
they were; nothing is lost)."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.ui.incidents import UNREACHABLE
from tests import serving
from tests.e2e.conftest import FACILITATOR, IDLE, running_server
from tests.e2e.live_steps import (
    PHONE,
    answer,
    count,
    join,
    presenter_url,
    row_of,
    shoot,
    tile,
    until,
)

TOLD = UNREACHABLE.split(",")[0]  # "The database is not answering just now"
TRACES = ("Traceback", "OperationalError", "psycopg", "sqlalchemy")


def _as_facilitator(url: str, act) -> object:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        actor = session.exec(select(m.User).where(m.User.email == FACILITATOR)).one()
        result = act(session, actor, row_of(url).id)
    engine.dispose()
    return result


def _next_question(url: str) -> m.Question:
    """Run live's Next, then Open question."""

    def act(session, actor, session_id):
        question = live_quiz.step(session, actor=actor, session_id=session_id, direction=1)
        return live_quiz.open_question(
            session, actor=actor, session_id=session_id, question_id=question.id
        )

    return _as_facilitator(url, act)


def _on_the_quiz(url: str) -> None:
    def act(session, actor, session_id):
        # A fresh run: the demo's 2023 answers are not this room's.
        live_quiz.fresh_quiz_run(session, actor=actor, session_id=session_id)
        lifecycle.start_live(session, actor=actor, session_id=session_id)
        lifecycle.set_activity(
            session, actor=actor, session_id=session_id, activity=m.LiveActivity.QUIZ
        )

    _as_facilitator(url, act)


def _count(url: str, model, **where) -> int:
    statement = select(func.count()).select_from(model)
    for column, value in where.items():
        statement = statement.where(getattr(model, column) == value)
    return count(url, statement)


def _first_option(url: str, question_id: int) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        statement = select(m.Option.text).where(m.Option.question_id == question_id)
        text = session.exec(statement.order_by(m.Option.position, m.Option.id)).first()
    engine.dispose()
    return text


def _no_trace(page) -> None:
    text = page.locator("body").inner_text()
    assert not [t for t in TRACES if t in text], text


@pytest.mark.postgres
def test_a_quiz_survives_a_database_restart_and_an_app_restart(
    browser, live_pg, pg_server, tmp_path, screenshot_dirs
):
    port = serving.free_port()
    _on_the_quiz(live_pg)
    first = _next_question(live_pg)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(30_000)
    screen = context.new_page()
    screen.set_default_timeout(30_000)
    with running_server(live_pg, port, tmp_path / "first.log") as base:
        token = join(phone, base, row_of(live_pg).join_code, "Arezzo", "Restarts")
        option = _first_option(live_pg, first.id)
        tile(phone, option).wait_for()
        screen.goto(presenter_url(base, live_pg))
        screen.get_by_text(first.text, exact=False).first.wait_for()

        # PostgreSQL goes down: the tap is told so, in words, with no trace.
        pg_server.pause()
        try:
            tile(phone, option).click()
            phone.get_by_text(TOLD, exact=False).wait_for()
            _no_trace(phone)
            shoot(phone, screenshot_dirs, "phone-database-down")
        finally:
            pg_server.resume()
        # Back: the same tap goes through, and the big screen counts it, by itself.
        answer(phone, option)
        assert _count(live_pg, m.Answer, question_id=first.id) >= 1
        screen.get_by_text("1 of 1 cities answered", exact=False).wait_for()
        _no_trace(screen)
    people = _count(live_pg, m.Participant, session_id=row_of(live_pg).id)

    # The app server restarts on the same address: both pages reconnect by themselves.
    with running_server(live_pg, port, tmp_path / "second.log"):
        second = _next_question(live_pg)
        phone.get_by_text(second.text, exact=False).first.wait_for(timeout=60_000)
        screen.get_by_text(second.text, exact=False).first.wait_for(timeout=60_000)
        phone.wait_for_selector(IDLE)
        # Still the same person, their first answer kept.
        assert token in phone.url
        assert _count(live_pg, m.Participant, session_id=row_of(live_pg).id) == people
        until(lambda: _count(live_pg, m.Answer, question_id=first.id) >= 1, "the answer kept")
        _no_trace(phone)
        _no_trace(screen)
    context.close()
