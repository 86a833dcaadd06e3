"""The language of a run's texts: the locale of the request that queued it.

A worker renders a run's error and diagnosis in that language (a worker thread has no request of
its own); runs queued before this revision were rendered in Indonesian, the default.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Give every run a locale, Indonesian for those already queued."""
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="id"))


def downgrade() -> None:
    """Drop the runs' locale."""
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("locale")
