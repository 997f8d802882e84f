"""Alembic environment: the engine comes from peerlearn.db (or the environment)."""

from alembic import context
from sqlmodel import SQLModel

import peerlearn.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from peerlearn.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
