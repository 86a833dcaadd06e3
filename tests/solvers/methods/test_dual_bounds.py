"""Dual bounds, the column-generated LP bound and reduced-cost fixing never cut the optimum."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import solvers
from solvers import AssignmentModel, Status
from solvers.backends import flow
from solvers.methods import duals
from solvers.methods.duals import SideIndex, dual_bound, potentials, restrict
from solvers.methods.lp_bound import fix_by_reduced_cost, lp_bound
from tests.solvers.models import at_most, brute_force, make, small_models

EXAMPLES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(small_models(), st.data())
def test_the_dual_bound_of_any_sign_feasible_dual_is_at_least_the_optimum(
    model: AssignmentModel, data: st.DataObject
) -> None:
    optimum = brute_force(model)
    if optimum is None:
        return
    ints = st.integers(-20, 20)
    u = np.array(data.draw(st.lists(ints, min_size=model.n_rows, max_size=model.n_rows)))
    v = np.array(data.draw(st.lists(ints, min_size=model.n_cols, max_size=model.n_cols)))
    n_side = len(model.side)
    mu = np.array(data.draw(st.lists(ints, min_size=n_side, max_size=n_side)), dtype=np.int64)
    bound, _ = dual_bound(model, SideIndex.of(model), u, v, mu)
    assert bound >= optimum


@EXAMPLES
@given(small_models())
def test_flow_potentials_prove_the_flow_optimum_exactly(model: AssignmentModel) -> None:
    plain = replace(model, side=())
    relaxed = flow.solve(plain)
    if relaxed.chosen is None:
        return
    u, v = potentials(plain, relaxed.chosen, plain.weight)
    bound, _ = dual_bound(plain, SideIndex.of(plain), u, v, np.zeros(0, dtype=np.int64))
    assert bound == relaxed.objective


@EXAMPLES
@given(small_models())
def test_the_lp_bound_holds_and_fixing_at_the_optimum_keeps_an_optimal_solution(
    model: AssignmentModel,
) -> None:
    optimum = brute_force(model)
    relaxed = flow.solve(replace(model, side=()))
    if optimum is None or relaxed.chosen is None:
        return
    priced = lp_bound(model, relaxed.chosen)
    if priced is None:
        return
    assert priced.bound >= optimum
    # Fixing against the optimum itself is the strongest fixing: it must keep an optimal plan.
    keep = fix_by_reduced_cost(model, priced, optimum, np.zeros(model.n_pairs, dtype=np.bool_))
    restricted, _ = restrict(model, keep)
    assert brute_force(restricted) == optimum


@EXAMPLES
@given(small_models())
def test_auto_is_optimal_with_an_honest_bound(model: AssignmentModel) -> None:
    optimum = brute_force(model)
    result = solvers.solve(model)
    if optimum is None:
        assert result.status is Status.INFEASIBLE
        return
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound == optimum


def test_a_move_budget_on_must_rows_is_met_by_the_lp_route() -> None:
    """Three must-rows may each stay (weight 5) or move (weight 9), but at most one may move;
    every row has a column of its own, so the flow relaxation moves all three."""
    pairs = [(0, 0, 5), (0, 3, 9), (1, 1, 5), (1, 4, 9), (2, 2, 5), (2, 5, 9)]
    model = make(3, 6, pairs, must=(0, 1, 2), side=(at_most([1, 3, 5], 1),))
    result = solvers.solve(model)
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound == 9 + 5 + 5


def test_restricting_keeps_only_side_constraints_that_can_still_bind() -> None:
    model = make(2, 2, [(0, 0, 1), (0, 1, 2), (1, 1, 3)], side=(at_most([0, 2], 1),))
    restricted, kept = restrict(model, np.array([True, True, False]))
    assert kept.tolist() == [0, 1]
    assert restricted.side == ()


@EXAMPLES
@given(small_models())
def test_fixing_against_any_feasible_solution_keeps_the_optimum(model: AssignmentModel) -> None:
    optimum = brute_force(model)
    relaxed = flow.solve(replace(model, side=()))
    if optimum is None or relaxed.chosen is None:
        return
    priced = lp_bound(model, relaxed.chosen)
    if priced is None:
        return
    worst = min(
        (
            model.objective_of(chosen)
            for bits in itertools.product((False, True), repeat=model.n_pairs)
            if model.is_feasible(chosen := np.array(bits, dtype=np.bool_))
        ),
    )
    keep = fix_by_reduced_cost(model, priced, worst, np.zeros(model.n_pairs, dtype=np.bool_))
    restricted, _ = restrict(model, keep)
    assert brute_force(restricted) == optimum


def _full_lp_optimum(model: AssignmentModel) -> float | None:
    """The LP relaxation's optimum over every pair and every side constraint, or None."""
    import highspy
    from highspy._core import _Highs

    from solvers.backends.matrix import linear_form

    form = linear_form(model)
    start, index, value = form.compressed(by_column=True)
    lower = np.zeros(model.n_pairs)
    lower[model.fixed] = 1.0
    h = _Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(
        model.n_pairs, form.n_cons, len(index), 1, -1, 0.0, model.weight.astype(np.float64),
        lower, np.ones(model.n_pairs), form.lower.astype(np.float64),
        form.upper.astype(np.float64), start[:-1].astype(np.int32), index.astype(np.int32),
        value.astype(np.float64), np.zeros(model.n_pairs, dtype=np.int32),
    )  # fmt: skip
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


