"""The Berlin quiz of the demo run live in real browsers, end to end: a facilitator opens
it from "Run live" and starts a fresh run (the demo holds the 2023 answers), five
phones join through the join URL and answer, the presenter view counts them (by city,
no names); a phone reloads, and scans the QR code again, and is the same participant;
the server restarts mid-quiz and the session goes on with nothing lost."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import quiz, screens
from peerlearn.services import users as user_service
from tests.e2e.conftest import IDLE, PASSWORD, _port, running_server, wait_for_app_run

SESSION = "Interactive quiz: smart city peculiarities of the cities"
PHONE = {"width": 390, "height": 844}
CITIES = ["Arezzo", "Arnsberg", "Hamm", "Krefeld", "Utrecht"]
FACILITATOR = "facilitator@example.org"


@pytest.fixture
def live_db(database, tmp_path) -> str:
    """A copy of the e2e demo database as it is, 2023 answers and all, with a
    facilitator's account: this test's live session stays its own."""
    source = database.removeprefix("sqlite:///")
    target = tmp_path / "live.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with Session(engine) as session:
        user_service.add_user(
            session,
            actor=None,
            system=True,
            email=FACILITATOR,
            role=m.UserRole.FACILITATOR,
            password=PASSWORD,
            name="Fiona Facilitator",
        )
    engine.dispose()
    return url


def _sign_in(page, base: str) -> None:
    """Sign in as the facilitator (unless the browser is still signed in)."""
    page.goto(base)
    page.wait_for_selector(IDLE, timeout=60_000)
    nav = page.locator("[data-testid='stSidebarNav']")
    if nav.count() and nav.get_by_text("Run live", exact=True).count():
        return
    page.get_by_label("Email").fill(FACILITATOR)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav.wait_for()
    wait_for_app_run(page)


def _answers(url: str, row_id: int) -> int:
    statement = select(func.count()).select_from(m.Answer).join(m.Question).join(m.Quiz)
    return _count(url, statement.where(m.Quiz.session_id == row_id))


def _count(url: str, statement) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        value = session.exec(statement).one()
    engine.dispose()
    return value


def _row(url: str) -> m.EventSession:
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        session.expunge(row)
    engine.dispose()
    return row


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()  # a selectbox opens its list on click
    page.get_by_role("option", name=option).first.click()
    wait_for_app_run(page)


def _drive(page) -> None:
    """The facilitator opens Run live and picks the Berlin quiz session."""
    # A click in the sidebar: typing an address would start a new, signed-out session.
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Run live", exact=True).click()
    wait_for_app_run(page)
    _choose(page, "Network", "#connectedinEurope")
    _choose(page, "Event", "#CIE meeting Berlin · 23 Oct 2023")
    _choose(page, "Session", f"{SESSION} (quiz)")


def _presenter_url(base: str, url: str) -> str:
    row = _row(url)
    return f"{base}/presenter?session={row.id}&key={screens.presenter_key(row)}"


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app_run(page)


def _until(check, what: str, timeout: float = 30.0) -> None:
    """Wait until the database shows what a click did: the next click then acts on the
    page that click redrew, not on the one it replaced."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {timeout:.0f} s"
        time.sleep(0.2)


def _question_state(url: str) -> str:
    row = _row(url)
    if row.current_question_id is None:
        return "none"
    engine = make_engine(url)
    with Session(engine) as session:
        state = quiz.state(session.get(m.Question, row.current_question_id))
    engine.dispose()
    return state


def _next_and_open(page, url: str) -> None:
    before = _row(url).current_question_id
    _click(page, "Next")
    _until(lambda: _row(url).current_question_id != before, "on the next question")
    wait_for_app_run(page)
    _click(page, "Open question")
    _until(lambda: _question_state(url) == "open", "open")


