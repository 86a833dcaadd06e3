"""Leased-job queues: the queue, lease and status mechanics shared by the tables of work that
workers claim under a lease (runs, sweeps).

A job's status only moves forward (queued → running → succeeded or failed, or either active
status → cancelled); each move is one conditional UPDATE, so concurrent workers and requests
cannot both win it. A worker claims a job with a lease (an owner and an expiry) that it renews
while it works; a job whose lease expired (its instance died) can be claimed again. On
PostgreSQL a claim takes the oldest claimable row with ``FOR UPDATE SKIP LOCKED``, so instances
never wait on one another; on SQLite the write lock serialises claims (one instance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from api.db.engine import Database, capped, utc_now
from api.db.errors import NotFound
from api.db.models import Base, Dataset
from api.db.records import ACTIVE_STATUSES
from api.db.repositories.datasets import after_cursor, next_cursor
from placement.i18n import t

#: The ORM class of a table of leased jobs: it has the columns ``id``, ``agency``,
#: ``dataset_id``, ``status``, ``created_at``, ``created_by``, ``started_at``, ``finished_at``,
#: ``error``, ``lease_owner``, ``lease_expires_at`` and ``attempts``.
RowT = TypeVar("RowT", bound=Base)
RecordT = TypeVar("RecordT")


def lock_dataset(session: Session, dataset_id: str, agency: str) -> None:
    """Hold a share lock on a live dataset of ``agency`` until ``session`` commits, so a
    concurrent dataset delete waits for the job queued on it and then sees it queued.

    Raises
    ------
    NotFound
        If the dataset is unknown, deleted or of another agency.
    """
    exists = session.execute(
        select(Dataset.id)
        .where(Dataset.id == dataset_id, Dataset.deleted_at.is_(None), Dataset.agency == agency)
        .with_for_update(read=True)
    ).scalar_one_or_none()
    if exists is None:
        raise NotFound(t("api.dataset.not_found", id=dataset_id))


class LeasedQueue(Generic[RowT, RecordT]):
    """The jobs of one table of one database, queued and claimed under leases.

    Parameters
    ----------
    database
        Where the table lives.
    model
        The table's ORM class.
    record
        The frozen record of a row, what callers receive.
    noun
        What one job is called in error messages.
    statuses
        Every status a job may have.
    live
        Conditions a row meets unless it was deleted (none when rows are never hidden).
    """

    def __init__(
        self,
        database: Database,
        model: type[RowT],
        record: Callable[[RowT], RecordT],
        *,
        noun: str,
        statuses: tuple[str, ...],
        live: tuple[Any, ...] = (),
    ) -> None:
        self._db = database
        # Any: mypy cannot see the shared columns through the type variable.
        self._model: Any = model
        self._record = record
        self._noun = noun
        self._statuses = statuses
        self._live = live

    def visible(self, agency: str | None) -> tuple[Any, ...]:
        """Conditions of the live rows of ``agency`` (of every agency when None)."""
        return self._live if agency is None else (*self._live, self._model.agency == agency)

    def enqueue(self, row: RowT) -> RecordT:
        """Add a newly queued row, once its dataset is known to be live and of its agency.

        Raises
        ------
        NotFound
            If the dataset is unknown, deleted or of another agency.
        """
        job: Any = row
        with self._db.session(write=True) as session:
            lock_dataset(session, job.dataset_id, job.agency)
            session.add(row)
        return self._record(row)

    def count_active(self, *, created_by: str) -> int:
        """Number of queued or running jobs created by ``created_by``."""
        model = self._model
        query = (
            select(func.count())
            .select_from(model)
            .where(model.created_by == created_by, model.status.in_(ACTIVE_STATUSES))
        )
        with self._db.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def counts(self) -> dict[tuple[str, str], int]:
        """Number of jobs by (agency, status), deleted ones included (for the metrics)."""
        model = self._model
        query = select(model.agency, model.status, func.count()).group_by(
            model.agency, model.status
        )
        with self._db.session(write=False) as session:
            return {(a, s): int(n) for a, s, n in session.execute(query).all()}

    def get(self, job_id: str, *, agency: str | None = None) -> RecordT | None:
        """Return a job, or None if unknown, deleted or of another agency."""
        query = select(self._model).where(self._model.id == job_id, *self.visible(agency))
        with self._db.session(write=False) as session:
            row = session.execute(query).scalar_one_or_none()
            return None if row is None else self._record(row)

    def page(
        self,
        *,
        agency: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> tuple[list[RecordT], str | None]:
        """Jobs of ``agency``, newest first, optionally of one status, after ``cursor``; and the
        next page's cursor (None on the last page).

        Raises
        ------
        ValueError
            If the status is unknown or the cursor malformed.
        """
        model = self._model
        if status is not None and status not in self._statuses:
            raise ValueError(f"unknown {self._noun} status {status!r}")
        query = select(model).where(*self.visible(agency))
        if status is not None:
            query = query.where(model.status == status)
        query = after_cursor(query, model.created_at, model.id, cursor).limit(capped(limit))
        with self._db.session(write=False) as session:
            records = [self._record(row) for row in session.execute(query).scalars()]
        return records, next_cursor(records, limit)

    def transition(
        self, job_id: str, sources: tuple[str, ...], *conditions: Any, **values: Any
    ) -> bool:
        """Set ``values`` on a job whose status is one of ``sources`` and that meets
        ``conditions``, in one conditional UPDATE; False (nothing changed) when it does not."""
        model = self._model
        query = (
            update(model)
            .where(model.id == job_id, model.status.in_(sources), *conditions)
            .values(**values)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return session.execute(query).scalar_one_or_none() is not None

    def claimed(self, row: RowT, now: datetime) -> None:
        """Prepare a row just claimed at ``now`` for its new attempt (subclasses decide what
        an attempt keeps of the previous ones); it starts now."""
        job: Any = row
        job.started_at = now

    def claim(self, *, owner: str, lease_s: float) -> RecordT | None:
        """Take the oldest job that is queued, or running under an expired lease, for ``owner``
        until ``lease_s`` seconds from now; None when there is none. Its attempt count goes
        up."""
        model = self._model
        now = utc_now()
        claimable = or_(
            model.status == "queued",
            and_(model.status == "running", model.lease_expires_at < now),
        )
        query = (
            select(model)
            .where(claimable, *self._live)
            .order_by(model.created_at, model.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        with self._db.session(write=True) as session:
            row = session.execute(query).scalar_one_or_none()
            if row is None:
                return None
            row.status = "running"
            row.lease_owner = owner
            row.lease_expires_at = now + timedelta(seconds=lease_s)
            row.attempts = (row.attempts or 0) + 1
            self.claimed(row, now)
            session.flush()
            return self._record(row)

    def renew(self, job_ids: Iterable[str], *, owner: str, lease_s: float) -> set[str]:
        """Extend ``owner``'s leases on ``job_ids``; return the ids it still holds running
        (a job cancelled, or claimed by another instance after an expiry, is missing)."""
        ids = list(job_ids)
        if not ids:
            return set()
        model = self._model
        query = (
            update(model)
            .where(model.id.in_(ids), model.status == "running", model.lease_owner == owner)
            .values(lease_expires_at=utc_now() + timedelta(seconds=lease_s))
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return set(session.execute(query).scalars())

    def release(self, job_id: str, *, owner: str) -> bool:
        """Put a job ``owner`` holds back in the queue (its instance is stopping); False if the
        job is no longer ``owner``'s running job."""
        return self.transition(
            job_id,
            ("running",),
            self._model.lease_owner == owner,
            status="queued",
            lease_owner=None,
            lease_expires_at=None,
        )

    def fail_exhausted(self, *, max_attempts: int, reason: str) -> list[str]:
        """Fail every job whose lease expired after ``max_attempts`` claims (it keeps ending
        its instances); return their ids, sorted."""
        model = self._model
        query = (
            update(model)
            .where(
                model.status == "running",
                model.lease_expires_at < utc_now(),
                model.attempts >= max_attempts,
            )
            .values(status="failed", finished_at=utc_now(), error=reason, lease_owner=None)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return sorted(session.execute(query).scalars())

    def cancel(self, job_id: str, *, agency: str | None = None) -> bool:
        """Cancel a queued or running job; False if unknown, deleted, of another agency or
        finished."""
        return self.transition(
            job_id,
            ACTIVE_STATUSES,
            *self.visible(agency),
            status="cancelled",
            finished_at=utc_now(),
            lease_expires_at=None,
        )
