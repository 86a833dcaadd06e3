"""Runs: queued, claimed by a worker under a lease, their progress, finished with their outputs,
cancelled or deleted; per agency.

A run's status only moves forward (queued → running → succeeded or failed, or either active
status → cancelled); each move is one conditional UPDATE, so concurrent workers and requests
cannot both win it. A worker claims a run with a lease (an owner and an expiry) that it renews
while it solves; a run whose lease expired (its instance died) can be claimed again and is solved
from the start. Only the lease's owner can finish a run, so a run is finished once. On
PostgreSQL a claim takes the oldest claimable row with ``FOR UPDATE SKIP LOCKED``, so instances
never wait on one another; on SQLite the write lock serialises claims (one instance).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from api.db import credentials as keys
from api.db.engine import Database, capped, compress, decompress, utc_now
from api.db.errors import Conflict
from api.db.models import Run
from api.db.records import (
    ACTIVE_STATUSES,
    DEFAULT_AGENCY,
    FINAL_STATUSES,
    RUN_STATUSES,
    RunRecord,
)
from api.db.repositories.datasets import owned
from api.db.repositories.leases import LeasedQueue
from placement.i18n import DEFAULT_LOCALE, t


def new_run_row(
    *,
    dataset_id: str,
    policy: dict[str, Any],
    created_by: str,
    agency: str = DEFAULT_AGENCY,
    locale: str = DEFAULT_LOCALE,
) -> Run:
    """The row of a newly queued run (not added to any session yet), whose texts are rendered
    in ``locale``."""
    return Run(
        id=keys.new_id(),
        agency=agency,
        dataset_id=dataset_id,
        status="queued",
        policy=policy,
        created_at=utc_now(),
        started_at=None,
        finished_at=None,
        created_by=created_by,
        best_objective=None,
        best_bound=None,
        elapsed_s=None,
        summary=None,
        error=None,
        deleted_at=None,
        lease_owner=None,
        lease_expires_at=None,
        attempts=0,
        locale=locale,
    )


def run_record(row: Run) -> RunRecord:
    """The frozen record of a run row."""
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
        agency=row.agency,
        attempts=row.attempts or 0,
        locale=row.locale or DEFAULT_LOCALE,
    )


class RunRepository(LeasedQueue[Run, RunRecord]):
    """Runs of one database."""

    def __init__(self, database: Database) -> None:
        super().__init__(
            database,
            Run,
            run_record,
            noun="run",
            statuses=RUN_STATUSES,
            live=(Run.deleted_at.is_(None),),
        )

    def create(
        self,
        *,
        dataset_id: str,
        policy: dict[str, Any],
        created_by: str,
        agency: str = DEFAULT_AGENCY,
        locale: str = DEFAULT_LOCALE,
    ) -> RunRecord:
        """Queue a run of a dataset of ``agency`` under a policy, its texts in ``locale``.

        Raises
        ------
        NotFound
            If the dataset is unknown, deleted or of another agency.
        """
        return self.enqueue(
            new_run_row(
                dataset_id=dataset_id,
                policy=policy,
                created_by=created_by,
                agency=agency,
                locale=locale,
            )
        )

    def count_waiting(self, *, agency: str | None = None) -> int:
        """Number of runs queued for or held by a worker (of ``agency`` only, when given)."""
        query = owned(
            select(func.count()).select_from(Run).where(Run.status.in_(ACTIVE_STATUSES)),
            Run.agency,
            agency,
        )
        with self._db.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def latest(
        self, *, status: str | None = None, limit: int = 100, agency: str | None = None
    ) -> list[RunRecord]:
        """Return runs, newest first, optionally of one status (``limit`` capped at 1000)."""
        if status is not None and status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        query = (
            select(Run)
            .where(*self.visible(agency))
            .order_by(Run.created_at.desc(), Run.id)
            .limit(capped(limit))
        )
        if status is not None:
            query = query.where(Run.status == status)
        with self._db.session(write=False) as session:
            return [run_record(row) for row in session.execute(query).scalars()]

    def start(self, run_id: str) -> bool:
        """Move a run from queued to running without a lease; False if it is not queued."""
        return self.transition(run_id, ("queued",), status="running", started_at=utc_now())

    def claimed(self, row: Run, now: datetime) -> None:
        """A run claimed again starts from the beginning: its progress is cleared."""
        row.started_at = now
        row.best_objective = None
        row.best_bound = None
        row.elapsed_s = None

    def update_progress(
        self,
        run_id: str,
        *,
        objective: int | None,
        bound: int | None,
        elapsed_s: float,
        owner: str | None = None,
    ) -> None:
        """Record a running run's best objective and bound so far (ignored if not running, or
        not ``owner``'s when given)."""
        conditions = () if owner is None else (Run.lease_owner == owner,)
        self.transition(
            run_id,
            ("running",),
            *conditions,
            best_objective=objective,
            best_bound=bound,
            elapsed_s=float(elapsed_s),
        )

    def finish(
        self,
        run_id: str,
        *,
        status: str,
        summary: dict[str, Any] | None,
        plan_csv: bytes | None,
        gaps_csv: bytes | None,
        error: str | None,
        owner: str | None = None,
    ) -> bool:
        """Move a running run to ``succeeded`` or ``failed`` with its outputs.

        Returns
        -------
        bool
            False if the run was not running (cancelled meanwhile, or unknown) or, with
            ``owner``, is no longer that owner's (its lease expired and another instance took
            it); nothing is stored.
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"a run finishes as succeeded or failed, not {status!r}")
        conditions = () if owner is None else (Run.lease_owner == owner,)
        return self.transition(
            run_id,
            ("running",),
            *conditions,
            status=status,
            finished_at=utc_now(),
            summary=summary,
            plan_csv=compress(plan_csv),
            gaps_csv=compress(gaps_csv),
            error=error,
            lease_expires_at=None,
        )

    def delete(self, run_id: str, *, agency: str | None = None) -> dict[str, Any] | None:
        """Erase a finished run's policy, summary and outputs and hide it; return what was
        removed (sizes, never content), or None if unknown, deleted or of another agency.

        Raises
        ------
        Conflict
            If the run is queued or running (cancel it first).
        """
        with self._db.session(write=True) as session:
            query = select(Run).where(Run.id == run_id, *self.visible(agency)).with_for_update()
            row = session.execute(query).scalar_one_or_none()
            if row is None:
                return None
            if row.status in ACTIVE_STATUSES:
                raise Conflict(t("api.run.not_deletable", id=run_id, status=row.status))
            removed = {
                "status": row.status,
                "plan_bytes": len(row.plan_csv or b""),
                "gaps_bytes": len(row.gaps_csv or b""),
                "summary": row.summary is not None,
                "policy": bool(row.policy),
            }
            row.plan_csv = None
            row.gaps_csv = None
            row.summary = None
            row.policy = {}
            row.deleted_at = utc_now()
        return removed

    def outputs(
        self, run_id: str, *, agency: str | None = None
    ) -> tuple[bytes | None, bytes | None]:
        """Return ``(plan_csv, gaps_csv)``; both None if the run is unknown, deleted, of another
        agency or has none."""
        with self._db.session(write=False) as session:
            row = session.execute(
                select(Run.plan_csv, Run.gaps_csv).where(Run.id == run_id, *self.visible(agency))
            ).one_or_none()
        if row is None:
            return None, None
        return decompress(row.plan_csv), decompress(row.gaps_csv)
