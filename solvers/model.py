"""A neutral sparse assignment model and the result every back-end returns.

Nothing here knows about civil servants: rows and columns are integers, pairs are the allowed
(row, column) assignments with integer weights, and the objective is to **maximise** the sum of
weights of the chosen pairs subject to

* each row takes at most ``row_cap`` = 1 pair, and exactly one when ``row_must[r]`` is true;
* each column takes at most ``col_cap[c]`` pairs;
* every pair in ``fixed`` is chosen;
* every side constraint ``Σ coef_i · x[pairs_i] ≤ rhs`` holds (an "at most k over a set of
  pairs"; a conflict between two pairs is ``x_a + x_b ≤ 1``).

All arrays are numpy arrays; build models from arrays, never pair by pair.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class SideConstraint:
    """``Σ coef[i] · x[pairs[i]] ≤ rhs`` over a set of pair indices.

    ``coef`` defaults to all ones (a plain at-most-``rhs`` constraint). Pair indices are unique
    within one constraint.
    """

    pairs: IntArray
    rhs: int
    coef: IntArray | None = None
    #: free-form label used by the caller to map a constraint back to its meaning.
    name: str = ""

    def coefficients(self) -> IntArray:
        """The coefficients, ones when none were given."""
        if self.coef is None:
            return np.ones(len(self.pairs), dtype=np.int64)
        return self.coef


@dataclass(frozen=True, eq=False)
class AssignmentModel:
    """Sparse assignment model (see module docstring).

    Attributes
    ----------
    n_rows, n_cols
        Numbers of rows and columns.
    pair_row, pair_col, weight
        One entry per allowed pair; ``weight`` is an exact integer (int64).
    row_must
        Bool per row: the row must take exactly one pair.
    col_cap
        Int per column: at most this many pairs in the column.
    fixed
        Indices of pairs that must be chosen.
    side
        Side constraints.
    """

    n_rows: int
    n_cols: int
    pair_row: IntArray
    pair_col: IntArray
    weight: IntArray
    row_must: BoolArray
    col_cap: IntArray
    fixed: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    side: tuple[SideConstraint, ...] = ()

    @property
    def n_pairs(self) -> int:
        """Number of pairs."""
        return len(self.pair_row)

    @property
    def has_knapsack(self) -> bool:
        """True when some side constraint weighs a pair by more than one (a knapsack row, as
        the agents' capacities of a generalised assignment)."""
        return any(s.coef is not None and bool((s.coef > 1).any()) for s in self.side)

    @property
    def has_side_constraints(self) -> bool:
        """True when the model has side constraints (pure min-cost flow cannot solve it)."""
        return len(self.side) > 0

    def validate(self) -> None:
        """Raise ``ValueError`` when arrays are inconsistent (lengths, ranges, dtypes)."""
        n = self.n_pairs
        for name in ("pair_col", "weight"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, expected {n}")
        if len(self.row_must) != self.n_rows or len(self.col_cap) != self.n_cols:
            raise ValueError("row_must/col_cap length mismatch")
        if n and (self.pair_row.min() < 0 or self.pair_row.max() >= self.n_rows):
            raise ValueError("pair_row out of range")
        if n and (self.pair_col.min() < 0 or self.pair_col.max() >= self.n_cols):
            raise ValueError("pair_col out of range")
        if len(self.fixed) and (self.fixed.min() < 0 or self.fixed.max() >= n):
            raise ValueError("fixed pair index out of range")
        for s in self.side:
            if s.coef is not None and len(s.coef) != len(s.pairs):
                raise ValueError(f"side constraint {s.name!r}: coef/pairs length mismatch")
        # One pass over the flat entries (kept for every later check), not two numpy calls
        # per constraint: a dense city's model has hundreds of thousands of them.
        flat = self.side_entries
        outside = np.flatnonzero((flat.pair < 0) | (flat.pair >= n))
        if len(outside):
            name = self.side[int(flat.con[outside[0]])].name
            raise ValueError(f"side constraint {name!r} has a pair index out of range")
        if (self.col_cap < 0).any():
            raise ValueError("negative column capacity")

    def objective_of(self, chosen: BoolArray) -> int:
        """Objective value (exact integer) of a selection of pairs."""
        return int(self.weight[chosen].sum())

    def is_feasible(self, chosen: BoolArray) -> bool:
        """True when the selection of pairs satisfies every constraint of the model."""
        rows = np.bincount(self.pair_row[chosen], minlength=self.n_rows)
        if (rows > 1).any() or (rows[self.row_must] != 1).any():
            return False
        cols = np.bincount(self.pair_col[chosen], minlength=self.n_cols)
        if (cols > self.col_cap).any():
            return False
        if len(self.fixed) and not chosen[self.fixed].all():
            return False
        return not self.side_excess(chosen).any()

    @functools.cached_property
    def side_entries(self) -> SideEntries:
        """The side constraints as flat arrays, built once per model: a dense city's model has
        hundreds of thousands of constraints, too many to walk one by one at every check."""
        return SideEntries.of(self.side)

    def side_excess(self, chosen: BoolArray) -> BoolArray:
        """Bool per side constraint: ``chosen`` exceeds it (one pass over all of them)."""
        if not self.side:
            return np.zeros(0, dtype=np.bool_)
        flat = self.side_entries
        # Only the entries of chosen pairs add up: a selection holds few of a model's pairs.
        hit = np.flatnonzero(chosen[flat.pair])
        lhs = np.zeros(len(flat.rhs), dtype=np.int64)
        np.add.at(lhs, flat.con[hit], flat.coef[hit])
        excess: BoolArray = lhs > flat.rhs
        return excess


@dataclass(frozen=True, eq=False)
class SideEntries:
    """Side constraints as flat arrays: entry ``i`` puts ``coef[i]`` of pair ``pair[i]`` in
    constraint ``con[i]``; the entries of constraint ``k`` are ``starts[k]`` to
    ``starts[k + 1]``, in the constraint's own order."""

    pair: IntArray
    coef: IntArray
    con: IntArray
    rhs: IntArray
    starts: IntArray

    @classmethod
    def of(cls, side: tuple[SideConstraint, ...]) -> SideEntries:
        """Flatten ``side``."""
        if not side:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, empty, empty, np.zeros(1, dtype=np.int64))
        lengths = np.fromiter((len(s.pairs) for s in side), dtype=np.int64, count=len(side))
        starts = np.zeros(len(side) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        pair = np.concatenate([s.pairs for s in side]).astype(np.int64)
        coef = np.ones(len(pair), dtype=np.int64)
        for k in [k for k, s in enumerate(side) if s.coef is not None]:
            coef[starts[k] : starts[k + 1]] = side[k].coefficients()
        con = np.repeat(np.arange(len(side), dtype=np.int64), lengths)
        rhs = np.fromiter((s.rhs for s in side), dtype=np.int64, count=len(side))
        return cls(pair, coef, con, rhs, starts)

    def totals(self, values: IntArray) -> IntArray:
        """Per constraint, the exact sum of ``values`` (one int64 per entry)."""
        out = np.zeros(len(self.rhs), dtype=np.int64)
        filled = np.flatnonzero(self.starts[1:] > self.starts[:-1])
        if len(filled):
            # reduceat over the non-empty constraints only: exact integer sums at C speed.
            out[filled] = np.add.reduceat(values.astype(np.int64, copy=False), self.starts[filled])
        return out


class Status(enum.StrEnum):
    """Outcome of a solve."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    TIMEOUT_NO_SOLUTION = "TIMEOUT_NO_SOLUTION"


@dataclass(frozen=True, eq=False)
class Result:
    """What every back-end returns.

    ``chosen`` is a bool per pair (``None`` without a solution); ``objective`` the exact integer
    objective of ``chosen`` (recomputed from the weights, never the solver's float); ``bound`` an
    upper bound on the optimum when known (equal to ``objective`` when OPTIMAL); ``runtime_s``
    wall time including model build; ``build_s`` the part spent building the solver's model;
    ``proved_by`` names what proved the status (the back-end whose bound met the objective, or
    which proved infeasibility; ``""`` when nothing was proved).
    """

    status: Status
    objective: int | None
    bound: int | None
    chosen: BoolArray | None
    solver: str
    runtime_s: float
    build_s: float = 0.0
    message: str = ""
    proved_by: str = ""
