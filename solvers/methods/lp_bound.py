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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solvers.backends import highs
from solvers.methods.duals import SideIndex, dual_bound, potentials, sign_feasible
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
#: Above this, an LP value counts as positive and a side constraint's excess as real.
_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class LpBound:
    """The outcome of :func:`lp_bound`.

    ``bound`` is a valid upper bound on the model's optimum; ``rc`` the reduced cost of every
    pair and ``scaled_bound`` the bound, both multiplied by ``scale`` (exact integers);
    ``core`` the pairs the last LP held; ``complete`` is true when no pair had a
    positive reduced cost and the LP's solution broke no side constraint left out, i.e.
    ``bound`` is the floor of the LP optimum of the whole model; ``side_rows`` how many side
    constraints the LP held. ``row_dual``, ``col_dual`` and ``side_dual`` are the duals
    behind ``rc`` and ``bound``, multiplied by ``scale`` and sign-feasible: a pair left out of
    the model, priced with them (``scale · weight − row_dual[row] − col_dual[col]`` minus the
    multipliers of the side constraints it would join), has its exact reduced cost, and while
    no such pair's is positive, ``bound`` holds for the model with them too.
    """

    bound: int
    scaled_bound: int
    rc: IntArray
    scale: int
    core: BoolArray
    complete: bool
    rounds: int
    side_rows: int = 0
    row_dual: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    col_dual: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    side_dual: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass(frozen=True, eq=False)
class Columns:
    """Pairs from beyond a model, offered to its LP: their rows, columns and weights, and their
    entries in the model's side constraints (entry ``i`` puts ``entry_coef[i]`` of offered pair
    ``entry_pair[i]`` in the model's side constraint ``entry_con[i]``)."""

    row: IntArray
    col: IntArray
    weight: IntArray
    entry_pair: IntArray
    entry_con: IntArray
    entry_coef: IntArray


#: Given the scaled duals (rows, columns, side constraints) and the scale, the pairs beyond the
#: model (and beyond every pair offered before) whose reduced cost is positive.
Beyond = Callable[[IntArray, IntArray, IntArray, int], Columns]
#: With pairs from beyond, the scale leaves room for a model this many times larger.
_BEYOND_ROOM = 16


