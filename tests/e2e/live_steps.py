"""Steps of a live session in real browsers, as the facilitator, the presenter and the
phones take them: the Berlin quiz session of the demo, with a facilitator's account.
Each step that changes the session waits until the database shows it, so that the next
click acts on the page that step redrew."""

from __future__ import annotations

import re
import time

from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import quiz, screens
from tests.e2e.conftest import FACILITATOR, IDLE, PASSWORD, wait_for_app_run

SESSION = "Interactive quiz: smart city peculiarities of the cities"
PHONE = {"width": 390, "height": 844}
CITIES = ["Arezzo", "Arnsberg", "Hamm", "Krefeld", "Utrecht"]


def sign_in(page, base: str) -> None:
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


def answers(url: str, row_id: int) -> int:
    statement = select(func.count()).select_from(m.Answer).join(m.Question).join(m.Quiz)
    return count(url, statement.where(m.Quiz.session_id == row_id))


def count(url: str, statement) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        value = session.exec(statement).one()
    engine.dispose()
    return value


def row_of(url: str) -> m.EventSession:
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        session.expunge(row)
    engine.dispose()
    return row


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()  # a selectbox opens its list on click
    page.get_by_role("option", name=option).first.click()
    wait_for_app_run(page)


def drive(page) -> None:
    """The facilitator opens Run live and picks the Berlin quiz session."""
    # A click in the sidebar: typing an address would start a new, signed-out session.
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Run live", exact=True).click()
    wait_for_app_run(page)
    choose(page, "Network", "#connectedinEurope")
    choose(page, "Event", "#CIE meeting Berlin · 23 Oct 2023")
    choose(page, "Session", f"{SESSION} (quiz)")


def presenter_url(base: str, url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        key = screens.presenter_key(session, row)
    engine.dispose()
    return f"{base}/presenter?session={row.id}&key={key}"


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app_run(page)


def press(page, name: str, check, what: str, timeout: float = 30.0) -> None:
    """Click a button whose second click does no harm (open, close, reveal, save) until
    the database shows what it did; a failure names what the page showed.

    A safety net for a loaded machine: the one cause of lost clicks found (a countdown
    change saved with a rerun in its callback, which dropped the click sent with it,
    see test_live_countdown) is mended."""
    deadline = time.monotonic() + timeout
    click(page, name)
    while not check():
        if time.monotonic() > deadline:
            shown = page.locator("[data-testid='stAlert'], [data-testid='stException']")
            texts = [t.strip() for t in shown.all_inner_texts() if t.strip()]
            raise AssertionError(f"still not {what} after {timeout:.0f} s; the page said {texts}")
        time.sleep(0.5)
        button = page.get_by_role("button", name=name, exact=True)
        if not check() and button.count() == 1 and button.is_enabled():
            time.sleep(2.0)  # a slow run may still be saving the first click
            if not check() and button.count() == 1 and button.is_enabled():
                click(page, name)


def until(check, what: str, timeout: float = 30.0) -> None:
    """Wait until the database shows what a click did: the next click then acts on the
    page that click redrew, not on the one it replaced."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {timeout:.0f} s"
        time.sleep(0.2)


def question_state(url: str) -> str:
    row = row_of(url)
    if row.current_question_id is None:
        return "none"
    engine = make_engine(url)
    with Session(engine) as session:
        state = quiz.state(session.get(m.Question, row.current_question_id))
    engine.dispose()
    return state


def next_and_open(page, url: str) -> None:
    before = row_of(url).current_question_id
    click(page, "Next")
    until(lambda: row_of(url).current_question_id != before, "on the next question")
    wait_for_app_run(page)
    press(page, "Open question", lambda: question_state(url) == "open", "open")


def fresh_run(page, url: str, row_id: int) -> None:
    """Start the demo quiz afresh from Run live, confirming as asked."""
    page.get_by_text("Start a fresh run of this quiz").click()
    page.get_by_text("keeps nothing of what is cleared", exact=False).wait_for()
    page.get_by_role("button", name="Prepare the event summary").last.wait_for()
    page.get_by_text("Yes, delete the 48 answers and start afresh").click()
    click(page, "Clear the answers and start afresh")
    until(lambda: answers(url, row_id) == 0, "cleared")
    page.get_by_text("Nobody has answered this quiz yet", exact=False).wait_for(state="attached")


def join(phone, base: str, code: str, city: str, name: str) -> str:
    phone.goto(f"{base}/join?code={code}")
    phone.wait_for_selector(IDLE)
    choose(phone, "The city you speak for", city)
    phone.get_by_label("Your name (optional)", exact=True).fill(name)
    click(phone, "Join")
    phone.wait_for_url("**/join?p=*")
    return phone.url.split("p=")[1]


def tile(phone, option: str):
    """The answer tile of ``option`` (a shape, then the option's text)."""
    return phone.get_by_role("button", name=re.compile(re.escape(option)))


def answer(phone, option: str) -> None:
    """One tap on a tile answers a single-choice question."""
    tile(phone, option).click(timeout=15_000)
    phone.get_by_text("Your answer is saved").wait_for(timeout=15_000)


def answer_several(phone, option: str) -> None:
    """A multiple-choice question: pick ``option`` among the pills, then send."""
    phone.get_by_role("button", name=option, exact=True).click(timeout=30_000)
    click(phone, "Send my answer")
    phone.get_by_text("Your answer is saved").wait_for(timeout=15_000)


def shoot(page, folders, name: str) -> None:
    for folder in folders:
        page.screenshot(path=str(folder / f"live-{name}.png"), full_page=True)
