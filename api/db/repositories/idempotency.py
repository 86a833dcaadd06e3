"""Idempotent replies: the first response to a POST carrying an ``Idempotency-Key``, per actor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from api.db.engine import Database, utc_now
from api.db.models import IdempotentEntry
from api.db.records import DEFAULT_AGENCY, IdempotentResponse


class IdempotencyRepository:
    """Idempotent replies of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, *, actor: str, key: str) -> IdempotentResponse | None:
        """Return the response stored for ``(actor, key)``, or None."""
        with self._db.session(write=False) as session:
            row = session.get(IdempotentEntry, (actor, key))
            if row is None:
                return None
            return IdempotentResponse(
                request_hash=row.request_hash,
                status_code=row.status_code,
                body=row.body,
                headers={str(k): str(v) for k, v in row.headers.items()},
            )

    def put(
        self,
        *,
        actor: str,
        key: str,
        request_hash: str,
        status_code: int,
        body: bytes,
        headers: dict[str, str],
        agency: str | None = DEFAULT_AGENCY,
    ) -> None:
        """Store the first response for ``(actor, key)`` of ``agency``; later ones for the pair
        are dropped."""
        postgres = self._db.dialect == "postgresql"
        insert: Callable[..., Any] = pg_insert if postgres else sqlite_insert
        query = (
            insert(IdempotentEntry)
            .values(
                actor=actor,
                key=key,
                agency=agency,
                request_hash=request_hash,
                status_code=status_code,
                body=body,
                headers=dict(headers),
                created_at=utc_now(),
            )
            .on_conflict_do_nothing(index_elements=["actor", "key"])
        )
        with self._db.session(write=True) as session:
            session.execute(query)
