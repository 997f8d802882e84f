"""One phone open in two tabs taps "+" on two cards at the same instant, round after
round: the dots placed never pass the budget, and neither tab shows fewer than none
left. Each round's taps are timed in the browser, on one clock, so they reach the
server together."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import ballot, lifecycle, votes
from tests.e2e.conftest import FACILITATOR, IDLE, running_server, server_port
from tests.e2e.live_steps import PHONE, count, join, row_of, until

BUDGET = 3
ROUNDS = 6
# Both tabs click at this many ms from now: time for the two evaluate calls to arrive.
AHEAD_MS = 400
# Scheduled without waiting for it: the other tab's tap is scheduled next.
TAP_AT = """([selector, at]) => {
  window.__tapped = new Promise((done) => setTimeout(() => {
    document.querySelector(selector).click();
    done();
  }, at - Date.now()));
}"""


def _vote_stage(url: str) -> tuple[str, list[int]]:
    """The Berlin quiz session live, on its vote, with two groups on the ballot."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        actor = session.exec(select(m.User).where(m.User.email == FACILITATOR)).one()
        row = row_of(url)
        live = lifecycle.start_live(session, actor=actor, session_id=row.id)
        lifecycle.set_activity(
            session, actor=actor, session_id=row.id, activity=m.LiveActivity.VOTE
        )
        live = session.get(m.EventSession, row.id)
        live.vote_budget, live.vote_mode = BUDGET, m.CountMode.PERSON
        groups = [
            m.CommonChallenge(
                network_id=session.get(m.Event, live.event_id).network_id,
                session_id=row.id,
                name=name,
            )
            for name in ("Funding the first pilots", "Skills in the city's teams")
        ]
        session.add_all(groups)
        session.commit()
        ballot.put_on_ballot(session, row.id, [g.id for g in groups])
        session.commit()
        code, ids = live.join_code, [g.id for g in groups]
    engine.dispose()
    return code, ids


def _placed(url: str) -> int:
    return int(count(url, select(func.coalesce(func.sum(m.Vote.dots), 0))))


def _two_placed(url: str, token: str, group_id: int) -> None:
    """A round starts with two of the three dots on the first card."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.execute(delete(m.Vote))
        session.commit()
        votes.vote(session, token=token, common_challenge_id=group_id, dots=2)
    engine.dispose()


@pytest.mark.parametrize(
    "backend", ["live_db", pytest.param("live_pg", marks=pytest.mark.postgres)]
)
def test_one_phone_in_two_tabs_tapping_together_stays_within_the_budget(
    browser, backend, request, tmp_path
):
    live_db = request.getfixturevalue(backend)
    with running_server(live_db, server_port(8), tmp_path / "server.log") as base:
        code, (first, second) = _vote_stage(live_db)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        token = join(tab, base, code, "Arezzo", "Two tabs")
        other = context.new_page()
        other.set_default_timeout(30_000)
        other.goto(tab.url)
        other.wait_for_selector(IDLE)
        for _ in range(ROUNDS):
            _two_placed(live_db, token, first)
            for page in (tab, other):
                # A phone voting on its own budget follows the stage, not its dots.
                page.reload()
                page.get_by_text(f"1 of {BUDGET} dots left").wait_for()
                page.wait_for_selector(IDLE)
            at = tab.evaluate("ms => Date.now() + ms", AHEAD_MS)
            tab.evaluate(TAP_AT, [f".st-key-join_more_{first} button", at])
            other.evaluate(TAP_AT, [f".st-key-join_more_{second} button", at])
            for page in (tab, other):
                page.evaluate("() => window.__tapped")
            # One tap placed the last dot; the other was told none are left.
            until(lambda: _placed(live_db) >= BUDGET, "the last dot placed")
            for page in (tab, other):
                page.wait_for_selector(IDLE)
            assert _placed(live_db) == BUDGET
            for page in (tab, other):
                assert page.get_by_text(f"-1 of {BUDGET} dots left").count() == 0
        context.close()
