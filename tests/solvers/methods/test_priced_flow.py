"""The priced flow relaxation has the whole flow's optimum, also when it must fall back to it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import AssignmentModel, Status
from solvers.backends import flow
from solvers.methods import priced_flow
from tests.solvers.models import random_gap, small_models

#: The fixture's patches are the same for every example, so sharing it between them is safe.
EXAMPLES = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def priced_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model counts as large, and a round adds one pair per row: the rounds are many."""
    monkeypatch.setattr(priced_flow, "PRICE_ABOVE", 0)
    monkeypatch.setattr(priced_flow, "FIRST_PER_ROW", 1)
    monkeypatch.setattr(priced_flow, "ADD_PER_ROW", 1)


@pytest.mark.usefixtures("priced_always")
@EXAMPLES
@given(model=small_models(), data=st.data())
def test_the_priced_relaxation_has_the_flow_optimum_and_a_feasible_selection(
    model: AssignmentModel, data: st.DataObject
) -> None:
    """Small random models (must-rows, capacities, fixed pairs, side constraints ignored),
    each pair removed or not at random for :func:`priced_flow.solve_without`."""
    plain = replace(model, side=())
    whole = flow.solve(plain)
    relaxed = priced_flow.relax(model)
    assert relaxed.status is whole.status
    assert relaxed.objective == whole.objective
    if relaxed.chosen is not None:
        assert plain.is_feasible(relaxed.chosen)
        assert plain.objective_of(relaxed.chosen) == relaxed.objective
    removed = np.array(data.draw(st.lists(st.booleans(), min_size=model.n_pairs,
                                          max_size=model.n_pairs)), dtype=np.bool_)  # fmt: skip
    expected = flow.solve_without(model, removed)
    got = priced_flow.solve_without(model, removed)
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert got[0] == expected[0]
        assert not got[1][removed].any()
        assert plain.is_feasible(got[1]) and plain.objective_of(got[1]) == got[0]


@pytest.mark.usefixtures("priced_always")
def test_a_larger_assignment_is_proven_by_pricing_with_the_flow_optimum() -> None:
    """A generalised assignment's pairs without its knapsacks, every row a must-row: one pair
    per row to start cannot place them all, so the artificial column carries the first rounds."""
    gap = random_gap(60, 8, seed=3)
    model = replace(gap, side=(), row_must=np.ones(gap.n_rows, dtype=np.bool_),
                    col_cap=np.full(gap.n_cols, 10, dtype=np.int64))  # fmt: skip
    whole = flow.solve(model)
    relaxed = priced_flow.relax(model)
    assert whole.status is Status.OPTIMAL
    assert relaxed.status is Status.OPTIMAL
    assert relaxed.objective == whole.objective
    assert relaxed.chosen is not None and model.is_feasible(relaxed.chosen)
    assert "column generation" in relaxed.message
