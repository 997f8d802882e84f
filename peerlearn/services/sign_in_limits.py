"""How often one email, or one network address, may try a password.

Kept in the database, so several servers hold back the same guesser. A try is counted
before its password is checked, so tries sent together count too; a right password
forgives the email's count. While an email or address must wait, its tries are refused
before any password hashing, the same for an email with an account as for one without.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from peerlearn import rules
from peerlearn.models import SignInThrottle
from peerlearn.services.store import commit

# Wrong passwords an email may have before each try waits (rules.sign_in_wait). An
# address is shared by everyone at a venue, so it gets more.
ACCOUNT_TRIES = 5
ADDRESS_TRIES = 30
# A count restarts this long after its last failure.
FORGOTTEN_AFTER = timedelta(hours=1)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _limits(email: str, address: str | None) -> dict[str, int]:
    """Each key counted for a try, with the failures it may have before waiting."""
    limits = {_key("email", email): ACCOUNT_TRIES}
    if address:
        limits[_key("address", address)] = ADDRESS_TRIES
    return limits


def wait_left(session: Session, *, email: str, address: str | None, at: datetime) -> timedelta:
    """How long a try with ``email`` from ``address`` must still wait (zero: none)."""
    limits = _limits(email, address)
    rows = session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(limits)))
    left = timedelta(0)
    for row in rows:
        if at - row.last_failure_at >= FORGOTTEN_AFTER:
            continue
        until = row.last_failure_at + rules.sign_in_wait(row.failures, limits[row.key])
        left = max(left, until - at)
    return left


def count_try(session: Session, *, email: str, address: str | None, at: datetime) -> None:
    """Count a try as failed until its password proves right (see :func:`forgive`)."""
    table = SignInThrottle.__table__
    # Counts past forgetting go, so that made-up emails do not pile up.
    session.execute(delete(table).where(table.c.last_failure_at < at - FORGOTTEN_AFTER))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # In one statement per key, so tries counted together all count.
    for key in sorted(_limits(email, address)):
        statement = insert(table).values(key=key, failures=1, last_failure_at=at)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"failures": table.c.failures + 1, "last_failure_at": at},
            )
        )
    commit(session)


def forgive(session: Session, *, email: str, address: str | None) -> None:
    """The password was right: the email's count ends, the address's try is taken back."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == _key("email", email)))
    if address:
        session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.key == _key("address", address), SignInThrottle.failures > 0)
            .values(failures=SignInThrottle.failures - 1)
        )
