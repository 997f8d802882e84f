"""Fixtures: a fresh database per test on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from peerlearn import models as m
from peerlearn.db import make_engine, upgrade
from peerlearn.db import table_counts as db_table_counts
from tests.pg import REQUIRE_ENV, PostgresServer, postgres_missing_reason

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


SERVERS = ("tests/e2e/", "tests/load/")


def pytest_xdist_make_scheduler(config, log):
    """Browser and load tests each start servers and browsers that take both cores:
    under pytest-xdist (the README's command runs two workers) they all go to one
    worker, one after another, while the other worker takes the rest test by test."""
    from xdist.scheduler import LoadScopeScheduling

    class ServersTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "servers" if nodeid.startswith(SERVERS) else nodeid

    return ServersTogether(config, log)


@pytest.fixture(scope="session")
def pg_server():
    reason = postgres_missing_reason()
    if reason:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def screenshot_dirs(tmp_path_factory) -> list[Path]:
    """Where screenshots go: a temp folder, and $PEERLEARN_SCREENSHOTS if set."""
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("PEERLEARN_SCREENSHOTS"):
        folder = Path(os.environ["PEERLEARN_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    return folders


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database(pg_server):
    url = pg_server.create_database("peerlearn_test")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _truncate_all(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    """An engine on an empty database at head, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "peerlearn.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_database")
        _truncate_all(engine)
        yield engine


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _user(session: Session, email: str, role: m.UserRole) -> m.User:
    user = m.User(email=email, name=email.split("@")[0].title(), role=role)
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def coordinator(session):
    return _user(session, "coordinator@example.org", m.UserRole.COORDINATOR)


@pytest.fixture
def facilitator(session):
    return _user(session, "facilitator@example.org", m.UserRole.FACILITATOR)


@dataclass(frozen=True)
class World:
    """What the ``world`` fixture builds: one network and the people who work in it."""

    coordinator: m.User
    facilitator: m.User
    network: m.Network
    theme: m.Theme
    category: m.Category
    arezzo: m.City
    arnsberg: m.City
    utrecht: m.City
    pirna: m.City
    tandem: m.Tandem
    other_tandem: m.Tandem
    event: m.Event
    workshop: m.EventSession
    plenary: m.EventSession
    member: m.User
    outsider: m.User


@pytest.fixture
def world(session, coordinator, facilitator) -> World:
    """A small network built in code: 3 cities, a tandem of two, an event with sessions.

    Also a tandem member of that tandem (``world.member``) and one of another tandem
    (``world.outsider``).
    """
    network = m.Network(name="#connectedinEurope")
    theme = m.Theme(name="Urban data platforms")
    category = m.Category(name="Funding")
    session.add_all([network, theme, category])
    session.flush()
    arezzo = m.City(name="Arezzo", country="Italy", latitude=43.46, longitude=11.88)
    arnsberg = m.City(name="Arnsberg", country="Germany", latitude=51.40, longitude=8.06)
    utrecht = m.City(name="Utrecht", country="Netherlands", latitude=52.09, longitude=5.12)
    pirna = m.City(name="Pirna", country="Germany", latitude=50.96, longitude=13.94)
    session.add_all([arezzo, arnsberg, utrecht, pirna])
    session.flush()
    for city in (arezzo, arnsberg, utrecht, pirna):
        session.add(m.Membership(network_id=network.id, city_id=city.id, role=m.Role.MEMBER))
    tandem = m.Tandem(
        network_id=network.id,
        name="Arezzo–Arnsberg",
        theme_id=theme.id,
        deadline=date(2024, 12, 31),
    )
    other_tandem = m.Tandem(
        network_id=network.id,
        name="Utrecht–Pirna",
        theme_id=theme.id,
        deadline=date(2024, 12, 31),
    )
    session.add_all([tandem, other_tandem])
    session.flush()
    session.add_all(
        [
            m.TandemCity(tandem_id=tandem.id, city_id=arezzo.id),
            m.TandemCity(tandem_id=tandem.id, city_id=arnsberg.id),
            m.TandemCity(tandem_id=other_tandem.id, city_id=utrecht.id),
            m.TandemCity(tandem_id=other_tandem.id, city_id=pirna.id),
        ]
    )
    event = m.Event(
        network_id=network.id,
        title="#CIE meeting Berlin",
        place="Berlin",
        mode=m.EventMode.ONSITE,
        start_date=date(2023, 10, 23),
        end_date=date(2023, 10, 24),
    )
    session.add(event)
    session.flush()
    workshop = m.EventSession(
        event_id=event.id, title="Needs and challenges", kind=m.SessionKind.WORKSHOP
    )
    plenary = m.EventSession(
        event_id=event.id, title="Common challenges", kind=m.SessionKind.PLENARY
    )
    session.add_all([workshop, plenary])
    member = m.User(email="arezzo@example.org", name="Arezzo team", role=m.UserRole.TANDEM)
    outsider = m.User(email="utrecht@example.org", name="Utrecht team", role=m.UserRole.TANDEM)
    session.add_all([member, outsider])
    session.flush()
    session.add_all(
        [
            m.UserTandem(user_id=member.id, tandem_id=tandem.id),
            m.UserTandem(user_id=outsider.id, tandem_id=other_tandem.id),
        ]
    )
    session.commit()
    return World(
        coordinator=coordinator,
        facilitator=facilitator,
        network=network,
        theme=theme,
        category=category,
        arezzo=arezzo,
        arnsberg=arnsberg,
        utrecht=utrecht,
        pirna=pirna,
        tandem=tandem,
        other_tandem=other_tandem,
        event=event,
        workshop=workshop,
        plenary=plenary,
        member=member,
        outsider=outsider,
    )


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table: to show that a refused operation changed nothing."""
    return db_table_counts(session.get_bind())


@pytest.fixture
def unchanged(session):
    """``with unchanged(): ...`` asserts that no table's row count changed."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = table_counts(session)
        yield
        session.rollback()
        assert table_counts(session) == before

    return check
