"""Run live's countdown field shows, and keeps, the countdown as stored (issue 10's open
defect): a page run that ends early (another session looked at, a refusal, the database
away for a moment) once left the field redrawn at 0 while the session kept 20 s, and the
next click then stored 0, so the room's next question opened with no countdown."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from tests.e2e.conftest import running_server, server_port, wait_for_app_run
from tests.e2e.live_steps import (
    SESSION,
    choose,
    click,
    drive,
    press,
    question_state,
    row_of,
    sign_in,
    until,
)

COUNTDOWN = 20
FIELD = "Countdown for each question (s, 0 = none)"


def _closes_in(url: str) -> float:
    """How long the question on the screen was opened for, in seconds."""
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        question = session.get(m.Question, row.current_question_id)
        seconds = (question.closes_at - question.opened_at).total_seconds()
    engine.dispose()
    return seconds


def _field(page):
    return page.get_by_label(FIELD, exact=True)


def test_the_countdown_survives_a_look_at_another_session_and_another_tab(
    browser, live_db, tmp_path
):
    with running_server(live_db, server_port(11), tmp_path / "server.log") as base:
        staff = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        staff.set_default_timeout(30_000)
        sign_in(staff, base)
        drive(staff)
        click(staff, "Open for phones")
        staff.locator("[data-testid='stButtonGroup']").get_by_text("Quiz", exact=True).click()
        until(lambda: row_of(live_db).activity == "quiz", "on the quiz")
        wait_for_app_run(staff)
        _field(staff).fill(str(COUNTDOWN))
        _field(staff).press("Enter")
        until(lambda: row_of(live_db).countdown_seconds == COUNTDOWN, "counting down")
        wait_for_app_run(staff)

        # Another tab of Run live, and back: the field still says 20.
        staff.get_by_role("tab", name="Challenge wall").click()
        wait_for_app_run(staff)
        staff.get_by_role("tab", name="Quiz").click()
        wait_for_app_run(staff)
        assert _field(staff).input_value() == str(COUNTDOWN)

        # Another session (not live: its page ends early), and back.
        choose(staff, "Session", "Workshop session 1: needs and challenges")
        staff.get_by_role("button", name="Open for phones").wait_for()
        choose(staff, "Session", SESSION)
        _field(staff).wait_for()
        wait_for_app_run(staff)
        assert _field(staff).input_value() == str(COUNTDOWN)

        # The next clicks keep it, and the question opened counts down from it.
        click(staff, "Next")
        until(lambda: row_of(live_db).current_question_id is not None, "on a question")
        wait_for_app_run(staff)
        # (the demo's first question was closed in 2023: it opens again)
        press(staff, "Open again", lambda: question_state(live_db) == "open", "open")
        assert row_of(live_db).countdown_seconds == COUNTDOWN
        assert _closes_in(live_db) == COUNTDOWN
        assert _field(staff).input_value() == str(COUNTDOWN)

        # A new countdown typed and, without Enter, Next pressed: the field's change and
        # the click travel together, and neither is lost.
        first = row_of(live_db).current_question_id
        _field(staff).fill("25")
        staff.get_by_role("button", name="Next", exact=True).click()
        until(lambda: row_of(live_db).current_question_id != first, "on the next question")
        until(lambda: row_of(live_db).countdown_seconds == 25, "counting down from 25")
