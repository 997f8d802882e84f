"""Targets with their measurements; solutions with their links, replications, the
milestones and site visits linked to them; cities' roles per theme.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "solution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("network_id", "city_id", "title", name="uq_solution"),
    )
    with op.batch_alter_table("solution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solution_city_id"), ["city_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_solution_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_solution_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("indicator", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("direction IN ('at least', 'at most')", name="ck_target_direction"),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_city_id"), ["city_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "theme_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("network_id", "city_id", "theme_id", name="uq_theme_role"),
    )
    with op.batch_alter_table("theme_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_role_city_id"), ["city_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_role_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_role_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entered_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measurement_entered_by_id"), ["entered_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measurement_target_id"), ["target_id"], unique=False)
        batch_op.create_index(
            "uq_measurement_day",
            ["target_id", "measured_on"],
            unique=True,
            sqlite_where=sa.text("archived_at IS NULL"),
            postgresql_where=sa.text("archived_at IS NULL"),
        )

    op.create_table(
        "replication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("taken_up_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("solution_id", "city_id", name="uq_replication"),
    )
    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replication_city_id"), ["city_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_replication_solution_id"), ["solution_id"], unique=False
        )

    op.create_table(
        "solutionlink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("solutionlink", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_solutionlink_solution_id"), ["solution_id"], unique=False
        )

    op.create_table(
        "solutiontarget",
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("solution_id", "target_id"),
    )
    op.create_table(
        "session_solution",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["event_session.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "solution_id"),
    )
    op.create_table(
        "milestonesolution",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["solution_id"], ["solution.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("milestone_id", "solution_id"),
    )


def downgrade() -> None:
    op.drop_table("milestonesolution")
    op.drop_table("session_solution")
    op.drop_table("solutiontarget")
    with op.batch_alter_table("solutionlink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solutionlink_solution_id"))

    op.drop_table("solutionlink")
    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replication_solution_id"))
        batch_op.drop_index(batch_op.f("ix_replication_city_id"))

    op.drop_table("replication")
    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_measurement_day",
            sqlite_where=sa.text("archived_at IS NULL"),
            postgresql_where=sa.text("archived_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_measurement_target_id"))
        batch_op.drop_index(batch_op.f("ix_measurement_entered_by_id"))

    op.drop_table("measurement")
    with op.batch_alter_table("theme_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_role_theme_id"))
        batch_op.drop_index(batch_op.f("ix_theme_role_network_id"))
        batch_op.drop_index(batch_op.f("ix_theme_role_city_id"))

    op.drop_table("theme_role")
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_theme_id"))
        batch_op.drop_index(batch_op.f("ix_target_network_id"))
        batch_op.drop_index(batch_op.f("ix_target_city_id"))

    op.drop_table("target")
    with op.batch_alter_table("solution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solution_theme_id"))
        batch_op.drop_index(batch_op.f("ix_solution_network_id"))
        batch_op.drop_index(batch_op.f("ix_solution_city_id"))

    op.drop_table("solution")
