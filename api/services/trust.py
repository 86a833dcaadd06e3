"""What the trust endpoints do: explain, diagnose, judge, compare and report finished runs.

A finished run is rebuilt from what it stored: its dataset, its resolved policy, summary.json
and plan.csv (see :mod:`placement.runs.stored`); nothing is solved again to rebuild it. Rebuilt runs
and the results computed on them (explanations re-solve the problem many times) are kept in a
bounded memory per application: both are deterministic for a finished run, so a result is
computed once and shared by every request that asks for it.

A computation runs in a thread of its own, at most ``settings.workers`` at a time, in the locale
of the request that started it: a new thread does not inherit the request's context, so the
computation is run in a copy of it. Results hold text rendered in that locale (the library's
explanations, diagnoses and reports render their reasons as they are built), so each result is
kept per locale: a reader of the other language gets it computed once more, in theirs. A request
waits for its result at most ``settings.sync_time_limit_s`` seconds; after that the computation
goes on and the same request later gets the result. An explanation then answers 202 with the
address to poll (:class:`ResultPendingError`); the other results answer 503 with ``Retry-After``.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from anyio import to_thread

from api.core.problems import ApiError
from api.db.records import ACTIVE_STATUSES, RunRecord
from api.db.store import Store
from api.schemas.trust import (
    ComparisonOut,
    DiagnosisOut,
    FairnessOut,
    FiguresOut,
    PersonExplanationOut,
    PositionExplanationOut,
)
from api.services.datasets import load_stored
from api.services.runs import get_run
from api.settings import Settings
from placement.analysis.compare import compare
from placement.analysis.explain import explain_person, explain_position
from placement.analysis.fairness import fairness
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.engine import Solution, Status
from placement.errors import PlacementError
from placement.i18n import current_locale, t
from placement.model.diagnose import diagnose
from placement.reports.decree import decree_workbook
from placement.reports.figures import plan_figures
from placement.reports.html import render_report
from placement.runs.stored import stored_solution

T = TypeVar("T")

#: Rebuilt runs kept in memory (each holds its dataset).
RUNS_KEPT = 8
#: Computed results kept in memory.
RESULTS_KEPT = 256


@dataclass(frozen=True)
class FinishedRun:
    """A finished run rebuilt from the store: its input, policy and solution."""

    record: RunRecord
    dataset: Dataset
    policy: Policy
    solution: Solution


class ResultPendingError(Exception):
    """A result still being computed when its request stopped waiting: ask again later."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(f"still being computed after {waited_s:g} seconds")
        self.waited_s = waited_s


class Memo:
    """Results by key, computed once each in a thread of their own; the newest ``size`` kept.

    Parameters
    ----------
    size
        How many finished results are kept (least recently used ones are dropped first).
    slots
        Computations that may run at once, shared with other memos.
    """

    def __init__(self, size: int, slots: threading.Semaphore) -> None:
        self._size = size
        self._slots = slots
        self._lock = threading.Lock()
        self._futures: OrderedDict[Hashable, concurrent.futures.Future[Any]] = OrderedDict()

    def start(self, key: Hashable, compute: Callable[[], T]) -> concurrent.futures.Future[T]:
        """The computation of ``key``: the one already known, or ``compute`` in a new thread.

        Raises
        ------
        ApiError
            429 when every slot is taken.
        """
        with self._lock:
            known = self._futures.get(key)
            if known is not None:
                self._futures.move_to_end(key)
                return known
            if not self._slots.acquire(blocking=False):
                raise ApiError(
                    429, t("api.trust.busy"),
                    kind="busy", headers={"Retry-After": "10"},
                )  # fmt: skip
            future: concurrent.futures.Future[T] = concurrent.futures.Future()
            self._futures[key] = future
            self._evict()
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run,
            args=(self._run, key, future, compute),
            name="placement-trust",
            daemon=True,
        )
        thread.start()
        return future

    async def wait(self, key: Hashable, compute: Callable[[], T], timeout_s: float) -> T:
        """The result of ``key``, waiting at most ``timeout_s`` seconds for it.

        Raises
        ------
        ResultPendingError
            When the computation takes longer; it goes on.
        Exception
            Whatever ``compute`` raised.
        """
        future = self.start(key, compute)
        try:
            return await to_thread.run_sync(lambda: future.result(timeout=timeout_s))
        except concurrent.futures.TimeoutError:
            raise ResultPendingError(timeout_s) from None

    async def get(self, key: Hashable, compute: Callable[[], T], timeout_s: float) -> T:
        """The result of ``key``, waiting at most ``timeout_s`` seconds for it.

        Raises
        ------
        ApiError
            503 with ``Retry-After`` when the computation takes longer; it goes on.
        Exception
            Whatever ``compute`` raised.
        """
        try:
            return await self.wait(key, compute, timeout_s)
        except ResultPendingError:
            raise ApiError(
                503,
                t("api.trust.in_progress", seconds=f"{timeout_s:g}"),
                kind="in-progress",
                headers={"Retry-After": "10"},
            ) from None

    def _run(
        self, key: Hashable, future: concurrent.futures.Future[T], compute: Callable[[], T]
    ) -> None:
        try:
            result = compute()
        except BaseException as exc:  # handed to the waiting request, which re-raises it
            with self._lock:
                # A failure is not kept: the next request tries again.
                if self._futures.get(key) is future:
                    del self._futures[key]
            future.set_exception(exc)
        else:
            future.set_result(result)
        finally:
            self._slots.release()

    def _evict(self) -> None:
        done = [k for k, f in self._futures.items() if f.done()]
        for key in done[: max(0, len(self._futures) - self._size)]:
            del self._futures[key]


