"""Bodies of ``/v1/audit``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.schemas.common import Out


class AuditOut(Out):
    """One record of the hash-chained audit trail."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditVerificationOut(Out):
    """Whether the chain verifies, how many records were checked, and the first bad one."""

    ok: bool
    checked: int
    first_bad_seq: int | None


class AuditPage(Out):
    """Audit records after ``after_seq``, oldest first, and ``next_after`` to page on."""

    records: list[AuditOut]
    next_after: int | None