def _fresh_run(page, url: str, row_id: int) -> None:
    """Start the demo quiz afresh from Run live, confirming as asked."""
    page.get_by_text("Start a fresh run of this quiz").click()
    page.get_by_text("keeps nothing of what is cleared", exact=False).wait_for()
    page.get_by_role("button", name="Prepare the event summary").last.wait_for()
    page.get_by_text("Yes, delete the 48 answers and start afresh").click()
    _click(page, "Clear the answers and start afresh")
    _until(lambda: _answers(url, row_id) == 0, "cleared")
    page.get_by_text("Nobody has answered this quiz yet", exact=False).wait_for(state="attached")


def _join(phone, base: str, code: str, city: str, name: str) -> str:
    phone.goto(f"{base}/join?code={code}")
    phone.wait_for_selector(IDLE)
    _choose(phone, "The city you speak for", city)
    phone.get_by_label("Your name (optional)", exact=True).fill(name)
    _click(phone, "Join")
    phone.wait_for_url("**/join?p=*")
    return phone.url.split("p=")[1]


def tile(phone, option: str):
    """The answer tile of ``option`` (a shape, then the option's text)."""
    return phone.get_by_role("button", name=re.compile(re.escape(option)))


def _answer(phone, option: str) -> None:
    """One tap on a tile answers a single-choice question."""
    tile(phone, option).click(timeout=15_000)
    phone.get_by_text("Your answer is saved").wait_for(timeout=15_000)


def _answer_several(phone, option: str) -> None:
    """A multiple-choice question: pick ``option`` among the pills, then send."""
    phone.get_by_role("button", name=option, exact=True).click(timeout=30_000)
    _click(phone, "Send my answer")
    phone.get_by_text("Your answer is saved").wait_for(timeout=15_000)


def _shoot(page, folders, name: str) -> None:
    for folder in folders:
        page.screenshot(path=str(folder / f"live-{name}.png"), full_page=True)


