"""Sweeps: a dataset solved at every point of a grid, and each point's row of results.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_STATUSES = "('queued', 'running', 'succeeded', 'failed', 'cancelled')"


def upgrade() -> None:
    """Create the sweeps and sweep_points tables."""
    op.create_table(
        "sweeps",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("without_plan", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("executor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_sweeps"),
        sa.ForeignKeyConstraint(["agency"], ["agencies.code"], name="fk_sweeps_agency_agencies"),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name="fk_sweeps_dataset_id_datasets"
        ),
        sa.CheckConstraint(f"status IN {_STATUSES}", name="ck_sweeps_status"),
    )
    for column in ("agency", "dataset_id", "status", "created_at"):
        op.create_index(f"ix_sweeps_{column}", "sweeps", [column])
    op.create_table(
        "sweep_points",
        sa.Column("sweep_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sweep_id", "number", name="pk_sweep_points"),
        sa.ForeignKeyConstraint(
            ["sweep_id"], ["sweeps.id"], name="fk_sweep_points_sweep_id_sweeps"
        ),
    )


def downgrade() -> None:
    """Drop the sweeps and their points."""
    op.drop_table("sweep_points")
    for column in ("created_at", "status", "dataset_id", "agency"):
        op.drop_index(f"ix_sweeps_{column}", table_name="sweeps")
    op.drop_table("sweeps")
