"""Lagrangian bounds over min-cost flow and reduced-cost fixing.

The side constraints of an assignment model are few next to its pairs, and the LP relaxation of
the model is nearly tight. Pricing every side constraint into the pair weights with a multiplier
``mu ≥ 0`` leaves a pure assignment that min-cost flow solves exactly; its dual (row values
``u``, column values ``v``, read off the residual network as shortest-path potentials) together
with ``mu`` is a dual solution of the model's LP, hence an upper bound on the optimum. A
subgradient search improves ``mu``, the flow solutions repaired to feasibility are incumbents,
and every pair whose reduced cost exceeds the remaining gap is left out of the model handed to
the exact back-end: no solution at least as good as the incumbent uses it.

All duals are integers (the weights are), so the bound and the reduced costs are exact. The
bound formula holds for *any* sign-feasible dual vector, so it stays valid whatever the
potentials are; a poor dual only gives a weaker bound and fixes fewer pairs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np

from solvers import flow
from solvers.model import AssignmentModel, BoolArray, IntArray

_log = logging.getLogger(__name__)
#: Bellman-Ford rounds allowed for the potentials (assignment networks need a few dozen).
_MAX_ROUNDS = 1_000
#: Pairs per row kept in the core the subgradient iterations solve (more are added on demand).
_CORE_PER_ROW = 12
#: A repair (a few more flow solves) every this many subgradient iterations.
_REPAIR_EVERY = 3


@dataclass(frozen=True, eq=False)
class SideIndex:
    """The side constraints as flat arrays: entry ``i`` puts ``coef[i]`` of pair ``pair[i]`` in
    constraint ``con[i]``."""

    pair: IntArray
    coef: IntArray
    con: IntArray
    rhs: IntArray

    @classmethod
    def of(cls, model: AssignmentModel) -> SideIndex:
        """Flatten the side constraints of ``model``."""
        side = model.side
        pair = np.concatenate([s.pairs for s in side]) if side else np.zeros(0, np.int64)
        coef = np.concatenate([s.coefficients() for s in side]) if side else np.zeros(0, np.int64)
        con = np.repeat(np.arange(len(side), dtype=np.int64), [len(s.pairs) for s in side])
        rhs = np.array([s.rhs for s in side], dtype=np.int64)
        return cls(pair.astype(np.int64), coef.astype(np.int64), con, rhs)

    def priced(self, mu: IntArray, n_pairs: int) -> IntArray:
        """``Σ_s mu_s · coef_s`` per pair."""
        out = np.zeros(n_pairs, dtype=np.int64)
        np.add.at(out, self.pair, mu[self.con] * self.coef)
        return out

    def lhs(self, chosen: BoolArray) -> IntArray:
        """Left-hand side of every constraint at ``chosen``."""
        return np.bincount(
            self.con, weights=self.coef * chosen[self.pair], minlength=len(self.rhs)
        ).astype(np.int64)


def potentials(
    model: AssignmentModel,
    chosen: BoolArray,
    weight: IntArray,
    allowed: BoolArray | None = None,
) -> tuple[IntArray, IntArray]:
    """Row and column duals ``(u, v)`` of ``chosen``, a flow optimum of ``model`` without its
    side constraints under ``weight`` over the ``allowed`` pairs (default all).

    They are shortest-path distances in the residual network (Bellman-Ford, vectorised over
    arcs), shifted and clipped so that ``v ≥ 0`` and ``u ≥ 0`` on optional rows. When ``chosen``
    is optimal, ``u[r] + v[c] ≥ weight`` on every pair with equality on the chosen ones.
    """
    n_rows, n_cols = model.n_rows, model.n_cols
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    rows, cols = model.pair_row, model.pair_col
    fixed_row = np.zeros(n_rows, dtype=np.bool_)
    fixed_row[rows[model.fixed]] = True
    free = ~fixed_row[rows]
    if allowed is not None:
        free &= allowed
    x, r, c, w = chosen[free], rows[free], cols[free], weight[free]
    assigned = np.zeros(n_rows, dtype=np.bool_)
    assigned[r[x]] = True
    optional = ~model.row_must & ~fixed_row
    idle = np.flatnonzero(optional & ~assigned)
    busy = np.flatnonzero(optional & assigned)
    load = np.bincount(cols[chosen], minlength=n_cols)
    room = np.flatnonzero(load < model.col_cap)
    used = np.flatnonzero(load > 0)
    tails = np.concatenate(
        [np.where(x, n_rows + c, r), np.full(len(idle), source), busy, n_rows + room,
         np.full(len(used), sink), [source, sink]]
    )  # fmt: skip
    heads = np.concatenate(
        [np.where(x, r, n_rows + c), idle, np.full(len(busy), source),
         np.full(len(room), sink), n_rows + used, [sink, source]]
    )  # fmt: skip
    costs = np.concatenate(
        [np.where(x, w, -w), np.zeros(len(tails) - len(x), dtype=np.int64)]
    ).astype(np.int64)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    dist = np.zeros(n_rows + n_cols + 2, dtype=np.int64)
    for _ in range(_MAX_ROUNDS):
        best = np.minimum.reduceat(dist[tails] + costs, starts)
        better = best < dist[targets]
        if not better.any():
            break
        dist[targets[better]] = best[better]
    else:
        _log.debug("potentials: Bellman-Ford did not settle; the bound will be weaker")
    level = dist[sink]
    u = dist[:n_rows] - level
    u = np.where(model.row_must, u, np.maximum(u, 0))
    v = np.maximum(level - dist[n_rows : n_rows + n_cols], 0)
    # A row with a fixed pair is outside the network: price it so that the fixed pair has
    # reduced cost 0 and none of its other pairs a positive one.
    fixed = np.unique(model.fixed)
    if len(fixed):
        u[rows[fixed]] = weight[fixed] - v[cols[fixed]]
        in_fixed_row = fixed_row[rows]
        np.maximum.at(u, rows[in_fixed_row], weight[in_fixed_row] - v[cols[in_fixed_row]])
    return u.astype(np.int64), v.astype(np.int64)


def dual_bound(
    model: AssignmentModel, index: SideIndex, u: IntArray, v: IntArray, mu: IntArray
) -> tuple[int, IntArray]:
    """The LP dual bound of ``(u, v, mu)`` and the reduced cost of every pair, exactly.

    Valid for any ``u`` (``u ≥ 0`` on optional rows is enforced here), ``v ≥ 0`` and
    ``mu ≥ 0``: for every feasible selection ``x``, ``objective(x) ≤ bound − Σ |rc_j|`` over
    the pairs ``j`` where ``x`` disagrees with the sign of ``rc_j`` (``x_j = 1`` with
    ``rc_j < 0``, or ``x_j = 0`` with ``rc_j > 0``).
    """
    has_pairs = np.bincount(model.pair_row, minlength=model.n_rows) > 0
    u = np.where(has_pairs, np.where(model.row_must, u, np.maximum(u, 0)), 0)
    v = np.maximum(v, 0)
    mu = np.maximum(mu, 0)
    rc = model.weight - u[model.pair_row] - v[model.pair_col] - index.priced(mu, model.n_pairs)
    is_fixed = np.zeros(model.n_pairs, dtype=np.bool_)
    is_fixed[model.fixed] = True
    bound = (
        int(u.sum())
        + int((v * model.col_cap).sum())
        + int((mu * index.rhs).sum())
        + int(np.maximum(rc[~is_fixed], 0).sum())
        + int(rc[is_fixed].sum())
    )
    return bound, rc


@dataclass(frozen=True, eq=False)
class LagrangeResult:
    """Best bound of the search with its reduced costs, and the best feasible selection."""

    bound: int
    rc: IntArray
    incumbent: BoolArray | None
    objective: int | None
    iterations: int


def search(
    model: AssignmentModel,
    relaxed: BoolArray,
    *,
    deadline: float | None,
    max_iterations: int = 30,
) -> LagrangeResult:
    """Subgradient search over the side multipliers, starting from ``mu = 0``.

    ``relaxed`` is the flow optimum without side constraints. Every flow solution is repaired
    to a feasible selection (:func:`repair`) under the priced weights. Stops when the bound
    meets the incumbent, after ``max_iterations`` flow solves, or at ``deadline``.
    """
    index = SideIndex.of(model)
    n = model.n_pairs
    mu = np.zeros(len(model.side), dtype=np.int64)
    u, v = potentials(model, relaxed, model.weight)
    best_bound, best_rc = dual_bound(model, index, u, v, mu)
    # The core: pairs that could matter for the next multipliers; every bound is still taken
    # over all pairs, and pairs that price out positive join the core.
    core = _core(model, best_rc, relaxed)
    everything = np.ones(n, dtype=np.bool_)
    incumbent, objective = _improve(model, index, mu, everything, None, None)
    chosen = relaxed
    theta, stall, iterations = 1.0, 0, 0
    for iterations in range(1, max_iterations + 1):
        if objective is not None and best_bound <= objective:
            break
        if deadline is not None and time.perf_counter() > deadline:
            break
        excess = index.lhs(chosen) - index.rhs
        step_dir = np.where((mu > 0) | (excess > 0), excess, 0).astype(np.float64)
        norm = float((step_dir**2).sum())
        if norm == 0:
            break
        target = objective if objective is not None else best_bound - max(1, best_bound // 1000)
        step = theta * max(best_bound - target, 1) / norm
        mu = np.maximum(mu + np.rint(step * step_dir).astype(np.int64), 0)
        adjusted = model.weight - index.priced(mu, n)
        solved = _flow_on(model, core, adjusted)
        if solved is None:
            break
        chosen = solved
        u, v = potentials(model, chosen, adjusted, core)
        bound, rc = dual_bound(model, index, u, v, mu)
        core |= rc > 0
        if bound < best_bound:
            best_bound, best_rc, stall = bound, rc, 0
        else:
            stall += 1
            if stall >= 2:
                theta, stall = theta / 2, 0
        if iterations % _REPAIR_EVERY == 0:
            incumbent, objective = _improve(model, index, mu, everything, incumbent, objective)
    _log.debug(
        "lagrange: bound %d, incumbent %s after %d iterations", best_bound, objective, iterations
    )
    return LagrangeResult(best_bound, best_rc, incumbent, objective, iterations)


def repair(
    model: AssignmentModel,
    index: SideIndex,
    mu: IntArray,
    allowed: BoolArray,
    rounds: int = 12,
) -> BoolArray | None:
    """A feasible selection found by raising the prices of exceeded side constraints, or
    ``None``.

    Starting from the multipliers ``mu``, each round raises the price of every side
    constraint the flow optimum (over the ``allowed`` pairs) still exceeds, by an amount that
    doubles every round, until a flow optimum satisfies them all.
    """
    price = mu.copy()
    raise_by = max(1, int(np.abs(model.weight).max(initial=1)) // 512)
    for _ in range(rounds):
        weight = model.weight - index.priced(price, model.n_pairs)
        solved = flow.solve_without(replace(model, weight=weight), ~allowed)
        if solved is None:
            return None
        x = solved[1]
        excess = index.lhs(x) - index.rhs
        if (excess <= 0).all():
            return x if model.is_feasible(x) else None
        over = excess > 0
        price[over] += raise_by
        raise_by *= 2
    return None


def _improve(
    model: AssignmentModel,
    index: SideIndex,
    mu: IntArray,
    allowed: BoolArray,
    incumbent: BoolArray | None,
    objective: int | None,
) -> tuple[BoolArray | None, int | None]:
    """The better of the incumbent and the repair from multipliers ``mu``."""
    repaired = repair(model, index, mu, allowed)
    if repaired is None:
        return incumbent, objective
    value = model.objective_of(repaired)
    if objective is None or value > objective:
        return repaired, value
    return incumbent, objective


def _core(model: AssignmentModel, rc: IntArray, chosen: BoolArray) -> BoolArray:
    """The chosen and fixed pairs plus, per row, the pairs of highest reduced cost."""
    order = np.lexsort((-rc, model.pair_row))
    rows = model.pair_row[order]
    first = np.searchsorted(rows, rows)
    keep = np.zeros(model.n_pairs, dtype=np.bool_)
    keep[order[np.arange(len(order)) - first < _CORE_PER_ROW]] = True
    keep |= chosen
    keep[model.fixed] = True
    return keep


def _flow_on(model: AssignmentModel, core: BoolArray, weight: IntArray) -> BoolArray | None:
    """Flow optimum without side constraints under ``weight``, over the ``core`` pairs."""
    solved = flow.solve_without(replace(model, weight=weight), ~core)
    return None if solved is None else solved[1]


def fix_by_reduced_cost(
    model: AssignmentModel, bound: int, rc: IntArray, objective: int, keep: BoolArray
) -> BoolArray:
    """Pairs that a solution of objective ≥ ``objective`` may use (plus ``keep`` and the fixed
    pairs): a pair with ``bound + rc < objective`` can be in none (see :func:`dual_bound`)."""
    out = (bound + np.minimum(rc, 0) >= objective) | keep
    out[model.fixed] = True
    return out


def restrict(model: AssignmentModel, keep: BoolArray) -> tuple[AssignmentModel, IntArray]:
    """The model over the ``keep`` pairs only, and the original index of each kept pair.

    Side constraints lose the pairs left out; those left without a pair that could exceed their
    right-hand side are dropped.
    """
    kept = np.flatnonzero(keep)
    renumber = np.full(model.n_pairs, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    side = []
    for s in model.side:
        inside = keep[s.pairs]
        coef = s.coefficients()[inside]
        if int(np.maximum(coef, 0).sum()) <= s.rhs:
            continue
        side.append(
            replace(s, pairs=renumber[s.pairs[inside]], coef=None if s.coef is None else coef)
        )
    restricted = replace(
        model,
        pair_row=model.pair_row[kept],
        pair_col=model.pair_col[kept],
        weight=model.weight[kept],
        fixed=renumber[model.fixed],
        side=tuple(side),
    )
    return restricted, kept