class Trust:
    """The memories of one application: rebuilt runs and computed results."""

    def __init__(self, settings: Settings) -> None:
        slots = threading.Semaphore(settings.workers)
        self.timeout_s = settings.sync_time_limit_s
        self.runs = Memo(RUNS_KEPT, slots)
        self.results = Memo(RESULTS_KEPT, slots)

    async def finished(self, store: Store, run_id: str, *, poll: bool = False) -> FinishedRun:
        """The succeeded run ``run_id``, rebuilt; 404 unknown, 409 unfinished or without plan.

        With ``poll``, a rebuild that outlasts the wait raises :class:`ResultPendingError`
        instead of 503.
        """
        record = await to_thread.run_sync(_finished_record, store, run_id)
        memo = self.runs.wait if poll else self.runs.get
        return await memo(("run", run_id), lambda: _rebuild(store, record), self.timeout_s)

    async def compute(self, key: Hashable, compute: Callable[[], T], *, poll: bool = False) -> T:
        """The result of ``compute`` under ``key`` in the current locale (see :class:`Memo`);
        with ``poll``, one that outlasts the wait raises :class:`ResultPendingError` instead
        of 503."""
        memo = self.results.wait if poll else self.results.get
        return await memo((key, current_locale()), compute, self.timeout_s)


def _unfinished(record: RunRecord) -> ApiError:
    return ApiError(409, t("api.run.not_finished", status=record.status), kind="run-not-finished")


def _finished_record(store: Store, run_id: str) -> RunRecord:
    record = get_run(store, run_id)
    if record.status in ACTIVE_STATUSES:
        raise _unfinished(record)
    if record.status != "succeeded":
        raise ApiError(409, t("api.run.no_plan_output", status=record.status), kind="no-plan")
    if store.datasets.get(record.dataset_id) is None:
        raise ApiError(409, t("api.dataset.deleted"), kind="dataset-deleted")
    return record


def _rebuild(store: Store, record: RunRecord) -> FinishedRun:
    dataset = load_stored(store, record.dataset_id)
    plan_csv, gaps_csv = store.runs.outputs(record.id)
    try:
        policy = load_policy(record.policy, dataset)
        solution = stored_solution(
            dataset,
            policy,
            record.summary or {},
            None if plan_csv is None else plan_csv.decode("utf-8"),
            None if gaps_csv is None else gaps_csv.decode("utf-8"),
        )
    except PlacementError as exc:
        raise ApiError(
            409, t("api.run.not_rebuildable", reason=str(exc)), kind="not-rebuildable"
        ) from exc
    return FinishedRun(record=record, dataset=dataset, policy=policy, solution=solution)


def _require_employee(run: FinishedRun, nip: str) -> None:
    """404 when the run's dataset has no employee ``nip``."""
    if not run.dataset.employees["nip"].eq(nip).any():
        raise ApiError(404, t("api.run.no_employee", nip=repr(nip)), kind="not-found")


def _require_position(run: FinishedRun, position_id: str) -> None:
    """404 when the run's dataset has no position ``position_id``."""
    if not run.dataset.positions["position_id"].eq(position_id).any():
        raise ApiError(404, t("api.run.no_position", id=repr(position_id)), kind="not-found")


def _infeasible_run(store: Store, run_id: str) -> RunRecord:
    """The run ``run_id`` when it ended INFEASIBLE; 404 unknown, 409 otherwise."""
    record = get_run(store, run_id)
    if record.status in ACTIVE_STATUSES:
        raise _unfinished(record)
    if record.status == "succeeded":
        raise ApiError(409, t("api.run.has_plan"), kind="has-plan")
    status = (record.summary or {}).get("status")
    if status != "INFEASIBLE":
        ended = status or record.status
        raise ApiError(409, t("api.run.not_infeasible", status=ended), kind="not-infeasible")
    return record


def _diagnose(store: Store, record: RunRecord, time_limit_s: float) -> DiagnosisOut:
    """Diagnose an INFEASIBLE run whose summary has no diagnosis."""
    if store.datasets.get(record.dataset_id) is None:
        raise ApiError(409, t("api.dataset.deleted"), kind="dataset-deleted")
    dataset = load_stored(store, record.dataset_id)
    found = diagnose(dataset, load_policy(record.policy, dataset), time_limit_s=time_limit_s)
    if found is None:
        raise ApiError(409, t("api.run.feasible_again"), kind="not-infeasible")
    return DiagnosisOut.model_validate(found.to_dict())


