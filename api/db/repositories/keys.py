"""API keys: created with their role, authenticated by the hash of their text, revoked."""

from __future__ import annotations

from sqlalchemy import select

from api.db import credentials as keys
from api.db.engine import Database, utc_now
from api.db.errors import NotFound
from api.db.models import Agency, ApiKey
from api.db.records import DEFAULT_AGENCY, KeyRecord
from placement.i18n import t


def key_record(row: ApiKey) -> KeyRecord:
    """The frozen record of a key row (never its hash)."""
    return KeyRecord(
        id=row.id,
        role=row.role,
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        agency=row.agency,
    )


class KeyRepository:
    """API keys of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(
        self, *, role: str, name: str = "", agency: str | None = DEFAULT_AGENCY
    ) -> tuple[KeyRecord, str]:
        """Create a key for ``role`` (viewer, planner or admin) of ``agency``; ``agency`` None
        makes a platform admin key, which manages agencies and keys and sees no agency's data.

        Raises
        ------
        ValueError
            If the role is unknown, or a platform key is not an admin's.
        NotFound
            If the agency does not exist.

        Returns
        -------
        tuple
            The record and the plaintext key, which is not kept and cannot be shown again.
        """
        keys.check_role(role)
        if agency is None and role != "admin":
            raise ValueError(t("api.keys.platform_admin_only"))
        key_id, plaintext = keys.generate_key()
        row = ApiKey(
            id=key_id,
            agency=agency,
            role=role,
            name=name,
            key_hash=keys.hash_key(plaintext),
            created_at=utc_now(),
            revoked_at=None,
        )
        with self._db.session(write=True) as session:
            if agency is not None and session.get(Agency, agency) is None:
                raise NotFound(t("api.agency.not_found", code=repr(agency)))
            session.add(row)
        return key_record(row), plaintext

    def authenticate(self, plaintext: str) -> KeyRecord | None:
        """Return the key's record, or None if the key is malformed, unknown or revoked."""
        key_id = keys.key_id_of(plaintext)
        if key_id is None:
            return None
        with self._db.session(write=False) as session:
            row = session.get(ApiKey, key_id)
            if row is None or not keys.key_matches(plaintext, row.key_hash):
                return None
            if row.revoked_at is not None:
                return None
            return key_record(row)

    def revoke(self, key_id: str, *, agency: str | None = None) -> bool:
        """Revoke a key (of ``agency`` only, when given); True if it exists (revoking twice
        keeps the first time)."""
        with self._db.session(write=True) as session:
            row = session.get(ApiKey, key_id)
            if row is None or (agency is not None and row.agency != agency):
                return False
            if row.revoked_at is None:
                row.revoked_at = utc_now()
        return True

    def all(self, *, agency: str | None = None) -> list[KeyRecord]:
        """Return every key (of ``agency`` only, when given), oldest first, revoked ones
        included."""
        query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
        if agency is not None:
            query = query.where(ApiKey.agency == agency)
        with self._db.session(write=False) as session:
            rows = session.execute(query)
            return [key_record(row) for row in rows.scalars()]
