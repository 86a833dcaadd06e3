"""The audit trail's hash chain.

Each record's hash is ``sha256(prev_hash + canonical_json(body))`` where ``body`` is the JSON
object ``{"seq", "at", "actor", "action", "target", "details"}``, ``at`` being the UTC time in ISO
8601 with microseconds, and canonical JSON meaning sorted keys, no whitespace and ASCII only
(other characters as JSON escapes). The first record's ``prev_hash`` is :data:`GENESIS`. Anyone
holding the rows can recompute the chain with this module alone: changing, inserting or deleting
a record breaks it at that record (or, if the forger also recomputed its hash, at the next one).
Removing records from the end is only detectable against a head hash kept elsewhere.

Each agency's records also form a chain of their own (``agency_seq`` 1, 2, 3 …,
``agency_prev_hash``, ``agency_hash``), hashed the same way with the agency's code added to the
body as ``"agency"``: an agency verifies its trail from its own records alone.
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
    agency: str | None = None,
) -> str:
    """Return the hash of a record given its predecessor's hash; with ``agency``, the hash of
    its link in that agency's chain (``seq`` being then its number in that chain)."""
    body: dict[str, Any] = {
        "seq": seq,
        "at": iso_utc(at),
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
    }
    if agency is not None:
        body["agency"] = agency
    body_json = canonical_json(body)
    return hashlib.sha256((prev_hash + body_json).encode("utf-8")).hexdigest()


def agency_view(record: AuditRecord) -> AuditRecord:
    """``record`` as its agency's chain numbers and links it (``seq``, ``prev_hash`` and
    ``hash`` of the agency chain), so that :func:`verify_chain` checks that chain."""
    if record.agency is None or record.agency_seq is None:
        raise ValueError("the record belongs to no agency")
    return AuditRecord(
        seq=record.agency_seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        target=record.target,
        details=record.details,
        prev_hash=record.agency_prev_hash or "",
        hash=record.agency_hash or "",
        agency=record.agency,
        agency_seq=record.agency_seq,
        agency_prev_hash=record.agency_prev_hash,
        agency_hash=record.agency_hash,
    )


def verify_chain(records: Iterable[AuditRecord], *, agency: str | None = None) -> AuditVerification:
    """Recompute the chain over records given in sequence order.

    Sequence numbers must run 1, 2, 3, … without gaps; each ``prev_hash`` must equal the stored
    hash of the record before, and each stored hash must match the record's content.

    Parameters
    ----------
    records
        Every record of the trail, ordered by ``seq``.
    agency
        When given, ``records`` are that agency's, seen through :func:`agency_view`, and each
        hash is that of the agency chain.
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
                agency=agency,
            )
            if record.seq != checked or record.prev_hash != prev or record.hash != expected:
                first_bad = record.seq
        prev = record.hash
    return AuditVerification(ok=first_bad is None, checked=checked, first_bad_seq=first_bad)
