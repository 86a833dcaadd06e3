"""The proven optimum of a pure assignment whose pairs are too many to list, by column generation.

The caller gives a restricted model (some of the pairs) and a function that finds improving
pairs. Each round solves the restricted model by min-cost flow, takes the integer duals of its
optimum (the flow's potentials, :func:`solvers.methods.duals.potentials`) and asks that function
for the omitted pairs of positive reduced cost ``weight − u_row − v_col``. When there is none,
the dual is feasible for the whole model, so its bound
(:func:`solvers.methods.duals.dual_bound`) holds for the whole model; the restricted optimum
is proven optimal when it meets that bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from solvers.backends import flow
from solvers.methods.duals import SideIndex, dual_bound, potentials, settled_potentials
from solvers.methods.repair import repair
from solvers.model import AssignmentModel, BoolArray, IntArray, Result, Status

_log = logging.getLogger(__name__)
#: Bellman-Ford rounds a warm start may take before the flow solves the round instead (a
#: settled residual network takes a few dozen; one with a negative cycle never settles).
WARM_ROUNDS = 100

#: ``improving_pairs(u, v, model)`` → rows, columns and weights of pairs outside ``model`` (the
#: current restricted model) with positive reduced cost under the row and column duals ``u, v``.
ImprovingPairs = Callable[
    [IntArray, IntArray, AssignmentModel], tuple[IntArray, IntArray, IntArray]
]


@dataclass(frozen=True, eq=False)
class Generated:
    """The outcome of :func:`solve_by_columns`.

    ``model`` is the last restricted model; ``origin`` gives, for each of its pairs, the index
    of that pair among all pairs ever held (the first model's, then each round's additions in
    order); ``result`` its flow result, OPTIMAL for the whole model only when ``proven``.
    """

    model: AssignmentModel
    origin: IntArray
    result: Result
    rounds: int
    proven: bool


def solve_by_columns(
    model: AssignmentModel,
    improving_pairs: ImprovingPairs,
    *,
    max_rounds: int = 50,
    prune_below: int | None = None,
    prune_rounds: int = 3,
    never_offered: BoolArray | None = None,
    warm_pairs: int = 300,
) -> Generated:
    """Solve the whole model of which ``model`` is a restriction (see the module docstring).

    The model must have no side constraints. The result is proven optimal (``proven``) when no
    omitted pair has positive reduced cost and the dual bound equals the objective; otherwise
    (the restricted model is infeasible, the rounds run out or the potentials did not settle)
    the caller must fall back to the whole model.

    With ``prune_below``, during the first ``prune_rounds`` rounds the unchosen pairs of
    reduced cost below ``-prune_below`` leave the model (not fixed ones): they are offered again
    like any omitted pair, so the proof is unchanged, and later flows are smaller. Pairs of
    the first model that ``improving_pairs`` never offers must be flagged in ``never_offered``:
    they stay.

    Warm start: when a round adds at most ``warm_pairs`` pairs, the last optimum is repaired
    on the larger model by shortest paths (:func:`solvers.methods.repair.repair`; late rounds
    add a handful of pairs, each a short detour from the last optimum) and Bellman-Ford
    settling from the repair's potentials within :data:`WARM_ROUNDS` rounds proves it optimal;
    its potentials price the next round and no flow is solved. When the repair takes too many
    passes or does not settle, the flow solves the larger model as usual.
    """
    if model.has_side_constraints:
        raise ValueError("column generation here needs a model without side constraints")
    started = time.perf_counter()
    origin = np.arange(model.n_pairs, dtype=np.int64)
    offered = model.n_pairs
    sticky = (
        np.zeros(model.n_pairs, dtype=np.bool_) if never_offered is None else never_offered.copy()
    )
    sticky[model.fixed] = True
    duals = None
    warm_s = 0.0
    for rounds in range(1, max_rounds + 1):
        t_round = time.perf_counter()
        if duals is None:
            result = flow.solve(model)
            if result.chosen is None or result.objective is None:
                return Generated(model, origin, result, rounds, proven=False)
        chosen = result.chosen
        assert chosen is not None
        t_flow = time.perf_counter()
        u, v = potentials(model, chosen, model.weight) if duals is None else duals
        has_pairs = np.bincount(model.pair_row, minlength=model.n_rows) > 0
        u = np.where(has_pairs, np.where(model.row_must, u, np.maximum(u, 0)), 0)
        v = np.maximum(v, 0)
        t_duals = time.perf_counter()
        rows, cols, weights = improving_pairs(u, v, model)
        _log.debug(
            "column generation round %d: %d pairs, flow %.2f s (build %.2f s), duals %.2f s, "
            "pricing %.2f s, %d improving pairs added",
            rounds, model.n_pairs, t_flow - t_round, result.build_s if duals is None else 0.0,
            warm_s + t_duals - t_flow, time.perf_counter() - t_duals, len(rows),
        )  # fmt: skip
        if not len(rows):
            bound, _ = dual_bound(model, SideIndex.of(model), u, v, np.zeros(0, dtype=np.int64))
            proven = bound == result.objective
            runtime = time.perf_counter() - started
            if not proven:
                return Generated(
                    model, origin, replace(result, runtime_s=runtime), rounds, proven=False
                )
            final = replace(
                result,
                status=Status.OPTIMAL,
                bound=bound,
                runtime_s=runtime,
                message=f"flow with column generation: {rounds} rounds, {model.n_pairs} pairs",
            )
            return Generated(model, origin, final, rounds, proven=True)
        keep = np.ones(model.n_pairs, dtype=np.bool_)
        if prune_below is not None and rounds <= prune_rounds:
            rc = model.weight - u[model.pair_row] - v[model.pair_col]
            keep = chosen | sticky | (rc >= -prune_below)
        kept = np.flatnonzero(keep)
        renumber = np.full(model.n_pairs, -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        origin = np.concatenate([origin[kept], offered + np.arange(len(rows), dtype=np.int64)])
        sticky = np.concatenate([sticky[kept], np.zeros(len(rows), dtype=np.bool_)])
        offered += len(rows)
        model = replace(
            model,
            pair_row=np.concatenate([model.pair_row[kept], rows]),
            pair_col=np.concatenate([model.pair_col[kept], cols]),
            weight=np.concatenate([model.weight[kept], weights]),
            fixed=renumber[model.fixed],
        )
        chosen = np.concatenate([chosen[kept], np.zeros(len(rows), dtype=np.bool_)])
        result = replace(result, chosen=chosen)
        # Warm start: after a few additions the last optimum is repaired by shortest paths
        # instead of solving the larger model from scratch; Bellman-Ford settling from the
        # repair's potentials proves the result optimal, and no flow is solved this round.
        duals = None
        t_warm = time.perf_counter()
        if len(rows) <= warm_pairs:
            added = np.zeros(model.n_pairs, dtype=np.bool_)
            added[model.n_pairs - len(rows) :] = True
            repaired = repair(model, chosen, added)
            if repaired is not None:
                duals = settled_potentials(
                    model, repaired[0], model.weight, WARM_ROUNDS, start=repaired[1]
                )
            if duals is not None and repaired is not None:
                chosen = repaired[0]
                result = replace(result, chosen=chosen, objective=model.objective_of(chosen))
        warm_s = time.perf_counter() - t_warm
    return Generated(model, origin, result, max_rounds, proven=False)
