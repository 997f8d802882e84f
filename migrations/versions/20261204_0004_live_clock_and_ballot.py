"""The live room: a clock per live session that every change moves, the ballot of
common challenges a session votes on, and the settings that last from question to
question (countdown), the end of a quiz (podium), the start of its current run, and
the tally hidden until voting closes; open answers the facilitator hides.

Existing sessions that have gone live get their clock; each common challenge formed in
a session is on that session's ballot, as it was voted on before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tally_hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("countdown_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("quiz_finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("run_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "live_clock",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("data", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_table(
        "ballot",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("common_challenge_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["common_challenge_id"], ["commonchallenge.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "common_challenge_id"),
    )
    op.execute(
        "INSERT INTO live_clock (session_id, stage, data) "
        "SELECT id, 0, 0 FROM event_session WHERE live_started_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO ballot (session_id, common_challenge_id, added_at) "
        "SELECT session_id, id, created_at FROM commonchallenge WHERE session_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("ballot")
    op.drop_table("live_clock")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("hidden")
    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.drop_column("run_started_at")
        batch_op.drop_column("quiz_finished_at")
        batch_op.drop_column("countdown_seconds")
        batch_op.drop_column("tally_hidden")
