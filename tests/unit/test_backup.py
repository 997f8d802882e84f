"""Backup and restore (peerlearn.backup): identical content, across SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from peerlearn import models as m
from peerlearn import server_secret
from peerlearn.backup import MANIFEST, backup, restore
from peerlearn.db import make_engine, table_counts, upgrade
from peerlearn.demo import load_demo
from peerlearn.errors import InvalidInput
from peerlearn.models import CityCreate
from peerlearn.services import network as network_svc
from tests.unit.knowledge_fixtures import knowledge  # noqa: F401

LOGIN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@pytest.fixture
def filled(engine):
    """The demo, some accounts and the odd values a backup must carry exactly."""
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        coordinator = m.User(
            email="clara@example.org",
            name="Clara Coordinator",
            role=m.UserRole.COORDINATOR,
            password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc$def",
            last_login_at=LOGIN,
        )
        member = m.User(email="arezzo@example.org", name="Zoë Ü", role=m.UserRole.TANDEM)
        gone = m.User(email="gone@example.org", role=m.UserRole.FACILITATOR, active=False)
        session.add_all([coordinator, member, gone])
        session.flush()
        tandem = session.exec(select(m.Tandem).order_by(m.Tandem.id)).scalars().first()
        session.add(m.UserTandem(user_id=member.id, tandem_id=tandem.id))
        milestone = session.exec(select(m.Milestone).order_by(m.Milestone.id)).scalars().first()
        session.add(
            m.MilestoneStatusChange(
                milestone_id=milestone.id,
                old_status="planned",
                new_status="done",
                changed_by_id=coordinator.id,
                changed_at=LOGIN,
            )
        )
        session.add(m.WrongCodeCount(slot=int(LOGIN.timestamp()) // 60, wrong=3))
        city = session.exec(select(m.City).order_by(m.City.id)).scalars().first()
        city.archived_at = LOGIN
        session.commit()
    return engine


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, as the database gives them back."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def empty_database(request, tmp_path):
    """``empty_database("sqlite" | "postgresql")``: a new database at head."""
    engines = []

    def make(backend: str):
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'restored{len(engines)}.db'}"
        else:
            server = request.getfixturevalue("pg_server")
            url = server.create_database(f"peerlearn_restore{len(engines)}")
        engine = make_engine(url)
        upgrade(engine)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def test_restore_gives_identical_content_and_ids_continue(filled, empty_database, tmp_path):
    path = tmp_path / "backup.zip"
    counts = backup(filled, path)
    # The server's secret, its setup token and its sign-in counts stay with the server.
    kept = {t.name for t in SQLModel.metadata.sorted_tables if t.info.get("backup", True)}
    assert counts == {name: n for name, n in table_counts(filled).items() if name in kept}
    assert counts["answer"] > 0 and counts["user"] == 3

    target = empty_database(filled.dialect.name)
    assert restore(target, path) == counts
    assert dump(target) == dump(filled)

    # New rows get fresh ids after the restored ones (PostgreSQL's sequences were moved).
    with Session(target) as session:
        coordinator = session.exec(
            select(m.User).where(m.User.email == "clara@example.org")
        ).scalar_one()
        city = network_svc.add_city(
            session, actor=coordinator, data=CityCreate(name="Bergen", country="Norway")
        )
        assert city.id == counts["city"] + 1


def test_dates_and_instants_round_trip_exactly(filled, empty_database, tmp_path):
    backup(filled, tmp_path / "backup.zip")
    target = empty_database(filled.dialect.name)
    restore(target, tmp_path / "backup.zip")
    with Session(target) as session:
        user = session.exec(select(m.User).where(m.User.email == "clara@example.org")).scalar_one()
        assert user.last_login_at == LOGIN and user.last_login_at.tzinfo is not None
        starts = (
            session.exec(
                select(m.EventSession.starts_at).where(m.EventSession.starts_at.is_not(None))
            )
            .scalars()
            .all()
        )
        assert starts and all(moment.tzinfo is None for moment in starts)
        deadlines = session.exec(select(m.Tandem.deadline)).scalars().all()
        assert any(isinstance(day, date) and not isinstance(day, datetime) for day in deadlines)


@pytest.mark.postgres
def test_backups_cross_between_sqlite_and_postgresql(filled, empty_database, tmp_path, pg_server):
    here = filled.dialect.name
    there = "postgresql" if here == "sqlite" else "sqlite"
    backup(filled, tmp_path / "first.zip")
    other = empty_database(there)
    restore(other, tmp_path / "first.zip")
    assert dump(other) == dump(filled)

    backup(other, tmp_path / "second.zip")
    back = empty_database(here)
    restore(back, tmp_path / "second.zip")
    assert dump(back) == dump(filled)


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    path = tmp_path / "backup.zip"
    backup(filled, path)
    before = dump(filled)
    with pytest.raises(InvalidInput, match=r"The database is not empty: \d+ rows in \d+ table"):
        restore(filled, path)
    assert dump(filled) == before


def rewrite(source, target, *, manifest=None, entries: dict[str, bytes] | None = None) -> None:
    """Copy the backup ``source`` to ``target``, changing its manifest or some entries."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            if entries and item.filename in entries:
                data = entries[item.filename]
            new.writestr(item.filename, data)


