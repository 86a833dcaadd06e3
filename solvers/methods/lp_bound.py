"""An upper bound from the LP relaxation of a side-constrained assignment, and reduced-cost fixing.

:func:`lp_bound` computes an upper bound on the optimum of a model with side constraints (and
the exact reduced cost of every pair) from the LP relaxation, solved by column generation;
:func:`fix_by_reduced_cost` then keeps only the pairs that a solution at least as good as an
incumbent may use.

The LP relaxation of the placement models is nearly tight, but solving it over every pair is
what makes a MIP back-end slow: the assignment LP is highly degenerate. Here the LP keeps every
constraint (rows, binding columns, side constraints) but only a *core* of pairs: each row's
best pairs by the reduced cost of the flow optimum without side constraints (its potentials,
:func:`solvers.methods.duals.potentials`). The LP duals give every pair of the model a reduced
cost; pairs with positive reduced cost join the core and the LP is re-solved from its last
basis, until none is left. The duals then prove an upper bound for the whole model
(:func:`solvers.methods.duals.dual_bound`, exact in integers after scaling), and every pair
whose reduced cost exceeds the gap to an incumbent can be left out of the exact search.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np

from solvers.backends.matrix import linear_form
from solvers.methods.duals import SideIndex, dual_bound, potentials
from solvers.model import AssignmentModel, BoolArray, IntArray

_log = logging.getLogger(__name__)
_COLWISE = 1
_MAXIMIZE = -1
#: Pairs per row in the first core, and pairs per row added per round.
_CORE_PER_ROW = 4
_ADD_PER_ROW = 3
_MAX_ROUNDS = 200
#: Scaled duals and weights must stay well inside int64.
_INT_HEADROOM = 2.0**61


@dataclass(frozen=True, eq=False)
class LpBound:
    """The outcome of :func:`lp_bound`.

    ``bound`` is a valid upper bound on the model's optimum; ``rc`` the reduced cost of every
    pair and ``scaled_bound`` the bound, both multiplied by ``scale`` (exact integers);
    ``core`` the pairs the last LP held; ``complete`` is true when no pair had a
    positive reduced cost, i.e. ``bound`` is the floor of the LP optimum of the whole model.
    """

    bound: int
    scaled_bound: int
    rc: IntArray
    scale: int
    core: BoolArray
    complete: bool
    rounds: int


def lp_bound(
    model: AssignmentModel,
    relaxed: BoolArray,
    feasible: BoolArray | None = None,
    *,
    deadline: float | None = None,
) -> LpBound | None:
    """The LP bound of ``model`` by column generation from ``relaxed``, the flow optimum of the
    model without its side constraints, and ``feasible``, a selection whose pairs join the
    first core; ``None`` when the core LP fails, or the weights are too large to scale
    exactly."""
    import highspy
    from highspy._core import _Highs

    scale = _scale(model)
    if scale is None:
        return None
    index = SideIndex.of(model)
    u, v = potentials(model, relaxed, model.weight)
    _, rc0 = dual_bound(model, index, u, v, np.zeros(len(model.side), dtype=np.int64))
    core = _best_per_row(model, rc0, np.ones(model.n_pairs, dtype=np.bool_), _CORE_PER_ROW)
    core |= relaxed
    if feasible is not None:
        core |= feasible
    core[model.fixed] = True

    form = linear_form(model)
    start, rows_of, values = form.compressed(by_column=True)
    lower = np.zeros(model.n_pairs, dtype=np.float64)
    lower[model.fixed] = 1.0
    used_rows = np.flatnonzero(np.bincount(model.pair_row, minlength=model.n_rows) > 0)
    binding = np.flatnonzero(np.bincount(model.pair_col, minlength=model.n_cols) > model.col_cap)
    n_row, n_col = form.n_row_cons, form.n_col_cons
    scaled = replace(model, weight=model.weight * scale)

    h = _Highs()
    for key, val in (("output_flag", False), ("presolve", "off"), ("random_seed", 0)):
        h.setOptionValue(key, val)
    cols = np.flatnonzero(core)
    col_start, col_index, col_value = _columns(start, rows_of, values, cols)
    h.passModel(
        len(cols), form.n_cons, len(col_index), _COLWISE, _MAXIMIZE, 0.0,
        model.weight[cols].astype(np.float64), lower[cols], np.ones(len(cols)),
        form.lower.astype(np.float64), form.upper.astype(np.float64),
        col_start, col_index, col_value, np.zeros(len(cols), dtype=np.int32),
    )  # fmt: skip
    # One penalised slack per side constraint keeps every core LP feasible; the slacks are not
    # part of the model, so the bound (taken from the duals alone) stays valid, and they leave
    # the LP's support as the pairs that make it feasible join the core.
    n_side = len(model.side)
    penalty = 4.0 * float(np.abs(model.weight).max(initial=1)) + 1.0
    h.addCols(
        n_side, np.full(n_side, -penalty), np.zeros(n_side), np.full(n_side, np.inf), n_side,
        np.arange(n_side, dtype=np.int32), (n_row + n_col + np.arange(n_side)).astype(np.int32),
        np.full(n_side, -1.0),
    )  # fmt: skip
    best: LpBound | None = None
    for rounds in range(1, _MAX_ROUNDS + 1):
        if deadline is not None:
            h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            _log.debug("lp bound: core LP ended %s", h.modelStatusToString(h.getModelStatus()))
            return best
        y = np.asarray(h.getSolution().row_dual, dtype=np.float64)
        row_dual = np.zeros(model.n_rows)
        row_dual[used_rows] = y[:n_row]
        col_dual = np.zeros(model.n_cols)
        col_dual[binding] = y[n_row : n_row + n_col]
        side_dual = y[n_row + n_col :]
        try:
            scaled_bound, rc = dual_bound(
                scaled, index, _rounded(row_dual, scale), _rounded(col_dual, scale),
                _rounded(side_dual, scale),
            )  # fmt: skip
        except ValueError:
            _log.debug("lp bound: duals too large for exact reduced costs")
            return best
        fresh = (rc > 0) & ~core
        complete = not fresh.any()
        _log.debug(
            "lp bound round %d: LP %.1f, bound %d, %d core pairs, %d added",
            rounds, h.getInfo().objective_function_value, scaled_bound // scale,
            int(core.sum()), int(fresh.sum()),
        )  # fmt: skip
        if best is None or scaled_bound < best.scaled_bound:
            best = LpBound(
                scaled_bound // scale, scaled_bound, rc, scale, core.copy(), complete, rounds
            )
        if complete or (deadline is not None and time.perf_counter() > deadline):
            break
        add = np.flatnonzero(_best_per_row(model, rc, fresh, _ADD_PER_ROW))
        core[add] = True
        a_start, a_index, a_value = _columns(start, rows_of, values, add)
        h.addCols(
            len(add), model.weight[add].astype(np.float64), lower[add], np.ones(len(add)),
            len(a_index), a_start, a_index, a_value,
        )  # fmt: skip
    if best is not None:
        _log.debug(
            "lp bound: bound %d after %d rounds, %d core pairs, complete %s",
            best.bound, best.rounds, int(best.core.sum()), best.complete,
        )  # fmt: skip
    return best


def fix_by_reduced_cost(
    model: AssignmentModel, lp: LpBound, objective: int, keep: BoolArray
) -> BoolArray:
    """The pairs a solution of objective ≥ ``objective`` may use, plus ``keep`` and the fixed
    pairs: a pair whose reduced cost exceeds ``bound − objective`` is in no such solution."""
    out = lp.scaled_bound + np.minimum(lp.rc, 0) >= objective * lp.scale
    out |= keep
    out[model.fixed] = True
    return out


def _scale(model: AssignmentModel) -> int | None:
    """A power of two that keeps the duals' rounding negligible and every sum inside int64."""
    largest = float(np.abs(model.weight).max(initial=1)) + 1.0
    room = _INT_HEADROOM / (largest * max(model.n_pairs + model.n_rows + model.n_cols, 1))
    if room < 2.0**10:
        return None
    return int(2 ** min(int(np.log2(room)), 30))


def _rounded(values: np.ndarray, scale: int) -> IntArray:
    out: IntArray = np.rint(values * scale).astype(np.int64)
    return out


def _best_per_row(model: AssignmentModel, rc: IntArray, among: BoolArray, k: int) -> BoolArray:
    """Per row, the ``k`` pairs of ``among`` with the highest reduced cost (ties by index)."""
    cand = np.flatnonzero(among)
    order = np.lexsort((cand, -rc[cand], model.pair_row[cand]))
    rows = model.pair_row[cand[order]]
    rank = np.arange(len(order)) - np.searchsorted(rows, rows)
    out = np.zeros(model.n_pairs, dtype=np.bool_)
    out[cand[order[rank < k]]] = True
    return out


def _columns(
    start: IntArray, rows_of: IntArray, values: IntArray, cols: IntArray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSC slices of ``cols`` (starts, row indices, values) in HiGHS's dtypes."""
    if not len(cols):
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float64)
    lengths = start[cols + 1] - start[cols]
    offsets = np.zeros(len(cols), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    pos = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(start[cols] - offsets, lengths)
    return offsets.astype(np.int32), rows_of[pos].astype(np.int32), values[pos].astype(np.float64)
