"""Addresses a stranger can type, in a real browser: a malformed session id or key on the
presenter view, a malformed participant link. Each shows the page's own polite "not
found", never a trace; the server's log holds no error for them either."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import lifecycle
from tests import serving
from tests.e2e.conftest import FACILITATOR, IDLE, running_server, wait_for_app_run
from tests.e2e.live_steps import SESSION

TRACE_WORDS = ("Traceback", "ValueError", "OverflowError", "TypeError", "DataError", ".py")


def _live_session(url: str) -> int:
    """Open the demo's quiz session for phones, as Run live does; its id."""
    engine = make_engine(url)
    with Session(engine) as session:
        facilitator = session.exec(select(m.User).where(m.User.email == FACILITATOR)).one()
        row = session.exec(select(m.EventSession).where(m.EventSession.title == SESSION)).one()
        lifecycle.start_live(session, actor=facilitator, session_id=row.id)
        row_id = row.id
    engine.dispose()
    return row_id


def test_malformed_addresses_show_a_polite_page_and_no_trace(browser, live_db, tmp_path):
    row_id = _live_session(live_db)
    log = tmp_path / "server.log"
    addresses = {
        "presenter?session=%C2%B2": "Open the presenter view from",
        "presenter?session=99999999999999999999999": "Open the presenter view from",
        "presenter?session=1%00": "Open the presenter view from",
        f"presenter?session={row_id}&key=%C3%A9": "This presenter address is not valid",
        f"presenter?session={row_id}&key=%00": "This presenter address is not valid",
        "join?p=abc%00def": "This participation link is not known",
    }
    with running_server(live_db, serving.free_port(), log) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            for address, polite in addresses.items():
                page.goto(f"{base}/{address}")
                page.wait_for_selector(IDLE, timeout=60_000)
                wait_for_app_run(page)
                page.get_by_text(polite).first.wait_for()
                shown = page.inner_text("body")
                for word in TRACE_WORDS:
                    assert word not in shown, (address, word)
                assert not page.locator("[data-testid='stException']").count(), address
        finally:
            context.close()
        assert "Traceback" not in log.read_text()
