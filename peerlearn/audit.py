"""The audit trail: every change a signed-in person makes, recorded as it is written.

A session opened for a signed-in person carries their id (:func:`record_as`); each
flush of that session then writes one entry per row added, changed or deleted: who,
when, which row, and each changed column's value before and after. The command line,
the demo loader and phones open sessions without an id and are not recorded; nor are
the tables a live room writes many times a second (answers, dots, the live clock).
Secrets (password hashes, sign-in tokens) are recorded as changed, never by value.
"""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from peerlearn.models import AuditEntry

ACTOR = "peerlearn.actor"  # session.info: the id of the signed-in person writing
# Written by phones and the live room's clock, or bookkeeping of the app itself.
UNRECORDED = frozenset(
    {
        AuditEntry.__table__.name,
        "answer",
        "answeroption",
        "vote",
        "participant",
        "live_clock",
        "signintoken",
        "wrong_code_count",
        "server_secret",
        "live_action",
        "sign_in_throttle",
        "setup_token",
    }
)
SECRET_WORDS = ("password", "token", "secret", "hash")
UNSHOWN = frozenset({"version"})  # bookkeeping: counts the saves the trail lists anyway
ADDED, CHANGED, DELETED, ARCHIVED, RESTORED = "added", "changed", "deleted", "archived", "restored"
ACTIONS = (ADDED, CHANGED, ARCHIVED, RESTORED, DELETED)


def record_as(session: Session, user_id: int | None) -> None:
    """Record what ``session`` writes as done by ``user_id`` (None: not recorded)."""
    session.info[ACTOR] = user_id


def _plain(value: object) -> object:
    """A column value as JSON can hold it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _secret(column: str) -> bool:
    return any(word in column for word in SECRET_WORDS)


def _changes(obj: object, kind: str) -> dict[str, list[object]]:
    """Each column's [before, after] (only the changed ones for a change)."""
    state = inspect(obj)
    found: dict[str, list[object]] = {}
    for column in state.mapper.column_attrs:
        key = column.key
        if key in UNSHOWN:
            continue
        if kind == CHANGED:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        else:
            value = getattr(obj, key)
            before, after = (None, value) if kind == ADDED else (value, None)
            if value is None:
                continue
        if _secret(key):
            before, after = (
                (None if before is None else "(secret)"),
                (None if after is None else "(secret)"),
            )
        found[key] = [_plain(before), _plain(after)]
    return found


def _key(obj: object) -> str:
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in values)


def _entries(session: Session, actor: int, moment: datetime) -> list[dict]:
    rows = []
    for kind, objects in (
        (ADDED, session.new),
        (CHANGED, session.dirty),
        (DELETED, session.deleted),
    ):
        for obj in objects:
            table = obj.__table__.name
            if table in UNRECORDED:
                continue
            changes = _changes(obj, kind)
            if kind == CHANGED and not changes:
                continue
            action = kind
            if kind == CHANGED and "archived_at" in changes:
                action = ARCHIVED if changes["archived_at"][1] else RESTORED
            rows.append(
                {
                    "at": moment,
                    "user_id": actor,
                    "table_name": table,
                    "row_key": _key(obj),
                    "action": action,
                    "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                }
            )
    return rows


def _after_flush(session: Session, _context) -> None:
    # What the flush wrote is still in session.new/dirty/deleted and in each attribute's
    # history here; the entries go out on the same connection, in the same transaction.
    actor = session.info.get(ACTOR)
    if actor is None:
        return
    rows = _entries(session, actor, datetime.now(UTC))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


event.listen(Session, "after_flush", _after_flush)
