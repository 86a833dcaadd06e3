"""The audit trail: records appended to a hash chain (see :mod:`api.db.chain`) and read back.

On PostgreSQL appends are serialised by a table lock, so several processes keep one linear
chain; on SQLite the write transaction's lock does the same.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text

from api.db.chain import GENESIS, AuditVerification, canonical_json, record_hash, verify_chain
from api.db.engine import Database, capped, utc_now
from api.db.models import AuditEntry
from api.db.records import AuditRecord


def audit_record(row: AuditEntry) -> AuditRecord:
    """The frozen record of an audit row, its details parsed back from the hashed JSON."""
    try:
        details = json.loads(row.details)
    except ValueError:
        # Unparseable text cannot be what was hashed: keep it visible so verification fails.
        details = {"unparseable": row.details}
    if not isinstance(details, dict):
        details = {"not_an_object": details}
    return AuditRecord(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditRepository:
    """The audit trail of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def append(
        self, *, actor: str, action: str, target: str | None, details: dict[str, Any]
    ) -> AuditRecord:
        """Append a record to the hash chain; ``details`` must be JSON-serialisable."""
        details_json = canonical_json(details)
        with self._db.session(write=True) as session:
            if self._db.dialect == "postgresql":
                # Self-conflicting but leaves reads alone: appends queue up, the chain stays
                # linear.
                session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
            head = session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).one_or_none()
            seq, prev_hash = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
            at = utc_now()
            stored_details = json.loads(details_json)
            row = AuditEntry(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                target=target,
                details=details_json,
                prev_hash=prev_hash,
                hash=record_hash(
                    prev_hash,
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    target=target,
                    details=stored_details,
                ),
            )
            session.add(row)
        return audit_record(row)

    def after(self, *, after_seq: int = 0, limit: int = 100) -> list[AuditRecord]:
        """Return records with ``seq > after_seq`` in order (``limit`` capped at 1000)."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.seq > after_seq)
            .order_by(AuditEntry.seq)
            .limit(capped(limit))
        )
        with self._db.session(write=False) as session:
            return [audit_record(row) for row in session.execute(query).scalars()]

    def verify(self) -> AuditVerification:
        """Recompute the whole chain from the stored rows."""
        query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
        with self._db.session(write=False) as session:
            return verify_chain(audit_record(row) for row in session.execute(query).scalars())