@EXAMPLES
@given(small_models())
def test_the_lazy_lp_bound_is_the_lp_optimum_over_every_side_constraint(
    model: AssignmentModel,
) -> None:
    relaxed = flow.solve(replace(model, side=()))
    if relaxed.chosen is None:
        return
    priced = lp_bound(model, relaxed.chosen)
    full = _full_lp_optimum(model)
    if priced is None or full is None or not priced.complete:
        return
    assert priced.bound == int(np.floor(full + 1e-6))


def test_the_lp_holds_only_the_side_constraints_that_something_broke() -> None:
    """Ten rows, each preferring its own column (weight 10) to a shared one (weight 1); a
    packing per row over both of its pairs never binds, and one packing over the own
    columns of rows 0 and 1 does: the LP needs only that one."""
    pairs = [(r, r, 10) for r in range(10)] + [(r, 10, 1) for r in range(10)]
    slack = tuple(at_most([r, 10 + r], 1) for r in range(10))
    model = make(10, 11, pairs, side=(*slack, at_most([0, 1], 1)))
    relaxed = flow.solve(replace(model, side=()))
    assert relaxed.chosen is not None
    priced = lp_bound(model, relaxed.chosen)
    assert priced is not None and priced.complete
    assert priced.side_rows == 1
    assert priced.bound == brute_force(model) == 9 * 10 + 1


@EXAMPLES
@given(small_models())
def test_potentials_over_a_growing_subset_of_pairs_are_those_over_every_pair(
    model: AssignmentModel,
) -> None:
    """A flow optimum's potentials computed as for a large model (Bellman-Ford over each row's
    best pair and the pairs that price positive, grown until none else does) give every
    unchosen pair outside a fixed row a reduced cost ≤ 0, and agree with those over every pair
    on which pairs price positive."""
    plain = replace(model, side=())
    best = flow.solve(plain)
    if best.chosen is None:
        return
    original = duals.SUBSET_ABOVE, duals.SUBSET_PER_ROW
    duals.SUBSET_ABOVE, duals.SUBSET_PER_ROW = 0, 1
    try:
        u, v = potentials(plain, best.chosen, plain.weight)
    finally:
        duals.SUBSET_ABOVE, duals.SUBSET_PER_ROW = original
    rc = plain.weight - u[plain.pair_row] - v[plain.pair_col]
    fixed_row = np.zeros(plain.n_rows, dtype=np.bool_)
    fixed_row[plain.pair_row[plain.fixed]] = True
    free = ~fixed_row[plain.pair_row]
    assert (rc[free & ~best.chosen] <= 0).all()
    u_all, v_all = potentials(plain, best.chosen, plain.weight)
    rc_all = plain.weight - u_all[plain.pair_row] - v_all[plain.pair_col]
    assert np.array_equal(rc > 0, rc_all > 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_models(), st.data())
def test_the_lp_bound_of_a_restricted_model_with_pairs_from_beyond_is_the_whole_models(
    model: AssignmentModel, data: st.DataObject
) -> None:
    """Restricted to the flow optimum's pairs (and a few more), with the rest offered from
    beyond each round at positive reduced cost, the LP bound is the whole model's LP bound."""
    relaxed = flow.solve(replace(model, side=()))
    if relaxed.chosen is None or not model.side:
        return
    keep = relaxed.chosen.copy()
    keep[model.fixed] = True
    extra = data.draw(st.sets(st.integers(0, model.n_pairs - 1), max_size=3))
    keep[sorted(extra)] = True
    for s in model.side:
        keep[s.pairs[0]] = True  # every constraint keeps a pair, so it keeps its index
    kept = np.flatnonzero(keep)
    renumber = np.full(model.n_pairs, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    side = tuple(
        replace(s, pairs=renumber[s.pairs[keep[s.pairs]]],
                coef=None if s.coef is None else s.coef[keep[s.pairs]])
        for s in model.side
    )  # fmt: skip
    restricted = replace(
        model, pair_row=model.pair_row[kept], pair_col=model.pair_col[kept],
        weight=model.weight[kept], fixed=renumber[model.fixed], side=side,
    )  # fmt: skip
    index = SideIndex.of(model)
    offered = keep.copy()

    def beyond(u: np.ndarray, v: np.ndarray, mu: np.ndarray, scale: int) -> solvers.Columns:
        rc = (
            model.weight * scale - u[model.pair_row] - v[model.pair_col]
            - index.side_cost(mu, model.n_pairs)
        )  # fmt: skip
        new = np.flatnonzero((rc > 0) & ~offered)
        offered[new] = True
        at = np.full(model.n_pairs, -1, dtype=np.int64)
        at[new] = np.arange(len(new))
        entry = at[index.pair] >= 0
        return solvers.Columns(
            model.pair_row[new], model.pair_col[new], model.weight[new],
            at[index.pair[entry]], index.con[entry], index.coef[entry],
        )  # fmt: skip

    grown = lp_bound(restricted, relaxed.chosen[kept], beyond=beyond)
    whole = lp_bound(model, relaxed.chosen)
    full = _full_lp_optimum(model)
    if grown is None or whole is None or full is None:
        return
    optimum = brute_force(model)
    if optimum is not None:
        assert grown.bound >= optimum
    event(f"complete: {grown.complete}, pairs from beyond: {bool((offered & ~keep).any())}")
    if grown.complete:
        assert grown.bound == int(np.floor(full + 1e-6))
        assert len(grown.rc) == len(kept) + int((offered & ~keep).sum())
