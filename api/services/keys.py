"""API keys on behalf of an admin or the command line: created, revoked and listed, audited."""

from __future__ import annotations

from api.db.records import KeyRecord
from api.db.store import Store
from api.schemas.keys import KeyOut


def create_key(store: Store, *, role: str, name: str, actor: str) -> tuple[KeyRecord, str]:
    """Create a key and audit it; return its record and its secret (shown this once)."""
    record, secret = store.keys.create(role=role, name=name)
    store.audit.append(
        actor=actor,
        action="key.create",
        target=record.id,
        details={"role": record.role, "name": record.name},
    )
    return record, secret


def revoke_key(store: Store, key_id: str, *, actor: str) -> bool:
    """Revoke a key and audit it; False (nothing audited) when there is no such key."""
    if not store.keys.revoke(key_id):
        return False
    store.audit.append(actor=actor, action="key.revoke", target=key_id, details={})
    return True


def key_out(record: KeyRecord) -> KeyOut:
    """The DTO of an API key (never its secret)."""
    return KeyOut(
        id=record.id,
        role=record.role,
        name=record.name,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )
