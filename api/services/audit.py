"""The audit trail as an admin reads it: pages of records and the chain's verification."""

from __future__ import annotations

from api.db.records import AuditRecord
from api.db.store import Store
from api.schemas.audit import AuditOut, AuditPage, AuditVerificationOut


def audit_out(record: AuditRecord) -> AuditOut:
    """The DTO of an audit record."""
    return AuditOut(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        target=record.target,
        details=dict(record.details),
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


def audit_page(store: Store, *, after_seq: int, limit: int) -> AuditPage:
    """Records after ``after_seq``, oldest first, and where the next page starts (None at the
    end)."""
    records = store.audit.after(after_seq=after_seq, limit=limit)
    next_after = records[-1].seq if len(records) == limit else None
    return AuditPage(records=[audit_out(r) for r in records], next_after=next_after)


def verification(store: Store) -> AuditVerificationOut:
    """The hash chain recomputed from the stored records."""
    result = store.audit.verify()
    return AuditVerificationOut(
        ok=result.ok, checked=result.checked, first_bad_seq=result.first_bad_seq
    )
