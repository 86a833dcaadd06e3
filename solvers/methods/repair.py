"""Re-optimise a flow optimum after pairs are added, by successive shortest paths from it.

Column generation adds pairs to a model it has just solved; when they are few, most of the old
optimum stays, and solving the larger model from scratch repeats all of its work. Here the old
optimum's residual network (the same network as :func:`solvers.methods.duals.potentials`) gets
potentials by Bellman-Ford, each added pair whose reduced cost is negative is saturated (an
excess at its column, a deficit at its row), and the excesses are sent to the deficits along
shortest paths (Dijkstra over the nonnegative reduced costs, in C through SciPy), which keeps
the flow optimal at every step. One Dijkstra serves every deficit it reaches whose path does not
compete with an earlier one for capacity: after the potentials move by the distances (capped at
the farthest deficit served), every such path has reduced cost zero, and so do the reverse arcs
an augmentation opens, so no arc ever gets a negative reduced cost.
"""

from __future__ import annotations

import logging

import numpy as np

from solvers.model import AssignmentModel, BoolArray, IntArray

_log = logging.getLogger(__name__)
#: Dijkstra passes allowed before the repair gives up (the caller then solves from scratch).
MAX_PASSES = 16
#: Bellman-Ford rounds for the potentials of the old optimum.
_BF_ROUNDS = 1_000


