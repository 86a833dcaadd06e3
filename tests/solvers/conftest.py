"""Named fixtures: each tiny model says in its docstring what is special about it."""

from __future__ import annotations

import pytest

from solvers import AssignmentModel
from tests.solvers.models import at_most, make

#: every back-end, and those that accept side constraints.
ALL_BACKENDS = ("flow", "cpsat", "highs", "cbc")
MIP_BACKENDS = ("cpsat", "highs", "cbc")


@pytest.fixture
def two_by_two() -> AssignmentModel:
    """Two rows compete for the better column; the optimum (7) gives up the best single pair."""
    return make(2, 2, [(0, 0, 5), (0, 1, 3), (1, 0, 4)])


@pytest.fixture
def must_row_with_only_a_loss() -> AssignmentModel:
    """Row 1 must be assigned and its only pair has negative weight: optimum 5 - 2 = 3."""
    return make(2, 2, [(0, 0, 5), (1, 1, -2)], must=(1,))


@pytest.fixture
def fixed_pair_blocks_the_best() -> AssignmentModel:
    """Pair 1 (row 1 → column 0) is fixed, so row 0 must settle for column 1: optimum 1 + 2."""
    return make(2, 2, [(0, 0, 9), (1, 0, 1), (0, 1, 2)], fixed=(1,))


@pytest.fixture
def shared_column() -> AssignmentModel:
    """Column 0 holds two: rows 0 and 1 take it, row 2 falls back to column 1 (optimum 12)."""
    return make(3, 2, [(0, 0, 6), (1, 0, 5), (2, 0, 4), (2, 1, 1)], cap=[2, 1])


@pytest.fixture
def side_limited() -> AssignmentModel:
    """At most one of the two best pairs may be chosen, so the optimum drops from 20 to 14."""
    return make(3, 3, [(0, 0, 10), (1, 1, 10), (2, 2, 4)], side=(at_most([0, 1], 1),))


@pytest.fixture
def conflict_and_must() -> AssignmentModel:
    """Row 0 must be assigned; row 1's best pair conflicts with both of row 0's and its other
    pair needs row 0's best column, so row 1 stays empty: optimum 7."""
    return make(
        2,
        2,
        [(0, 0, 7), (0, 1, 2), (1, 1, 3), (1, 0, 1)],
        must=(0,),
        side=(at_most([0, 2], 1), at_most([1, 2], 1)),
    )


@pytest.fixture
def over_full_column() -> AssignmentModel:
    """Two must-rows and one column of capacity 1: infeasible."""
    return make(2, 1, [(0, 0, 1), (1, 0, 1)], must=(0, 1))


@pytest.fixture
def must_row_without_pairs() -> AssignmentModel:
    """Row 1 must be assigned but has no pair at all: infeasible."""
    return make(2, 1, [(0, 0, 1)], must=(1,))


@pytest.fixture
def fixed_pairs_on_one_row() -> AssignmentModel:
    """Two fixed pairs share row 0: infeasible."""
    return make(1, 2, [(0, 0, 1), (0, 1, 1)], fixed=(0, 1))


@pytest.fixture
def side_forces_a_must_row_out() -> AssignmentModel:
    """The must-row's only pair is in a side constraint with right-hand side 0: infeasible."""
    return make(1, 1, [(0, 0, 1)], must=(0,), side=(at_most([0], 0),))


@pytest.fixture
def many_ties() -> AssignmentModel:
    """Twelve rows, twelve columns, all weights equal: many optima, for determinism checks."""
    return make(
        12,
        12,
        [(r, c, 1) for r in range(12) for c in range(12)],
        side=(at_most(list(range(0, 144, 5)), 3),),
    )


@pytest.fixture
def many_ties_no_side() -> AssignmentModel:
    """The same tie-rich model without side constraints (flow can solve it)."""
    return make(12, 12, [(r, c, 1) for r in range(12) for c in range(12)])
