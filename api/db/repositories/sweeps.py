"""Sweeps: queued, claimed by a worker under a lease, their points' results stored one by one as
they arrive, finished, cancelled; per agency.

A sweep moves through a run's statuses (queued → running → succeeded or failed, or either active
status → cancelled), each move one conditional UPDATE. A point's result is stored only while its
sweep is running under the storing worker's lease, in the same transaction that counts it, so a
cancelled sweep keeps exactly the points stored before the cancel, and a sweep claimed again
after its instance died continues with the points that have no result yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from api.db import credentials as keys
from api.db.engine import Database, capped, utc_now
from api.db.errors import NotFound
from api.db.models import Dataset, Sweep, SweepPoint
from api.db.records import (
    ACTIVE_STATUSES,
    DEFAULT_AGENCY,
    SWEEP_STATUSES,
    SweepPointRecord,
    SweepRecord,
)
from api.db.repositories.datasets import after_cursor, next_cursor, owned

#: Point statuses that come with a plan.
PLANNED = ("OPTIMAL", "FEASIBLE")
#: Statuses a worker finishes a sweep with.
FINAL_SWEEP_STATUSES = ("succeeded", "failed")


def sweep_record(row: Sweep) -> SweepRecord:
    """The frozen record of a sweep row."""
    return SweepRecord(
        id=row.id,
        dataset_id=row.dataset_id,
        status=row.status,
        policy=row.policy,
        spec=row.spec,
        total=row.total,
        done=row.done or 0,
        without_plan=row.without_plan or 0,
        executor=row.executor,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        created_by=row.created_by,
        error=row.error,
        agency=row.agency,
        attempts=row.attempts or 0,
    )


def point_record(row: SweepPoint) -> SweepPointRecord:
    """The frozen record of a sweep point row."""
    return SweepPointRecord(
        sweep_id=row.sweep_id,
        number=row.number,
        label=row.label,
        settings=row.settings,
        row=row.row,
        status=row.status,
        error=row.error,
    )


class SweepRepository:
    """Sweeps of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(
        self,
        *,
        dataset_id: str,
        policy: dict[str, Any],
        spec: dict[str, Any],
        total: int,
        executor: str,
        created_by: str,
        agency: str = DEFAULT_AGENCY,
    ) -> SweepRecord:
        """Queue a sweep of a dataset of ``agency``.

        Raises
        ------
        NotFound
            If the dataset is unknown, deleted or of another agency.
        """
        with self._db.session(write=True) as session:
            exists = session.execute(
                select(Dataset.id)
                .where(
                    Dataset.id == dataset_id,
                    Dataset.deleted_at.is_(None),
                    Dataset.agency == agency,
                )
                .with_for_update(read=True)
            ).scalar_one_or_none()
            if exists is None:
                raise NotFound(f"no dataset {dataset_id}")
            row = Sweep(
                id=keys.new_id(),
                agency=agency,
                dataset_id=dataset_id,
                status="queued",
                policy=policy,
                spec=spec,
                total=total,
                done=0,
                without_plan=0,
                executor=executor,
                created_at=utc_now(),
                started_at=None,
                finished_at=None,
                created_by=created_by,
                error=None,
                lease_owner=None,
                lease_expires_at=None,
                attempts=0,
            )
            session.add(row)
        return sweep_record(row)

    def get(self, sweep_id: str, *, agency: str | None = None) -> SweepRecord | None:
        """Return a sweep, or None if unknown or of another agency."""
        query = owned(select(Sweep).where(Sweep.id == sweep_id), Sweep.agency, agency)
        with self._db.session(write=False) as session:
            row = session.execute(query).scalar_one_or_none()
            return None if row is None else sweep_record(row)

    def page(
        self,
        *,
        agency: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> tuple[list[SweepRecord], str | None]:
        """One page of sweeps, newest first, and the cursor of the next page (None at the end).

        Raises
        ------
        ValueError
            If the status is unknown or the cursor malformed.
        """
        if status is not None and status not in SWEEP_STATUSES:
            raise ValueError(f"unknown sweep status {status!r}")
        query = owned(select(Sweep), Sweep.agency, agency)
        if status is not None:
            query = query.where(Sweep.status == status)
        query = after_cursor(query, Sweep.created_at, Sweep.id, cursor).limit(capped(limit))
        with self._db.session(write=False) as session:
            records = [sweep_record(row) for row in session.execute(query).scalars()]
        return records, next_cursor(records, limit)

    def count_active(self, *, created_by: str) -> int:
        """Number of queued or running sweeps created by ``created_by``."""
        query = (
            select(func.count())
            .select_from(Sweep)
            .where(Sweep.created_by == created_by, Sweep.status.in_(ACTIVE_STATUSES))
        )
        with self._db.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def points(
        self,
        sweep_ids: Iterable[str],
        *,
        without_plan: bool = False,
        agency: str | None = None,
    ) -> list[SweepPointRecord]:
        """The stored points of the sweeps ``sweep_ids`` (of ``agency`` only, when given), by
        sweep and number; with ``without_plan`` only those whose status is not a plan's."""
        ids = list(sweep_ids)
        if not ids:
            return []
        query = (
            select(SweepPoint)
            .join(Sweep, Sweep.id == SweepPoint.sweep_id)
            .where(SweepPoint.sweep_id.in_(ids))
            .order_by(SweepPoint.sweep_id, SweepPoint.number)
        )
        query = owned(query, Sweep.agency, agency)
        if without_plan:
            query = query.where(SweepPoint.status.not_in(PLANNED))
        with self._db.session(write=False) as session:
            return [point_record(row) for row in session.execute(query).scalars()]

    def _transition(
        self, sweep_id: str, sources: tuple[str, ...], *conditions: Any, **values: Any
    ) -> bool:
        query = (
            update(Sweep)
            .where(Sweep.id == sweep_id, Sweep.status.in_(sources), *conditions)
            .values(**values)
            .returning(Sweep.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return session.execute(query).scalar_one_or_none() is not None

    def claim(self, *, owner: str, lease_s: float) -> SweepRecord | None:
        """Take the oldest sweep that is queued, or running under an expired lease, for
        ``owner`` until ``lease_s`` seconds from now; None when there is none. A sweep claimed
        again keeps the points it has."""
        now = utc_now()
        claimable = or_(
            Sweep.status == "queued",
            and_(Sweep.status == "running", Sweep.lease_expires_at < now),
        )
        query = (
            select(Sweep)
            .where(claimable)
            .order_by(Sweep.created_at, Sweep.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        with self._db.session(write=True) as session:
            row = session.execute(query).scalar_one_or_none()
            if row is None:
                return None
            row.status = "running"
            row.started_at = row.started_at or now
            row.lease_owner = owner
            row.lease_expires_at = now + timedelta(seconds=lease_s)
            row.attempts = (row.attempts or 0) + 1
            session.flush()
            return sweep_record(row)

    def renew(self, sweep_ids: Iterable[str], *, owner: str, lease_s: float) -> set[str]:
        """Extend ``owner``'s leases on ``sweep_ids``; return the ids it still holds running."""
        ids = list(sweep_ids)
        if not ids:
            return set()
        query = (
            update(Sweep)
            .where(Sweep.id.in_(ids), Sweep.status == "running", Sweep.lease_owner == owner)
            .values(lease_expires_at=utc_now() + timedelta(seconds=lease_s))
            .returning(Sweep.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return set(session.execute(query).scalars())

    def release(self, sweep_id: str, *, owner: str) -> bool:
        """Put a sweep ``owner`` holds back in the queue (its instance is stopping), with the
        points it has; False if it is no longer ``owner``'s running sweep."""
        return self._transition(
            sweep_id,
            ("running",),
            Sweep.lease_owner == owner,
            status="queued",
            lease_owner=None,
            lease_expires_at=None,
        )

    def fail_exhausted(self, *, max_attempts: int, reason: str) -> list[str]:
        """Fail every sweep whose lease expired after ``max_attempts`` claims; return their
        ids, sorted."""
        query = (
            update(Sweep)
            .where(
                Sweep.status == "running",
                Sweep.lease_expires_at < utc_now(),
                Sweep.attempts >= max_attempts,
            )
            .values(status="failed", finished_at=utc_now(), error=reason, lease_owner=None)
            .returning(Sweep.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return sorted(session.execute(query).scalars())

    def add_point(self, point: SweepPointRecord, *, owner: str) -> bool:
        """Store one point's result and count it, if its sweep is running under ``owner``'s
        lease and the point has no result yet; False (nothing stored) otherwise."""
        counted = (
            update(Sweep)
            .where(Sweep.id == point.sweep_id, Sweep.status == "running")
            .where(Sweep.lease_owner == owner)
            .values(
                done=Sweep.done + 1,
                without_plan=Sweep.without_plan + (0 if point.status in PLANNED else 1),
            )
            .returning(Sweep.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            known = session.get(SweepPoint, (point.sweep_id, point.number))
            if known is not None or session.execute(counted).scalar_one_or_none() is None:
                return False
            session.add(
                SweepPoint(
                    sweep_id=point.sweep_id,
                    number=point.number,
                    label=point.label,
                    settings=point.settings,
                    row=point.row,
                    status=point.status,
                    error=point.error,
                    finished_at=utc_now(),
                )
            )
        return True

    def finish(self, sweep_id: str, *, status: str, error: str | None, owner: str) -> bool:
        """Move ``owner``'s running sweep to ``succeeded`` or ``failed``; False if it is not
        running under ``owner``'s lease (cancelled meanwhile, or taken over)."""
        if status not in FINAL_SWEEP_STATUSES:
            raise ValueError(f"a sweep finishes as succeeded or failed, not {status!r}")
        return self._transition(
            sweep_id,
            ("running",),
            Sweep.lease_owner == owner,
            status=status,
            finished_at=utc_now(),
            error=error,
            lease_expires_at=None,
        )

    def cancel(self, sweep_id: str, *, agency: str | None = None) -> bool:
        """Cancel a queued or running sweep; False if unknown, of another agency or finished.
        The points already stored stay."""
        conditions = () if agency is None else (Sweep.agency == agency,)
        return self._transition(
            sweep_id,
            ACTIVE_STATUSES,
            *conditions,
            status="cancelled",
            finished_at=utc_now(),
            lease_expires_at=None,
        )
