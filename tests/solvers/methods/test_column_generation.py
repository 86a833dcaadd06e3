"""Column generation reaches the whole model's optimum, also when it skips flows by warm starts."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import AssignmentModel
from solvers.backends import flow
from solvers.methods import column_generation
from solvers.methods.column_generation import solve_by_columns
from solvers.methods.duals import potentials, settled_potentials
from tests.solvers.models import small_models

EXAMPLES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(small_models())
def test_bellman_ford_settles_on_a_selection_exactly_when_it_is_a_flow_optimum(
    model: AssignmentModel,
) -> None:
    """Every feasible selection of a small model: settling is the optimality proof the warm
    start relies on, and it gives the same duals as the usual potentials."""
    plain = replace(model, side=())
    best = flow.solve(plain)
    if best.objective is None:
        return
    for bits in itertools.product((False, True), repeat=plain.n_pairs):
        chosen = np.array(bits, dtype=np.bool_)
        if not plain.is_feasible(chosen):
            continue
        found = settled_potentials(plain, chosen, plain.weight, 1_000)
        assert (found is not None) == (plain.objective_of(chosen) == best.objective)
        if found is not None:
            u, v = potentials(plain, chosen, plain.weight)
            assert np.array_equal(found[0], u) and np.array_equal(found[1], v)


@EXAMPLES
@given(small_models(), st.integers(0, 8), st.booleans())
def test_column_generation_from_a_few_pairs_proves_the_whole_models_optimum(
    model: AssignmentModel, first: int, warm: bool
) -> None:
    """Start from the fixed pairs and the first ``first`` others; price the rest against the
    duals; with ``warm`` every round first tries to keep the last optimum."""
    whole = replace(model, side=())
    optimum = flow.solve(whole)
    start = np.union1d(np.arange(min(first, whole.n_pairs)), whole.fixed).astype(np.int64)
    renumber = np.full(whole.n_pairs, -1, dtype=np.int64)
    renumber[start] = np.arange(len(start))
    restricted = replace(
        whole,
        pair_row=whole.pair_row[start],
        pair_col=whole.pair_col[start],
        weight=whole.weight[start],
        fixed=renumber[whole.fixed],
    )
    flows = 0
    solve = flow.solve

    def counted(m: AssignmentModel) -> object:
        nonlocal flows
        flows += 1
        return solve(m)

    def improving(
        u: np.ndarray, v: np.ndarray, current: AssignmentModel
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        held = set(zip(current.pair_row.tolist(), current.pair_col.tolist(), strict=True))
        rc = whole.weight - u[whole.pair_row] - v[whole.pair_col]
        new = [
            i
            for i in range(whole.n_pairs)
            if rc[i] > 0 and (int(whole.pair_row[i]), int(whole.pair_col[i])) not in held
        ]
        return whole.pair_row[new], whole.pair_col[new], whole.weight[new]

    original = column_generation.flow.solve
    column_generation.flow.solve = counted
    try:
        generated = solve_by_columns(
            restricted, improving, prune_below=0, warm_pairs=10**9 if warm else 0
        )
    finally:
        column_generation.flow.solve = original
    if optimum.objective is None:
        return
    if generated.proven:
        assert generated.result.objective == optimum.objective
        assert generated.result.bound == optimum.objective
        assert flows <= generated.rounds
    else:
        # Only an infeasible restriction (no plan from its pairs) may end without a proof.
        assert generated.result.chosen is None
