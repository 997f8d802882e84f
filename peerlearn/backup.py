"""Backup and restore of the whole database, as one zip file.

The file holds ``manifest.json`` (format, version, the schema's Alembic revision, the
tables with their columns and row counts) and ``tables/<table>.jsonl``: one JSON array
per row, in primary-key order, for every table but the server's secret. Dates and
datetimes are ISO 8601 text, with the UTC offset for instants and without one for
wall-clock times, so they come back exactly.

A backup is read in one transaction, so it is a consistent snapshot even while the app
runs. A restore goes into an empty database at the same revision, keeps every id, and
writes everything in one transaction (dependency order, so foreign keys hold at every
row); on PostgreSQL it then moves each id sequence past the largest id.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Integer, Table, func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import peerlearn.models  # noqa: F401  (registers every table in the metadata)
from peerlearn.db import current_revision, head_revision, table_counts
from peerlearn.errors import InvalidInput

FORMAT = "peerlearn-backup"
VERSION = 1
MANIFEST = "manifest.json"
_BATCH = 1000


def _tables() -> list[Table]:
    """The tables a backup holds: all but those marked ``info={"backup": False}`` (the
    server's secret, which stays with the server it was made on)."""
    return [t for t in SQLModel.metadata.sorted_tables if t.info.get("backup", True)]


def _entry(table: Table) -> str:
    return f"tables/{table.name}.jsonl"


def _python_type(column) -> type | None:
    # A TypeDecorator (sqlmodel's UTCDateTime) answers for the type it wraps.
    kind = getattr(column.type, "impl_instance", column.type)
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _encode(value: object) -> object:
    # datetime before date: a datetime is a date too.
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(column):
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat
    if kind is date:
        return date.fromisoformat
    return None


# --- backup -------------------------------------------------------------------------


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        # Every table read sees the same moment, whatever the app writes meanwhile.
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _rows(connection: Connection, table: Table) -> Iterator[list[object]]:
    statement = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=_BATCH).execute(statement)
    for row in result:
        yield [_encode(value) for value in row]


def backup(engine: Engine, path: str | Path) -> dict[str, int]:
    """Write every table of the database to the zip file ``path``; the rows per table.

    The file appears only when complete (written beside it, then renamed).
    """
    revision = current_revision(engine)
    if revision != head_revision(engine):
        raise InvalidInput(
            "The database schema is not up to date; run 'peerlearn db upgrade' before a backup."
        )
    path = Path(path)
    counts: dict[str, int] = {}
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=path.parent)
    os.close(handle)
    try:
        with (
            zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            _snapshot(engine) as connection,
            connection.begin(),
        ):
            for table in _tables():
                counts[table.name] = 0
                with archive.open(_entry(table), "w") as raw:
                    for values in _rows(connection, table):
                        line = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
                        raw.write(line.encode("utf-8") + b"\n")
                        counts[table.name] += 1
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "alembic_revision": revision,
                "created_at": datetime.now(UTC).isoformat(),
                "source": engine.dialect.name,
                "tables": [
                    {
                        "name": table.name,
                        "columns": [c.name for c in table.columns],
                        "rows": counts[table.name],
                    }
                    for table in _tables()
                ],
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return counts


# --- restore ------------------------------------------------------------------------


def _not_a_backup(path: Path, reason: str) -> InvalidInput:
    return InvalidInput(f"'{path}' is not a peerlearn backup: {reason}", field="file")


def read_manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    """The backup's manifest, checked against this version of peerlearn's tables."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise _not_a_backup(path, "it has no readable manifest.json.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_a_backup(path, "its manifest is of another format.")
    if manifest.get("version") != VERSION:
        raise InvalidInput(
            f"The backup '{path}' has format version {manifest.get('version')}; this peerlearn "
            f"reads version {VERSION}. Restore it with the peerlearn that wrote it."
        )
    stored = {t["name"]: t["columns"] for t in manifest.get("tables", [])}
    expected = {t.name: [c.name for c in t.columns] for t in _tables()}
    if stored != expected:
        raise InvalidInput(
            f"The backup '{path}' holds other tables or columns than this database "
            "schema; restore it with the peerlearn version that wrote it."
        )
    return manifest


def _refuse_unless_empty(engine: Engine) -> None:
    kept = {table.name for table in _tables()}
    filled = {name: rows for name, rows in table_counts(engine).items() if rows and name in kept}
    if filled:
        examples = ", ".join(f"{name} ({rows})" for name, rows in list(filled.items())[:4])
        raise InvalidInput(
            f"The database is not empty: {sum(filled.values())} rows in {len(filled)} "
            f"table(s), e.g. {examples}. Restore only into a new, empty database, so that "
            "nothing is overwritten or mixed."
        )


def _lines(archive: zipfile.ZipFile, table: Table, path: Path) -> Iterator[list[object]]:
    try:
        raw = archive.open(_entry(table))
    except KeyError:
        raise _not_a_backup(path, f"the table {table.name} is missing.") from None
    with io.TextIOWrapper(raw, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                values = json.loads(line)
            except ValueError:
                values = None
            if not isinstance(values, list) or len(values) != len(table.columns):
                raise _not_a_backup(path, f"line {number} of {_entry(table)} is damaged.")
            yield values


def _batches(rows: Iterable[dict], size: int = _BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load(connection: Connection, archive: zipfile.ZipFile, table: Table, path: Path) -> int:
    names = [c.name for c in table.columns]
    decoders = [_decoder(c) for c in table.columns]

    def rows() -> Iterator[dict]:
        for values in _lines(archive, table, path):
            yield {
                name: decode(value) if decode and value is not None else value
                for name, decode, value in zip(names, decoders, values, strict=True)
            }

    written = 0
    for batch in _batches(rows()):
        connection.execute(table.insert(), batch)
        written += len(batch)
    return written


def _reset_sequences(connection: Connection) -> None:
    """Make PostgreSQL's next id follow the largest restored one (ids were given)."""
    for table in _tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = connection.execute(
            select(func.pg_get_serial_sequence(f'"{table.name}"', key.name))
        ).scalar()
        if sequence is None:
            continue
        highest = connection.execute(select(func.max(key))).scalar()
        connection.execute(select(func.setval(sequence, highest or 1, highest is not None)))


def restore(engine: Engine, path: str | Path) -> dict[str, int]:
    """Load the backup ``path`` into the empty database of ``engine``; the rows per table."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InvalidInput(f"There is no file '{path}'.", field="file") from None
    except (zipfile.BadZipFile, OSError):
        raise _not_a_backup(path, "it is not a zip file.") from None
    with archive:
        manifest = read_manifest(archive, path)
        revision, head = current_revision(engine), head_revision(engine)
        if revision != head:
            raise InvalidInput(
                "The database schema is not up to date; run 'peerlearn db upgrade' first."
            )
        if manifest["alembic_revision"] != revision:
            raise InvalidInput(
                f"The backup was made at schema revision {manifest['alembic_revision']}, "
                f"this database is at {revision}; restore it with the peerlearn version "
                "that wrote it, then upgrade."
            )
        _refuse_unless_empty(engine)
        counts: dict[str, int] = {}
        with engine.begin() as connection:
            for table in _tables():
                counts[table.name] = _load(connection, archive, table, path)
            expected = {t["name"]: t["rows"] for t in manifest["tables"]}
            if counts != expected:
                raise _not_a_backup(path, "its row counts do not match its manifest.")
            if engine.dialect.name == "postgresql":
                _reset_sequences(connection)
    return counts
