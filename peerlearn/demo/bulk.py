"""Rows by their natural key: which already exist (what keeps the demo loader
idempotent), and get-or-create in bulk for the live rows no public service writes for
the past (participants, their answers and votes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from peerlearn.demo.spec import DemoDataError

# Keys per ``IN (...)`` lookup: far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500

Key = tuple[Any, ...]


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def stored(
    session: Session,
    model: type[SQLModel],
    keys: Sequence[str],
    wanted: Iterable[Key],
    *,
    fold: bool = False,
) -> dict[Key, int | None]:
    """Which of the natural keys ``wanted`` (values of ``keys``) ``model`` already holds,
    each mapped to its id (None for link tables without an id).

    With ``fold`` names compare ignoring case, as the services compare them; those tables
    are read whole, the others by their first key column in chunks.
    """
    norm = (lambda key: tuple(_fold(v) for v in key)) if fold else (lambda key: key)
    wanted = list(wanted)
    if not wanted:
        return {}
    columns = [getattr(model, k) for k in keys]
    has_id = "id" in model.__table__.c
    selected = [*columns, model.id] if has_id else columns
    if fold:
        statements = [select(*selected)]
    else:
        firsts = list(dict.fromkeys(key[0] for key in wanted))
        statements = [
            select(*selected).where(columns[0].in_(firsts[i : i + _CHUNK]))
            for i in range(0, len(firsts), _CHUNK)
        ]
    found: dict[Key, int | None] = {}
    for statement in statements:
        for row in session.execute(statement):
            found.setdefault(norm(tuple(row[: len(keys)])), row[-1] if has_id else None)
    return {key: found[norm(key)] for key in wanted if norm(key) in found}


def unique(model: type[SQLModel], keys: Iterable[Key], *, fold: bool = False) -> None:
    """Refuse demo data that lists one row twice."""
    seen: set[Key] = set()
    for key in keys:
        folded = tuple(_fold(v) for v in key) if fold else key
        if folded in seen:
            raise DemoDataError(f"The demo data lists {model.__name__} {key} twice.")
        seen.add(folded)


def ensure(
    session: Session,
    model: type[SQLModel],
    keys: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    fold: bool = False,
) -> dict[Key, int | None]:
    """Get or create ``rows`` of ``model`` by the natural key ``keys``, in bulk.

    Returns each row's key mapped to its id (None for link tables without an id).
    """
    listed = [(tuple(row[k] for k in keys), row) for row in rows]
    unique(model, (key for key, _ in listed), fold=fold)
    wanted: dict[Key, Mapping[str, Any]] = dict(listed)
    result = stored(session, model, keys, wanted, fold=fold)
    has_id = "id" in model.__table__.c
    # Core executemany, one per set of given columns (the others take their column
    # defaults): building ORM objects would take most of the time at large scales.
    batches: dict[frozenset[str], list[Key]] = defaultdict(list)
    for key, row in wanted.items():
        if key not in result:
            batches[frozenset(row)].append(key)
    table = model.__table__
    for new in batches.values():
        params = [dict(wanted[key]) for key in new]
        if has_id:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            result.update(zip(new, session.execute(statement, params).scalars(), strict=True))
        else:
            session.execute(insert(table), params)
            result.update(dict.fromkeys(new))
    return result