async def comparison(trust: Trust, store: Store, run_ids: list[str]) -> ComparisonOut:
    """Compare finished runs, named by their ids; the differences are against the first.

    A succeeded run is rebuilt; a failed run that ended without a plan (INFEASIBLE, time-out)
    takes part with its status alone.
    """
    runs: list[tuple[str, Solution]] = []
    for run_id in run_ids:
        record = await to_thread.run_sync(get_run, store, run_id)
        summary = record.summary
        if record.status == "failed" and summary is not None:
            runs.append((run_id, _without_plan(summary)))
            continue
        if record.status != "succeeded":
            if record.status in ACTIVE_STATUSES:
                raise _unfinished(record)
            raise ApiError(409, t("api.run.no_result", id=run_id, status=record.status),
                           kind="no-plan")  # fmt: skip
        runs.append((run_id, (await trust.finished(store, run_id)).solution))
    return await trust.compute(
        ("compare", *run_ids), lambda: ComparisonOut.model_validate(compare(runs).to_dict())
    )


def _without_plan(summary: dict[str, Any]) -> Solution:
    return Solution(
        status=Status(str(summary.get("status"))),
        objective=None,
        bound=summary.get("bound"),
        plan=None,
        gaps=None,
        summary=summary,
    )


async def explain_employee(
    trust: Trust, store: Store, run_id: str, nip: str, *, top: int, counterfactuals: bool = True
) -> PersonExplanationOut:
    """Why employee ``nip`` got their placement in run ``run_id``; 404 without that employee.

    Raises
    ------
    ResultPendingError
        When the explanation outlasts the service's wait (it goes on; ask again).
    """
    run = await trust.finished(store, run_id, poll=True)
    _require_employee(run, nip)
    return await trust.compute(
        ("employee", run_id, nip, top, counterfactuals),
        lambda: PersonExplanationOut.model_validate(
            explain_person(
                run.dataset, run.policy, run.solution, nip, top=top,
                counterfactuals=counterfactuals,
            ).to_dict()
        ),
        poll=True,
    )  # fmt: skip


async def explain_a_position(
    trust: Trust, store: Store, run_id: str, position_id: str, *, top: int
) -> PositionExplanationOut:
    """Who holds position ``position_id`` in run ``run_id`` and who could; 404 without it.

    Raises
    ------
    ResultPendingError
        When the explanation outlasts the service's wait (it goes on; ask again).
    """
    run = await trust.finished(store, run_id, poll=True)
    _require_position(run, position_id)
    return await trust.compute(
        ("position", run_id, position_id, top),
        lambda: PositionExplanationOut.model_validate(
            explain_position(run.dataset, run.policy, run.solution, position_id, top=top).to_dict()
        ),
        poll=True,
    )


async def diagnosis(trust: Trust, store: Store, run_id: str, time_limit_s: float) -> DiagnosisOut:
    """Why run ``run_id`` is INFEASIBLE: the diagnosis its summary holds, else a new one."""
    record = await to_thread.run_sync(_infeasible_run, store, run_id)
    known = (record.summary or {}).get("diagnosis")
    # The worker diagnosed the run in the locale it was queued in; a reader of another
    # language gets a diagnosis of their own.
    if isinstance(known, dict) and record.locale == current_locale():
        return DiagnosisOut.model_validate(known)
    return await trust.compute(
        ("diagnosis", run_id), lambda: _diagnose(store, record, time_limit_s)
    )


async def plan_fairness(trust: Trust, store: Store, run_id: str, *, explained: int) -> FairnessOut:
    """Justified envy and outcomes by group in the plan of run ``run_id``."""
    run = await trust.finished(store, run_id)
    return await trust.compute(
        ("fairness", run_id, explained),
        lambda: FairnessOut.model_validate(
            fairness(run.dataset, run.policy, run.solution, max_explained=explained).to_dict()
        ),
    )


async def figures(trust: Trust, store: Store, run_id: str) -> FiguresOut:
    """Key figures, chart data and names of the plan of run ``run_id``."""
    run = await trust.finished(store, run_id)
    return await trust.compute(
        ("figures", run_id), lambda: FiguresOut.model_validate(plan_figures(run.solution))
    )


async def report(trust: Trust, store: Store, run_id: str) -> str:
    """The self-contained HTML report of the plan of run ``run_id``."""
    run = await trust.finished(store, run_id)
    return await trust.compute(
        ("report", run_id), lambda: render_report(run.dataset, run.policy, run.solution)
    )


async def decree(trust: Trust, store: Store, run_id: str, official: str | None) -> bytes:
    """The decree attachment (xlsx) of the plan of run ``run_id``, signed by ``official``."""
    run = await trust.finished(store, run_id)

    def workbook() -> bytes:
        if official is None:
            return decree_workbook(run.dataset, run.solution)
        return decree_workbook(run.dataset, run.solution, official=official)

    return await trust.compute(("decree", run_id, official), workbook)