def lp_bound(
    model: AssignmentModel,
    relaxed: BoolArray,
    feasible: BoolArray | None = None,
    *,
    deadline: float | None = None,
    beyond: Beyond | None = None,
) -> LpBound | None:
    """The LP bound of ``model`` by column generation from ``relaxed``, the flow optimum of the
    model without its side constraints, and ``feasible``, a selection whose pairs join the
    first core; ``None`` when the core LP fails, or the weights are too large to scale
    exactly.

    The side constraints enter the LP lazily: first those ``relaxed`` breaks, then each round
    those the LP's solution breaks. A constraint left out has multiplier 0, which is a valid
    dual, so every round's bound holds for the whole model; a dense city's hundreds of
    thousands of G03 rows, almost all slack, never reach the LP.

    With ``beyond``, the model is one restricted to some pairs of a larger one: each round also
    prices the pairs left out (``beyond``), and those it offers join the model (and the
    candidates for the core). The result then describes the last round over the grown model,
    whose pairs are the model's followed by the offered ones in the order offered; it is
    ``complete`` only when ``beyond`` offered none, and only then do its duals price every pair
    of the larger model at ≤ 0. The grown model's own side constraints (``side``) are not
    extended: the offered pairs' entries live in the LP alone.
    """
    import highspy
    from highspy._core import _Highs

    scale = _scale(model, _BEYOND_ROOM if beyond is not None else 1)
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

    lp = _LazyLp(model, index, every_row_and_column=beyond is not None)
    h = _Highs()
    # ``parallel`` off: the LP's path does not depend on HiGHS's thread count.
    options = (("output_flag", False), ("threads", highs.pool_threads(knapsack=False)),
               ("presolve", "off"), ("parallel", "off"), ("random_seed", 0))  # fmt: skip
    for key, val in options:
        h.setOptionValue(key, val)
    cols = np.flatnonzero(core)
    col_start, col_index, col_value = lp.columns(cols)
    h.passModel(
        len(cols), lp.n_fixed_cons, len(col_index), _COLWISE, _MAXIMIZE, 0.0,
        model.weight[cols].astype(np.float64), lp.lower[cols], np.ones(len(cols)),
        lp.row_lower, lp.row_upper, col_start, col_index, col_value,
        np.zeros(len(cols), dtype=np.int32),
    )  # fmt: skip
    lp.add_rows(h, np.flatnonzero(model.side_excess(relaxed)))
    scaled = replace(model, weight=model.weight * scale)
    best: LpBound | None = None
    for rounds in range(1, _MAX_ROUNDS + 1):
        if deadline is not None:
            h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
        highs.run(h)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            _log.debug("lp bound: core LP ended %s", h.modelStatusToString(h.getModelStatus()))
            return best
        solution = h.getSolution()
        row_dual, col_dual, side_dual = lp.duals(np.asarray(solution.row_dual, dtype=np.float64))
        duals = sign_feasible(
            model, _rounded(row_dual, scale), _rounded(col_dual, scale),
            _rounded(side_dual, scale),
        )  # fmt: skip
        try:
            scaled_bound, rc = dual_bound(scaled, index, *duals)
        except ValueError:
            _log.debug("lp bound: duals too large for exact reduced costs")
            return best
        fresh = (rc > 0) & ~core
        broken = lp.broken(lp.values(np.asarray(solution.col_value, dtype=np.float64)))
        offered = None if beyond is None else beyond(*duals, scale)
        n_offered = 0 if offered is None else len(offered.row)
        complete = not fresh.any() and not len(broken) and not n_offered
        _log.debug(
            "lp bound round %d: LP %.1f, bound %d, %d core pairs, %d side rows, %d pairs and "
            "%d rows added, %d pairs offered",
            rounds, h.getInfo().objective_function_value, scaled_bound // scale,
            int(core.sum()), lp.n_side, int(fresh.sum()), len(broken), n_offered,
        )  # fmt: skip
        # From beyond, only the last round holds for the grown model.
        if beyond is not None or best is None or scaled_bound < best.scaled_bound:
            best = LpBound(
                scaled_bound // scale, scaled_bound, rc, scale, core.copy(), complete, rounds,
                lp.n_side, *duals,
            )  # fmt: skip
        if complete or (deadline is not None and time.perf_counter() > deadline):
            break
        if offered is not None and n_offered:
            model, index = _grown(model, index, offered)
            scaled = replace(model, weight=model.weight * scale)
            lp.grow(model, index, offered)
            core = np.concatenate([core, np.zeros(n_offered, dtype=np.bool_)])
            _, rc = dual_bound(scaled, index, *duals)
            fresh = (rc > 0) & ~core
        add = np.flatnonzero(_best_per_row(model, rc, fresh, _ADD_PER_ROW))
        if len(add):
            core[add] = True
            a_start, a_index, a_value = lp.columns(add)
            h.addCols(
                len(add), model.weight[add].astype(np.float64), lp.lower[add], np.ones(len(add)),
                len(a_index), a_start, a_index, a_value,
            )  # fmt: skip
        lp.add_rows(h, broken)
    if best is not None:
        _log.debug(
            "lp bound: bound %d after %d rounds, %d core pairs, %d of %d side rows, complete %s",
            best.bound, best.rounds, int(best.core.sum()), lp.n_side, len(model.side),
            best.complete,
        )  # fmt: skip
    return best


def _grown(
    model: AssignmentModel, index: SideIndex, offered: Columns
) -> tuple[AssignmentModel, SideIndex]:
    """The model with the offered pairs appended, and its side entries with theirs."""
    n = model.n_pairs
    grown = replace(
        model,
        pair_row=np.concatenate([model.pair_row, offered.row]),
        pair_col=np.concatenate([model.pair_col, offered.col]),
        weight=np.concatenate([model.weight, offered.weight]),
    )
    con = np.concatenate([index.con, offered.entry_con])
    order = np.argsort(con, kind="stable")
    con = con[order]
    pair = np.concatenate([index.pair, n + offered.entry_pair])[order]
    coef = np.concatenate([index.coef, offered.entry_coef])[order]
    starts = np.searchsorted(con, np.arange(len(index.rhs) + 1)).astype(np.int64)
    return grown, SideIndex(pair, coef, con, index.rhs, starts)


