"""Get-or-create rows in bulk by their natural key: what keeps the demo loader
idempotent, and ``--scale 50`` to a few seconds."""

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


def ensure(
    session: Session,
    model: type[SQLModel],
    keys: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    fold: bool = False,
) -> dict[Key, int | None]:
    """Get or create ``rows`` of ``model`` by the natural key ``keys``.

    Returns each row's key mapped to its id (None for link tables without an id). With
    ``fold`` names compare ignoring case, as the services compare them; those tables
    are read whole, the others by their first key column in chunks.
    """
    norm = (lambda key: tuple(_fold(v) for v in key)) if fold else (lambda key: key)
    wanted: dict[Key, Mapping[str, Any]] = {}
    seen: set[Key] = set()
    for row in rows:
        key = tuple(row[k] for k in keys)
        if norm(key) in seen:
            raise DemoDataError(f"The demo data lists {model.__name__} {key} twice.")
        seen.add(norm(key))
        wanted[key] = row
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
    stored: dict[Key, int | None] = {}
    for statement in statements:
        for found in session.execute(statement):
            stored.setdefault(norm(tuple(found[: len(keys)])), found[-1] if has_id else None)
    result = {key: stored[norm(key)] for key in wanted if norm(key) in stored}
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


def by_first(ids: Mapping[Key, int | None]) -> dict[Any, int]:
    """``{name: id}`` from ``ensure``'s ``{(name, ...): id}``."""
    return {key[0]: ident for key, ident in ids.items()}
