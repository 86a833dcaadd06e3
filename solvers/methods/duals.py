"""Exact upper bounds of assignment models from dual values, and the flow duals that feed them.

Any sign-feasible dual vector of a model's LP relaxation — row values ``u``, column values
``v`` and side-constraint multipliers ``mu`` — proves an upper bound on the optimum, and its
reduced costs tell which pairs a good solution cannot use (:func:`dual_bound`). The flow optimum
of the model without side constraints gives such a dual for free: its shortest-path potentials
in the residual network (:func:`potentials`). With integer weights these duals are integers, so
the bound and the reduced costs are exact; the bound formula holds for *any* sign-feasible dual,
so it stays valid whatever the duals are, and a poor dual only gives a weaker bound.
:func:`restrict` cuts a model down to some of its pairs, for the exact search that follows.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, replace

import numpy as np

from solvers.model import AssignmentModel, BoolArray, IntArray, SideEntries

_log = logging.getLogger(__name__)
#: Bellman-Ford rounds allowed for the potentials (assignment networks need a few dozen).
_MAX_ROUNDS = 1_000


@dataclass(frozen=True, eq=False)
class SideIndex(SideEntries):
    """A model's flat side constraints (:class:`~solvers.model.SideEntries`) with what the
    dual bounds price from them."""

    @classmethod
    def of(cls, model: AssignmentModel) -> SideIndex:  # type: ignore[override]
        """The side constraints of ``model`` (flattened once per model and kept)."""
        flat = model.side_entries
        return cls(flat.pair, flat.coef, flat.con, flat.rhs, flat.starts)

    def side_cost(self, mu: IntArray, n_pairs: int) -> IntArray:
        """``Σ_s mu_s · coef_s`` per pair: the side constraints' share of its reduced cost."""
        values = mu[self.con] * self.coef
        # A pair has at most one entry per constraint, so no sum exceeds the largest value
        # times the number of priced constraints: below 2**53 a float64 sum is exact, and one
        # bincount over every entry is several times faster than picking the priced ones first
        # (the move budget alone counts nearly every pair) or an integer scatter.
        largest = float(np.abs(values).max(initial=0))
        if largest * max(int(np.count_nonzero(mu)), 1) < 2.0**53:
            sums = np.bincount(self.pair, weights=values.astype(np.float64), minlength=n_pairs)
            out: IntArray = sums.astype(np.int64)
            return out
        out = np.zeros(n_pairs, dtype=np.int64)
        live = values != 0
        np.add.at(out, self.pair[live], values[live])
        return out

    @functools.cached_property
    def largest_coef(self) -> float:
        """The largest coefficient's magnitude (read at every bound; the entries never change)."""
        return float(np.abs(self.coef).max(initial=0))


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
    if allowed is None and model.n_pairs > SUBSET_ABOVE:
        found = _subset_potentials(model, chosen, weight)
        if found is not None:
            return found
    u, v, settled = _potentials(model, chosen, weight, allowed, _MAX_ROUNDS)
    if not settled:
        _log.debug("potentials: Bellman-Ford did not settle; the bound will be weaker")
    return u, v


#: Above this many pairs, :func:`potentials` runs Bellman-Ford over a growing subset of them.
SUBSET_ABOVE = 2_000_000
#: Most pairs per row that join the subset in one round (highest reduced cost first), and the
#: most rounds before Bellman-Ford runs over every pair instead.
SUBSET_PER_ROW = 16
_SUBSET_ROUNDS = 30


