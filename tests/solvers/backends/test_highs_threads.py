"""HiGHS's thread pools: one per calling thread, sized by the model, whatever ran there before."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

from solvers import AssignmentModel, Status
from solvers.backends import cpsat, highs
from solvers.methods.lp_bound import lp_bound
from tests.solvers.models import random_cardinality, random_gap

T = TypeVar("T")


def in_new_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own (a new HiGHS pool) and return what it returned."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(work).result()


def _without_knapsack() -> tuple[AssignmentModel, int]:
    """A model with cardinality rows only (no knapsack), and its optimum by CP-SAT."""
    for seed in range(50):
        model = random_cardinality(seed)
        other = cpsat.solve(model, seed=0)
        if model.has_side_constraints and other.status is Status.OPTIMAL:
            assert other.objective is not None
            return model, other.objective
    raise AssertionError("no feasible cardinality model among the seeds")


def _raw_highs_run(threads: int) -> None:
    """A HiGHS run by another caller of this thread, which sizes the thread's pool to
    ``threads`` whatever it was."""
    import highspy

    highspy.Highs.resetGlobalScheduler(True)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.addCols(2, np.ones(2), np.zeros(2), np.ones(2), 0, [], [], [])
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def test_a_model_without_knapsack_rows_leaves_a_new_pool_at_one_thread() -> None:
    model, optimum = _without_knapsack()

    def work() -> tuple[Status, int | None, int]:
        result = highs.solve(model, seed=0)
        return result.status, result.objective, highs.pool_threads(knapsack=False)

    status, objective, size = in_new_thread(work)
    assert (status, objective, size) == (Status.OPTIMAL, optimum, 1)


def test_a_knapsack_model_after_a_pool_of_one_gets_its_threads_and_the_same_plan() -> None:
    (plain, optimum), gap = _without_knapsack(), random_gap(60, 6, seed=4, spread=2)
    fresh = in_new_thread(lambda: highs.solve(gap, seed=0))

    def after_a_pool_of_one() -> tuple[highs.Result, highs.Result, int]:
        first = highs.solve(plain, seed=0)
        assert highs.pool_threads(knapsack=False) == 1
        second = highs.solve(gap, seed=0)
        return first, second, highs.pool_threads(knapsack=False)

    first, second, size = in_new_thread(after_a_pool_of_one)
    assert first.status is Status.OPTIMAL and first.objective == optimum
    # A run of another size on the same pool would fail; the pool is started afresh instead.
    assert second.status is Status.OPTIMAL and size == highs.KNAPSACK_THREADS
    assert fresh.chosen is not None and second.chosen is not None
    assert np.array_equal(fresh.chosen, second.chosen) and second.objective == fresh.objective


def test_a_pool_another_caller_sized_does_not_stop_the_engine() -> None:
    (plain, _), gap = _without_knapsack(), random_gap(40, 5, seed=1, spread=4)

    def after_another_caller() -> tuple[Status, Status, bool]:
        _raw_highs_run(3)
        first = highs.solve(plain, seed=0).status
        _raw_highs_run(3)
        bound = lp_bound(gap, np.zeros(gap.n_pairs, dtype=np.bool_), None)
        return first, highs.solve(gap, seed=0).status, bound is not None

    assert in_new_thread(after_another_caller) == (Status.OPTIMAL, Status.OPTIMAL, True)