class _LazyLp:
    """The LP's constraint layout: one row per model row with pairs, one per column whose
    capacity can bind, then the side constraints in the order they joined, each with its own
    penalised slack.

    The slacks keep every core LP feasible; they are not part of the model, so the bound (taken
    from the duals alone) stays valid, and they leave the LP's support as the pairs that make
    it feasible join the core.
    """

    def __init__(
        self, model: AssignmentModel, index: SideIndex, *, every_row_and_column: bool = False
    ) -> None:
        self.model = model
        self.index = index
        # A model that grows (pairs from beyond) keeps a row for every row and column: one
        # without pairs now may have some later, and a capacity that cannot bind now may.
        used = np.bincount(model.pair_row, minlength=model.n_rows) > 0
        used_rows = np.arange(model.n_rows) if every_row_and_column else np.flatnonzero(used)
        self.used_rows = used_rows
        self.row_id = np.full(model.n_rows, -1, dtype=np.int64)
        self.row_id[used_rows] = np.arange(len(used_rows))
        counts = np.bincount(model.pair_col, minlength=model.n_cols)
        self.binding = (
            np.arange(model.n_cols)
            if every_row_and_column
            else np.flatnonzero(counts > model.col_cap)
        )
        self.col_id = np.full(model.n_cols, -1, dtype=np.int64)
        self.col_id[self.binding] = len(used_rows) + np.arange(len(self.binding))
        self.n_fixed_cons = len(used_rows) + len(self.binding)
        self.row_lower = np.concatenate(
            [model.row_must[used_rows].astype(np.float64), np.zeros(len(self.binding))]
        )
        self.row_upper = np.concatenate(
            [np.ones(len(used_rows)), model.col_cap[self.binding].astype(np.float64)]
        )
        self.lower = np.zeros(model.n_pairs, dtype=np.float64)
        self.lower[model.fixed] = 1.0
        #: LP row of each side constraint (-1 while left out), and the side rows in LP order.
        self.side_row = np.full(len(model.side), -1, dtype=np.int64)
        self.order = np.zeros(0, dtype=np.int64)
        self.penalty = 4.0 * float(np.abs(model.weight).max(initial=1)) + 1.0
        #: LP column of each pair (-1 outside the core), and the LP's number of columns.
        self.lp_col = np.full(model.n_pairs, -1, dtype=np.int64)
        self.n_lp_cols = 0
        # Entries of the side rows in the LP: pair, coefficient, LP row.
        self.e_pair = self.e_coef = self.e_row = np.zeros(0, dtype=np.int64)

    def grow(self, model: AssignmentModel, index: SideIndex, offered: Columns) -> None:
        """Take the model grown by ``offered`` (:func:`_grown`): its pairs are outside the LP
        until they join the core, with their entries in the side rows the LP holds."""
        n = self.model.n_pairs
        self.model, self.index = model, index
        extra = len(offered.row)
        self.lower = np.concatenate([self.lower, np.zeros(extra)])
        self.lp_col = np.concatenate([self.lp_col, np.full(extra, -1, dtype=np.int64)])
        rows = self.side_row[offered.entry_con]
        inside = rows >= 0
        self.e_pair = np.concatenate([self.e_pair, n + offered.entry_pair[inside]])
        self.e_coef = np.concatenate([self.e_coef, offered.entry_coef[inside]])
        self.e_row = np.concatenate([self.e_row, rows[inside]])

    @property
    def n_side(self) -> int:
        """Side constraints in the LP."""
        return len(self.order)

    def columns(self, pairs: IntArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CSC of ``pairs`` as new LP columns (starts, row indices, values), in HiGHS's
        dtypes: their row, their binding column and the side rows in the LP. The caller adds
        them to the LP next, after its columns so far."""
        m = self.model
        self.lp_col[pairs] = self.n_lp_cols + np.arange(len(pairs))
        self.n_lp_cols += len(pairs)
        pos = np.arange(len(pairs), dtype=np.int64)
        col = self.col_id[m.pair_col[pairs]]
        at = np.full(m.n_pairs, -1, dtype=np.int64)
        at[pairs] = pos
        side = at[self.e_pair] >= 0
        var = np.concatenate([pos, pos[col >= 0], at[self.e_pair[side]]])
        con = np.concatenate([self.row_id[m.pair_row[pairs]], col[col >= 0], self.e_row[side]])
        val = np.concatenate(
            [np.ones(len(pairs) + int((col >= 0).sum()), np.int64), self.e_coef[side]]
        )
        order = np.lexsort((con, var))
        start = np.zeros(len(pairs), dtype=np.int64)
        np.cumsum(np.bincount(var, minlength=len(pairs))[:-1], out=start[1:])
        return (
            start.astype(np.int32),
            con[order].astype(np.int32),
            val[order].astype(np.float64),
        )

    def add_rows(self, h: Any, rows: IntArray) -> None:
        """Add the side constraints ``rows`` (those not yet in the LP) over the LP's columns,
        each with its slack."""
        rows = rows[self.side_row[rows] < 0]
        if not len(rows):
            return
        first = self.n_fixed_cons + self.n_side
        self.side_row[rows] = first + np.arange(len(rows))
        self.order = np.concatenate([self.order, rows])
        index = self.index
        # The new rows' entries, by their ranges: not a pass over every entry of the model.
        lo, hi = index.starts[rows], index.starts[rows + 1]
        sizes = hi - lo
        entries = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(
            lo - (np.cumsum(sizes) - sizes), sizes
        )
        pair, coef = index.pair[entries], index.coef[entries]
        lp_row = self.side_row[index.con[entries]]
        self.e_pair = np.concatenate([self.e_pair, pair])
        self.e_coef = np.concatenate([self.e_coef, coef])
        self.e_row = np.concatenate([self.e_row, lp_row])
        at = self.lp_col[pair]
        inside = at >= 0
        con, var, val = lp_row[inside] - first, at[inside], coef[inside]
        order = np.lexsort((var, con))
        start = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(np.bincount(con, minlength=len(rows))[:-1], out=start[1:])
        least = np.minimum(coef, 0)
        lower = np.zeros(len(rows))
        np.add.at(lower, lp_row - first, least)
        h.addRows(
            len(rows), lower, index.rhs[rows].astype(np.float64), len(order),
            start.astype(np.int32), var[order].astype(np.int32), val[order].astype(np.float64),
        )  # fmt: skip
        n = len(rows)
        h.addCols(
            n, np.full(n, -self.penalty), np.zeros(n), np.full(n, np.inf), n,
            np.arange(n, dtype=np.int32), (first + np.arange(n)).astype(np.int32),
            np.full(n, -1.0),
        )  # fmt: skip
        self.n_lp_cols += n

    def values(self, col_value: np.ndarray) -> np.ndarray:
        """The LP's column values as one value per model pair (0 outside the core)."""
        x = np.zeros(self.model.n_pairs)
        inside = self.lp_col >= 0
        x[inside] = col_value[self.lp_col[inside]]
        return x

    def duals(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and side duals over the whole model from the LP's row duals ``y``
        (0 for side constraints left out)."""
        m = self.model
        row_dual = np.zeros(m.n_rows)
        row_dual[self.used_rows] = y[: len(self.used_rows)]
        col_dual = np.zeros(m.n_cols)
        col_dual[self.binding] = y[len(self.used_rows) : self.n_fixed_cons]
        side_dual = np.zeros(len(m.side))
        side_dual[self.order] = y[self.n_fixed_cons : self.n_fixed_cons + self.n_side]
        return row_dual, col_dual, side_dual

    def broken(self, x: np.ndarray) -> IntArray:
        """The side constraints left out that the LP solution ``x`` (one value per pair)
        exceeds."""
        index = self.index
        support = np.flatnonzero(x[index.pair] > _TOLERANCE)
        lhs = np.bincount(
            index.con[support],
            weights=index.coef[support] * x[index.pair[support]],
            minlength=len(index.rhs),
        )
        out: IntArray = np.flatnonzero((lhs > index.rhs + _TOLERANCE) & (self.side_row < 0))
        return out


def fix_by_reduced_cost(
    model: AssignmentModel, lp: LpBound, objective: int, keep: BoolArray
) -> BoolArray:
    """The pairs a solution of objective ≥ ``objective`` may use, plus ``keep`` and the fixed
    pairs: a pair whose reduced cost exceeds ``bound − objective`` is in no such solution."""
    out = lp.scaled_bound + np.minimum(lp.rc, 0) >= objective * lp.scale
    out |= keep
    out[model.fixed] = True
    return out


def _scale(model: AssignmentModel, growth: int = 1) -> int | None:
    """A power of two that keeps the duals' rounding negligible and every sum inside int64,
    also once the model has ``growth`` times its pairs."""
    largest = float(np.abs(model.weight).max(initial=1)) + 1.0
    size = growth * model.n_pairs + model.n_rows + model.n_cols
    room = _INT_HEADROOM / (largest * max(size, 1))
    if room < 2.0**10:
        return None
    return int(2 ** min(int(np.log2(room)), 30))


def _rounded(values: np.ndarray, scale: int) -> IntArray:
    out: IntArray = np.rint(values * scale).astype(np.int64)
    return out


def _best_per_row(model: AssignmentModel, rc: IntArray, among: BoolArray, k: int) -> BoolArray:
    """Per row, the ``k`` pairs of ``among`` with the highest reduced cost (ties by index)."""
    cand = np.flatnonzero(among)
    rows = model.pair_row[cand]
    values = rc[cand]
    top = int(values.max(initial=0))
    span = top - int(values.min(initial=0)) + 1
    if model.n_rows * span < 1 << 62:
        # One int64 key sorts several times faster than three (a first core over 12 million
        # pairs); the stable sort keeps ties by index as the three keys would.
        order = np.argsort(rows * span + (top - values), kind="stable")
    else:
        order = np.lexsort((cand, -values, rows))
    rows = rows[order]
    rank = np.arange(len(order)) - np.searchsorted(rows, rows)
    out = np.zeros(model.n_pairs, dtype=np.bool_)
    out[cand[order[rank < k]]] = True
    return out
