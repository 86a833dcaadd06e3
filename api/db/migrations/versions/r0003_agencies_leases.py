"""Agencies (tenants), run leases and run deletion.

Every key, dataset, run, scenario, idempotent reply and audit record gets the agency it belongs
to; existing ones move into the agency ``default``, and existing audit records form its chain
(``agency_seq``, ``agency_prev_hash``, ``agency_hash``) in their global order. Runs get a lease
(owner, expiry, attempts) and a deletion time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

DEFAULT = "default"
GENESIS = "0" * 64
_OWNED = ("datasets", "runs", "scenarios", "idempotency")


def _agency_hash(prev: str, row: Any, agency_seq: int) -> str:
    """The agency chain's hash, as :func:`api.db.chain.record_hash` computes it (frozen here so
    that this migration means the same thing for ever)."""
    at: datetime = row.at
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    body = json.dumps(
        {
            "seq": agency_seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "details": json.loads(str(row.details)),
            "agency": DEFAULT,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def upgrade() -> None:
    """Create agencies, give every record one, add leases and run deletion."""
    agencies = op.create_table(
        "agencies",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_agencies"),
    )
    op.bulk_insert(
        agencies, [{"code": DEFAULT, "name": "Default agency", "created_at": datetime.now(UTC)}]
    )
    for table in _OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("agency", sa.String(32), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET agency = :code").bindparams(code=DEFAULT))
        with op.batch_alter_table(table) as batch:
            # A platform key's idempotent replies belong to no agency.
            if table != "idempotency":
                batch.alter_column("agency", existing_type=sa.String(32), nullable=False)
            batch.create_foreign_key(
                f"fk_{table}_agency_agencies", "agencies", ["agency"], ["code"]
            )
            batch.create_index(f"ix_{table}_agency", ["agency"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("agency", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_api_keys_agency_agencies", "agencies", ["agency"], ["code"])
    op.execute(sa.text("UPDATE api_keys SET agency = :code").bindparams(code=DEFAULT))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("agency", sa.String(32), nullable=True))
        batch.add_column(sa.Column("agency_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("agency_prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("agency_hash", sa.String(64), nullable=True))
        batch.create_index("ix_audit_log_agency", ["agency", "agency_seq"])
    audit = sa.table(
        "audit_log",
        sa.column("seq", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("target", sa.String()),
        sa.column("details", sa.Text()),
        sa.column("agency", sa.String()),
        sa.column("agency_seq", sa.Integer()),
        sa.column("agency_prev_hash", sa.String()),
        sa.column("agency_hash", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            audit.c.seq, audit.c.at, audit.c.actor, audit.c.action, audit.c.target,
            audit.c.details,
        ).order_by(audit.c.seq)
    ).all()  # fmt: skip
    prev = GENESIS
    for agency_seq, row in enumerate(rows, start=1):
        digest = _agency_hash(prev, row, agency_seq)
        connection.execute(
            audit.update()
            .where(audit.c.seq == row.seq)
            .values(
                agency=DEFAULT, agency_seq=agency_seq, agency_prev_hash=prev, agency_hash=digest
            )
        )
        prev = digest


def downgrade() -> None:
    """Drop agencies, leases and run deletion (every record keeps its data)."""
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_agency")
        for column in ("agency_hash", "agency_prev_hash", "agency_seq", "agency"):
            batch.drop_column(column)
    with op.batch_alter_table("runs") as batch:
        for column in ("attempts", "lease_expires_at", "lease_owner", "deleted_at"):
            batch.drop_column(column)
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("fk_api_keys_agency_agencies", type_="foreignkey")
        batch.drop_column("agency")
    for table in _OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_agency")
            batch.drop_constraint(f"fk_{table}_agency_agencies", type_="foreignkey")
            batch.drop_column("agency")
    op.drop_table("agencies")
