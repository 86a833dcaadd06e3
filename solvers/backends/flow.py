"""Exact back-end for models without side constraints: min-cost flow (OR-Tools).

Network: a source feeds every optional row (capacity 1) and has a bypass arc to the sink for
the rows left unassigned; every must-row is itself a supply node of 1; pair arcs go from rows
to columns with cost ``-weight``; each column drains to the sink up to its remaining capacity.
Rows of fixed pairs are removed and their columns' capacities decremented beforehand.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from solvers.backends.common import (
    IncumbentCallback,
    ProgressCallback,
    Reporter,
    infeasible_result,
    trivially_infeasible,
)
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result

NAME = "flow"


def solve(
    model: AssignmentModel,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    warm_start: BoolArray | None = None,
    on_progress: ProgressCallback | None = None,
    on_incumbent: IncumbentCallback | None = None,
) -> Result:
    """Solve a model without side constraints exactly.

    ``time_limit_s``, ``seed`` and ``warm_start`` are accepted for a uniform signature and
    ignored: the algorithm is deterministic and polynomial.

    Raises
    ------
    SolverError
        When the model has side constraints, or the flow solver rejects the network.
    """
    from ortools.graph.python import min_cost_flow

    if model.has_side_constraints:
        raise SolverError(
            f"the flow back-end cannot handle side constraints ({len(model.side)} given); "
            "use 'auto', 'highs', 'cpsat' or 'cbc'"
        )
    started = time.perf_counter()
    reason = trivially_infeasible(model)
    if reason:
        return infeasible_result(NAME, started, reason)

    n_rows, n_cols = model.n_rows, model.n_cols
    fixed = np.unique(model.fixed)
    row_fixed = np.zeros(n_rows, dtype=np.bool_)
    row_fixed[model.pair_row[fixed]] = True
    cap = model.col_cap - np.bincount(model.pair_col[fixed], minlength=n_cols)

    rows, cols = model.pair_row, model.pair_col
    must = model.row_must
    # Negative pairs on optional rows never pay off; must-rows may need them.
    keep = ~row_fixed[rows] & (must[rows] | (model.weight >= 0))
    arc_pairs = np.flatnonzero(keep)
    # Most models keep every pair: then the pairs' own arrays serve, without copies.
    whole = len(arc_pairs) == model.n_pairs
    arc_rows = rows if whole else rows[arc_pairs]
    arc_cols = cols if whole else cols[arc_pairs]
    free_must = must & ~row_fixed
    optional = np.zeros(n_rows, dtype=np.bool_)
    optional[arc_rows] = True
    optional &= ~must
    opt_rows = np.flatnonzero(optional)
    per_col = np.bincount(arc_cols, minlength=n_cols)
    used_cols = np.flatnonzero(per_col > 0)
    col_cap = np.minimum(cap[used_cols], per_col[used_cols])

    # Nodes: the rows as numbered, then the columns, then the source and the sink. The flow
    # solver ran a tenth faster on a 5,000-person city so than with the source and sink first
    # (it returns another of the optimal plans where several tie, still the same every run).
    source, sink = n_rows + n_cols, n_rows + n_cols + 1

    def col_node(c: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return c + n_rows

    n_opt = len(opt_rows)
    # Each array concatenated straight into the type the solver takes (no second copy).
    tails = np.concatenate(
        [
            np.full(n_opt + 1, source),
            arc_rows,
            col_node(used_cols),
        ],
        dtype=np.int32,
    )
    heads = np.concatenate(
        [
            opt_rows,
            [sink],
            col_node(arc_cols),
            np.full(len(used_cols), sink),
        ],
        dtype=np.int32,
    )
    caps = np.concatenate(
        [np.ones(n_opt, dtype=np.int64), [n_opt], np.ones(len(arc_pairs), np.int64), col_cap],
        dtype=np.int64,
    )
    costs = np.concatenate(
        [
            np.zeros(n_opt + 1, np.int64),
            -(model.weight if whole else model.weight[arc_pairs]),
            np.zeros(len(used_cols), np.int64),
        ],
        dtype=np.int64,
    )

    must_rows = np.flatnonzero(free_must)
    nodes = np.concatenate([[source, sink], must_rows]).astype(np.int32)
    supplies = np.concatenate(
        [[n_opt, -(n_opt + len(must_rows))], np.ones(len(must_rows), np.int64)]
    ).astype(np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(nodes, supplies)
    build_s = time.perf_counter() - started
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        return infeasible_result(NAME, started, "no assignment satisfies rows and capacities")
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow failed with status {status.name}")

    pair_arcs = np.asarray(arcs, dtype=np.int32)[n_opt + 1 : n_opt + 1 + len(arc_pairs)]
    chosen = np.zeros(model.n_pairs, dtype=np.bool_)
    chosen[fixed] = True
    chosen[arc_pairs] = np.asarray(smcf.flows(pair_arcs)) > 0
    reporter = Reporter(model, NAME, started, on_progress, on_incumbent)
    objective = model.objective_of(chosen)
    reporter.solution(chosen, objective)
    return reporter.result(chosen, objective, build_s=build_s, proven=True)


def solve_without(model: AssignmentModel, removed: BoolArray) -> tuple[int, BoolArray] | None:
    """Flow optimum of ``model`` without its side constraints and without ``removed`` pairs.

    Returns the objective and the selection over the full model's pairs, or ``None`` when
    that restriction is infeasible (also when a fixed pair is removed).
    """
    if removed[model.fixed].any():
        return None
    keep = np.flatnonzero(~removed)
    renumber = np.full(model.n_pairs, -1, dtype=np.int64)
    renumber[keep] = np.arange(len(keep))
    restricted = replace(
        model,
        pair_row=model.pair_row[keep],
        pair_col=model.pair_col[keep],
        weight=model.weight[keep],
        fixed=renumber[model.fixed],
        side=(),
    )
    result = solve(restricted)
    if result.chosen is None or result.objective is None:
        return None
    chosen = np.zeros(model.n_pairs, dtype=np.bool_)
    chosen[keep[result.chosen]] = True
    return result.objective, chosen