def repair(
    model: AssignmentModel, chosen: BoolArray, added: BoolArray
) -> tuple[BoolArray, IntArray] | None:
    """An optimum of ``model`` (no side constraints) from ``chosen``, an optimum of ``model``
    without the ``added`` pairs (none of which it chooses), and the node potentials that prove
    it (rows, then columns, then source and sink, as in :mod:`solvers.methods.duals`).

    None when the old optimum's potentials do not settle or the shortest paths take more than
    :data:`MAX_PASSES` passes: the caller solves the model from scratch.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n_rows, n_cols = model.n_rows, model.n_cols
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    n_nodes = n_rows + n_cols + 2
    rows, cols = model.pair_row, model.pair_col
    fixed_row = np.zeros(n_rows, dtype=np.bool_)
    fixed_row[rows[model.fixed]] = True
    pairs = np.flatnonzero(~fixed_row[rows])
    optional = np.flatnonzero(~model.row_must & ~fixed_row)
    fixed_load = np.bincount(cols[chosen & fixed_row[rows]], minlength=n_cols)
    # Original arcs: the free pairs, source → optional row, column → sink, the bypass.
    tail = np.concatenate([rows[pairs], np.full(len(optional), source),
                           n_rows + np.arange(n_cols), [source]])  # fmt: skip
    head = np.concatenate([n_rows + cols[pairs], optional,
                           np.full(n_cols, sink), [sink]])  # fmt: skip
    n_pairs, n_opt = len(pairs), len(optional)
    cost = np.concatenate([-model.weight[pairs], np.zeros(n_opt + n_cols + 1, dtype=np.int64)])
    cap = np.concatenate([np.ones(n_pairs + n_opt, dtype=np.int64),
                          np.maximum(model.col_cap - fixed_load, 0), [n_opt + 1]])  # fmt: skip
    x = chosen[pairs]
    load = np.bincount(cols[pairs][x], minlength=n_cols)
    assigned = np.zeros(n_rows, dtype=np.bool_)
    assigned[rows[pairs][x]] = True
    flow = np.concatenate([x.astype(np.int64), assigned[optional].astype(np.int64), load,
                           [n_opt - int(assigned[optional].sum())]])  # fmt: skip
    new = np.concatenate([added[pairs], np.zeros(n_opt + n_cols + 1, dtype=np.bool_)])

    # Residual arcs: arc k forward (k) and backward (k + m), in one fixed CSR order.
    m = len(tail)
    r_tail = np.concatenate([tail, head])
    r_head = np.concatenate([head, tail])
    r_cost = np.concatenate([cost, -cost])
    order = np.lexsort((r_head, r_tail))
    s_tail, s_head = r_tail[order], r_head[order]
    key = r_tail[order] * n_nodes + s_head

    def open_arcs() -> BoolArray:
        return np.concatenate([flow < cap, flow > 0])

    pi = _settled(r_tail, r_head, r_cost, open_arcs() & ~np.r_[new, new], n_nodes)
    if pi is None:
        return None
    excess = np.zeros(n_nodes, dtype=np.int64)
    bad = np.flatnonzero(new & (cost + pi[tail] - pi[head] < 0))
    flow[bad] = 1
    np.add.at(excess, head[bad], 1)
    np.subtract.at(excess, tail[bad], 1)
    for passes in range(MAX_PASSES):
        sources = np.flatnonzero(excess > 0)
        if not len(sources):
            _log.debug("repair: %d improving pairs, %d passes", len(bad), passes)
            chosen = chosen.copy()
            chosen[pairs] = flow[:n_pairs] > 0
            return chosen, pi
        live = open_arcs()[order]
        rc = (r_cost + pi[r_tail] - pi[r_head])[order]
        if (rc[live] < 0).any():
            return None
        ptr = np.r_[0, np.cumsum(np.bincount(s_tail[live], minlength=n_nodes))]
        graph = csr_matrix(
            (rc[live].astype(np.float64), s_head[live], ptr), shape=(n_nodes, n_nodes)
        )
        dist = dijkstra(graph, indices=sources, min_only=True)
        sinks = np.flatnonzero((excess < 0) & np.isfinite(dist))
        if not len(sinks):
            return None
        reach = int(dist[sinks].max())
        pi = pi + np.minimum(np.where(np.isfinite(dist), dist, reach), reach).astype(np.int64)
        # Every arc of reduced cost 0 now: a maximum flow over them from the excesses to the
        # deficits moves as much as the shortest paths allow in one pass.
        arc = order[live & ((r_cost + pi[r_tail] - pi[r_head])[order] == 0)]
        room = np.where(arc < m, cap[arc % m] - flow[arc % m], flow[arc % m])
        short = np.flatnonzero(excess < 0)
        a, b, f = _max_flow(
            np.concatenate([r_tail[arc], np.full(len(sources), n_nodes), short]),
            np.concatenate([r_head[arc], sources, np.full(len(short), n_nodes + 1)]),
            np.concatenate([room, excess[sources], -excess[short]]),
            n_nodes + 2,
        )
        inner = (a < n_nodes) & (b < n_nodes)
        found = order[np.searchsorted(key, a[inner] * n_nodes + b[inner])]
        np.add.at(flow, found % m, np.where(found < m, f[inner], -f[inner]))
        out, into = a == n_nodes, b == n_nodes + 1
        np.subtract.at(excess, b[out], f[out])
        np.add.at(excess, a[into], f[into])
    _log.debug("repair: %d improving pairs, not done in %d passes", len(bad), MAX_PASSES)
    return None


def _max_flow(
    tail: IntArray, head: IntArray, cap: IntArray, n_nodes: int
) -> tuple[IntArray, IntArray, IntArray]:
    """A maximum flow from node ``n_nodes − 2`` to node ``n_nodes − 1`` over arcs with these
    capacities (at most one arc per ordered pair of nodes): the arcs (tail, head, flow) that
    carry a positive net flow."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    graph = csr_matrix((cap.astype(np.int32), (tail, head)), shape=(n_nodes, n_nodes))
    result = maximum_flow(graph, n_nodes - 2, n_nodes - 1).flow.tocoo()
    positive = result.data > 0
    return (
        result.row[positive].astype(np.int64),
        result.col[positive].astype(np.int64),
        result.data[positive].astype(np.int64),
    )


def _settled(
    tail: IntArray, head: IntArray, cost: IntArray, live: BoolArray, n_nodes: int
) -> IntArray | None:
    """Bellman-Ford potentials of the ``live`` arcs (every arc's reduced cost ≥ 0), or None
    when they do not settle (a negative cycle, or too long paths)."""
    tail, head, cost = tail[live], head[live], cost[live]
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]])
    targets = head[starts]
    dist = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(_BF_ROUNDS):
        best = np.minimum.reduceat(dist[tail] + cost, starts)
        better = best < dist[targets]
        if not better.any():
            return dist
        dist[targets[better]] = best[better]
    return None
