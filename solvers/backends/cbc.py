"""Exact back-end: COIN-OR CBC through PuLP (CBC runs as a subprocess).

PuLP builds one Python object per variable, so this back-end is the slowest to build; it is
kept as an independent reference. CBC reports no incumbents while it runs and no dual bound.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from solvers.backends.common import (
    IncumbentCallback,
    ProgressCallback,
    Reporter,
    engine_time_limit,
    infeasible_result,
    trivially_infeasible,
)
from solvers.backends.matrix import linear_form
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result

NAME = "cbc"
_log = logging.getLogger(__name__)
_MAX_SEED = 2_147_483_646
# The objective is integral: a gap below one proves optimality of the incumbent.
_ABS_GAP = 0.999


def solve(
    model: AssignmentModel,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    warm_start: BoolArray | None = None,
    on_progress: ProgressCallback | None = None,
    on_incumbent: IncumbentCallback | None = None,
) -> Result:
    """Solve ``model`` with CBC.

    ``warm_start`` is passed as a MIP start; ``time_limit_s`` covers build and solve (CBC may
    overrun it; the portfolio enforces it from outside).

    Raises
    ------
    SolverError
        When CBC is unavailable or fails, or returns a selection that violates the model.
    """
    import pulp

    started = time.perf_counter()
    reason = trivially_infeasible(model)
    if reason:
        return infeasible_result(NAME, started, reason)

    prob, xs = _build(model)
    if warm_start is not None:
        for i in np.flatnonzero(warm_start).tolist():
            xs[i].setInitialValue(1)
    limit = engine_time_limit(time_limit_s, started)
    # CBC reads a seed of 0 as "use the clock".
    cbc_seed = 1 + (0 if seed is None else seed % _MAX_SEED)
    solver = pulp.COIN_CMD(
        path=_cbc_path(),
        msg=False,
        timeLimit=limit,
        gapRel=0,
        gapAbs=_ABS_GAP,
        warmStart=warm_start is not None,
        options=[f"randomCbcSeed {cbc_seed}", f"randomSeed {cbc_seed}"],
    )
    build_s = time.perf_counter() - started
    try:
        prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"CBC failed: {exc}") from exc
    _log.debug("CBC finished: status %s, solution status %s", prob.status, prob.sol_status)

    if prob.status == pulp.LpStatusInfeasible:
        return infeasible_result(NAME, started, "CBC proved the model infeasible")
    reporter = Reporter(model, NAME, started, on_progress, on_incumbent)
    chosen = None
    proven = prob.sol_status == pulp.LpSolutionOptimal
    if prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        values = np.array([x.varValue or 0.0 for x in xs], dtype=np.float64)
        chosen = values > 0.5
        reporter.solution(chosen, model.objective_of(chosen) if proven else None)
    return reporter.result(
        chosen,
        None,
        build_s=build_s,
        proven=proven,
        message=pulp.LpSolution[prob.sol_status],
    )


def _build(model: AssignmentModel) -> tuple[Any, list[Any]]:
    """The PuLP problem and its variables, one per pair."""
    import pulp

    prob = pulp.LpProblem("assignment", pulp.LpMaximize)
    xs = [prob.add_variable(f"x{i}", 0, 1, pulp.LpBinary) for i in range(model.n_pairs)]
    for i in np.unique(model.fixed).tolist():
        xs[i].lowBound = 1
    prob.setObjective(pulp.LpAffineExpression(zip(xs, model.weight.tolist(), strict=True)))

    form = linear_form(model)
    start, index, value = form.compressed(by_column=False)
    n_unit = form.n_row_cons
    bounds = zip(form.lower.tolist(), form.upper.tolist(), strict=True)
    for k, (lo, hi) in enumerate(bounds):
        terms = zip(
            [xs[j] for j in index[start[k] : start[k + 1]].tolist()],
            value[start[k] : start[k + 1]].tolist(),
            strict=True,
        )
        sense = pulp.LpConstraintEQ if k < n_unit and lo == 1 else pulp.LpConstraintLE
        rhs = lo if sense == pulp.LpConstraintEQ else hi
        prob.addConstraint(
            pulp.LpConstraint(pulp.LpAffineExpression(terms), sense=sense, rhs=rhs), f"c{k}"
        )
    return prob, xs


def _cbc_path() -> str:
    """The CBC executable: one on the system path if PuLP finds it, else PuLP's bundled copy."""
    import pulp

    system = pulp.COIN_CMD(msg=False)
    if system.available():
        return str(system.path)
    bundled = str(pulp.PULP_CBC_CMD.pulp_cbc_path)
    if not pulp.COIN_CMD(msg=False, path=bundled).available():
        raise SolverError("no CBC executable found (neither on the path nor bundled with PuLP)")
    return bundled
