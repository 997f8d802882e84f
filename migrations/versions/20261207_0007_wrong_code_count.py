"""Wrong join codes are counted across the whole code space per window of time, in one
row per window, instead of one row per wrong code keyed on a browser.

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wrong_code_count",
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slot"),
    )
    # Wrong codes of the last minutes: nothing worth carrying over.
    with op.batch_alter_table("joinattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_joinattempt_client_key"))
        batch_op.drop_index(batch_op.f("ix_joinattempt_attempted_at"))
    op.drop_table("joinattempt")


def downgrade() -> None:
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
    op.drop_table("wrong_code_count")
