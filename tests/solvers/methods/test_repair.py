"""Re-optimising a flow optimum after pairs are added reaches the larger model's optimum."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import AssignmentModel
from solvers.backends import flow
from solvers.methods.duals import settled_potentials
from solvers.methods.repair import repair
from tests.solvers.models import small_models

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(small_models(), st.data())
def test_repair_from_the_optimum_without_some_pairs_is_an_optimum_with_them(
    model: AssignmentModel, data: st.DataObject
) -> None:
    """Any non-fixed pairs left out of a first solve, then added: the repaired selection is
    feasible, as good as a solve of the whole model from scratch, and its potentials settle."""
    whole = replace(model, side=())
    is_fixed = np.zeros(whole.n_pairs, dtype=np.bool_)
    is_fixed[whole.fixed] = True
    added = (
        np.array(
            data.draw(st.lists(st.booleans(), min_size=whole.n_pairs, max_size=whole.n_pairs)),
            dtype=np.bool_,
        )
        & ~is_fixed
    )
    first = flow.solve(
        replace(
            whole,
            pair_row=whole.pair_row[~added],
            pair_col=whole.pair_col[~added],
            weight=whole.weight[~added],
            fixed=np.flatnonzero(is_fixed[~added]).astype(np.int64),
        )
    )
    optimum = flow.solve(whole)
    if first.chosen is None:
        return
    assert optimum.objective is not None
    chosen = np.zeros(whole.n_pairs, dtype=np.bool_)
    chosen[~added] = first.chosen
    repaired = repair(whole, chosen, added)
    assert repaired is not None
    assert whole.is_feasible(repaired[0])
    assert whole.objective_of(repaired[0]) == optimum.objective
    assert settled_potentials(whole, repaired[0], whole.weight, 1_000) is not None


def test_repair_without_improving_pairs_keeps_the_selection() -> None:
    """An added pair that cannot improve leaves the old optimum as it is."""
    model = AssignmentModel(
        n_rows=2, n_cols=2,
        pair_row=np.array([0, 1, 1]), pair_col=np.array([0, 1, 0]),
        weight=np.array([10, 10, 1]),
        row_must=np.array([False, False]), col_cap=np.array([1, 1]),
    )  # fmt: skip
    chosen = np.array([True, True, False])
    repaired = repair(model, chosen, np.array([False, False, True]))
    assert repaired is not None
    assert np.array_equal(repaired[0], chosen)


def test_repair_moves_a_row_to_make_room_for_a_better_pair() -> None:
    """Row 1's new pair takes row 0's column, worth it only if row 0 moves to the other one."""
    model = AssignmentModel(
        n_rows=2, n_cols=2,
        pair_row=np.array([0, 0, 1]), pair_col=np.array([0, 1, 0]),
        weight=np.array([10, 9, 8]),
        row_must=np.array([False, False]), col_cap=np.array([1, 1]),
    )  # fmt: skip
    repaired = repair(model, np.array([True, False, False]), np.array([False, False, True]))
    assert repaired is not None
    assert repaired[0].tolist() == [False, True, True]
