"""The language of a sweep's texts: the locale of the request that queued it.

A sweep worker renders the reasons of the points without a plan in that language (a worker
thread has no request of its own); sweeps queued before this revision were rendered in
Indonesian, the default.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Give every sweep a locale, Indonesian for those already queued."""
    with op.batch_alter_table("sweeps") as batch:
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="id"))


def downgrade() -> None:
    """Drop the sweeps' locale."""
    with op.batch_alter_table("sweeps") as batch:
        batch.drop_column("locale")
