"""The server's secret: what keys the addresses only this installation may hand out
(the presenter view's).

Taken from PEERLEARN_SECRET when the deployment sets it; otherwise made once, at first
use, and kept in the database (``server_secret``), so every app server on one database
uses the same. It is never written to a backup (peerlearn.backup leaves the table out).
"""

from __future__ import annotations

import os
import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from peerlearn.models import ServerSecret

SECRET_ENV = "PEERLEARN_SECRET"
SECRET_BYTES = 32
NAME = "server"


def server_secret(session: Session) -> bytes:
    """The secret: configured, stored, or made now and stored."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured:
        return configured.encode()
    stored = session.get(ServerSecret, NAME)
    return bytes.fromhex(stored.value if stored is not None else _make(session))


def _make(session: Session) -> str:
    """Store a new secret unless another server just did; the one stored.

    Written on a connection of its own and committed there, so a read that needs the
    secret commits nothing of its caller's; two servers making one at the same moment
    keep the first (insert-or-nothing on the primary key).
    """
    engine = session.get_bind()
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    table = ServerSecret.__table__
    made = ServerSecret(name=NAME, value=secrets.token_hex(SECRET_BYTES))
    statement = (
        dialect.insert(table)
        .values(name=made.name, value=made.value, created_at=made.created_at)
        .on_conflict_do_nothing(index_elements=[table.c.name])
    )
    with engine.begin() as connection:
        connection.execute(statement)
        return connection.scalar(select(table.c.value).where(table.c.name == NAME))
