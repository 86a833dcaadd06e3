"""The ``auto`` strategy and its flow-based warm start."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import solvers
from solvers import AssignmentModel, Status, portfolio
from solvers.backends import flow
from solvers.methods import racing
from solvers.methods.branch_and_bound import packing_branch_and_bound
from solvers.methods.lp_bound import LpBound
from solvers.portfolio import drop_to_feasible, flow_heuristic
from tests.solvers.models import (
    at_most,
    brute_force,
    make,
    random_cardinality,
    random_gap,
    small_models,
)


def test_auto_uses_flow_when_there_are_no_side_constraints(two_by_two: AssignmentModel) -> None:
    assert solvers.solve(two_by_two).solver == "flow"


def test_auto_stops_at_flow_when_its_optimum_already_meets_the_side_constraints() -> None:
    model = make(2, 2, [(0, 0, 5), (1, 1, 4), (1, 0, 1)], side=(at_most([2], 0),))
    result = solvers.solve(model)
    assert result.solver == "flow"
    assert result.status is Status.OPTIMAL and result.objective == 9


def test_auto_reports_infeasibility_found_by_the_relaxation(
    over_full_column: AssignmentModel,
) -> None:
    model = replace(over_full_column, side=(at_most([0], 1),))
    result = solvers.solve(model)
    assert result.status is Status.INFEASIBLE and result.solver == "flow"


def test_auto_hands_a_model_with_a_cardinality_constraint_to_highs() -> None:
    """At most two of the three pairs: not a packing, so the MIP back-end decides."""
    model = make(3, 3, [(0, 0, 10), (1, 1, 10), (2, 2, 4)], side=(at_most([0, 1, 2], 2),))
    result = solvers.solve(model)
    assert result.solver == "highs" and "flow relaxation bound 24" in result.message
    assert result.status is Status.OPTIMAL and result.objective == 20


def test_auto_races_a_model_with_a_knapsack_constraint_and_cpsat_proves_it_first() -> None:
    """Two jobs (rows, both must be assigned) and two agents; agent 0 has room for weight 3.
    Job 0 weighs 2 and job 1 weighs 2 on agent 0, so only one fits there: the best is job 0 on
    agent 0 (10) and job 1 on agent 1 (6) = 16, against 9 + 7 = 16 the other way and 10 + 9 =
    19 for the relaxation, which puts both on agent 0 (pairs 0 and 2)."""
    model = make(
        2,
        2,
        [(0, 0, 10), (0, 1, 7), (1, 0, 9), (1, 1, 6)],
        must=(0, 1),
        cap=[2, 2],
        side=(at_most([0, 2], 3, coef=[2, 2]),),
    )
    result = solvers.solve(model)
    assert result.solver == "highs+cpsat" and "flow relaxation bound 19" in result.message
    assert result.proved_by == "cpsat" and "head start" in result.message
    assert result.status is Status.OPTIMAL and result.objective == 16 == brute_force(model)


def test_auto_computes_no_lp_bound_for_a_model_its_head_start_proves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the LP bound was computed")

    monkeypatch.setattr(portfolio, "lp_bound", refuse)
    result = solvers.solve(random_gap(20, 4, seed=0), time_limit_s=60, seed=0)
    assert result.status is Status.OPTIMAL and "head start" in result.message


def test_auto_gives_the_lp_bound_to_a_race_the_head_start_leaves_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(racing, "HEAD_START_MAX_PAIRS", 0)
    priced: list[int] = []
    compute = portfolio.lp_bound

    def recording(*args: Any, **kwargs: Any) -> LpBound | None:
        lp = compute(*args, **kwargs)
        priced.append(0 if lp is None else lp.bound)
        return lp

    monkeypatch.setattr(portfolio, "lp_bound", recording)
    model = random_gap(40, 5, seed=1, spread=4)
    result = solvers.solve(model, seed=0)
    assert len(priced) == 1 and priced[0] >= result.objective
    assert result.status is Status.OPTIMAL
    assert result.objective == solvers.solve(model, "highs").objective


def test_auto_meets_the_lp_bound_with_pairs_the_lp_left_out_and_agrees_with_highs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where no solution over the LP's pairs of reduced cost 0 meets the LP bound, the search
    over every pair that may meet it finds one when there is one; every optimum is HiGHS's."""
    monkeypatch.setattr(racing, "HEAD_START_MAX_PAIRS", 0)
    met_beyond = 0
    for seed in range(300):
        model = random_cardinality(seed)
        result = solvers.solve(model, seed=0)
        expected = solvers.solve(model, "highs")
        assert result.status is expected.status, seed
        assert result.objective == expected.objective, seed
        if "over the pairs that may meet it" in result.message:
            assert result.chosen is not None and model.is_feasible(result.chosen)
            met_beyond += 1
    assert met_beyond > 0


def test_auto_proves_a_packing_model_by_branch_and_bound_over_flow(
    side_limited: AssignmentModel,
) -> None:
    result = solvers.solve(side_limited)
    assert result.solver == "flow" and "branch-and-bound" in result.message
    assert result.status is Status.OPTIMAL and result.objective == result.bound == 14
    assert result.objective == solvers.solve(side_limited, "highs").objective


@settings(max_examples=60, deadline=None)
@given(small_models())
def test_branch_and_bound_over_flow_agrees_with_highs_on_packing_models(
    model: AssignmentModel,
) -> None:
    packings = tuple(replace(s, rhs=1, coef=None) for s in model.side)
    model = replace(model, side=packings)
    relaxed = flow.solve(replace(model, side=()))
    if relaxed.chosen is None or relaxed.objective is None:
        return
    exact = packing_branch_and_bound(
        model, relaxed.chosen, relaxed.objective, deadline=None, node_limit=10_000
    )
    reference = solvers.solve(model, "highs")
    assert exact is not None
    assert (exact.status, exact.objective) == (reference.status, reference.objective)
    if exact.chosen is not None:
        assert model.is_feasible(exact.chosen)


def test_dropping_pairs_keeps_must_rows_and_meets_the_side_constraints() -> None:
    model = make(3, 3, [(0, 0, 9), (1, 1, 8), (2, 2, 1)], must=(0,), side=(at_most([0, 1, 2], 1),))
    repaired = drop_to_feasible(model, np.ones(3, dtype=np.bool_))
    assert repaired is not None
    np.testing.assert_array_equal(repaired, [True, False, False])


@settings(max_examples=40, deadline=None)
@given(small_models())
def test_the_flow_heuristic_returns_only_feasible_selections(model: AssignmentModel) -> None:
    relaxed = flow.solve(replace(model, side=()))
    if relaxed.chosen is None:
        return
    heuristic = flow_heuristic(model, relaxed.chosen)
    if heuristic is not None:
        assert model.is_feasible(heuristic)
        assert relaxed.objective is not None
        assert model.objective_of(heuristic) <= relaxed.objective
