"""Scenarios: the base and the changes of every what-if run.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the scenarios table."""
    op.create_table(
        "scenarios",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("base_run_id", sa.String(32), nullable=True),
        sa.Column("base_dataset_id", sa.String(32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_scenarios"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_scenarios_run_id_runs"),
        sa.ForeignKeyConstraint(["base_run_id"], ["runs.id"], name="fk_scenarios_base_run_id_runs"),
        sa.ForeignKeyConstraint(
            ["base_dataset_id"], ["datasets.id"], name="fk_scenarios_base_dataset_id_datasets"
        ),
    )
    op.create_index("ix_scenarios_created_at", "scenarios", ["created_at"])


def downgrade() -> None:
    """Drop the scenarios table."""
    op.drop_index("ix_scenarios_created_at", table_name="scenarios")
    op.drop_table("scenarios")
