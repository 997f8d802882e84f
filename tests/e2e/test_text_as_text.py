"""Quiz options reach the phone as typed, in Chromium: a facilitator's option holding
markdown, a link, a colour directive, LaTeX or HTML shows those characters on its tile,
never bold text, a link or an image; a 2,000-character word wraps instead of widening the
page."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import joining, lifecycle
from peerlearn.live import quiz as live_quiz
from tests import serving
from tests.e2e.conftest import IDLE, running_server
from tests.e2e.live_steps import PHONE, row_of, shoot
from tests.markdown_text import HOSTILE

BOLD = "**bold**"
LONG = "w" * 2000
# Elements the tiles would hold had the options rendered as markdown or HTML.
MARKUP = "strong, em, a, img, code, del, .katex, [data-testid='stIconMaterial']"


def _live_question(url: str, texts: list[str]) -> str:
    """Open the Berlin quiz's first question with ``texts`` as its options (and the
    long word as its text), and join a phone; the phone's token."""
    engine = make_engine(url)
    row_id = row_of(url).id
    with Session(engine) as session:
        actor = session.exec(select(m.User).where(m.User.role == m.UserRole.COORDINATOR)).first()
        lifecycle.start_live(session, actor=actor, session_id=row_id)
        lifecycle.set_activity(session, actor=actor, session_id=row_id, activity="quiz")
        question = live_quiz.session_questions(session, actor=actor, session_id=row_id)[0]
        question.kind, question.text = m.QuestionKind.SINGLE, LONG
        question.opened_at = question.closed_at = question.revealed_at = None
        question.closes_at = None
        stored = session.exec(
            select(m.Option).where(m.Option.question_id == question.id).order_by(m.Option.id)
        ).all()
        for option, text in zip(stored, texts, strict=False):
            option.text = text
            session.add(option)
        session.add(question)
        session.commit()
        live_quiz.show_question(session, actor=actor, session_id=row_id, question_id=question.id)
        live_quiz.open_question(session, actor=actor, session_id=row_id, question_id=question.id)
        person = joining.join(session, session_id=row_id)
        token = person.token
    engine.dispose()
    return token


def test_the_phones_tiles_show_the_options_as_typed(browser, live_db, tmp_path, screenshot_dirs):
    texts = [BOLD, " ".join(HOSTILE[1:3]), " ".join(HOSTILE[3:]), LONG]
    token = _live_question(live_db, texts)
    with running_server(live_db, serving.free_port(), tmp_path / "server.log") as base:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.set_default_timeout(30_000)
        phone.goto(f"{base}/join?p={token}")
        phone.wait_for_selector(IDLE, timeout=60_000)
        tiles = phone.locator("[class*='st-key-join_q'] button")
        tiles.first.wait_for()
        shoot(phone, screenshot_dirs, "phone-literal-options")
        shown = [t.replace("\u2060", "") for t in tiles.all_inner_texts()]
        assert len(shown) == len(texts)
        for text, tile_text in zip(texts, shown, strict=True):
            assert tile_text.split(maxsplit=1)[1].replace("\n", "") == text
        assert tiles.locator(MARKUP).count() == 0
        # Nothing is wider than the phone: the long word wraps, in the question and a tile.
        width = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        main = phone.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return [m.scrollWidth, m.clientWidth]; }"
        )
        assert width[0] <= width[1] and main[0] <= main[1], (width, main)
        context.close()