def _subset_potentials(
    model: AssignmentModel, chosen: BoolArray, weight: IntArray
) -> tuple[IntArray, IntArray] | None:
    """:func:`potentials` by Bellman-Ford over the chosen pairs and those whose reduced cost
    came out positive so far, until no other pair's is; ``None`` when that does not settle.

    Each round's potentials hold on the subset (``chosen``, optimal for the model, is optimal
    for any subset holding it, so its residual network has no negative cycle); once no pair
    outside it has a positive reduced cost they hold on every pair, the guarantee of
    :func:`potentials`, after passes over a few hundred thousand arcs instead of millions.
    """
    rows, cols = model.pair_row, model.pair_col
    held = np.zeros(model.n_pairs, dtype=np.bool_)
    held[best_per_row(rows, weight, np.arange(model.n_pairs), SUBSET_PER_ROW)] = True
    held |= chosen
    held[model.fixed] = True
    for _ in range(_SUBSET_ROUNDS):
        kept = np.flatnonzero(held)
        renumber = np.full(model.n_pairs, -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        subset = replace(
            model,
            pair_row=rows[kept],
            pair_col=cols[kept],
            weight=weight[kept],
            fixed=renumber[model.fixed],
            side=(),
        )
        u, v, settled = _potentials(subset, chosen[kept], weight[kept], None, _MAX_ROUNDS)
        if not settled:
            return None
        rc = weight - u[rows] - v[cols]
        # Pairs of the subset Bellman-Ford deliberately leaves out (those of rows with a fixed
        # pair) keep whatever reduced cost they have, as over every pair.
        positive = np.flatnonzero((rc > 0) & ~held)
        if not len(positive):
            return u, v
        held[best_per_row(rows, rc, positive, SUBSET_PER_ROW)] = True
    return None


def settled_potentials(
    model: AssignmentModel,
    chosen: BoolArray,
    weight: IntArray,
    max_rounds: int,
    start: IntArray | None = None,
) -> tuple[IntArray, IntArray] | None:
    """:func:`potentials` of ``chosen`` when Bellman-Ford settles within ``max_rounds``, else
    None. Settling proves ``chosen`` optimal for ``model`` without its side constraints (its
    residual network has no negative cycle), so a flow optimum of a smaller model that stays
    optimal when pairs are added is recognised without solving again.

    ``start`` gives node potentials to begin from (rows, columns, source, sink), e.g. those
    that :func:`solvers.methods.repair.repair` proves its optimum with: Bellman-Ford then only
    checks them (one round when they are right) instead of searching from zero."""
    u, v, settled = _potentials(model, chosen, weight, None, max_rounds, start)
    return (u, v) if settled else None


def _potentials(
    model: AssignmentModel,
    chosen: BoolArray,
    weight: IntArray,
    allowed: BoolArray | None,
    max_rounds: int,
    start: IntArray | None = None,
) -> tuple[IntArray, IntArray, bool]:
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
    dist = np.zeros(n_rows + n_cols + 2, dtype=np.int64) if start is None else start.copy()
    settled = False
    for _ in range(max_rounds):
        best = np.minimum.reduceat(dist[tails] + costs, starts)
        better = best < dist[targets]
        if not better.any():
            settled = True
            break
        dist[targets[better]] = best[better]
    level = dist[sink]
    u = dist[:n_rows] - level
    u = np.where(model.row_must, u, np.maximum(u, 0))
    v = np.maximum(level - dist[n_rows : n_rows + n_cols], 0)
    # A row with a fixed pair is outside the network: set its dual so that the fixed pair has
    # reduced cost 0 and none of its other pairs a positive one.
    fixed = np.unique(model.fixed)
    if len(fixed):
        u[rows[fixed]] = weight[fixed] - v[cols[fixed]]
        in_fixed_row = fixed_row[rows]
        np.maximum.at(u, rows[in_fixed_row], weight[in_fixed_row] - v[cols[in_fixed_row]])
    return u.astype(np.int64), v.astype(np.int64), settled


def dual_bound(
    model: AssignmentModel, index: SideIndex, u: IntArray, v: IntArray, mu: IntArray
) -> tuple[int, IntArray]:
    """The LP dual bound of ``(u, v, mu)`` and the reduced cost of every pair, exactly.

    Valid for any ``u`` (``u ≥ 0`` on optional rows is enforced here), ``v ≥ 0`` and
    ``mu ≥ 0``: for every feasible selection ``x``, ``objective(x) ≤ bound − Σ |rc_j|`` over
    the pairs ``j`` where ``x`` disagrees with the sign of ``rc_j`` (``x_j = 1`` with
    ``rc_j < 0``, or ``x_j = 0`` with ``rc_j > 0``).
    """
    u, v, mu = sign_feasible(model, u, v, mu)
    worst = (
        _magnitude(model.weight) + _magnitude(u) + _magnitude(v)
        + _magnitude(mu) * index.largest_coef * max(len(model.side), 1)
    )  # fmt: skip
    if worst >= _SAFE:
        raise ValueError("dual values too large for exact int64 arithmetic")
    rc = model.weight - u[model.pair_row] - v[model.pair_col] - index.side_cost(mu, model.n_pairs)
    is_fixed = np.zeros(model.n_pairs, dtype=np.bool_)
    is_fixed[model.fixed] = True
    bound = (
        _exact_sum(u)
        + _exact_sum(v * model.col_cap)
        + _exact_sum(mu * index.rhs)
        + _exact_sum(np.maximum(rc[~is_fixed], 0))
        + _exact_sum(rc[is_fixed])
    )
    return bound, rc


def sign_feasible(
    model: AssignmentModel, u: IntArray, v: IntArray, mu: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The duals :func:`dual_bound` prices with: ``u`` 0 on rows without pairs and ≥ 0 on
    optional rows, ``v ≥ 0`` and ``mu ≥ 0``."""
    has_pairs = np.bincount(model.pair_row, minlength=model.n_rows) > 0
    u = np.where(has_pairs, np.where(model.row_must, u, np.maximum(u, 0)), 0)
    return u, np.maximum(v, 0), np.maximum(mu, 0)


#: Magnitudes below this keep every product and sum above inside int64.
_SAFE = 2.0**31 * 2.0**30


def _magnitude(values: IntArray) -> float:
    return float(np.abs(values).max(initial=0))


def _exact_sum(values: IntArray) -> int:
    """The exact sum of int64 values (Python integers when int64 could overflow)."""
    if _magnitude(values) * max(len(values), 1) < 2.0**62:
        return int(values.sum())
    return sum(values.tolist())


def restrict(model: AssignmentModel, keep: BoolArray) -> tuple[AssignmentModel, IntArray]:
    """The model over the ``keep`` pairs only, and the original index of each kept pair.

    Fixed pairs are always kept. Side constraints lose the pairs left out; those left without
    a pair that could exceed their right-hand side are dropped.
    """
    keep = keep.copy()
    keep[model.fixed] = True
    kept = np.flatnonzero(keep)
    renumber = np.full(model.n_pairs, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    side = []
    if model.side:
        # Which constraints can still bind, for all at once (a dense city has many).
        index = SideIndex.of(model)
        room = index.totals(np.where(keep[index.pair], np.maximum(index.coef, 0), 0))
        binds = np.flatnonzero(room > index.rhs).tolist()
        for k in binds:
            s = model.side[k]
            inside_s = keep[s.pairs]
            coef = None if s.coef is None else s.coef[inside_s]
            side.append(replace(s, pairs=renumber[s.pairs[inside_s]], coef=coef))
    restricted = replace(
        model,
        pair_row=model.pair_row[kept],
        pair_col=model.pair_col[kept],
        weight=model.weight[kept],
        fixed=renumber[model.fixed],
        side=tuple(side),
    )
    return restricted, kept


def best_per_row(rows: IntArray, value: IntArray, among: IntArray, k: int) -> IntArray:
    """Of the pairs ``among``, each row's ``k`` of highest ``value`` (ties by index), sorted."""
    if not len(among):
        return among
    v = value[among]
    span = int(v.max()) - int(v.min()) + 1
    r = rows[among]
    if (int(r.max()) + 1) * span < 1 << 62:
        order = np.argsort(r * span + (int(v.max()) - v), kind="stable")
    else:
        order = np.lexsort((-v, r))
    r_sorted = r[order]
    starts = np.flatnonzero(np.r_[True, r_sorted[1:] != r_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return np.sort(among[order[rank < k]])