def _version(manifest):
    return {**manifest, "version": 99}


def _revision(manifest):
    return {**manifest, "alembic_revision": "0000_older"}


def _tables(manifest):
    return {**manifest, "tables": manifest["tables"][1:]}


def _format(manifest):
    return {**manifest, "format": "something-else"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"manifest": _version}, "format version 99"),
        ({"manifest": _revision}, "made at schema revision 0000_older"),
        ({"manifest": _tables}, "other tables or columns"),
        ({"manifest": _format}, "manifest is of another format"),
        # A damaged row in one of the last tables: the rows before it are rolled back too.
        ({"entries": {"tables/answeroption.jsonl": b"[1, 2]\n{oops\n"}}, "is damaged"),
        ({"entries": {"tables/answeroption.jsonl": b""}}, "row counts do not match"),
    ],
)
def test_restore_refuses_damaged_or_foreign_backups(
    filled, empty_database, tmp_path, change, message
):
    backup(filled, tmp_path / "good.zip")
    rewrite(tmp_path / "good.zip", tmp_path / "bad.zip", **change)
    target = empty_database(filled.dialect.name)
    with pytest.raises(InvalidInput, match=message):
        restore(target, tmp_path / "bad.zip")
    assert set(table_counts(target).values()) == {0}


def test_restore_refuses_what_is_not_a_backup(empty_database, tmp_path):
    target = empty_database("sqlite")
    (tmp_path / "notes.txt").write_text("hello")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(InvalidInput, match="is not a peerlearn backup: it is not a zip file"):
        restore(target, tmp_path / "notes.txt")
    with pytest.raises(InvalidInput, match="it has no readable manifest.json"):
        restore(target, tmp_path / "other.zip")
    with pytest.raises(InvalidInput, match="There is no file"):
        restore(target, tmp_path / "missing.zip")


def test_restore_needs_a_database_at_head(tmp_path, filled):
    backup(filled, tmp_path / "backup.zip")
    bare = make_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    try:
        with pytest.raises(InvalidInput, match="run 'peerlearn db upgrade' first"):
            restore(bare, tmp_path / "backup.zip")
    finally:
        bare.dispose()


def test_a_backup_holds_no_server_secret(filled, empty_database, tmp_path):
    """The secret that keys presenter addresses stays on the server it was made on."""
    with Session(filled) as session:
        made = server_secret.server_secret(session)
    path = tmp_path / "backup.zip"
    counts = backup(filled, path)
    assert m.ServerSecret.__tablename__ not in counts
    with zipfile.ZipFile(path) as archive:
        names = " ".join(archive.namelist())
        content = b"".join(archive.read(name) for name in archive.namelist())
        manifest = json.loads(archive.read(MANIFEST))
    assert m.ServerSecret.__tablename__ not in names
    assert m.ServerSecret.__tablename__ not in {t["name"] for t in manifest["tables"]}
    assert made.hex().encode() not in content and made not in content

    # A new server keeps a secret of its own, made before the restore or after.
    target = empty_database(filled.dialect.name)
    with Session(target) as session:
        theirs = server_secret.server_secret(session)
    restore(target, path)
    with Session(target) as session:
        assert server_secret.server_secret(session) == theirs != made


KNOWLEDGE_TABLES = (
    "target",
    "measurement",
    "solution",
    "solutionlink",
    "solutiontarget",
    "replication",
    "session_solution",
    "milestonesolution",
    "theme_role",
)


def test_targets_and_solutions_round_trip(session, world, knowledge, empty_database, tmp_path):  # noqa: F811
    """Targets, measurements (one withdrawn), solutions with links and targets,
    replications, site-visit and milestone links, and roles per theme come back as they were."""
    from peerlearn.models import MilestoneCreate
    from peerlearn.services import roadmaps, targets

    roadmaps.add_milestone(
        session,
        actor=world.coordinator,
        tandem_id=world.tandem.id,
        data=MilestoneCreate(
            title="Study the e-shuttle",
            due_date=date(2024, 6, 30),
            solution_ids=[knowledge.shuttle.id],
        ),
    )
    first = targets.target_history(session, actor=world.coordinator, target_id=knowledge.co2.id)
    targets.withdraw_measurement(session, actor=world.coordinator, measurement_id=first[0].id)
    engine = session.get_bind()
    counts = backup(engine, tmp_path / "backup.zip")
    assert all(counts[name] > 0 for name in KNOWLEDGE_TABLES), counts
    target = empty_database(engine.dialect.name)
    assert restore(target, tmp_path / "backup.zip") == counts
    before, after = dump(engine), dump(target)
    for name in KNOWLEDGE_TABLES:
        assert after[name] == before[name], name
    assert after == before
