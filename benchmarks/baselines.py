"""Reference solves written directly against each library, not through :mod:`solvers`.

Each baseline takes the same neutral :class:`~solvers.model.AssignmentModel` the engine solves
(the same pairs, weights, capacities and side constraints), builds its own model with the
library's ordinary API, solves it with the given time limit and reports the exact integer
objective of the selection it returns. They are the yardsticks of the benchmark suite:

* ``flow`` — OR-Tools ``SimpleMinCostFlow`` on the arcs of the pure assignment; the floor for
  models without side constraints (and without fixed pairs); not applicable otherwise;
* ``highs`` — the MIP in ``highspy`` with HiGHS's default options (presolve on), a zero gap;
* ``cbc`` — the MIP in PuLP, solved by its bundled CBC;
* ``cpsat`` — the model in the OR-Tools CP-SAT Python API, default parameters.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from solvers.model import AssignmentModel, BoolArray, IntArray

BASELINES: tuple[str, ...] = ("flow", "highs", "cbc", "cpsat")


@dataclass(frozen=True)
class Outcome:
    """What a baseline returns; ``status`` is OPTIMAL, FEASIBLE, INFEASIBLE,
    TIMEOUT_NO_SOLUTION or NOT_APPLICABLE; ``chosen`` a bool per pair when there is a solution."""

    status: str
    chosen: BoolArray | None
    bound: float | None
    build_s: float
    solve_s: float


def applicable(name: str, model: AssignmentModel) -> bool:
    """Whether baseline ``name`` can solve ``model`` (flow needs a pure assignment)."""
    return name != "flow" or (not model.has_side_constraints and len(model.fixed) == 0)


def run(name: str, model: AssignmentModel, time_limit_s: float) -> Outcome:
    """Solve ``model`` with baseline ``name``."""
    if not applicable(name, model):
        return Outcome("NOT_APPLICABLE", None, None, 0.0, 0.0)
    solve = {"flow": _flow, "highs": _highs, "cbc": _cbc, "cpsat": _cpsat}[name]
    return solve(model, time_limit_s)


def _rows_of(model: AssignmentModel) -> tuple[IntArray, IntArray]:
    """Pair indices grouped by row: ``(order, start)`` with row r's pairs at
    ``order[start[r]:start[r+1]]``."""
    order = np.argsort(model.pair_row, kind="stable")
    start = np.zeros(model.n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(model.pair_row, minlength=model.n_rows), out=start[1:])
    return order, start


def _cols_of(model: AssignmentModel) -> tuple[IntArray, IntArray]:
    order = np.argsort(model.pair_col, kind="stable")
    start = np.zeros(model.n_cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(model.pair_col, minlength=model.n_cols), out=start[1:])
    return order, start


def _flow(model: AssignmentModel, time_limit_s: float) -> Outcome:
    """Min-cost flow: source → optional rows (and a bypass to the sink), must-rows supply one
    unit each, row → column arcs cost −weight, column → sink up to its capacity."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    n_rows, n_cols, n = model.n_rows, model.n_cols, model.n_pairs
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    optional = np.flatnonzero(~model.row_must)
    must = np.flatnonzero(model.row_must)
    tails = np.concatenate(
        [model.pair_row, n_rows + np.arange(n_cols), np.full(len(optional), source), [source]]
    )
    heads = np.concatenate([n_rows + model.pair_col, np.full(n_cols, sink), optional, [sink]])
    caps = np.concatenate(
        [np.ones(n, np.int64), model.col_cap, np.ones(len(optional), np.int64), [len(optional)]]
    )
    costs = np.concatenate([-model.weight, np.zeros(n_cols + len(optional) + 1, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )
    nodes = np.concatenate([must, [source, sink]]).astype(np.int32)
    supplies = np.concatenate(
        [np.ones(len(must), np.int64), [len(optional), -(len(optional) + len(must))]]
    )
    smcf.set_nodes_supplies(nodes, supplies)
    built = time.perf_counter()
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        name = "INFEASIBLE" if status == smcf.INFEASIBLE else "TIMEOUT_NO_SOLUTION"
        return Outcome(name, None, None, built - started, time.perf_counter() - built)
    chosen = np.asarray(smcf.flows(np.arange(n, dtype=np.int32))) > 0
    return Outcome("OPTIMAL", chosen, None, built - started, time.perf_counter() - built)


def _constraint_triplets(
    model: AssignmentModel,
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """``(con, var, value, lower, upper)`` of rows, columns and side constraints."""
    n = model.n_pairs
    pairs = np.arange(n, dtype=np.int64)
    con = [model.pair_row, model.n_rows + model.pair_col]
    var = [pairs, pairs]
    val = [np.ones(n, np.int64), np.ones(n, np.int64)]
    lower = [model.row_must.astype(np.int64), np.zeros(model.n_cols, np.int64)]
    upper = [np.ones(model.n_rows, np.int64), model.col_cap.astype(np.int64)]
    first = model.n_rows + model.n_cols
    for k, s in enumerate(model.side):
        coef = s.coefficients()
        con.append(np.full(len(s.pairs), first + k, np.int64))
        var.append(s.pairs)
        val.append(coef)
        lower.append(np.array([min(0, int(coef[coef < 0].sum()))], np.int64))
        upper.append(np.array([s.rhs], np.int64))
    return (
        np.concatenate(con),
        np.concatenate(var),
        np.concatenate(val),
        np.concatenate(lower),
        np.concatenate(upper),
    )


def _highs(model: AssignmentModel, time_limit_s: float) -> Outcome:
    import highspy

    started = time.perf_counter()
    n = model.n_pairs
    con, var, val, lower, upper = _constraint_triplets(model)
    order = np.lexsort((var, con))
    start = np.zeros(len(lower) + 1, dtype=np.int64)
    np.cumsum(np.bincount(con, minlength=len(lower)), out=start[1:])
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 0.0)
    col_lower = np.zeros(n)
    col_lower[model.fixed] = 1.0
    h.addCols(n, model.weight.astype(np.float64), col_lower, np.ones(n), 0, [], [], [])
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
    h.addRows(
        len(lower),
        lower.astype(np.float64),
        upper.astype(np.float64),
        len(order),
        start[:-1].astype(np.int32),
        var[order].astype(np.int32),
        val[order].astype(np.float64),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    built = time.perf_counter()
    h.run()
    solved = time.perf_counter()
    ms = h.getModelStatus()
    statuses = highspy.HighsModelStatus
    if ms in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        return Outcome("INFEASIBLE", None, None, built - started, solved - built)
    info = h.getInfo()
    chosen = None
    if info.primal_solution_status == 2:
        chosen = np.asarray(h.getSolution().col_value) > 0.5
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    status = "OPTIMAL" if ms == statuses.kOptimal else _unproven(chosen)
    return Outcome(status, chosen, bound, built - started, solved - built)


def _unproven(chosen: BoolArray | None) -> str:
    return "FEASIBLE" if chosen is not None else "TIMEOUT_NO_SOLUTION"


def _cbc(model: AssignmentModel, time_limit_s: float) -> Outcome:
    import pulp

    started = time.perf_counter()
    prob = pulp.LpProblem("baseline", pulp.LpMaximize)
    xs = [pulp.LpVariable(f"x{i}", cat=pulp.LpBinary) for i in range(model.n_pairs)]
    for i in model.fixed.tolist():
        xs[i].lowBound = 1
    weights = model.weight.tolist()
    prob += pulp.lpSum(w * x for w, x in zip(weights, xs, strict=True))
    order, start = _rows_of(model)
    for r in range(model.n_rows):
        terms = pulp.lpSum(xs[i] for i in order[start[r] : start[r + 1]].tolist())
        if start[r] == start[r + 1]:
            continue
        prob += (terms == 1) if model.row_must[r] else (terms <= 1)
    order, start = _cols_of(model)
    for c in range(model.n_cols):
        if start[c + 1] - start[c] > model.col_cap[c]:
            prob += pulp.lpSum(xs[i] for i in order[start[c] : start[c + 1]].tolist()) <= int(
                model.col_cap[c]
            )
    for s in model.side:
        coef = s.coefficients().tolist()
        prob += pulp.lpSum(a * xs[i] for a, i in zip(coef, s.pairs.tolist(), strict=True)) <= s.rhs
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=0)
    built = time.perf_counter()
    prob.solve(solver)
    solved = time.perf_counter()
    if prob.status == pulp.LpStatusInfeasible:
        return Outcome("INFEASIBLE", None, None, built - started, solved - built)
    chosen = None
    if prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        chosen = np.array([(x.varValue or 0.0) > 0.5 for x in xs], dtype=np.bool_)
    status = "OPTIMAL" if prob.sol_status == pulp.LpSolutionOptimal else _unproven(chosen)
    return Outcome(status, chosen, None, built - started, solved - built)


def _cpsat(model: AssignmentModel, time_limit_s: float) -> Outcome:
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(model.n_pairs)]
    for i in model.fixed.tolist():
        m.add(xs[i] == 1)
    order, start = _rows_of(model)
    for r in range(model.n_rows):
        lits = [xs[i] for i in order[start[r] : start[r + 1]].tolist()]
        if not lits:
            continue
        if model.row_must[r]:
            m.add_exactly_one(lits)
        else:
            m.add_at_most_one(lits)
    order, start = _cols_of(model)
    for c in range(model.n_cols):
        if start[c + 1] - start[c] > model.col_cap[c]:
            lits = [xs[i] for i in order[start[c] : start[c + 1]].tolist()]
            m.add(cp_model.LinearExpr.sum(lits) <= int(model.col_cap[c]))
    for s in model.side:
        lits = [xs[i] for i in s.pairs.tolist()]
        m.add(cp_model.LinearExpr.weighted_sum(lits, s.coefficients().tolist()) <= s.rhs)
    m.maximize(cp_model.LinearExpr.weighted_sum(xs, model.weight.tolist()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    built = time.perf_counter()
    status = solver.solve(m)
    solved = time.perf_counter()
    if status == cp_model.INFEASIBLE:
        return Outcome("INFEASIBLE", None, None, built - started, solved - built)
    chosen = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([solver.boolean_value(x) for x in xs], dtype=np.bool_)
    bound = solver.best_objective_bound if chosen is not None else None
    name = "OPTIMAL" if status == cp_model.OPTIMAL else _unproven(chosen)
    return Outcome(name, chosen, bound, built - started, solved - built)
