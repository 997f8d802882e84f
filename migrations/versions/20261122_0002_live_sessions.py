"""Live sessions: join codes, the current activity and question, counting and voting
settings, question reveal and countdown, and wrong join attempts.

Server defaults fill the new NOT NULL columns of sessions that already exist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:45:02.919141
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "joinattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("joinattempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_joinattempt_attempted_at"), ["attempted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_joinattempt_client_key"), ["client_key"], unique=False)

    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("join_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True)
        )
        batch_op.add_column(
            sa.Column("live_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("live_ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "activity",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default=sa.text("'lobby'"),
            )
        )
        batch_op.add_column(sa.Column("current_question_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "count_mode",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default=sa.text("'per person'"),
            )
        )
        batch_op.add_column(
            sa.Column("results_hidden", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "vote_mode",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default=sa.text("'per person'"),
            )
        )
        batch_op.add_column(
            sa.Column("vote_budget", sa.Integer(), nullable=False, server_default=sa.text("3"))
        )
        batch_op.add_column(
            sa.Column("voting_closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_unique_constraint("uq_session_join_code", ["join_code"])

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revealed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("countdown_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("closes_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("countdown_seconds")
        batch_op.drop_column("revealed_at")

    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.drop_constraint("uq_session_join_code", type_="unique")
        batch_op.drop_column("voting_closed_at")
        batch_op.drop_column("vote_budget")
        batch_op.drop_column("vote_mode")
        batch_op.drop_column("results_hidden")
        batch_op.drop_column("count_mode")
        batch_op.drop_column("current_question_id")
        batch_op.drop_column("activity")
        batch_op.drop_column("live_ended_at")
        batch_op.drop_column("live_started_at")
        batch_op.drop_column("join_code")

    with op.batch_alter_table("joinattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_joinattempt_client_key"))
        batch_op.drop_index(batch_op.f("ix_joinattempt_attempted_at"))

    op.drop_table("joinattempt")
