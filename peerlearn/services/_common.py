"""What every service shares: text cleaning, lookups, permission checks, commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from peerlearn.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peerlearn.models import Tandem, User, UserRole, UserTandem

M = TypeVar("M", bound=SQLModel)

# "Not given" for partial updates, where None means "clear this field".
KEEP: Any = object()

STAFF = (UserRole.COORDINATOR, UserRole.FACILITATOR)


def now() -> datetime:
    return datetime.now(UTC)


def clean_text(
    value: str | None, *, label: str, max_len: int, required: bool = True, field: str | None = None
) -> str:
    """Strip ``value``; refuse it when blank (if required) or longer than ``max_len``."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} must not be blank.", field=field)
    if len(text) > max_len:
        raise InvalidInput(
            f"{label} is {len(text)} characters long; at most {max_len} are allowed.", field=field
        )
    return text


def choice(value: str | None, allowed: Iterable[str], *, label: str, field: str | None = None):
    """``value`` if it is one of ``allowed``; otherwise a message listing them."""
    allowed = [str(a) for a in allowed]
    text = (str(value) if value is not None else "").strip().lower()
    for option in allowed:
        if text == option.lower():
            return option
    raise InvalidInput(
        f"{label} must be one of: {', '.join(allowed)} (got {value!r}).", field=field
    )


def date_order(start: date | None, end: date | None, *, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput(f"{what}: the end ({end}) is before the start ({start}).")


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


def require_role(actor: User | None, *roles: str) -> User:
    """The active actor if its role is one of ``roles``; PermissionDenied otherwise."""
    if actor is None or not actor.active:
        raise PermissionDenied("Sign in with an active account to do this.")
    if actor.role not in roles:
        wanted = " or ".join(str(r) for r in roles)
        raise PermissionDenied(f"Only a {wanted} may do this; you are signed in as {actor.role}.")
    return actor


def actor_tandem_ids(session: Session, actor: User) -> set[int]:
    statement = select(UserTandem.tandem_id).where(UserTandem.user_id == actor.id)
    return set(session.scalars(statement))


def require_tandem_access(session: Session, actor: User | None, tandem: Tandem) -> User:
    """Staff may work on any tandem; a tandem member only on their own tandems."""
    actor = require_role(actor, *STAFF, UserRole.TANDEM)
    if actor.role == UserRole.TANDEM and tandem.id not in actor_tandem_ids(session, actor):
        raise PermissionDenied(f"You are not a member of the tandem '{tandem.name}'.")
    return actor


def count(session: Session, statement) -> int:
    """``SELECT count(*)`` of a select statement's rows."""
    return session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()


def commit(
    session: Session, *, conflict: str = "This clashes with what is already stored."
) -> None:
    """Commit; on a constraint violation roll back and raise Conflict(``conflict``)."""
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(conflict) from error


def refuse_if_used(session: Session, label: str, uses: dict[str, object]) -> None:
    """Refuse to delete ``label`` while any statement in ``uses`` has rows."""
    found = [f"{n} {what}" for what, stmt in uses.items() if (n := count(session, stmt))]
    if found:
        raise Conflict(
            f"{label} cannot be deleted: {', '.join(found)} depend on it. Archive it instead."
        )
