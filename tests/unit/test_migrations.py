"""Alembic owns the schema: upgrading an empty database gives the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import peerlearn.models  # noqa: F401
from peerlearn.db import current_revision, head_revision, make_engine, upgrade
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        server = request.getfixturevalue("pg_server")
        engine = make_engine(server.create_database("migration_test"))
    yield engine
    engine.dispose()


def test_upgrade_from_empty_gives_the_models_schema(empty_engine):
    upgrade(empty_engine)

    assert current_revision(empty_engine) == head_revision(empty_engine)
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_is_repeatable(empty_engine):
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision(empty_engine)


def test_downgrade_to_base_removes_every_table(empty_engine):
    from alembic import command

    from peerlearn.db import alembic_config

    upgrade(empty_engine)
    command.downgrade(alembic_config(empty_engine), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
