"""The model as a sparse linear program: one constraint matrix shared by the MIP back-ends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solvers.model import AssignmentModel, IntArray

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LinearForm:
    """``lower ≤ A x ≤ upper`` over binary ``x`` (one per pair), ``A`` as coordinate triplets.

    Constraints, in order: one per model row that has pairs (``Σ x ≤ 1``, ``= 1`` for
    must-rows), one per column whose capacity can bind (``Σ x ≤ cap``), one per side constraint
    (its lower bound is the least value the left side can take). ``n_row_cons`` and
    ``n_col_cons`` count the first two groups.
    """

    n_vars: int
    n_row_cons: int
    n_col_cons: int
    con: IntArray
    var: IntArray
    value: IntArray
    lower: IntArray
    upper: IntArray

    @property
    def n_cons(self) -> int:
        """Number of constraints."""
        return len(self.lower)

    def compressed(self, by_column: bool) -> tuple[IntArray, IntArray, IntArray]:
        """``(start, index, value)`` in CSC (``by_column``) or CSR form, indices sorted."""
        major, minor = (self.var, self.con) if by_column else (self.con, self.var)
        n_major = self.n_vars if by_column else self.n_cons
        order = np.lexsort((minor, major))
        start = np.zeros(n_major + 1, dtype=np.int64)
        np.cumsum(np.bincount(major, minlength=n_major), out=start[1:])
        return start, minor[order], self.value[order]


def linear_form(model: AssignmentModel) -> LinearForm:
    """Build the constraint matrix of ``model`` with numpy only."""
    n = model.n_pairs
    pairs = np.arange(n, dtype=np.int64)

    row_count = np.bincount(model.pair_row, minlength=model.n_rows)
    used_rows = np.flatnonzero(row_count > 0)
    row_id = np.full(model.n_rows, -1, dtype=np.int64)
    row_id[used_rows] = np.arange(len(used_rows))
    n_row_cons = len(used_rows)

    col_count = np.bincount(model.pair_col, minlength=model.n_cols)
    binding = np.flatnonzero(col_count > model.col_cap)
    col_id = np.full(model.n_cols, -1, dtype=np.int64)
    col_id[binding] = n_row_cons + np.arange(len(binding))
    n_col_cons = len(binding)

    in_binding = col_id[model.pair_col] >= 0
    n_in = int(in_binding.sum())
    cons = [row_id[model.pair_row], col_id[model.pair_col][in_binding]]
    vars_ = [pairs, pairs[in_binding]]
    vals = [np.ones(n, dtype=np.int64), np.ones(n_in, dtype=np.int64)]
    lower = [model.row_must[used_rows].astype(np.int64), np.zeros(n_col_cons, dtype=np.int64)]
    upper = [np.ones(n_row_cons, dtype=np.int64), model.col_cap[binding].astype(np.int64)]
    first_side = n_row_cons + n_col_cons
    for k, s in enumerate(model.side):
        coef = s.coefficients().astype(np.int64)
        cons.append(np.full(len(s.pairs), first_side + k, dtype=np.int64))
        vars_.append(s.pairs.astype(np.int64))
        vals.append(coef)
        lower.append(np.array([np.minimum(coef, 0).sum()], dtype=np.int64))
        upper.append(np.array([s.rhs], dtype=np.int64))

    return LinearForm(
        n_vars=n,
        n_row_cons=n_row_cons,
        n_col_cons=n_col_cons,
        con=np.concatenate(cons),
        var=np.concatenate(vars_),
        value=np.concatenate(vals),
        lower=np.concatenate(lower),
        upper=np.concatenate(upper),
    )