def test_five_phones_answer_and_the_presenter_counts_them(
    browser, live_db, tmp_path, screenshot_dirs
):
    port = _port(5)
    with running_server(live_db, port, tmp_path / "s1.log") as base:
        staff_context = browser.new_context(viewport={"width": 1400, "height": 1000})
        staff = staff_context.new_page()
        staff.set_default_timeout(30_000)
        _sign_in(staff, base)
        _drive(staff)
        presenter = staff_context.new_page()
        _click(staff, "Open for phones")
        row = _row(live_db)
        assert row.join_code and row.live_started_at
        assert f"/join?code={row.join_code}" in staff.locator("code").first.inner_text()
        presenter.set_viewport_size({"width": 1920, "height": 1080})
        presenter.goto(_presenter_url(base, live_db))
        presenter.get_by_text("Join on your phone").wait_for()
        # The demo's 2023 participants are not in this room.
        presenter.get_by_text("0 people joined", exact=True).wait_for()
        _shoot(presenter, screenshot_dirs, "presenter-lobby")

        # The demo quiz was played in 2023: the facilitator starts it afresh.
        assert _answers(live_db, row.id) == 48
        _fresh_run(staff, live_db, row.id)
        assert _answers(live_db, row.id) == 0
        staff.get_by_text("not opened yet").first.wait_for(state="attached")  # in the table

        # Wrong codes from one browser count under one key, reloads or not.
        guesser = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        wrong = guesser.new_page()
        for _ in range(3):
            wrong.goto(f"{base}/join?code=ZZZZZ9")
            wrong.get_by_text("No live session has the code ZZZZZ9").wait_for()
        guesser.close()
        keys = select(m.JoinAttempt.client_key, func.count()).group_by(m.JoinAttempt.client_key)
        engine = make_engine(live_db)
        with Session(engine) as session:
            counted = dict(session.exec(keys).all())
        engine.dispose()
        browsers = {k: n for k, n in counted.items() if k.startswith("c:")}
        assert list(browsers.values()) == [3], counted  # one browser, three attempts
        # (and its address too, which Streamlit does not give for a local browser)
        assert all(n == 3 for k, n in counted.items() if k.startswith("ip:")), counted

        phones, tokens, contexts = [], [], []
        for n, city in enumerate(CITIES):
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            tokens.append(_join(phone, base, row.join_code, city, f"Person {n + 1}"))
            phones.append(phone)
            contexts.append(context)
        assert len(set(tokens)) == 5
        for phone in phones:  # the lobby, on a phone-sized screen with no sideways scroll
            phone.get_by_text("You're in").wait_for()
            _shoot(phone, screenshot_dirs, "phone-lobby")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width
        presenter.get_by_text("5 people joined", exact=False).wait_for(timeout=10_000)

        # Scanning the QR code again in the same browser: the same participant.
        again = contexts[0].new_page()
        again.goto(f"{base}/join?code={row.join_code}")
        again.wait_for_url(f"**/join?p={tokens[0]}", timeout=30_000)
        again.get_by_text("Welcome back").wait_for()
        _shoot(again, screenshot_dirs, "phone-welcome-back")
        _click(again, "Not you? Join as someone else")
        again.get_by_label("The city you speak for").wait_for()  # a new person may join
        again.wait_for_url(f"**/join?code={row.join_code}")
        again.close()
        participants = select(func.count()).select_from(m.Participant)
        assert _count(live_db, participants.where(m.Participant.session_id == row.id)) == 17

        activity = staff.locator("[data-testid='stButtonGroup']")
        activity.get_by_text("Quiz", exact=True).click()
        _until(lambda: _row(live_db).activity == "quiz", "on the quiz")
        wait_for_app_run(staff)
        _next_and_open(staff, live_db)
        tile(phones[0], "All of them").wait_for()
        _shoot(phones[0], screenshot_dirs, "phone-question")
        for phone in phones:
            _answer(phone, "All of them")
        _shoot(phones[0], screenshot_dirs, "phone-answered")
        # Run live follows by itself: no click, and the five answers are counted.
        staff.get_by_text("5 of 5 cities answered", exact=False).wait_for(timeout=10_000)
        _shoot(staff, screenshot_dirs, "run-live")

        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        presenter.get_by_text("5 people counted", exact=False).wait_for(timeout=10_000)
        _shoot(presenter, screenshot_dirs, "presenter-question")

        # A reload keeps the participant: same token, their answer still theirs.
        phones[0].reload()
        phones[0].wait_for_selector(IDLE)
        assert phones[0].url.endswith(tokens[0])
        phones[0].get_by_text("your answer", exact=False).first.wait_for()  # the tile it chose
        new_ones = participants.where(
            m.Participant.session_id == row.id, m.Participant.token.not_like("demo-%")
        )
        assert _count(live_db, new_ones) == 5

    # The server restarts mid-quiz: phones reconnect by themselves, staff sign in again.
    with running_server(live_db, port, tmp_path / "s2.log") as base:
        for phone, token in zip(phones, tokens, strict=True):
            phone.get_by_text("your answer", exact=False).first.wait_for(timeout=60_000)
            assert phone.url.endswith(token)
        _sign_in(staff, base)
        _drive(staff)
        presenter.goto(_presenter_url(base, live_db))
        # Who joined is counted from the opening's stored start: the restart changes nothing.
        presenter.get_by_text("5 people joined", exact=False).wait_for(timeout=10_000)
        _click(staff, "Reveal results")
        presenter.get_by_text("Leaderboard of the cities").wait_for(timeout=10_000)
        presenter.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=15_000)
        _shoot(presenter, screenshot_dirs, "presenter-revealed")
        assert "Person 1" not in presenter.locator("body").inner_text()  # no names up there
        _next_and_open(staff, live_db)  # an opinion: who drives it in your city
        for phone in phones:
            _answer_several(phone, "Public authorities")
        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        assert _count(live_db, new_ones) == 5
        assert _answers(live_db, row.id) == 10
    staff_context.close()
