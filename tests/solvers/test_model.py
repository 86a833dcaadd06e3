"""The neutral model refuses inconsistent side constraints and checks them as a whole."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solvers import AssignmentModel, SideConstraint
from tests.solvers.models import at_most, make


def two_by_two(*side: SideConstraint) -> AssignmentModel:
    """Two rows, two columns, every pair allowed, with the given side constraints."""
    return make(2, 2, [(0, 0, 5), (0, 1, 3), (1, 0, 4), (1, 1, 2)], side=side)


def test_a_side_constraint_naming_a_pair_outside_the_model_is_refused_by_its_name() -> None:
    model = two_by_two(at_most([0, 1], 1), replace(at_most([2, 4], 1), name="S1"))
    with pytest.raises(ValueError, match="side constraint 'S1' has a pair index out of range"):
        model.validate()


def test_a_side_constraint_whose_coefficients_do_not_match_its_pairs_is_refused() -> None:
    model = two_by_two(at_most([0, 1, 2], 2, coef=[1, 2]))
    with pytest.raises(ValueError, match="coef/pairs length mismatch"):
        model.validate()


def test_side_excess_counts_only_the_chosen_pairs_with_their_coefficients() -> None:
    model = two_by_two(at_most([0, 2], 1), at_most([1, 3], 4, coef=[3, 2]), at_most([], 0))
    chosen = np.array([True, False, True, False])
    assert model.side_excess(chosen).tolist() == [True, False, False]
    chosen = np.array([False, True, False, True])
    assert model.side_excess(chosen).tolist() == [False, True, False]
    assert not model.is_feasible(chosen)
