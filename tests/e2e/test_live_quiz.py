"""The Berlin quiz run live in real browsers: a facilitator drives it from "Run live",
five phones join through the join URL and answer, the presenter view counts them;
a phone reloads and is the same participant; the server restarts mid-quiz and the
session goes on with nothing lost."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.services import live_views
from tests.e2e.conftest import IDLE, _port, running_server, sign_in, wait_for_app_run

SESSION = "Interactive quiz: smart city peculiarities of the cities"
PHONE = {"width": 390, "height": 844}
CITIES = ["Arezzo", "Arnsberg", "Hamm", "Krefeld", "Utrecht"]


@pytest.fixture
def live_db(database, tmp_path) -> str:
    """A copy of the e2e demo database, so this test's live session stays its own."""
    source = database.removeprefix("sqlite:///")
    target = tmp_path / "live.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    # The demo keeps the 2023 quiz's example answers; this room starts empty.
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        for person in session.exec(select(m.Participant).where(m.Participant.session_id == row.id)):
            session.delete(person)
        session.commit()
    engine.dispose()
    return url


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
    return f"{base}/presenter?session={row.id}&key={live_views.presenter_key(row)}"


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app_run(page)


def _next_and_open(page) -> None:
    _click(page, "Next ▶")
    _click(page, "Open question")


def _join(phone, base: str, code: str, city: str, name: str) -> str:
    phone.goto(f"{base}/join?code={code}")
    phone.wait_for_selector(IDLE)
    _choose(phone, "The city you speak for", city)
    phone.get_by_label("Your name (optional)", exact=True).fill(name)
    _click(phone, "Join")
    phone.wait_for_url("**/join?p=*")
    return phone.url.split("p=")[1]


def _answer(phone, option: str) -> None:
    phone.get_by_text(option, exact=True).click(timeout=15_000)
    phone.get_by_role("button", name="Send my answer").click()
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
        sign_in(staff, base, "coordinator")
        _drive(staff)
        presenter = staff_context.new_page()
        _click(staff, "Open for phones")
        row = _row(live_db)
        assert row.join_code and row.live_started_at
        assert f"/join?code={row.join_code}" in staff.locator("code").first.inner_text()
        presenter.goto(_presenter_url(base, live_db))
        presenter.get_by_text("Join on your phone").wait_for()
        _shoot(presenter, screenshot_dirs, "presenter-lobby")

        phones, tokens = [], []
        for n, city in enumerate(CITIES):
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            tokens.append(_join(phone, base, row.join_code, city, f"Person {n + 1}"))
            phones.append(phone)
        assert len(set(tokens)) == 5
        for phone in phones:  # the lobby, on a phone-sized screen with no sideways scroll
            phone.get_by_text("You're in").wait_for()
            _shoot(phone, screenshot_dirs, "phone-lobby")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width

        activity = staff.locator("[data-testid='stButtonGroup']")
        activity.get_by_text("Quiz", exact=True).click()
        wait_for_app_run(staff)
        _next_and_open(staff)
        phones[0].get_by_text("All of them", exact=True).wait_for()
        _shoot(phones[0], screenshot_dirs, "phone-question")
        for phone in phones:
            _answer(phone, "All of them")
        _shoot(phones[0], screenshot_dirs, "phone-answered")
        _shoot(staff, screenshot_dirs, "run-live")

        presenter.goto(_presenter_url(base, live_db))
        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        presenter.get_by_text("5 people counted", exact=False).wait_for(timeout=10_000)
        _shoot(presenter, screenshot_dirs, "presenter-question")

        # A reload keeps the participant: same token, their answer still theirs.
        phones[0].reload()
        phones[0].wait_for_selector(IDLE)
        assert phones[0].url.endswith(tokens[0])
        phones[0].get_by_role("button", name="Change my answer").wait_for()
        participants = select(func.count()).select_from(m.Participant)
        joined = _count(live_db, participants.where(m.Participant.session_id == row.id))
        assert joined == 5

    # The server restarts mid-quiz: phones reconnect by themselves, staff sign in again.
    with running_server(live_db, port, tmp_path / "s2.log") as base:
        for phone, token in zip(phones, tokens, strict=True):
            phone.get_by_role("button", name="Change my answer").wait_for(timeout=60_000)
            assert phone.url.endswith(token)
        sign_in(staff, base, "coordinator")
        _drive(staff)
        _click(staff, "Close question")
        _next_and_open(staff)
        for phone in phones:
            _answer(phone, "Public authorities")
        presenter.goto(_presenter_url(base, live_db))
        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        assert _count(live_db, participants.where(m.Participant.session_id == row.id)) == 5
        answers = select(func.count()).select_from(m.Answer).join(m.Participant)
        assert _count(live_db, answers.where(m.Participant.session_id == row.id)) >= 10
    staff_context.close()
