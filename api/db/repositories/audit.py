"""The audit trail: records appended to a hash chain (see :mod:`api.db.chain`) and read back,
as a whole or per agency.

On PostgreSQL appends are serialised by a table lock, so several processes keep one linear
chain (and one per agency); on SQLite the write transaction's lock does the same.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text

from api.db.chain import (
    GENESIS,
    AuditVerification,
    agency_view,
    canonical_json,
    record_hash,
    verify_chain,
)
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
        agency=row.agency,
        agency_seq=row.agency_seq,
        agency_prev_hash=row.agency_prev_hash,
        agency_hash=row.agency_hash,
    )


class AuditRepository:
    """The audit trail of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def append(
        self,
        *,
        actor: str,
        action: str,
        target: str | None,
        details: dict[str, Any],
        agency: str | None = None,
    ) -> AuditRecord:
        """Append a record to the hash chain, and to ``agency``'s chain when given; ``details``
        must be JSON-serialisable."""
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
            fields: dict[str, Any] = {
                "at": at, "actor": actor, "action": action, "target": target,
                "details": stored_details,
            }  # fmt: skip
            agency_seq = agency_prev = agency_hash = None
            if agency is not None:
                agency_head = session.execute(
                    select(AuditEntry.agency_seq, AuditEntry.agency_hash)
                    .where(AuditEntry.agency == agency)
                    .order_by(AuditEntry.agency_seq.desc())
                    .limit(1)
                ).one_or_none()
                agency_seq, agency_prev = (
                    (int(agency_head.agency_seq) + 1, str(agency_head.agency_hash))
                    if agency_head is not None
                    else (1, GENESIS)
                )
                agency_hash = record_hash(agency_prev, seq=agency_seq, agency=agency, **fields)
            row = AuditEntry(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                target=target,
                details=details_json,
                prev_hash=prev_hash,
                hash=record_hash(prev_hash, seq=seq, **fields),
                agency=agency,
                agency_seq=agency_seq,
                agency_prev_hash=agency_prev,
                agency_hash=agency_hash,
            )
            session.add(row)
        return audit_record(row)

    def after(
        self, *, after_seq: int = 0, limit: int = 100, agency: str | None = None
    ) -> list[AuditRecord]:
        """Return records with ``seq > after_seq`` in order (``limit`` capped at 1000); with
        ``agency``, that agency's records as its own chain numbers them (``seq`` is then the
        agency's sequence number, see :func:`~api.db.chain.agency_view`)."""
        if agency is None:
            query = select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)
        else:
            query = (
                select(AuditEntry)
                .where(AuditEntry.agency == agency, AuditEntry.agency_seq > after_seq)
                .order_by(AuditEntry.agency_seq)
            )
        with self._db.session(write=False) as session:
            rows = session.execute(query.limit(capped(limit))).scalars()
            records = [audit_record(row) for row in rows]
        return records if agency is None else [agency_view(r) for r in records]

    def verify(self, *, agency: str | None = None) -> AuditVerification:
        """Recompute the whole chain from the stored rows, or ``agency``'s chain from its rows."""
        if agency is None:
            query = select(AuditEntry).order_by(AuditEntry.seq)
        else:
            query = (
                select(AuditEntry)
                .where(AuditEntry.agency == agency)
                .order_by(AuditEntry.agency_seq)
            )
        query = query.execution_options(yield_per=1000)
        with self._db.session(write=False) as session:
            records = (audit_record(row) for row in session.execute(query).scalars())
            if agency is None:
                return verify_chain(records)
            return verify_chain((agency_view(r) for r in records), agency=agency)

    def agencies(self) -> list[str]:
        """The agencies that have audit records, by code."""
        query = select(AuditEntry.agency).where(AuditEntry.agency.is_not(None)).distinct()
        with self._db.session(write=False) as session:
            return sorted(str(a) for a in session.execute(query).scalars())
