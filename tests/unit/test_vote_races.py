"""Dots placed at the same instant (a phone open in two tabs, taps faster than the
network) stay within the budget, on both databases."""

import contextlib
import threading

import pytest
from sqlalchemy import delete, func, select
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.errors import PeerlearnError
from peerlearn.live import votes
from tests.unit.live_fixtures import join

ROUNDS = 8


def _at_once(engine, calls) -> None:
    """Run ``calls`` (each given its own session) together, released by one barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            # Refused over the budget, as all but one of them should be.
            with contextlib.suppress(PeerlearnError):
                call(session)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _placed(session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.coalesce(func.sum(m.Vote.dots), 0))))


@pytest.mark.parametrize("mode", list(m.CountMode))
def test_dots_placed_together_never_pass_the_budget(engine, session, world, code, groups, mode):
    row = session.get(m.EventSession, world.workshop.id)
    row.vote_budget, row.vote_mode = 3, mode
    session.commit()
    # Per city, two people of Arezzo share its budget; per participant, one phone.
    phones = [join(session, code, world.arezzo), join(session, code, world.arezzo)]
    if mode == m.CountMode.PERSON:
        phones = phones[:1]
    for _ in range(ROUNDS):
        session.execute(delete(m.Vote))
        session.commit()
        taps = [(phones[i % len(phones)].token, group.id) for i, group in enumerate(groups)]
        _at_once(
            engine,
            [
                lambda s, t=token, g=group_id: votes.vote(s, token=t, common_challenge_id=g, dots=2)
                for token, group_id in taps
            ],
        )
        assert _placed(session) <= 3


def test_taps_on_one_card_together_all_count(engine, session, world, code, groups):
    """Two "+" on the same card at once put two dots, not one."""
    token, group_id = join(session, code, world.arezzo).token, groups[0].id
    for _ in range(ROUNDS):
        session.execute(delete(m.Vote))
        session.commit()
        tap = lambda s: votes.add_dots(  # noqa: E731
            s, token=token, common_challenge_id=group_id, by=1
        )
        _at_once(engine, [tap, tap])
        assert _placed(session) == 2
