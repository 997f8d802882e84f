"""Wrong join codes, counted across the whole code space per window of time.

A join code is 6 characters of 31 (``joining.JOIN_ALPHABET``): 31**6 = 887,503,681
codes. A guesser does not care which session a code opens, so wrong codes are counted
for the code space as a whole, per window of ``WINDOW``, in one row that every app
server behind the proxy updates (``wrong_code_count``): nothing a browser holds
(cookies) or forwards (addresses) resets it, and a room behind one venue's wifi is not
punished for one person's typos. A right code is looked up first and never counted nor
refused.

Past ``BUDGET`` wrong codes in a window, a wrong code is answered with one polite
sentence that says nothing about it (not even whether it belongs to a session that
ended or has not started), until the next window.

The odds. With N sessions open at once, one guess finds one of them with probability
p = N / 31**6. A guesser held to the budget gets BUDGET * (1 day / WINDOW) = 60 * 1440
= 86,400 wrong codes answered a day, and finds a session that day with probability
1 - (1 - p) ** 86400, about N * 9.7e-5: 1 in 10,000 with one session open, about
1 in 1,000 with ten (an event's rooms at once), less over the hours sessions are
really open.

What the budget cannot do: since a right code is never refused, a guess past the budget
is still looked up, and a hit still joins. The budget stops what wrong codes tell a
guesser, not how fast they can guess: for a guesser who ignores the polite refusals,
the odds are set by how many guesses a second the servers answer (R): about
N * R * 86,400 / 31**6 a day, so 0.5 % at R = 5 and N = 10, 4.8 % at R = 50.
``wrong_so_far`` shows such a flood (the count goes on past the budget).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from peerlearn.models import WrongCodeCount
from peerlearn.services.store import commit, now

WINDOW = timedelta(minutes=1)
# Wrong codes per window for the whole install: a room of a few hundred mistypes far
# fewer in a minute, and those past it are only told to look at the screen again.
BUDGET = 60
# Windows kept after they end, to see a flood afterwards.
KEPT = timedelta(days=1)

TOO_MANY = (
    "Too many wrong codes right now; check the code on the big screen and try again in a minute."
)


def slot_of(moment: datetime) -> int:
    """The window ``moment`` falls in (windows since the Unix epoch)."""
    return int(moment.timestamp() // WINDOW.total_seconds())


def count_wrong(session: Session, *, moment: datetime | None = None) -> int:
    """Count one wrong code in the window of ``moment`` (default: now); the window's
    count with it.

    One statement adds it (an upsert: INSERT ... ON CONFLICT DO UPDATE SET wrong =
    wrong + 1 RETURNING wrong), so codes counted at once by several servers all count.
    """
    moment = moment or now()
    slot = slot_of(moment)
    table = WrongCodeCount.__table__
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    add_one = (
        insert(table)
        .values(slot=slot, wrong=1)
        .on_conflict_do_update(index_elements=[table.c.slot], set_={"wrong": table.c.wrong + 1})
        .returning(table.c.wrong)
    )
    # End the code's lookup first: on SQLite a write that begins the transaction waits
    # its turn, where a read transaction upgraded to a write can fail at once.
    commit(session)
    wrong = session.execute(add_one).scalar_one()
    session.execute(delete(table).where(table.c.slot < slot_of(moment - KEPT)))
    commit(session)
    return wrong


def wrong_so_far(session: Session, *, moment: datetime | None = None) -> int:
    """Wrong codes counted in the window of ``moment`` (default: now)."""
    slot = slot_of(moment or now())
    found = session.scalar(select(WrongCodeCount.wrong).where(WrongCodeCount.slot == slot))
    return found or 0


def over_budget(wrong: int) -> bool:
    return wrong > BUDGET
