"""The log keeps every set: reps and kilograms per set, as JSON (planner.readers.session_log).

Revision ID: 0002_log_sets
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_log_sets"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(sa.Column("sets_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_column("source")
        batch.drop_column("sets_json")
