"""Wrong join codes are limited across the whole code space, in the database that every
app server shares; a right code is never refused (peerlearn.live.wrong_codes)."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn import models as m
from peerlearn.errors import NotFound
from peerlearn.live import joining, lifecycle, wrong_codes

# The start of a window: every guess of a test falls in it unless it says otherwise.
START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
POLITE = "Too many wrong codes right now"


def _wrong(session, times: int, *, at=START, code="ZZZZZ9") -> None:
    for _ in range(times):
        with pytest.raises(NotFound):
            joining.session_by_code(session, code=code, moment=at)


def _counted(session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.coalesce(func.sum(m.WrongCodeCount.wrong), 0))))


def test_fifty_wrong_codes_then_three_right_ones_all_join(session, world, code):
    _wrong(session, 50)
    for _ in range(3):
        assert joining.session_by_code(session, code=code, moment=START).id == world.workshop.id
    assert _counted(session) == 50  # right codes are not counted


def test_wrong_codes_past_the_budget_are_refused_politely(session, world, code):
    _wrong(session, wrong_codes.BUDGET)
    with pytest.raises(joining.TooManyWrongCodes) as refused:
        joining.session_by_code(session, code="ZZZZZ9", moment=START)
    message = str(refused.value)
    assert message.startswith(POLITE) and "try again in a minute" in message
    assert "browser" not in message and "ZZZZZ9" not in message
    # ... and a right code still joins, at once.
    assert joining.session_by_code(session, code=code, moment=START).id == world.workshop.id


def test_past_the_budget_a_refusal_reveals_nothing_about_the_code(session, world, code):
    """Whether a code belongs to a session that ended or has not started is not said."""
    lifecycle.end_live(session, actor=world.facilitator, session_id=world.workshop.id)
    with pytest.raises(NotFound, match="has ended"):
        joining.session_by_code(session, code=code, moment=START)
    _wrong(session, wrong_codes.BUDGET)
    with pytest.raises(joining.TooManyWrongCodes) as refused:
        joining.session_by_code(session, code=code, moment=START)
    assert "ended" not in str(refused.value)


def test_a_new_browser_does_not_reset_the_budget(engine, world, code):
    """The count is the code space's, in the database: nothing a browser holds."""
    with Session(engine) as first:
        _wrong(first, wrong_codes.BUDGET)
    with Session(engine) as fresh, pytest.raises(joining.TooManyWrongCodes):
        joining.session_by_code(fresh, code="ZZZZZ8", moment=START)


def test_the_budget_renews_after_the_window(session, world, code):
    _wrong(session, wrong_codes.BUDGET)
    last = START + wrong_codes.WINDOW - wrong_codes.WINDOW / 60
    with pytest.raises(joining.TooManyWrongCodes):
        joining.session_by_code(session, code="ZZZZZ9", moment=last)
    later = START + wrong_codes.WINDOW
    with pytest.raises(NotFound, match="No live session has the code ZZZZZ9"):
        joining.session_by_code(session, code="ZZZZZ9", moment=later)
    assert wrong_codes.wrong_so_far(session, moment=later) == 1


def test_old_windows_are_forgotten(session, world, code):
    _wrong(session, 3)
    _wrong(session, 2, at=START + wrong_codes.KEPT + wrong_codes.WINDOW)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(m.WrongCodeCount)) == 1
    assert _counted(session) == 2


def test_wrong_codes_sent_at_once_are_all_counted(engine, world, code):
    """Many phones (or one guesser on many connections) at the same instant: each
    wrong code adds one, none is lost, on both databases."""
    threads, each = 8, 10
    barrier = threading.Barrier(threads)

    def guess():
        with Session(engine) as session:
            barrier.wait()
            for _ in range(each):
                with pytest.raises(NotFound):
                    joining.session_by_code(session, code="ZZZZZ9", moment=START)

    running = [threading.Thread(target=guess) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    with Session(engine) as session:
        assert wrong_codes.wrong_so_far(session, moment=START) == threads * each
