"""Runs: queued in the database, claimed under a lease by the worker threads of any instance;
created, read, listed, cancelled, deleted and their outputs fetched on behalf of the routes.

Each worker calls :func:`placement.solve` with the policy's time limit (the settings' default
when the policy sets none, so a solve always ends): the MIP back-ends then run in a child process
(the race of HiGHS and CP-SAT on smaller models in two threads) that the engine ends at the
deadline. Progress goes to the store as it arrives. Cancelling a run
marks it ``cancelled`` in the store; the worker holding it, on whichever instance, notices when
it renews its lease, stops the solve at its next progress report and discards whatever it finds,
since :meth:`RunRepository.finish` only finishes a ``running`` run its owner holds. Every step
writes an audit record, in the run's agency's trail.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from typing import Any

from api.core.metrics import Metrics
from api.core.problems import ApiError
from api.db.errors import Unavailable
from api.db.records import ACTIVE_STATUSES, RunRecord
from api.db.repositories.runs import RunRepository
from api.db.store import Store
from api.schemas.runs import Progress, RunCreate, RunOut
from api.services.datasets import check_pairs, dataset_from_payload, load_stored
from api.services.workers import LeasedPool, StopWorkError
from api.settings import Settings
from placement.contract.dataset import Dataset
from placement.contract.policy import POLICY, Policy, load_policy
from placement.engine import ProgressCallback, Solution, solve
from placement.errors import DatasetError, PlacementError, Problem
from placement.i18n import DEFAULT_LOCALE, current_locale, t, translate, use_locale
from placement.runs.formats import gaps_csv_text, plan_csv_text, read_previous

log = logging.getLogger(__name__)

#: Seconds between two progress writes of one run (the last report is always written).
PROGRESS_EVERY_S = 0.5
_PLANNED = ("OPTIMAL", "FEASIBLE")


def effective_policy(policy: Policy, settings: Settings) -> Policy:
    """``policy`` with the time limit the service enforces (the default when it sets none)."""
    limit = (
        policy.time_limit_s if policy.time_limit_s is not None else settings.default_time_limit_s
    )
    return dataclasses.replace(policy, time_limit_s=min(limit, settings.max_time_limit_s))


def validated_policy(raw: dict[str, Any], dataset: Dataset, settings: Settings) -> Policy:
    """``raw`` validated against ``dataset``, within the service's time limit.

    Raises
    ------
    DatasetError
        When the policy has problems, or asks for more time than the service allows.
    """
    policy = load_policy(raw, dataset)
    limit = policy.time_limit_s
    if limit is not None and limit > settings.max_time_limit_s:
        message = t("api.policy.time_limit_too_long", max=f"{settings.max_time_limit_s:g}")
        raise DatasetError([Problem(POLICY, None, "time_limit_s", message)])
    return effective_policy(policy, settings)


def solution_outputs(solution: Solution) -> tuple[bytes | None, bytes | None]:
    """plan.csv and gaps.csv of ``solution`` as bytes, or ``None`` without a plan."""
    if solution.plan is None or solution.gaps is None:
        return None, None
    return (
        plan_csv_text(solution.plan).encode("utf-8"),
        gaps_csv_text(solution.gaps).encode("utf-8"),
    )


def result_details(solution: Solution) -> dict[str, Any]:
    """What the audit trail records of a finished solve."""
    s = solution.summary
    return {
        "status": s.get("status"),
        "objective": s.get("objective"),
        "bound": s.get("bound"),
        "solver": s.get("solver"),
        "input_sha256": s.get("input_sha256"),
        "engine_version": s.get("engine_version"),
        "runtime_s": s.get("runtime_s"),
    }


class RunPool(LeasedPool[RunRecord]):
    """The worker threads of one instance, solving runs they claim from the database.

    A dispatcher thread claims the oldest claimable run (queued, or running under an expired
    lease) whenever a worker is free, and hands it to the worker; it looks again at once when
    this instance queues a run and every ``poll_s`` seconds otherwise. A keeper thread renews
    the leases of the runs this instance solves; a run it no longer holds (cancelled by any
    instance, or taken over after an expiry) is stopped at its next progress report. Only the
    lease's owner can finish a run.

    Parameters
    ----------
    store
        Where runs, their progress and their results live.
    settings
        The worker count, time limits and the lease.
    metrics
        Where run counts and solve times are reported.
    owner
        This instance's name in the leases; a new unique one when not given.
    """

    def __init__(
        self, store: Store, settings: Settings, metrics: Metrics, *, owner: str | None = None
    ) -> None:
        super().__init__(
            store, settings, workers=settings.workers, noun="run", threads="placement",
            # Runs of several requests fail at once: the reason is in the default language.
            exhausted=translate("api.run.error.exhausted", DEFAULT_LOCALE), owner=owner,
        )  # fmt: skip
        self._metrics = metrics

    @property
    def queue(self) -> RunRepository:
        """The runs of the store."""
        return self._store.runs

    def held_changed(self, count: int) -> None:
        """Report the runs this instance solves."""
        self._metrics.runs_active.set(count)

    @property
    def backlog(self) -> int:
        """Runs queued for or held by a worker in the database (every instance's, every
        agency's): the load ``max_queued_runs`` bounds."""
        return self._store.runs.count_waiting()

    def fail_exhausted(self) -> list[str]:
        """Fail the runs whose lease expired too many times, and count them."""
        failed = super().fail_exhausted()
        for _ in failed:
            self._metrics.runs.labels("failed").inc()
        return failed

    def work(self, run: RunRecord) -> None:
        """Solve a claimed run and store its outputs, unless it is stopped."""
        # A worker thread does not inherit the request's context: the run's texts (its error,
        # the engine's diagnosis in its summary) are rendered in the locale the run was queued
        # in, kept with the run for that.
        with use_locale(run.locale):
            self._solve(run)

    def _solve(self, run: RunRecord) -> None:
        store, run_id, owner = self._store, run.id, self.owner
        self._metrics.runs.labels("running").inc()
        self.audit(run, "run.start", {"attempt": run.attempts, "instance": owner})
        started = time.perf_counter()
        try:
            dataset = self._dataset(run.dataset_id)
            policy = effective_policy(load_policy(run.policy, dataset), self._settings)
            # A scenario of a run changes only what it must: its base run's plan breaks ties.
            previous = self._previous(run_id)
            solution = solve(
                dataset, policy, previous=previous, fewest_changes=previous is not None,
                on_progress=self._progress(run_id, started),
            )  # fmt: skip
        except StopWorkError:
            self._interrupted(run, time.perf_counter() - started)
            return
        except PlacementError as exc:
            self._fail(run, str(exc) or type(exc).__name__)
            return
        except Exception:
            log.exception("run %s failed with an unexpected error", run_id)
            self._fail(run, t("api.run.error.internal"))
            return
        elapsed = time.perf_counter() - started
        self._metrics.solve_seconds.labels("run").observe(elapsed)
        plan_csv, gaps_csv = solution_outputs(solution)
        has_plan = solution.status in _PLANNED and plan_csv is not None
        status = "succeeded" if has_plan else "failed"
        error = None if has_plan else no_plan_reason(solution.summary)
        self.retrying(
            lambda: store.runs.update_progress(
                run_id, objective=solution.objective, bound=solution.bound, elapsed_s=elapsed,
                owner=owner,
            )
        )  # fmt: skip
        try:
            finished = self.retrying(
                lambda: store.runs.finish(
                    run_id,
                    status=status,
                    summary=solution.summary,
                    plan_csv=plan_csv,
                    gaps_csv=gaps_csv,
                    error=error,
                    owner=owner,
                )
            )
        except Unavailable as exc:
            # A full disk refuses the outputs but may still take the small status change.
            log.error("run %s: the outputs could not be stored (%s)", run_id, exc)
            self._fail(run, t("api.run.error.not_stored"))
            return
        details = result_details(solution) | {"policy": solution.summary.get("policy")}
        if finished:
            self._metrics.runs.labels(status).inc()
            self.audit(run, f"run.{status}", details | {"attempt": run.attempts, "instance": owner})
        else:
            self.audit(run, "run.discarded", details | {"reason": self._lost_reason(run_id)})

    def _lost_reason(self, run_id: str) -> str:
        current = self._store.runs.get(run_id)
        if current is not None and current.status == "cancelled":
            return "the run was cancelled while it was solved"
        return "the lease expired and another instance took the run over"

    def _previous(self, run_id: str) -> dict[str, str] | None:
        """The plan a scenario re-optimises against: its base run's (nip → position_id, ""
        unplaced), or None for a run that is not a scenario of a run with a plan."""
        scenario = self.retrying(lambda: self._store.scenarios.get(run_id))
        if scenario is None or scenario.base_run_id is None:
            return None
        base = scenario.base_run_id
        plan_csv, _ = self.retrying(lambda: self._store.runs.outputs(base))
        if plan_csv is None:
            return None
        return read_previous(plan_csv)

    def _dataset(self, dataset_id: str) -> Dataset:
        payload = self._store.datasets.payload(dataset_id)
        if payload is None:
            raise PlacementError(t("api.dataset.gone", id=dataset_id))
        return dataset_from_payload(payload)

    def _progress(self, run_id: str, started: float) -> ProgressCallback:
        last = [0.0]

        def on_progress(objective: int | None, bound: int | None, _elapsed: float) -> None:
            if self.should_stop(run_id):
                raise StopWorkError
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                # Progress is a courtesy: a database that cannot take it must not stop the solve.
                with contextlib.suppress(Unavailable):
                    self._store.runs.update_progress(
                        run_id, objective=objective, bound=bound, elapsed_s=now - started,
                        owner=self.owner,
                    )  # fmt: skip

        return on_progress

    def _interrupted(self, run: RunRecord, elapsed: float) -> None:
        if self.released(run):
            return
        self.audit(
            run,
            "run.stopped",
            {"reason": self._lost_reason(run.id), "elapsed_s": round(elapsed, 3)},
        )

    def _fail(self, run: RunRecord, error: str) -> None:
        store = self._store
        if self.retrying(
            lambda: store.runs.finish(
                run.id, status="failed", summary=None, plan_csv=None, gaps_csv=None, error=error,
                owner=self.owner,
            )
        ):  # fmt: skip
            self._metrics.runs.labels("failed").inc()
            self.audit(run, "run.failed", {"error": error})


#: The language of the solvers' own messages (technical texts no catalog translates).
SOLVER_LOCALE = "en"


def no_plan_reason(summary: dict[str, Any]) -> str:
    """Why a solve with ``summary`` (summary.json) ended without a plan, in the current locale.

    The solver's own message is added in its language only: in another it would be a foreign
    sentence in the answer; summary.json keeps it for every reader.
    """
    status = str(summary.get("status"))
    message = summary.get("message") if current_locale() == SOLVER_LOCALE else None
    if status == "INFEASIBLE":
        reason = t("api.run.error.infeasible")
    elif status == "TIMEOUT_NO_SOLUTION":
        reason = t("api.run.error.timeout")
    else:
        reason = t("api.run.error.no_plan", status=status)
    return t("api.run.error.with_message", reason=reason, message=message) if message else reason


def run_error(record: RunRecord) -> str | None:
    """The error of ``record`` in the reader's locale where it can be said again from what the
    run stored (a solve that ended without a plan), else as the worker wrote it, in the locale
    the run was queued in."""
    summary = record.summary
    if record.status == "failed" and summary is not None and summary.get("status"):
        return no_plan_reason(summary)
    return record.error


def run_out(record: RunRecord) -> RunOut:
    """The DTO of a stored run."""
    return RunOut(
        id=record.id,
        dataset_id=record.dataset_id,
        status=record.status,  # type: ignore[arg-type]
        policy=dict(record.policy),
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        created_by=record.created_by,
        progress=Progress(
            best_objective=record.best_objective,
            best_bound=record.best_bound,
            elapsed_s=record.elapsed_s,
        ),
        summary=record.summary,
        error=run_error(record),
    )


def check_backlog(pool: RunPool, settings: Settings) -> None:
    """Refuse (429) a new run while too many wait for a worker."""
    if pool.backlog >= settings.max_queued_runs:
        raise ApiError(
            429, t("api.run.queue_full"), kind="busy",
            headers={"Retry-After": "30"},
        )  # fmt: skip


def create_run(
    store: Store, pool: RunPool, settings: Settings, metrics: Metrics, body: RunCreate, actor: str
) -> RunRecord:
    """Validate the policy against the stored dataset, queue the run and audit it."""
    dataset = load_stored(store, body.dataset_id)
    check_pairs(dataset, settings.max_pairs)
    policy = validated_policy(body.policy, dataset, settings)
    check_backlog(pool, settings)
    if store.runs.count_active(created_by=actor) >= settings.max_active_runs_per_key:
        raise ApiError(
            429,
            t("api.run.too_many_active", n=settings.max_active_runs_per_key),
            kind="busy",
            headers={"Retry-After": "30"},
        )
    record = store.runs.create(
        dataset_id=body.dataset_id,
        policy=policy.to_dict(),
        created_by=actor,
        locale=current_locale(),
    )
    store.audit.append(
        actor=actor,
        action="run.create",
        target=record.id,
        details={
            "dataset_id": body.dataset_id,
            "input_sha256": dataset.sha256,
            "policy": policy.to_dict(),
        },
    )
    metrics.runs.labels("queued").inc()
    pool.submit(record.id)
    return record


def get_run(store: Store, run_id: str) -> RunRecord:
    """The run ``run_id``; 404 when there is none."""
    record = store.runs.get(run_id)
    if record is None:
        raise ApiError(404, t("api.run.not_found", id=repr(run_id)), kind="not-found")
    return record


def cancel_run(store: Store, pool: RunPool, metrics: Metrics, run_id: str, actor: str) -> RunRecord:
    """Cancel a queued or running run; 409 when it has already finished."""
    record = get_run(store, run_id)
    if record.status not in ACTIVE_STATUSES or not store.runs.cancel(run_id):
        current = get_run(store, run_id)
        raise ApiError(
            409, t("api.run.already_finished", status=current.status), kind="run-finished"
        )
    pool.cancel(run_id)
    metrics.runs.labels("cancelled").inc()
    store.audit.append(
        actor=actor, action="run.cancel", target=run_id, details={"was": record.status}
    )
    return get_run(store, run_id)


def delete_run(store: Store, run_id: str, actor: str) -> None:
    """Delete a finished run (retention): its policy, summary, plan and gaps are erased and the
    audit trail records what was removed; 404 when there is none, 409 while it is active."""
    removed = store.runs.delete(run_id)
    if removed is None:
        raise ApiError(404, t("api.run.not_found", id=repr(run_id)), kind="not-found")
    store.audit.append(actor=actor, action="run.delete", target=run_id, details=removed)


def run_output(store: Store, run_id: str, which: str) -> bytes:
    """plan.csv (``which`` = ``plan``) or gaps.csv of a succeeded run; 404 or 409 otherwise."""
    record = get_run(store, run_id)
    plan, gaps = store.runs.outputs(run_id)
    data = plan if which == "plan" else gaps
    if record.status != "succeeded" or data is None:
        raise ApiError(
            409,
            (
                t("api.run.no_plan_output", status=record.status)
                if which == "plan"
                else t("api.run.no_gaps_output", status=record.status)
            ),
            kind="no-plan",
        )
    return data
