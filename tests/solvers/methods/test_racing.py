"""Racing HiGHS and CP-SAT: the same plan whoever proves first, brute-force optima, time limits."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import solvers
from solvers import AssignmentModel, Status
from solvers.backends import cpsat, highs
from solvers.backends.child import Child, SolverThread, grace_s
from solvers.methods import racing
from tests.solvers.models import brute_force, random_gap, small_models


@pytest.fixture
def no_head_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model goes to the race itself (the head start would prove the small ones)."""
    monkeypatch.setattr(racing, "HEAD_START_MAX_PAIRS", 0)


@pytest.fixture(params=("threads", "processes"))
def racers_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The racers run as threads of this process (the models here are small) or, as larger
    models' do, as child processes."""
    if request.param == "processes":
        monkeypatch.setattr(racing, "THREAD_MAX_PAIRS", 0)
    return str(request.param)


@pytest.mark.usefixtures("no_head_start", "racers_in")
def test_the_race_returns_the_same_plan_in_every_run_whoever_proves_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Under a time limit HiGHS is waited for a share of the proof's time only, which a loaded
    # machine can cut short (documented); here the wait may use the rest of the limit.
    monkeypatch.setattr(racing, "CANONICAL_SHARE", 1_000.0)
    model = random_gap(40, 5, seed=1, spread=4)
    results = [racing.race(model, time_limit_s=None, seed=3, warm_start=None) for _ in range(3)]
    # A time limit that does not cut in leaves HiGHS's run, and so the plan, as it was.
    results.append(racing.race(model, time_limit_s=60, seed=3, warm_start=None))
    plans = {np.flatnonzero(r.chosen).tobytes() for r in results if r.chosen is not None}
    assert len(plans) == 1
    # Whoever proved it, the plan is the one HiGHS's own deterministic run ends with.
    alone = highs.solve(model, seed=3)
    assert alone.chosen is not None and plans == {np.flatnonzero(alone.chosen).tobytes()}
    for result in results:
        assert result.status is Status.OPTIMAL and result.proved_by in racing.RACERS
        assert "HiGHS's deterministic run" in result.message
        assert result.chosen is not None and model.is_feasible(result.chosen)
        assert result.objective == result.bound == model.objective_of(result.chosen)


@pytest.mark.usefixtures("no_head_start")
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(small_models())
def test_the_race_agrees_with_brute_force(model: AssignmentModel) -> None:
    optimum = brute_force(model)
    result = racing.race(model, time_limit_s=30, seed=0, warm_start=None)
    if optimum is None:
        assert result.status is Status.INFEASIBLE and result.proved_by in racing.RACERS
        return
    assert result.status is Status.OPTIMAL and result.objective == optimum
    assert result.chosen is not None and model.is_feasible(result.chosen)


@pytest.mark.usefixtures("no_head_start", "racers_in")
def test_a_race_stopped_by_its_time_limit_returns_the_best_solution_as_feasible() -> None:
    model = random_gap(300, 15, seed=2)
    started = time.perf_counter()
    result = racing.race(model, time_limit_s=1.0, seed=0, warm_start=None)
    # Both racers stop when asked within a fraction of a second; the rest is a loaded machine.
    assert time.perf_counter() - started < 1.0 + grace_s(1.0) + 15.0
    assert result.status in (Status.FEASIBLE, Status.TIMEOUT_NO_SOLUTION)
    assert result.proved_by == ""
    if result.chosen is not None:
        assert result.status is Status.FEASIBLE and model.is_feasible(result.chosen)
        assert result.objective == model.objective_of(result.chosen)
        assert result.bound is None or result.objective <= result.bound


@pytest.mark.usefixtures("no_head_start")
def test_a_model_within_the_thread_limit_races_in_threads_and_ends_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[Child] = []
    start = Child.start

    def recording(*args: Any, **kwargs: Any) -> Child:
        child = start(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(Child, "start", recording)
    model = random_gap(40, 5, seed=1, spread=4)
    assert model.n_pairs <= racing.THREAD_MAX_PAIRS
    threads_before = threading.active_count()
    result = racing.race(model, time_limit_s=60, seed=3, warm_start=None)
    assert result.status is Status.OPTIMAL
    assert started and all(isinstance(child.proc, SolverThread) for child in started)
    assert not any(child.proc.is_alive() for child in started)
    assert threading.active_count() <= threads_before


def test_a_small_model_is_proved_in_process_without_any_racer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Child:
        raise AssertionError("a racer was started")

    monkeypatch.setattr(Child, "start", refuse)
    result = solvers.solve(random_gap(20, 4, seed=0), time_limit_s=60, seed=0)
    assert result.status is Status.OPTIMAL and "head start" in result.message


def test_auto_races_a_knapsack_model_that_the_head_start_does_not_prove() -> None:
    model = random_gap(60, 6, seed=1)
    result = solvers.solve(model, seed=0)
    assert result.solver == racing.NAME and result.status is Status.OPTIMAL
    assert result.proved_by in (*racing.RACERS, "lp", "flow")
    assert result.objective == solvers.solve(model, "highs").objective


def test_a_feasible_warm_start_is_kept_when_the_race_finds_nothing_better_in_time() -> None:
    model = random_gap(120, 8, seed=2)
    start = cpsat.solve(model, seed=0, deterministic_time_s=1.0)
    assert start.chosen is not None
    result = racing.race(model, time_limit_s=0.5, seed=0, warm_start=start.chosen)
    assert result.chosen is not None and result.objective is not None
    assert result.objective >= model.objective_of(start.chosen)
