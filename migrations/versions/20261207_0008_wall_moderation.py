"""A wall that cannot be flooded: the recent posts, answers and dots of each phone
(its rate limits), posts that wait for the facilitator when the session says so.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("premoderated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "live_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_live_action_recent", ["participant_id", "kind", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("live_action", schema=None) as batch_op:
        batch_op.drop_index("ix_live_action_recent")
    op.drop_table("live_action")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_column("pending")
    with op.batch_alter_table("event_session", schema=None) as batch_op:
        batch_op.drop_column("premoderated")
