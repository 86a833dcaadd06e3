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
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from api.db import credentials as keys
from api.db.engine import Database, utc_now
from api.db.models import Sweep, SweepPoint
from api.db.records import (
    DEFAULT_AGENCY,
    SWEEP_STATUSES,
    SweepPointRecord,
    SweepRecord,
)
from api.db.repositories.datasets import owned
from api.db.repositories.leases import LeasedQueue
from placement.i18n import DEFAULT_LOCALE

#: Point statuses that come with a plan.
PLANNED = ("OPTIMAL", "FEASIBLE")
#: Statuses a worker finishes a sweep with.
FINAL_SWEEP_STATUSES = ("succeeded", "failed")


def new_sweep_row(
    *,
    dataset_id: str,
    policy: dict[str, Any],
    spec: dict[str, Any],
    total: int,
    executor: str,
    created_by: str,
    agency: str = DEFAULT_AGENCY,
    locale: str = DEFAULT_LOCALE,
) -> Sweep:
    """The row of a newly queued sweep (not added to any session yet), whose points' reasons
    are rendered in ``locale``."""
    return Sweep(
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
        locale=locale,
    )


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
        locale=row.locale or DEFAULT_LOCALE,
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


class SweepRepository(LeasedQueue[Sweep, SweepRecord]):
    """Sweeps of one database."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, Sweep, sweep_record, noun="sweep", statuses=SWEEP_STATUSES)

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
        locale: str = DEFAULT_LOCALE,
    ) -> SweepRecord:
        """Queue a sweep of a dataset of ``agency``, its points' reasons in ``locale``.

        Raises
        ------
        NotFound
            If the dataset is unknown, deleted or of another agency.
        """
        return self.enqueue(
            new_sweep_row(
                dataset_id=dataset_id, policy=policy, spec=spec, total=total, executor=executor,
                created_by=created_by, agency=agency, locale=locale,
            )
        )  # fmt: skip

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

    def claimed(self, row: Sweep, now: datetime) -> None:
        """A sweep claimed again keeps the points it has, and the time it first started."""
        row.started_at = row.started_at or now

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
        return self.transition(
            sweep_id,
            ("running",),
            Sweep.lease_owner == owner,
            status=status,
            finished_at=utc_now(),
            error=error,
            lease_expires_at=None,
        )
