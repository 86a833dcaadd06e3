"""Database tables of the service (SQLAlchemy 2 declarative, typed).

These classes stay inside :mod:`api.db`; callers receive the frozen records of
:mod:`api.db.records` instead. The schema itself is created by the Alembic migrations in
``api/db/migrations``, which must match these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from api.db.credentials import ROLES
from api.db.records import RUN_STATUSES, SWEEP_STATUSES

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every back-end.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone, so the value is stored as naive UTC and
    the zone is put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times; convert to UTC (naive UTC on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC time."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint naming conventions (stable names for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(none_as_null=True),
    }


class Agency(Base):
    """A tenant: an agency whose keys see only its own records."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


def _agency_column() -> Mapped[str]:
    return mapped_column(String(32), ForeignKey("agencies.code"), index=True)


class Dataset(Base):
    """An uploaded dataset; the payload is zlib-compressed and erased on deletion."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency: Mapped[str] = _agency_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    counts: Mapped[dict[str, Any]]
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    payload_size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime | None]


class Run(Base):
    """A solve of a dataset under a policy, with its progress and outputs."""

    __tablename__ = "runs"
    __table_args__ = (CheckConstraint(f"status IN {_sql_list(RUN_STATUSES)}", name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency: Mapped[str] = _agency_column()
    dataset_id: Mapped[str] = mapped_column(String(32), ForeignKey("datasets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    policy: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    best_objective: Mapped[int | None] = mapped_column(BigInteger)
    best_bound: Mapped[int | None] = mapped_column(BigInteger)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    plan_csv: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    gaps_csv: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    deleted_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    #: The language its texts (error, diagnosis) are rendered in: its request's.
    locale: Mapped[str] = mapped_column(String(8), server_default="id")


class ApiKey(Base):
    """An API key: only the SHA-256 of the key text is kept."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(f"role IN {_sql_list(ROLES)}", name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency: Mapped[str | None] = mapped_column(String(32), ForeignKey("agencies.code"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One link of the audit hash chain; ``details`` is the canonical JSON that was hashed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_agency", "agency", "agency_seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(32))
    agency_seq: Mapped[int | None] = mapped_column(Integer)
    agency_prev_hash: Mapped[str | None] = mapped_column(String(64))
    agency_hash: Mapped[str | None] = mapped_column(String(64))


class IdempotentEntry(Base):
    """The first response to a POST carrying an ``Idempotency-Key``, per actor."""

    __tablename__ = "idempotency"

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    agency: Mapped[str | None] = mapped_column(String(32), ForeignKey("agencies.code"), index=True)
    request_hash: Mapped[str] = mapped_column(String(128))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)


class Scenario(Base):
    """A what-if run: the run it queued, what it started from and the changes applied."""

    __tablename__ = "scenarios"

    run_id: Mapped[str] = mapped_column(String(32), ForeignKey("runs.id"), primary_key=True)
    agency: Mapped[str] = _agency_column()
    base_run_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("runs.id"))
    base_dataset_id: Mapped[str] = mapped_column(String(32), ForeignKey("datasets.id"))
    changes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(200))


class Sweep(Base):
    """A sweep: a dataset solved under a base policy at every point of a grid, claimed under a
    lease like a run; its points' results are :class:`SweepPoint` rows."""

    __tablename__ = "sweeps"
    __table_args__ = (CheckConstraint(f"status IN {_sql_list(SWEEP_STATUSES)}", name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency: Mapped[str] = _agency_column()
    dataset_id: Mapped[str] = mapped_column(String(32), ForeignKey("datasets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    policy: Mapped[dict[str, Any]]
    spec: Mapped[dict[str, Any]]
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, server_default="0")
    without_plan: Mapped[int] = mapped_column(Integer, server_default="0")
    executor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    #: The language its points' reasons are rendered in: its request's.
    locale: Mapped[str] = mapped_column(String(8), server_default="id")


class SweepPoint(Base):
    """The result of one point of a sweep: the row of the sweep's table, kept as it came."""

    __tablename__ = "sweep_points"

    sweep_id: Mapped[str] = mapped_column(String(32), ForeignKey("sweeps.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]]
    row: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime]
