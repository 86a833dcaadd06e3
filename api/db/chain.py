"""The audit trail's hash chain.

Each record's hash is ``sha256(prev_hash + canonical_json(body))`` where ``body`` is the JSON
object ``{"seq", "at", "actor", "action", "target", "details"}``, ``at`` being the UTC time in ISO
8601 with microseconds, and canonical JSON meaning sorted keys, no whitespace and ASCII only
(other characters as JSON escapes). The first record's ``prev_hash`` is :data:`GENESIS`. Anyone
holding the rows can recompute the chain with this module alone: changing, inserting or deleting
a record breaks it at that record (or, if the forger also recomputed its hash, at the next one).
Removing records from the end is only detectable against a head hash kept elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.db.records import AuditRecord

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of recomputing the chain.

    Attributes
    ----------
    ok
        True if every record links to its predecessor and its hash matches its content.
    checked
        Number of records examined.
    first_bad_seq
        Sequence number of the first record that does not verify, or None.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None


def canonical_json(value: Any) -> str:
    """Serialise ``value`` as canonical JSON (sorted keys, no whitespace, no NaN)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def iso_utc(at: datetime) -> str:
    """Return ``at`` in UTC as ISO 8601 with microseconds; naive times are refused."""
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any],
) -> str:
    """Return the hash of a record given its predecessor's hash."""
    body = canonical_json(
        {
            "seq": seq,
            "at": iso_utc(at),
            "actor": actor,
            "action": action,
            "target": target,
            "details": details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def verify_chain(records: Iterable[AuditRecord]) -> AuditVerification:
    """Recompute the chain over records given in sequence order.

    Sequence numbers must run 1, 2, 3, … without gaps; each ``prev_hash`` must equal the stored
    hash of the record before, and each stored hash must match the record's content.

    Parameters
    ----------
    records
        Every record of the trail, ordered by ``seq``.
    """
    checked = 0
    first_bad: int | None = None
    prev = GENESIS
    for record in records:
        checked += 1
        if first_bad is None:
            expected = record_hash(
                record.prev_hash,
                seq=record.seq,
                at=record.at,
                actor=record.actor,
                action=record.action,
                target=record.target,
                details=record.details,
            )
            if record.seq != checked or record.prev_hash != prev or record.hash != expected:
                first_bad = record.seq
        prev = record.hash
    return AuditVerification(ok=first_bad is None, checked=checked, first_bad_seq=first_bad)
