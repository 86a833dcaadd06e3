"""Persistence of the service: datasets, runs, API keys, the audit trail and idempotent replies.

One :class:`Store` wraps one SQLAlchemy engine (SQLite or PostgreSQL) and is safe to share between
a web server's threads and a worker pool: every method opens its own short session, runs its
writes in one transaction and returns frozen records, never ORM objects. Database errors that mean
"cannot reach the database" surface as :class:`Unavailable`.

SQLite writes start with ``BEGIN IMMEDIATE`` (one writer at a time, readers unhindered thanks to
WAL); on PostgreSQL the audit chain's appends are serialised by a table lock, and migrations by an
advisory lock, so several processes may start at once.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from api import keys
from api.audit import (
    GENESIS,
    AuditRecord,
    AuditVerification,
    canonical_json,
    record_hash,
    verify_chain,
)
from api.migrations import alembic_config
from api.models import RUN_STATUSES, ApiKey, AuditEntry, Dataset, IdempotentEntry, Run, Scenario

__all__ = [
    "RUN_STATUSES",
    "AuditRecord",
    "AuditVerification",
    "Conflict",
    "DatasetRecord",
    "IdempotentResponse",
    "KeyRecord",
    "NotFound",
    "RunRecord",
    "ScenarioRecord",
    "StorageError",
    "Store",
    "Unavailable",
]

ACTIVE_STATUSES = ("queued", "running")
FINAL_STATUSES = ("succeeded", "failed")
MAX_LIMIT = 1000

# Arbitrary constant naming the advisory lock that serialises migrations on PostgreSQL.
_MIGRATION_LOCK = 0x70656E656D
_WRITE = "placement_write"
_CONNECTION_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


class StorageError(Exception):
    """Base class of the storage errors."""


class Conflict(StorageError):  # noqa: N818 (names of the agreed interface)
    """The operation contradicts the stored state (e.g. deleting a dataset in use)."""


class NotFound(StorageError):  # noqa: N818 (names of the agreed interface)
    """A record the operation depends on does not exist (e.g. a run on an unknown dataset)."""


class Unavailable(StorageError):  # noqa: N818 (names of the agreed interface)
    """The database cannot be reached or is too busy to answer."""


@dataclass(frozen=True)
class DatasetRecord:
    """Metadata of a stored dataset (the payload is fetched separately)."""

    id: str
    sha256: str
    counts: dict[str, int]
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class RunRecord:
    """A run and its progress; outputs are fetched with :meth:`Store.run_outputs`."""

    id: str
    dataset_id: str
    status: str
    policy: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    best_objective: int | None
    best_bound: int | None
    elapsed_s: float | None
    summary: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True)
class ScenarioRecord:
    """A what-if run: its run id, the run or dataset it started from and its changes."""

    run_id: str
    base_run_id: str | None
    base_dataset_id: str
    changes: list[Any]
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class KeyRecord:
    """An API key without its secret."""

    id: str
    role: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class IdempotentResponse:
    """The stored first response to an idempotent request."""

    request_hash: str
    status_code: int
    body: bytes
    headers: dict[str, str]


def _now() -> datetime:
    return datetime.now(UTC)


def _compress(data: bytes | None) -> bytes | None:
    return None if data is None else zlib.compress(data, 6)


def _decompress(data: bytes | None) -> bytes | None:
    return None if data is None else zlib.decompress(data)


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _dataset_record(row: Dataset) -> DatasetRecord:
    return DatasetRecord(
        id=row.id,
        sha256=row.sha256,
        counts={str(k): int(v) for k, v in row.counts.items()},
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _run_record(row: Run) -> RunRecord:
    return RunRecord(
        id=row.id,
        dataset_id=row.dataset_id,
        status=row.status,
        policy=row.policy,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        created_by=row.created_by,
        best_objective=row.best_objective,
        best_bound=row.best_bound,
        elapsed_s=row.elapsed_s,
        summary=row.summary,
        error=row.error,
    )


def _scenario_record(row: Scenario) -> ScenarioRecord:
    return ScenarioRecord(
        run_id=row.run_id,
        base_run_id=row.base_run_id,
        base_dataset_id=row.base_dataset_id,
        changes=list(row.changes),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _key_record(row: ApiKey) -> KeyRecord:
    return KeyRecord(
        id=row.id,
        role=row.role,
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _audit_record(row: AuditEntry) -> AuditRecord:
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
    )


def _normalise_url(database_url: str) -> URL:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return url


_WAL_ATTEMPTS = 40


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or url.query.get("uri") in ("true", "1"):
        return None
    return Path(database)


def _set_wal(cursor: Any) -> None:
    """Switch to WAL; retried because SQLite answers "database is locked" at once, without its
    busy timeout, when two connections switch a new database at the same moment."""
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _on_sqlite_begin); the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then writes
    # fails at once, without waiting, when another writer got in between.
    write = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The service's storage on one database.

    Parameters
    ----------
    database_url
        SQLAlchemy URL: ``sqlite:///path/to/placement.db`` (the folder is created) or
        ``postgresql+psycopg://user:password@host:port/database`` (``postgresql://`` is read
        as psycopg). No connection is made until first use.
    busy_timeout_s
        How long a SQLite statement waits for another writer's lock before the store answers
        :class:`Unavailable`.
    """

    def __init__(self, database_url: str, *, busy_timeout_s: float = 30.0) -> None:
        url = _normalise_url(database_url)
        self._dialect = url.get_backend_name()
        connect_args: dict[str, Any] = {}
        if self._dialect == "sqlite":
            path = _sqlite_file(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            connect_args["timeout"] = busy_timeout_s
        elif "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = 10
        self._engine: Engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        if self._dialect == "sqlite":
            event.listen(self._engine, "connect", _on_sqlite_connect)
            event.listen(self._engine, "begin", _on_sqlite_begin)
        writer = self._engine.execution_options(**{_WRITE: True})
        self._reader = sessionmaker(self._engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """Name of the database back-end: ``sqlite`` or ``postgresql``."""
        return self._dialect

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        maker = self._writer if write else self._reader
        try:
            with maker.begin() as session:
                yield session
        except _CONNECTION_ERRORS as exc:
            raise Unavailable(f"database unavailable: {getattr(exc, 'orig', None) or exc}") from exc

    # -- life cycle ---------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when it is already there).

        Raises
        ------
        StorageError
            If the database carries a revision this code does not know (a newer release wrote it).
        Unavailable
            If the database cannot be reached.
        """
        config = alembic_config()
        try:
            with self._engine.execution_options(**{_WRITE: True}).begin() as connection:
                if self._dialect == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except CommandError as exc:
            raise StorageError(f"cannot migrate the database: {exc}") from exc
        except _CONNECTION_ERRORS as exc:
            raise Unavailable(f"database unavailable: {getattr(exc, 'orig', None) or exc}") from exc

    def ping(self) -> bool:
        """Return True if the database answers a trivial query."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    # -- datasets -----------------------------------------------------------------------------

    def add_dataset(
        self, *, payload: bytes, sha256: str, counts: dict[str, int], created_by: str
    ) -> DatasetRecord:
        """Store a validated dataset (compressed) and return its metadata."""
        row = Dataset(
            id=keys.new_id(),
            sha256=sha256,
            counts={str(k): int(v) for k, v in counts.items()},
            payload=_compress(payload),
            payload_size=len(payload),
            created_at=_now(),
            created_by=created_by,
            deleted_at=None,
        )
        with self._session(write=True) as session:
            session.add(row)
        return _dataset_record(row)

    def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        """Return a dataset's metadata, or None if unknown or deleted."""
        with self._session(write=False) as session:
            row = session.get(Dataset, dataset_id)
            if row is None or row.deleted_at is not None:
                return None
            return _dataset_record(row)

    def dataset_payload(self, dataset_id: str) -> bytes | None:
        """Return the stored payload, or None if unknown or deleted."""
        with self._session(write=False) as session:
            data = session.execute(
                select(Dataset.payload).where(
                    Dataset.id == dataset_id, Dataset.deleted_at.is_(None)
                )
            ).scalar_one_or_none()
        return _decompress(data)

    def delete_dataset(self, dataset_id: str) -> bool:
        """Erase a dataset's payload and hide it; its runs keep their history.

        Returns
        -------
        bool
            False if the dataset is unknown or already deleted.

        Raises
        ------
        Conflict
            If a queued or running run uses it.
        """
        with self._session(write=True) as session:
            row = session.execute(
                select(Dataset).where(Dataset.id == dataset_id).with_for_update()
            ).scalar_one_or_none()
            if row is None or row.deleted_at is not None:
                return False
            active = session.execute(
                select(func.count())
                .select_from(Run)
                .where(Run.dataset_id == dataset_id, Run.status.in_(ACTIVE_STATUSES))
            ).scalar_one()
            if active:
                raise Conflict(f"dataset {dataset_id} is used by {active} queued or running run(s)")
            row.payload = None
            row.deleted_at = _now()
        return True

    # -- runs ---------------------------------------------------------------------------------

    def create_run(self, *, dataset_id: str, policy: dict[str, Any], created_by: str) -> RunRecord:
        """Queue a run of a dataset under a policy.

        Raises
        ------
        NotFound
            If the dataset is unknown or deleted.
        """
        with self._session(write=True) as session:
            # FOR SHARE: a concurrent delete_dataset waits for this run to be committed and
            # then sees it queued.
            exists = session.execute(
                select(Dataset.id)
                .where(Dataset.id == dataset_id, Dataset.deleted_at.is_(None))
                .with_for_update(read=True)
            ).scalar_one_or_none()
            if exists is None:
                raise NotFound(f"no dataset {dataset_id}")
            row = Run(
                id=keys.new_id(),
                dataset_id=dataset_id,
                status="queued",
                policy=policy,
                created_at=_now(),
                started_at=None,
                finished_at=None,
                created_by=created_by,
                best_objective=None,
                best_bound=None,
                elapsed_s=None,
                summary=None,
                error=None,
            )
            session.add(row)
        return _run_record(row)

    def count_active_runs(self, *, created_by: str) -> int:
        """Number of queued or running runs created by ``created_by``."""
        query = (
            select(func.count())
            .select_from(Run)
            .where(Run.created_by == created_by, Run.status.in_(ACTIVE_STATUSES))
        )
        with self._session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def get_run(self, run_id: str) -> RunRecord | None:
        """Return a run, or None if unknown."""
        with self._session(write=False) as session:
            row = session.get(Run, run_id)
            return None if row is None else _run_record(row)

    def list_runs(self, *, status: str | None = None, limit: int = 100) -> list[RunRecord]:
        """Return runs, newest first, optionally of one status (``limit`` capped at 1000)."""
        if status is not None and status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        query = select(Run).order_by(Run.created_at.desc(), Run.id).limit(_limit(limit))
        if status is not None:
            query = query.where(Run.status == status)
        with self._session(write=False) as session:
            return [_run_record(row) for row in session.execute(query).scalars()]

    def _transition(self, run_id: str, sources: tuple[str, ...], **values: Any) -> bool:
        query = (
            update(Run)
            .where(Run.id == run_id, Run.status.in_(sources))
            .values(**values)
            .returning(Run.id)
            .execution_options(synchronize_session=False)
        )
        with self._session(write=True) as session:
            return session.execute(query).scalar_one_or_none() is not None

    def start_run(self, run_id: str) -> bool:
        """Move a run from queued to running; False if it is not queued (e.g. cancelled)."""
        return self._transition(run_id, ("queued",), status="running", started_at=_now())

    def update_progress(
        self, run_id: str, *, objective: int | None, bound: int | None, elapsed_s: float
    ) -> None:
        """Record a running run's best objective and bound so far (ignored if not running)."""
        self._transition(
            run_id,
            ("running",),
            best_objective=objective,
            best_bound=bound,
            elapsed_s=float(elapsed_s),
        )

    def finish_run(
        self,
        run_id: str,
        *,
        status: str,
        summary: dict[str, Any] | None,
        plan_csv: bytes | None,
        gaps_csv: bytes | None,
        error: str | None,
    ) -> bool:
        """Move a running run to ``succeeded`` or ``failed`` with its outputs.

        Returns
        -------
        bool
            False if the run was not running (cancelled meanwhile, or unknown); nothing is stored.
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"a run finishes as succeeded or failed, not {status!r}")
        return self._transition(
            run_id,
            ("running",),
            status=status,
            finished_at=_now(),
            summary=summary,
            plan_csv=_compress(plan_csv),
            gaps_csv=_compress(gaps_csv),
            error=error,
        )

    def cancel_run(self, run_id: str) -> bool:
        """Cancel a queued or running run; False if unknown or already finished."""
        return self._transition(run_id, ACTIVE_STATUSES, status="cancelled", finished_at=_now())

    def fail_interrupted_runs(self, reason: str) -> list[str]:
        """Mark every running run failed with ``reason``; return their ids, sorted.

        Meant for start-up, when no worker of this database can still be running. Queued runs
        are left queued: nothing of them was done, and the pool resumes them.
        """
        query = (
            update(Run)
            .where(Run.status == "running")
            .values(status="failed", finished_at=_now(), error=reason)
            .returning(Run.id)
            .execution_options(synchronize_session=False)
        )
        with self._session(write=True) as session:
            return sorted(session.execute(query).scalars())

    def run_outputs(self, run_id: str) -> tuple[bytes | None, bytes | None]:
        """Return ``(plan_csv, gaps_csv)``; both None if the run is unknown or has none."""
        with self._session(write=False) as session:
            row = session.execute(
                select(Run.plan_csv, Run.gaps_csv).where(Run.id == run_id)
            ).one_or_none()
        if row is None:
            return None, None
        return _decompress(row.plan_csv), _decompress(row.gaps_csv)

    # -- scenarios ----------------------------------------------------------------------------

    def create_scenario(
        self,
        *,
        payload: bytes,
        sha256: str,
        counts: dict[str, int],
        policy: dict[str, Any],
        base_run_id: str | None,
        base_dataset_id: str,
        changes: list[Any],
        created_by: str,
    ) -> tuple[DatasetRecord, RunRecord, ScenarioRecord]:
        """Store a scenario's changed dataset and queue its run, in one transaction.

        Returns the new dataset, the queued run and the scenario, whose id is the run's.
        """
        now = _now()
        dataset = Dataset(
            id=keys.new_id(),
            sha256=sha256,
            counts={str(k): int(v) for k, v in counts.items()},
            payload=_compress(payload),
            payload_size=len(payload),
            created_at=now,
            created_by=created_by,
            deleted_at=None,
        )
        run = Run(
            id=keys.new_id(),
            dataset_id=dataset.id,
            status="queued",
            policy=policy,
            created_at=now,
            started_at=None,
            finished_at=None,
            created_by=created_by,
            best_objective=None,
            best_bound=None,
            elapsed_s=None,
            summary=None,
            error=None,
        )
        scenario = Scenario(
            run_id=run.id,
            base_run_id=base_run_id,
            base_dataset_id=base_dataset_id,
            changes=changes,
            created_at=now,
            created_by=created_by,
        )
        with self._session(write=True) as session:
            session.add(dataset)
            session.flush()
            session.add(run)
            session.flush()
            session.add(scenario)
        return _dataset_record(dataset), _run_record(run), _scenario_record(scenario)

    def get_scenario(self, run_id: str) -> ScenarioRecord | None:
        """Return the scenario of run ``run_id``, or None if that run is not a scenario."""
        with self._session(write=False) as session:
            row = session.get(Scenario, run_id)
            return None if row is None else _scenario_record(row)

    def list_scenarios(self, *, limit: int = 100) -> list[ScenarioRecord]:
        """Return scenarios, newest first (``limit`` capped at 1000)."""
        query = (
            select(Scenario)
            .order_by(Scenario.created_at.desc(), Scenario.run_id)
            .limit(_limit(limit))
        )
        with self._session(write=False) as session:
            return [_scenario_record(row) for row in session.execute(query).scalars()]

    # -- API keys -----------------------------------------------------------------------------

    def create_key(self, *, role: str, name: str = "") -> tuple[KeyRecord, str]:
        """Create a key for ``role`` (viewer, planner or admin).

        Returns
        -------
        tuple
            The record and the plaintext key, which is not kept and cannot be shown again.
        """
        keys.check_role(role)
        key_id, plaintext = keys.generate_key()
        row = ApiKey(
            id=key_id,
            role=role,
            name=name,
            key_hash=keys.hash_key(plaintext),
            created_at=_now(),
            revoked_at=None,
        )
        with self._session(write=True) as session:
            session.add(row)
        return _key_record(row), plaintext

    def authenticate(self, plaintext: str) -> KeyRecord | None:
        """Return the key's record, or None if the key is malformed, unknown or revoked."""
        key_id = keys.key_id_of(plaintext)
        if key_id is None:
            return None
        with self._session(write=False) as session:
            row = session.get(ApiKey, key_id)
            if row is None or not keys.key_matches(plaintext, row.key_hash):
                return None
            if row.revoked_at is not None:
                return None
            return _key_record(row)

    def revoke_key(self, key_id: str) -> bool:
        """Revoke a key; True if it exists (revoking twice keeps the first time)."""
        with self._session(write=True) as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                return False
            if row.revoked_at is None:
                row.revoked_at = _now()
        return True

    def list_keys(self) -> list[KeyRecord]:
        """Return every key, oldest first, revoked ones included."""
        with self._session(write=False) as session:
            rows = session.execute(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
            return [_key_record(row) for row in rows.scalars()]

    # -- audit --------------------------------------------------------------------------------

    def append_audit(
        self, *, actor: str, action: str, target: str | None, details: dict[str, Any]
    ) -> AuditRecord:
        """Append a record to the hash chain; ``details`` must be JSON-serialisable."""
        details_json = canonical_json(details)
        with self._session(write=True) as session:
            if self._dialect == "postgresql":
                # Self-conflicting but leaves reads alone: appends queue up, the chain stays
                # linear.
                session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
            head = session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).one_or_none()
            seq, prev_hash = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
            at = _now()
            stored_details = json.loads(details_json)
            row = AuditEntry(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                target=target,
                details=details_json,
                prev_hash=prev_hash,
                hash=record_hash(
                    prev_hash,
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    target=target,
                    details=stored_details,
                ),
            )
            session.add(row)
        return _audit_record(row)

    def list_audit(self, *, after_seq: int = 0, limit: int = 100) -> list[AuditRecord]:
        """Return records with ``seq > after_seq`` in order (``limit`` capped at 1000)."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.seq > after_seq)
            .order_by(AuditEntry.seq)
            .limit(_limit(limit))
        )
        with self._session(write=False) as session:
            return [_audit_record(row) for row in session.execute(query).scalars()]

    def verify_audit(self) -> AuditVerification:
        """Recompute the whole chain from the stored rows."""
        query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
        with self._session(write=False) as session:
            return verify_chain(_audit_record(row) for row in session.execute(query).scalars())

    # -- idempotency --------------------------------------------------------------------------

    def get_idempotent(self, *, actor: str, key: str) -> IdempotentResponse | None:
        """Return the response stored for ``(actor, key)``, or None."""
        with self._session(write=False) as session:
            row = session.get(IdempotentEntry, (actor, key))
            if row is None:
                return None
            return IdempotentResponse(
                request_hash=row.request_hash,
                status_code=row.status_code,
                body=row.body,
                headers={str(k): str(v) for k, v in row.headers.items()},
            )

    def put_idempotent(
        self,
        *,
        actor: str,
        key: str,
        request_hash: str,
        status_code: int,
        body: bytes,
        headers: dict[str, str],
    ) -> None:
        """Store the first response for ``(actor, key)``; later ones for the pair are dropped."""
        insert: Callable[..., Any] = pg_insert if self._dialect == "postgresql" else sqlite_insert
        query = (
            insert(IdempotentEntry)
            .values(
                actor=actor,
                key=key,
                request_hash=request_hash,
                status_code=status_code,
                body=body,
                headers=dict(headers),
                created_at=_now(),
            )
            .on_conflict_do_nothing(index_elements=["actor", "key"])
        )
        with self._session(write=True) as session:
            session.execute(query)
