"""``/v1/audit``: the hash-chained audit trail (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.core.auth import Admin
from api.routes.common import problems
from api.routes.deps import AdminStoreDep
from api.schemas.audit import AuditPage, AuditVerificationOut
from api.services.audit import audit_page, verification

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, responses=problems(422), summary="Audit records")
def list_audit(
    _: Admin,
    store: AdminStoreDep,
    # Bounded by the largest 64-bit integer, the widest sequence number a database holds.
    after_seq: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """Records after ``after_seq``, oldest first; page on with ``next_after``."""
    return audit_page(store, after_seq=after_seq, limit=limit)


@router.get("/verify", response_model=AuditVerificationOut, responses=problems(), summary="Verify")
def verify_audit(_: Admin, store: AdminStoreDep) -> AuditVerificationOut:
    """Recompute the hash chain: ``ok`` is false from the first tampered record on."""
    return verification(store)
