"""Runs: queued, started, their progress, finished with their outputs or cancelled.

A run's status only moves forward (queued → running → succeeded or failed, or either active
status → cancelled); each move is one conditional UPDATE, so concurrent workers and requests
cannot both win it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from api.db import credentials as keys
from api.db.engine import Database, capped, compress, decompress, utc_now
from api.db.errors import NotFound
from api.db.models import Dataset, Run
from api.db.records import ACTIVE_STATUSES, FINAL_STATUSES, RUN_STATUSES, RunRecord


def new_run_row(*, dataset_id: str, policy: dict[str, Any], created_by: str) -> Run:
    """The row of a newly queued run (not added to any session yet)."""
    return Run(
        id=keys.new_id(),
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
    )


class RunRepository:
    """Runs of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(self, *, dataset_id: str, policy: dict[str, Any], created_by: str) -> RunRecord:
        """Queue a run of a dataset under a policy.

        Raises
        ------
        NotFound
            If the dataset is unknown or deleted.
        """
        with self._db.session(write=True) as session:
            # FOR SHARE: a concurrent dataset delete waits for this run to be committed and
            # then sees it queued.
            exists = session.execute(
                select(Dataset.id)
                .where(Dataset.id == dataset_id, Dataset.deleted_at.is_(None))
                .with_for_update(read=True)
            ).scalar_one_or_none()
            if exists is None:
                raise NotFound(f"no dataset {dataset_id}")
            row = new_run_row(dataset_id=dataset_id, policy=policy, created_by=created_by)
            session.add(row)
        return run_record(row)

    def count_active(self, *, created_by: str) -> int:
        """Number of queued or running runs created by ``created_by``."""
        query = (
            select(func.count())
            .select_from(Run)
            .where(Run.created_by == created_by, Run.status.in_(ACTIVE_STATUSES))
        )
        with self._db.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def get(self, run_id: str) -> RunRecord | None:
        """Return a run, or None if unknown."""
        with self._db.session(write=False) as session:
            row = session.get(Run, run_id)
            return None if row is None else run_record(row)

    def latest(self, *, status: str | None = None, limit: int = 100) -> list[RunRecord]:
        """Return runs, newest first, optionally of one status (``limit`` capped at 1000)."""
        if status is not None and status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        query = select(Run).order_by(Run.created_at.desc(), Run.id).limit(capped(limit))
        if status is not None:
            query = query.where(Run.status == status)
        with self._db.session(write=False) as session:
            return [run_record(row) for row in session.execute(query).scalars()]

    def _transition(self, run_id: str, sources: tuple[str, ...], **values: Any) -> bool:
        query = (
            update(Run)
            .where(Run.id == run_id, Run.status.in_(sources))
            .values(**values)
            .returning(Run.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return session.execute(query).scalar_one_or_none() is not None

    def start(self, run_id: str) -> bool:
        """Move a run from queued to running; False if it is not queued (e.g. cancelled)."""
        return self._transition(run_id, ("queued",), status="running", started_at=utc_now())

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

    def finish(
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
            finished_at=utc_now(),
            summary=summary,
            plan_csv=compress(plan_csv),
            gaps_csv=compress(gaps_csv),
            error=error,
        )

    def cancel(self, run_id: str) -> bool:
        """Cancel a queued or running run; False if unknown or already finished."""
        return self._transition(run_id, ACTIVE_STATUSES, status="cancelled", finished_at=utc_now())

    def fail_interrupted(self, reason: str) -> list[str]:
        """Mark every running run failed with ``reason``; return their ids, sorted.

        Meant for start-up, when no worker of this database can still be running. Queued runs
        are left queued: nothing of them was done, and the pool resumes them.
        """
        query = (
            update(Run)
            .where(Run.status == "running")
            .values(status="failed", finished_at=utc_now(), error=reason)
            .returning(Run.id)
            .execution_options(synchronize_session=False)
        )
        with self._db.session(write=True) as session:
            return sorted(session.execute(query).scalars())

    def outputs(self, run_id: str) -> tuple[bytes | None, bytes | None]:
        """Return ``(plan_csv, gaps_csv)``; both None if the run is unknown or has none."""
        with self._db.session(write=False) as session:
            row = session.execute(
                select(Run.plan_csv, Run.gaps_csv).where(Run.id == run_id)
            ).one_or_none()
        if row is None:
            return None, None
        return decompress(row.plan_csv), decompress(row.gaps_csv)
