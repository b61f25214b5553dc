"""The first schema: squads, athletes, plans, session logs, squad failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "squads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("roster_name", sa.String(120), nullable=False),
        sa.Column("runs_name", sa.String(120), nullable=False),
    )
    op.create_index("ix_squads_token", "squads", ["token"], unique=True)
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("feed_token", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("squad_id", sa.Integer(), sa.ForeignKey("squads.id"), nullable=True),
        sa.Column("squad_position", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feed_state", sa.Text(), nullable=True),
        sa.Column("feed_ics", sa.LargeBinary(), nullable=True),
        sa.Column("feed_etag", sa.String(100), nullable=True),
        sa.Column("feed_modified", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_athletes_token", "athletes", ["token"], unique=True)
    op.create_index("ix_athletes_feed_token", "athletes", ["feed_token"], unique=True)
    op.create_index("ix_athletes_squad_id", "athletes", ["squad_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("athlete_id", sa.Integer(), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_week", sa.Date(), nullable=False),
        sa.Column("last_week", sa.Date(), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.UniqueConstraint("athlete_id", "number"),
    )
    op.create_index("ix_plans_athlete_id", "plans", ["athlete_id"])
    op.create_table(
        "session_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("variation", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("rir", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("plan_id", "session_date", "variation"),
    )
    op.create_index("ix_session_logs_plan_id", "session_logs", ["plan_id"])
    op.create_table(
        "squad_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("squad_id", sa.Integer(), sa.ForeignKey("squads.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
    )
    op.create_index("ix_squad_failures_squad_id", "squad_failures", ["squad_id"])


def downgrade() -> None:
    for index, table in (("ix_squad_failures_squad_id", "squad_failures"),
                         ("ix_session_logs_plan_id", "session_logs"),
                         ("ix_plans_athlete_id", "plans"),
                         ("ix_athletes_squad_id", "athletes"),
                         ("ix_athletes_feed_token", "athletes"),
                         ("ix_athletes_token", "athletes"),
                         ("ix_squads_token", "squads")):
        op.drop_index(index, table_name=table)
    for table in ("squad_failures", "session_logs", "plans", "athletes", "squads"):
        op.drop_table(table)
