"""Storing rows: lookups that name what is missing, counts, commit and delete guards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from peerlearn.errors import Conflict, NotFound
from peerlearn.models import COUNTED

M = TypeVar("M", bound=SQLModel)
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def get(session: Session, model: type[M], ident: int | None, *, label: str) -> M:
    """The row of ``model`` with id ``ident``, or NotFound naming ``label``."""
    row = session.get(model, ident) if ident is not None else None
    if row is None:
        raise NotFound(f"No {label} with id {ident}.")
    return row


def get_active(session: Session, model: type[M], ident: int | None, *, label: str) -> M:
    """Like :func:`get`, and refuses archived rows."""
    row = get(session, model, ident, label=label)
    if getattr(row, "archived_at", None) is not None:
        raise NotFound(f"The {label} {_name(row)} is archived.")
    return row


def _name(row) -> str:
    for attribute in ("name", "title", "email"):
        if getattr(row, attribute, None):
            return f"'{getattr(row, attribute)}'"
    return f"#{row.id}"


def lock(session: Session, row: SQLModel) -> None:
    """Hold ``row`` until this transaction ends, so that a check then write (a budget
    read, then a vote written) cannot interleave with another's doing the same.

    PostgreSQL locks the row (SELECT ... FOR UPDATE). SQLite has no row locks and reads
    outside a transaction until the first write, so a write comes first: a no-op UPDATE
    of the row starts the write transaction (one writer at a time) before the read.
    """
    table = type(row).__table__
    where = table.c.id == row.id
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(table).where(where).values(id=table.c.id))
    else:
        session.execute(select(table.c.id).where(where).with_for_update())


def unchanged_since(session: Session, row: SQLModel, version: int | None, *, what: str) -> None:
    """Refuse a save made from an older read of ``row``: someone saved it in between.

    ``version`` is the one the editor read (None: save over whatever is stored). The row
    is locked first, so of two saves made from the same read one goes through and the
    other is told, also at the same instant; the one that goes through moves the
    version.
    """
    if version is None:
        return
    lock(session, row)
    session.refresh(row)
    if row.version != version:
        raise Conflict(
            f"Someone else saved this {what} after you opened it, so your changes were not "
            "saved. Reload the page to see what it says now, then make your changes again."
        )
    # Moved now, not when the changes are flushed: also a save that changes only links.
    row.version = version + 1
    session.info.setdefault(COUNTED, set()).add((type(row), row.id))


def count(session: Session, statement) -> int:
    """``SELECT count(*)`` of a select statement's rows."""
    return session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()


def commit(
    session: Session, *, conflict: str = "This clashes with what is already stored."
) -> None:
    """Commit; on a constraint violation roll back and raise Conflict(``conflict``).

    Inside :func:`one_transaction` it only flushes: the caller commits everything at once.
    """
    try:
        if session.info.get(_ONE_TRANSACTION):
            session.flush()
        else:
            session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(conflict) from error


_ONE_TRANSACTION = "peerlearn.one_transaction"
_KEPT = "peerlearn.kept"


@contextmanager
def one_transaction(session: Session) -> Iterator[Session]:
    """Service calls made inside are stored together or not at all.

    An import or the demo loader writes through the same public services as a screen,
    each of which would commit its own row; here their commits become flushes, and the
    whole batch is committed at the end (or rolled back on any error).
    """
    if session.info.get(_ONE_TRANSACTION):
        yield session  # already inside one: the outer block commits
        return
    session.info[_ONE_TRANSACTION] = True
    try:
        yield session
    except BaseException:
        _leave(session)
        session.rollback()
        raise
    _leave(session)
    commit(session)


def _leave(session: Session) -> None:
    session.info.pop(_ONE_TRANSACTION, None)
    session.info.pop(_KEPT, None)


def kept(session: Session, name: str, build: Callable[[], T]) -> T:
    """``build()``, kept for the rest of the session's one_transaction (built afresh on
    every call outside one): a batch of service calls then reads it once, and the service
    that changes what it holds keeps it up to date through :func:`kept_if_any`."""
    if not session.info.get(_ONE_TRANSACTION):
        return build()
    memo = session.info.setdefault(_KEPT, {})
    if name not in memo:
        memo[name] = build()
    return memo[name]


def kept_if_any(session: Session, name: str) -> object | None:
    """What :func:`kept` keeps under ``name`` in this one_transaction, or None."""
    return session.info.get(_KEPT, {}).get(name)


def refuse_if_used(session: Session, label: str, uses: dict[str, object]) -> None:
    """Refuse to delete ``label`` while any statement in ``uses`` has rows."""
    found = [f"{n} {what}" for what, stmt in uses.items() if (n := count(session, stmt))]
    if found:
        raise Conflict(
            f"{label} cannot be deleted: {', '.join(found)} depend on it. Archive it instead."
        )
