"""Sweeps: one stored dataset and base policy solved at every point of a grid, queued in the
database and worked on by the sweep workers of any instance; created, read, listed, cancelled
and their table of results handed out on behalf of the routes.

Points are solved exactly as ``placement sweep`` solves them: :func:`~placement.batch.sweep.
solve_point` for each point on an executor, with the same retries — by
default in the sweep worker's own thread, one point after another (a
:class:`~placement.executors.LocalPool` of one), or on the Dask cluster at
``settings.dask_address`` (:class:`~placement.executors.DaskCluster`), which solves them in
parallel. Each point's row is stored as it arrives, so the progress and the partial table are
always at hand. Cancelling marks the sweep ``cancelled``; its worker notices at the next point it
finishes (or at its next lease renewal, on another instance), stores nothing more and leaves the
remaining points unsolved: the points stored before the cancel stay. A sweep whose instance
stopped or died is claimed again and continues with the points that have no result yet. Every
step writes an audit record in the sweep's agency's trail, and is counted in the metrics. A
sweep's texts (its points' reasons, its error) are in the language of the request that queued
it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from typing import Any

import pandas as pd

from api.core.metrics import Metrics
from api.core.problems import ApiError
from api.db.records import ACTIVE_STATUSES, SweepPointRecord, SweepRecord
from api.db.repositories.sweeps import SweepRepository
from api.db.store import Store
from api.schemas.sweeps import FailedPoint, SweepCreate, SweepOut, SweepProgress
from api.services.datasets import check_pairs, dataset_from_payload, load_stored
from api.services.runs import validated_policy
from api.services.workers import LeasedPool, StopWorkError
from api.settings import Settings
from placement.batch.runs import FAILED, BatchRun, failed_run
from placement.batch.sweep import (
    GRID,
    RETRIES,
    Point,
    PointRun,
    SweepBase,
    read_grid,
    solve_point,
    sweep_table,
)
from placement.contract.dataset import Dataset
from placement.contract.policy import POLICY
from placement.errors import DatasetError, PlacementError, Problem
from placement.executors import DaskCluster, Executor, LocalPool, Outcome
from placement.i18n import DEFAULT_LOCALE, current_locale, t, translate, use_locale
from placement.reports.kpis import KPI_ROWS

log = logging.getLogger(__name__)

#: Where the points of a sweep are solved, as a sweep records it.
SERVICE, DASK = "service", "dask"


def sweep_policy(body: SweepCreate, dataset: Dataset, settings: Settings) -> dict[str, Any]:
    """The base policy of a sweep: the body's policy with the time limit every point gets
    (``time_limit_s`` of the body, else of the policy, else the service's default).

    Raises
    ------
    DatasetError
        When the policy has problems, or a time limit is beyond the service's.
    """
    raw = dict(body.policy)
    problems: list[Problem] = []
    if body.time_limit_s is not None:
        raw["time_limit_s"] = body.time_limit_s
        if body.time_limit_s > settings.max_time_limit_s:
            message = t("api.policy.time_limit_too_long", max=f"{settings.max_time_limit_s:g}")
            problems.append(Problem(POLICY, None, "time_limit_s", message))
    try:
        policy = validated_policy(raw, dataset, settings)
    except DatasetError as err:
        raise DatasetError([*problems, *(p for p in err.problems if p not in problems)]) from err
    if problems:
        raise DatasetError(problems)
    raw["time_limit_s"] = policy.time_limit_s
    return raw


def check_points(points: list[Point], settings: Settings) -> None:
    """Refuse a grid with more points than the service takes, or a point that asks for more
    time than it allows.

    Raises
    ------
    DatasetError
        Listing every such problem (table ``grid``).
    """
    problems: list[Problem] = []
    most = settings.max_sweep_points
    if len(points) > most:
        message = f"{len(points):,} points; this service takes at most {most:,}"
        problems.append(Problem(GRID, None, None, message))
    limit = settings.max_time_limit_s
    for point in points:
        for change in point.changes:
            if (
                isinstance(change, dict)
                and change.get("op") == "policy"
                and change.get("key") == "time_limit_s"
                and isinstance(change.get("value"), int | float)
                and change["value"] > limit
            ):
                message = t("api.sweep.point_time_limit", point=str(point.number), max=f"{limit:g}")
                problems.append(Problem(GRID, point.number, "time_limit_s", message))
    if problems:
        raise DatasetError(problems)


def _without_files(run: BatchRun) -> BatchRun:
    return dataclasses.replace(run, files={})


def _plain(value: Any) -> Any:
    """A table cell as JSON keeps it: numpy scalars plain, NaN ``None``."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def point_record(sweep_id: str, point_run: PointRun) -> SweepPointRecord:
    """What the database keeps of one solved point."""
    run = point_run.run
    return SweepPointRecord(
        sweep_id=sweep_id,
        number=point_run.point.number,
        label=point_run.point.label,
        settings=dict(point_run.point.settings),
        row={key: _plain(value) for key, value in run.row().items()},
        status=run.status,
        error=run.error,
    )


def stored_run(point: SweepPointRecord) -> PointRun:
    """A stored point as the sweep table's input (without the run's files)."""
    row = point.row
    return PointRun(
        Point(number=point.number, label=point.label, settings=dict(point.settings), changes=()),
        BatchRun(
            status=point.status,
            figures={key: row.get(key) for key in KPI_ROWS},
            expected_skp_effect=row.get("expected_skp_effect"),
            runtime_s=row.get("runtime_s"),
            error=row.get("error"),
        ),
    )


def results_table(store: Store, sweep: SweepRecord) -> pd.DataFrame:
    """The sweep's table (:func:`placement.batch.sweep.sweep_table`) of the points stored so
    far, in point order: the same table ``placement sweep`` writes."""
    return sweep_table([stored_run(p) for p in store.sweeps.points([sweep.id])])


class SweepPool(LeasedPool[SweepRecord]):
    """The sweep workers of one instance, working on sweeps they claim from the database.

    A :class:`~api.services.workers.LeasedPool`: a dispatcher thread claims the oldest claimable
    sweep whenever a worker is free (at once when this instance queued one, every ``poll_s``
    otherwise) and a keeper thread renews the leases of the sweeps held; a sweep no longer held
    (cancelled, or taken over) stops after its current point.

    Parameters
    ----------
    store
        Where sweeps, their points and the audit trail live.
    settings
        The worker count, the Dask scheduler, the poll interval and the lease.
    metrics
        Where sweep counts, point outcomes and point solve times are reported.
    owner
        This instance's name in the leases; a new unique one when not given.
    """

    def __init__(
        self, store: Store, settings: Settings, metrics: Metrics, *, owner: str | None = None
    ) -> None:
        super().__init__(
            store, settings, workers=settings.sweep_workers, noun="sweep",
            threads="placement-sweep", owner=owner,
            # Sweeps of several requests fail at once: the reason is in the default language.
            exhausted=translate("api.sweep.error.exhausted", DEFAULT_LOCALE),
        )  # fmt: skip
        self._metrics = metrics

    def held_changed(self, count: int) -> None:
        """Report the sweeps this instance works on."""
        self._metrics.sweeps_active.set(count)

    def fail_exhausted(self) -> list[str]:
        """Fail the sweeps whose lease expired too many times, and count them."""
        failed = super().fail_exhausted()
        for _ in failed:
            self._metrics.sweeps.labels("failed").inc()
        return failed

    @property
    def queue(self) -> SweepRepository:
        """The sweeps of the store."""
        return self._store.sweeps

    @property
    def where(self) -> str:
        """Where this instance solves the points of sweeps: :data:`DASK` or :data:`SERVICE`."""
        return DASK if self._settings.dask_address else SERVICE

    def _open_executor(self) -> Executor:
        address = self._settings.dask_address
        return DaskCluster(address) if address else LocalPool(1)

    def work(self, sweep: SweepRecord) -> None:
        """Solve the points of a claimed sweep that have no result yet, unless it is stopped."""
        # A worker thread does not inherit the request's context: the points' reasons (a
        # refusal, a diagnosis) and the sweep's error are rendered in the locale the sweep was
        # queued in, kept with it for that. The executors carry the locale to where the points
        # are solved (this thread, or a Dask worker).
        with use_locale(sweep.locale):
            self._sweep(sweep)

    def _sweep(self, sweep: SweepRecord) -> None:
        store = self._store
        self._metrics.sweeps.labels("running").inc()
        self.audit(
            sweep, "sweep.start",
            {"attempt": sweep.attempts, "instance": self.owner, "executor": self.where},
        )  # fmt: skip
        started = time.perf_counter()
        try:
            dataset = self._dataset(sweep.dataset_id)
            have = {p.number for p in self.retrying(lambda: store.sweeps.points([sweep.id]))}
            todo = [p for p in read_grid(sweep.spec) if p.number not in have]
            if todo:
                self._solve(sweep, dataset, todo)
        except StopWorkError:
            self._interrupted(sweep, time.perf_counter() - started)
            return
        except PlacementError as exc:
            self._fail(sweep, str(exc) or type(exc).__name__)
            return
        except Exception:
            log.exception("sweep %s failed with an unexpected error", sweep.id)
            self._fail(sweep, t("api.sweep.error.internal"))
            return
        without = self.retrying(lambda: store.sweeps.points([sweep.id], without_plan=True))
        failed = [p.number for p in without if p.status == FAILED]
        status = "failed" if failed else "succeeded"
        error = (
            t("api.sweep.error.points_failed", n=len(failed), points=str(failed))
            if failed
            else None
        )
        if self.retrying(
            lambda: store.sweeps.finish(sweep.id, status=status, error=error, owner=self.owner)
        ):
            details = {
                "points": sweep.total,
                "without_plan": len(without),
                "failed": failed,
                "elapsed_s": round(time.perf_counter() - started, 3),
            }
            self._metrics.sweeps.labels(status).inc()
            self.audit(sweep, f"sweep.{status}", details)

    def _solve(self, sweep: SweepRecord, dataset: Dataset, todo: list[Point]) -> None:
        """Solve ``todo`` as :func:`~placement.batch.sweep.run_sweep` does (the same task, the
        same retries), storing each point as it arrives; the executor keeps no point's files,
        so a long sweep holds none of them in memory."""

        def finished(outcome: Outcome[BatchRun]) -> None:
            run = outcome.value if outcome.error is None else failed_run(outcome.error)
            assert run is not None
            self._record(sweep, PointRun(todo[outcome.index], run))

        executor = self._open_executor()
        try:
            executor.run(
                solve_point, SweepBase(dataset, dict(sweep.policy)), todo, retries=RETRIES,
                on_done=finished, keep=_without_files,
            )  # fmt: skip
        finally:
            executor.close()

    def _record(self, sweep: SweepRecord, point_run: PointRun) -> None:
        """Store a finished point; stop the sweep when it may not continue."""
        point = point_record(sweep.id, point_run)
        stored = self.retrying(lambda: self._store.sweeps.add_point(point, owner=self.owner))
        if stored:
            # Counted when stored, as a point is stored once whichever instance solves it (one
            # solved for a sweep cancelled or taken over meanwhile is dropped, not counted).
            self._metrics.sweep_points.labels(point.status).inc()
            runtime = point_run.run.runtime_s
            if runtime is not None:
                self._metrics.solve_seconds.labels("sweep_point").observe(runtime)
        if not stored or self.should_stop(sweep.id):
            raise StopWorkError

    def _dataset(self, dataset_id: str) -> Dataset:
        payload = self.retrying(lambda: self._store.datasets.payload(dataset_id))
        if payload is None:
            raise PlacementError(t("api.dataset.gone", id=dataset_id))
        return dataset_from_payload(payload)

    def _interrupted(self, sweep: SweepRecord, elapsed: float) -> None:
        if self.released(sweep):
            return
        current = self._store.sweeps.get(sweep.id)
        reason = (
            "the sweep was cancelled"
            if current is not None and current.status == "cancelled"
            else "the lease expired and another instance took the sweep over"
        )
        self.audit(
            sweep, "sweep.stopped",
            {"reason": reason, "done": current.done if current else None,
             "elapsed_s": round(elapsed, 3)},
        )  # fmt: skip

    def _fail(self, sweep: SweepRecord, error: str) -> None:
        if self.retrying(
            lambda: self._store.sweeps.finish(
                sweep.id, status="failed", error=error, owner=self.owner
            )
        ):
            self._metrics.sweeps.labels("failed").inc()
            self.audit(sweep, "sweep.failed", {"error": error})


def sweep_out(record: SweepRecord, without_plan: list[SweepPointRecord]) -> SweepOut:
    """The DTO of a stored sweep and its points without a plan."""
    return SweepOut(
        id=record.id,
        dataset_id=record.dataset_id,
        status=record.status,  # type: ignore[arg-type]
        policy=dict(record.policy),
        grid=dict(record.spec),
        executor=record.executor,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        created_by=record.created_by,
        progress=SweepProgress(
            done=record.done, total=record.total, without_plan=record.without_plan
        ),
        failed_points=[
            FailedPoint(point=p.number, label=p.label, status=p.status, error=p.error)
            for p in without_plan
        ],
        error=record.error,
    )


def create_sweep(
    store: Store,
    pool: SweepPool,
    settings: Settings,
    metrics: Metrics,
    body: SweepCreate,
    actor: str,
) -> SweepRecord:
    """Validate the dataset, the base policy and the grid, queue the sweep and audit it.

    Nothing is stored when anything is refused: 404 for an unknown dataset, 413 for one too
    large, 422 listing every problem of the policy (table ``policy``) or the grid (``grid``),
    429 when the key has too many sweeps going.
    """
    dataset = load_stored(store, body.dataset_id)
    check_pairs(dataset, settings.max_pairs)
    problems: list[Problem] = []
    policy: dict[str, Any] = {}
    points: list[Point] = []
    try:
        policy = sweep_policy(body, dataset, settings)
    except DatasetError as err:
        problems += err.problems
    try:
        points = read_grid(body.spec())
        check_points(points, settings)
    except DatasetError as err:
        problems += err.problems
    if problems:
        raise DatasetError(problems)
    if store.sweeps.count_active(created_by=actor) >= settings.max_active_runs_per_key:
        raise ApiError(
            429,
            t("api.sweep.too_many_active", n=settings.max_active_runs_per_key),
            kind="busy",
            headers={"Retry-After": "30"},
        )
    spec = body.spec()
    record = store.sweeps.create(
        dataset_id=body.dataset_id, policy=policy, spec=spec, total=len(points),
        executor=pool.where, created_by=actor, locale=current_locale(),
    )  # fmt: skip
    store.audit.append(
        actor=actor,
        action="sweep.create",
        target=record.id,
        details={
            "dataset_id": body.dataset_id,
            "input_sha256": dataset.sha256,
            "policy": policy,
            "grid": spec,
            "points": len(points),
            "executor": pool.where,
        },
    )
    metrics.sweeps.labels("queued").inc()
    pool.submit(record.id)
    return record


def get_sweep(store: Store, sweep_id: str) -> SweepRecord:
    """The sweep ``sweep_id``; 404 when there is none."""
    record = store.sweeps.get(sweep_id)
    if record is None:
        raise ApiError(404, f"no sweep {sweep_id!r}", kind="not-found")
    return record


def read_sweep(store: Store, sweep_id: str) -> SweepOut:
    """The sweep ``sweep_id`` with its points without a plan; 404 when there is none."""
    record = get_sweep(store, sweep_id)
    return sweep_out(record, store.sweeps.points([record.id], without_plan=True))


def list_sweeps(
    store: Store, *, status: str | None, cursor: str | None, limit: int
) -> tuple[list[SweepOut], str | None]:
    """One page of the agency's sweeps, newest first, and the next page's cursor.

    Raises
    ------
    ApiError
        422 for an unknown status or a cursor this service did not give out.
    """
    try:
        records, after = store.sweeps.page(status=status, cursor=cursor, limit=limit)
    except ValueError as exc:
        raise ApiError(422, str(exc), kind="invalid-input") from exc
    failed: dict[str, list[SweepPointRecord]] = {}
    for point in store.sweeps.points([r.id for r in records], without_plan=True):
        failed.setdefault(point.sweep_id, []).append(point)
    return [sweep_out(r, failed.get(r.id, [])) for r in records], after


def cancel_sweep(
    store: Store, pool: SweepPool, metrics: Metrics, sweep_id: str, actor: str
) -> SweepOut:
    """Cancel a queued or running sweep, keeping the points done; 409 when it has finished."""
    record = get_sweep(store, sweep_id)
    if record.status not in ACTIVE_STATUSES or not store.sweeps.cancel(sweep_id):
        current = get_sweep(store, sweep_id)
        raise ApiError(
            409, f"the sweep has already finished ({current.status})", kind="sweep-finished"
        )
    pool.cancel(sweep_id)
    metrics.sweeps.labels("cancelled").inc()
    store.audit.append(
        actor=actor,
        action="sweep.cancel",
        target=sweep_id,
        details={"was": record.status, "done": record.done, "total": record.total},
    )
    return read_sweep(store, sweep_id)
