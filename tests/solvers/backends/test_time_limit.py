"""Time limits are enforced from outside the engine, and incumbents stream back."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

import solvers
from solvers import AssignmentModel, SideConstraint, SolverError, Status
from solvers.backends.child import THREAD_BACKENDS, Child, SolverThread, grace_s, solve_in_child
from solvers.backends.common import Stop
from tests.solvers.conftest import MIP_BACKENDS

LIMIT_S = 1.5
#: allowance for process start-up on a loaded machine; the point is "returns", not how fast.
SLACK_S = 15.0


@pytest.fixture(scope="module")
def hard_gap() -> AssignmentModel:
    """A generalised assignment problem (120 items must go to 8 agents, each with a knapsack
    of 80 % of its fair share of sizes): hard enough that no engine proves the optimum in the
    test's limit."""
    rng = np.random.default_rng(0)
    items, agents = 120, 8
    pair_row = np.repeat(np.arange(items, dtype=np.int64), agents)
    pair_col = np.tile(np.arange(agents, dtype=np.int64), items)
    size = rng.integers(5, 26, len(pair_row))
    side = tuple(
        SideConstraint(
            pairs=np.flatnonzero(pair_col == a),
            rhs=int(0.8 * size[pair_col == a].sum() / agents),
            coef=size[pair_col == a],
            name=f"knapsack {a}",
        )
        for a in range(agents)
    )
    return AssignmentModel(
        n_rows=items,
        n_cols=agents,
        pair_row=pair_row,
        pair_col=pair_col,
        weight=rng.integers(10, 51, len(pair_row)),
        row_must=np.ones(items, dtype=np.bool_),
        col_cap=np.full(agents, items, dtype=np.int64),
        side=side,
    )


@pytest.mark.parametrize("backend", (*MIP_BACKENDS, "auto"))
def test_the_time_limit_holds_on_a_hard_model(backend: str, hard_gap: AssignmentModel) -> None:
    started = time.perf_counter()
    result = solvers.solve(hard_gap, backend, time_limit_s=LIMIT_S, seed=0)
    elapsed = time.perf_counter() - started
    assert result.status in (Status.FEASIBLE, Status.TIMEOUT_NO_SOLUTION)
    assert elapsed < LIMIT_S + grace_s(LIMIT_S) + SLACK_S
    if result.chosen is not None:
        assert hard_gap.is_feasible(result.chosen)
        assert result.objective == hard_gap.objective_of(result.chosen)
    if result.bound is not None and result.objective is not None:
        assert result.objective <= result.bound


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_a_model_solved_within_the_limit_is_optimal_and_reports_progress(
    backend: str, side_limited: AssignmentModel
) -> None:
    seen: list[tuple[int | None, int | None, float]] = []
    result = solvers.solve(
        side_limited, backend, time_limit_s=60, on_progress=lambda *event: seen.append(event)
    )
    assert result.status is Status.OPTIMAL
    assert result.objective == 14
    if backend != "cbc":
        assert any(objective is not None for objective, _, _ in seen)


def test_an_error_in_the_engine_process_reaches_the_caller(
    side_limited: AssignmentModel,
) -> None:
    with pytest.raises(SolverError, match="side constraints"):
        solve_in_child(
            "flow", side_limited, time_limit_s=30, seed=None, warm_start=None, on_progress=None
        )


def test_cpsat_stopped_before_its_search_claims_no_bound(hard_gap: AssignmentModel) -> None:
    """CP-SAT stopped at once answers UNKNOWN with a bound of 0; that must not become a bound
    (the optimum is far above it)."""
    from solvers.backends import cpsat

    result = cpsat.solve(hard_gap, time_limit_s=0.001, seed=0)
    assert result.status is Status.TIMEOUT_NO_SOLUTION
    assert result.bound is None or result.bound >= int(hard_gap.weight.max()) * hard_gap.n_rows // 4


@pytest.mark.parametrize("backend", THREAD_BACKENDS)
def test_a_solve_in_a_thread_ends_soon_after_it_is_asked_to_stop(
    backend: str, hard_gap: AssignmentModel
) -> None:
    child = Child.start(backend, hard_gap, 60.0, 0, None, in_thread=True)
    assert isinstance(child.proc, SolverThread)
    # Wait for the search to be under way, so that it is the engine that is asked to stop.
    while child.best is None and not child.done:
        child.receive()
    assert child.best is not None and hard_gap.is_feasible(child.best)
    asked = time.perf_counter()
    child.stop()
    assert time.perf_counter() - asked < 5.0
    assert not child.proc.is_alive() and child.proc.exitcode == 0


def test_only_engines_that_can_be_stopped_from_another_thread_solve_in_one(
    side_limited: AssignmentModel,
) -> None:
    with pytest.raises(SolverError, match="cannot solve in a thread"):
        Child.start("cbc", side_limited, 30.0, None, None, in_thread=True)


def test_a_thread_started_with_a_niceness_runs_that_many_steps_below_the_others(
    hard_gap: AssignmentModel,
) -> None:
    child = Child.start("cpsat", hard_gap, 30.0, 0, None, niceness=5, in_thread=True)
    try:
        base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        # Linux clamps a niceness at 19 (a suite run at nice 19 stays there).
        wanted = min(base + 5, 19)
        tid = child.proc.native_id
        assert tid is not None
        deadline = time.perf_counter() + SLACK_S
        seen = os.getpriority(os.PRIO_PROCESS, tid)
        while seen != wanted and time.perf_counter() < deadline:
            time.sleep(0.05)
            seen = os.getpriority(os.PRIO_PROCESS, tid)
        assert seen == wanted
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base
    finally:
        child.stop()


def test_a_stop_requested_before_an_engine_listens_reaches_it_when_it_does() -> None:
    stop = Stop()
    heard: list[str] = []
    stop.request()
    stop.on_request(lambda: heard.append("late"))
    assert stop.requested and heard == ["late"]
    stop.request()
    assert heard == ["late", "late"]


def test_a_child_started_with_a_niceness_runs_that_many_steps_below_its_parent(
    hard_gap: AssignmentModel,
) -> None:
    child = Child.start("cpsat", hard_gap, 30.0, 0, None, niceness=5)
    try:
        wanted = min(os.getpriority(os.PRIO_PROCESS, 0) + 5, 19)
        deadline = time.perf_counter() + SLACK_S
        seen = os.getpriority(os.PRIO_PROCESS, child.proc.pid)
        while seen != wanted and time.perf_counter() < deadline:
            time.sleep(0.05)
            seen = os.getpriority(os.PRIO_PROCESS, child.proc.pid)
        assert seen == wanted
    finally:
        child.stop()
