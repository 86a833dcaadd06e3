"""Exact branch-and-bound over min-cost flow for packing side constraints.

When every side constraint is a *packing* — "at most one of these pairs" (unit coefficients,
right-hand side 1) — the model is an assignment plus a few conflicts (in the placement engine:
related employees who may not newly share a unit). The flow optimum without the side
constraints is an upper bound and usually breaks only a handful of them, so a best-first
branch-and-bound whose every node is a min-cost flow proves the optimum in a few flow solves,
far faster than a MIP whose root LP alone covers every pair.

Branching on a broken packing S: a feasible solution uses pairs of S from at most one row, so
for each row r touching S the child "only row r may use S" forbids S's pairs of the other
rows; the children cover every feasible solution. Nodes are explored by best bound (ties by
creation order), so the search is deterministic, and the first time the best open bound is no
better than the incumbent, the incumbent is optimal.
"""

from __future__ import annotations

import heapq
import logging
import time

import numpy as np

from solvers.backends import flow
from solvers.backends.common import ProgressCallback
from solvers.model import AssignmentModel, BoolArray, Result, Status

NAME = "flow"
_log = logging.getLogger(__name__)


def is_packing(model: AssignmentModel) -> bool:
    """True when every side constraint is an at-most-one over pairs."""
    return all(s.rhs == 1 and bool((s.coefficients() == 1).all()) for s in model.side)


def count_broken(model: AssignmentModel, chosen: BoolArray) -> int:
    """How many side constraints ``chosen`` exceeds."""
    return int(model.side_excess(chosen).sum())


def _broken(model: AssignmentModel, chosen: BoolArray) -> int | None:
    """Index of the first side constraint ``chosen`` exceeds, or None."""
    broken = np.flatnonzero(model.side_excess(chosen))
    return int(broken[0]) if len(broken) else None


def packing_branch_and_bound(
    model: AssignmentModel,
    root: BoolArray,
    root_objective: int,
    *,
    deadline: float | None,
    node_limit: int,
    on_progress: ProgressCallback | None = None,
) -> Result | None:
    """Solve a packing-constrained model exactly, or give up (``None``).

    ``root`` is the flow optimum without side constraints (objective ``root_objective``).
    Returns OPTIMAL or INFEASIBLE; ``None`` when the node limit or the deadline is reached
    first (the caller then falls back to a MIP back-end).
    """
    started = time.perf_counter()
    best: tuple[int, BoolArray] | None = None
    # Heap entries: (-bound, sequence, chosen, removed).
    heap: list[tuple[int, int, BoolArray, BoolArray]] = []
    seq = 0
    heapq.heappush(heap, (-root_objective, seq, root, np.zeros(model.n_pairs, dtype=np.bool_)))
    nodes = 0
    while heap:
        neg_bound, _, chosen, removed = heapq.heappop(heap)
        if best is not None and -neg_bound <= best[0]:
            break
        broken = _broken(model, chosen)
        if broken is None:
            best = (-neg_bound, chosen)
            if on_progress is not None:
                on_progress(best[0], -neg_bound, time.perf_counter() - started)
            continue
        nodes += 1
        if nodes > node_limit or (deadline is not None and time.perf_counter() > deadline):
            _log.debug("flow branch-and-bound gave up after %d nodes", nodes - 1)
            return None
        s = model.side[broken].pairs
        rows = model.pair_row[s]
        for r in np.unique(rows).tolist():
            child_removed = removed.copy()
            child_removed[s[rows != r]] = True
            solved = flow.solve_without(model, child_removed)
            if solved is None:
                continue
            objective, child = solved
            if best is None or objective > best[0]:
                seq += 1
                heapq.heappush(heap, (-objective, seq, child, child_removed))
    runtime = time.perf_counter() - started
    message = f"flow branch-and-bound: {nodes} nodes"
    _log.debug(message)
    if best is None:
        return Result(Status.INFEASIBLE, None, None, None, NAME, runtime, message=message)
    objective, chosen = best
    return Result(Status.OPTIMAL, objective, objective, chosen, NAME, runtime, message=message)
