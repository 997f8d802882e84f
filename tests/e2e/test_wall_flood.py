"""A phone that floods the challenge wall, in Chromium: past its pace it is told to
wait, and a 2,000-character word with no spaces wraps on the phone and on the big
screen instead of pushing the page sideways."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn import rules
from peerlearn.db import make_engine
from peerlearn.live import lifecycle
from tests import serving
from tests.e2e.conftest import FACILITATOR, running_server
from tests.e2e.live_steps import PHONE, click, join, presenter_url, row_of, shoot

WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Blocks of text holding the long word that it runs out of (it does not wrap).
SPILLED = """() => Array.from(document.querySelectorAll('div')).filter((e) =>
    e.childElementCount === 0 && e.textContent.includes('Datenplattform')
    && e.scrollWidth > e.clientWidth + 1).length"""
LONG_WORD = ("Datenplattform" * 143)[:2000]  # 2,000 characters, no space


def _open_the_wall(url: str) -> str:
    """The Berlin quiz session open for phones, on the challenge wall: its join code."""
    engine = make_engine(url)
    with Session(engine) as session:
        facilitator = session.exec(select(m.User).where(m.User.email == FACILITATOR)).one()
        row_id = row_of(url).id
        row = lifecycle.start_live(session, actor=facilitator, session_id=row_id)
        lifecycle.set_activity(
            session, actor=facilitator, session_id=row_id, activity="challenge wall"
        )
        code = row.join_code
    engine.dispose()
    return code


def _post(phone, text: str) -> None:
    phone.get_by_label("The challenge", exact=True).fill(text)
    click(phone, "Post")


def test_a_flooding_phone_is_told_to_wait_and_long_words_wrap(
    browser, live_db, tmp_path, screenshot_dirs
):
    code = _open_the_wall(live_db)
    with running_server(live_db, serving.free_port(), tmp_path / "server.log") as base:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.set_default_timeout(30_000)
        join(phone, base, code, "Arezzo", "Flood")
        phone.get_by_text("Post a challenge for your tandem").wait_for()

        _post(phone, LONG_WORD)
        phone.get_by_text("Challenge posted").wait_for()
        phone.get_by_text("You posted 1:").wait_for()
        assert phone.evaluate(WIDE) <= 0, "the long word pushes the phone's page sideways"
        assert phone.evaluate(SPILLED) == 0, "the long word runs out of its block"

        for n in range(rules.RATE_LIMITS[rules.POST].actions - 1):
            _post(phone, f"Challenge number {n + 2}")
        phone.get_by_text(f"You posted {rules.RATE_LIMITS[rules.POST].actions}:").wait_for()
        _post(phone, "One post too many")
        phone.get_by_text("wait a minute before the next post", exact=False).wait_for()
        assert phone.get_by_label("The challenge", exact=True).input_value() == (
            "One post too many"
        )  # kept, to send a minute later
        assert phone.evaluate(WIDE) <= 0
        shoot(phone, screenshot_dirs, "wall-flood-phone")

        screen = context.browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        screen.goto(presenter_url(base, live_db))
        screen.get_by_text("Challenge number 2", exact=True).wait_for()
        assert screen.evaluate(WIDE) <= 0, "the long word pushes the big screen sideways"
        assert screen.evaluate(SPILLED) == 0, "the long word runs out of its card"
        shoot(screen, screenshot_dirs, "wall-flood-screen")
        screen.context.close()
        context.close()
