"""API keys and agencies on behalf of an admin or the command line: created, revoked and listed,
audited."""

from __future__ import annotations

from api.core.problems import ApiError
from api.db.records import AgencyRecord, KeyRecord
from api.db.store import Store
from api.schemas.keys import AgencyOut, KeyOut
from placement.i18n import t


def create_key(
    store: Store, *, role: str, name: str, actor: str, agency: str | None
) -> tuple[KeyRecord, str]:
    """Create a key of ``agency`` (None: a platform admin's) and audit it, in the agency's
    trail too; return its record and its secret (shown this once).

    A store limited to one agency (an agency admin's) makes keys of that agency only: 403 for
    another or for a platform key.
    """
    if store.agency is not None and agency not in (None, store.agency):
        raise ApiError(403, t("api.keys.own_agency_only"), kind="forbidden")
    owner = store.agency if store.agency is not None else agency
    try:
        record, secret = store.keys.create(role=role, name=name, agency=owner)
    except ValueError as exc:
        raise ApiError(422, str(exc), kind="invalid-input") from exc
    store.audit.append(
        actor=actor,
        action="key.create",
        target=record.id,
        details={"role": record.role, "name": record.name, "agency": record.agency},
        agency=record.agency,
    )
    return record, secret


def revoke_key(store: Store, key_id: str, *, actor: str) -> bool:
    """Revoke a key and audit it; False (nothing audited) when there is no such key (or it is
    another agency's, for a store limited to one)."""
    owner = next((k.agency for k in store.keys.all() if k.id == key_id), None)
    if not store.keys.revoke(key_id):
        return False
    store.audit.append(actor=actor, action="key.revoke", target=key_id, details={}, agency=owner)
    return True


def create_agency(store: Store, *, code: str, name: str, actor: str) -> AgencyRecord:
    """Create an agency (platform admins) and audit it; 422 for a malformed code, 409 when it
    exists."""
    try:
        record = store.agencies.create(code=code, name=name)
    except ValueError as exc:
        raise ApiError(422, str(exc), kind="invalid-input") from exc
    store.audit.append(
        actor=actor, action="agency.create", target=code, details={"name": name}, agency=None
    )
    return record


def key_out(record: KeyRecord) -> KeyOut:
    """The DTO of an API key (never its secret)."""
    return KeyOut(
        id=record.id,
        role=record.role,
        name=record.name,
        agency=record.agency,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


def agency_out(record: AgencyRecord) -> AgencyOut:
    """The DTO of an agency."""
    return AgencyOut(code=record.code, name=record.name, created_at=record.created_at)
