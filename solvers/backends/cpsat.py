"""Exact back-end: OR-Tools CP-SAT, with the model proto written in bulk.

Variables are appended as copies of one ``[0, 1]`` prototype, constraints get their literals
with ``extend`` per model row or column (never one Python call per pair).

Determinism: CP-SAT's parallel portfolio is not reproducible; ``interleave_search`` makes
several workers deterministic but was 3-20 times slower here (and far from optimal at a time
limit), so the search runs on one worker, whose sequential search is deterministic for a seed.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from solvers.backends.common import (
    IncumbentCallback,
    ProgressCallback,
    Reporter,
    Stop,
    as_chosen,
    checked,
    engine_time_limit,
    infeasible_result,
    integer_bound,
    trivially_infeasible,
)
from solvers.backends.matrix import linear_form
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpModel

NAME = "cpsat"
_log = logging.getLogger(__name__)
_MAX_SEED = 2_147_483_647
# Reading a solution back costs about 0.5 s per million pairs; incumbents are copied out of
# the solver only when the time since the last copy exceeds this multiple of its duration.
_COPY_SPACING = 3.0


def solve(
    model: AssignmentModel,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    warm_start: BoolArray | None = None,
    on_progress: ProgressCallback | None = None,
    on_incumbent: IncumbentCallback | None = None,
    deterministic_time_s: float | None = None,
    stop_at: int | None = None,
    stop: Stop | None = None,
) -> Result:
    """Solve ``model`` with CP-SAT.

    ``warm_start`` becomes the solution hint; ``time_limit_s`` covers build and solve;
    ``deterministic_time_s`` caps CP-SAT's own measure of work, so that where a search stops
    does not depend on the machine's load; ``stop_at`` ends the search at the first solution of
    at least that objective (a known optimum: the search need not prove it again); ``stop``
    ends it when another thread requests it.

    Raises
    ------
    SolverError
        When CP-SAT finds the model invalid or returns a selection that violates the model.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    reason = trivially_infeasible(model)
    if reason:
        return infeasible_result(NAME, started, reason)

    cpm = _build(model, warm_start)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    # The one worker's default linearisation keeps only part of the LP; with the full LP
    # relaxation an assignment with a few side constraints is proved optimal at the root
    # (measured: 0.06 s instead of no proof in 60 s on a 1,000-pair city model).
    params.linearization_level = 2
    params.random_seed = 0 if seed is None else seed % _MAX_SEED
    params.log_search_progress = False
    limit = engine_time_limit(time_limit_s, started)
    if limit is not None:
        params.max_time_in_seconds = limit
    if deterministic_time_s is not None:
        params.max_deterministic_time = deterministic_time_s

    reporter = Reporter(model, NAME, started, on_progress, on_incumbent)
    n = model.n_pairs

    class _Incumbents(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.next_copy = 0.0

        def on_solution_callback(self) -> None:
            reached = stop_at is not None and self.objective_value >= stop_at
            if reached or (stop is not None and stop.requested):
                self.stop_search()
                return
            now = time.perf_counter()
            if now < self.next_copy:
                return
            values = np.fromiter(self.response_proto.solution, dtype=np.int64, count=n)
            reporter.solution(as_chosen(values, n), integer_bound(self.best_objective_bound))
            done = time.perf_counter()
            self.next_copy = done + _COPY_SPACING * (done - now)

    solver.best_bound_callback = lambda bound: reporter.bound(integer_bound(bound))
    if stop is not None:
        stop.on_request(solver.stop_search)
    build_s = time.perf_counter() - started
    status = solver.solve(cpm, _Incumbents())
    _log.debug("CP-SAT finished: %s", solver.status_name(status))

    if status == cp_model.INFEASIBLE:
        return infeasible_result(NAME, started, "CP-SAT proved the model infeasible")
    if status == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT found the model invalid: {cpm.validate()}")
    chosen = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.fromiter(solver.response_proto.solution, dtype=np.int64, count=n)
        chosen = checked(model, as_chosen(values, n), NAME)
    # Stopped before its search began, CP-SAT answers UNKNOWN with a bound of 0, which is no
    # bound at all; the bounds its callback reported then stand.
    bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = integer_bound(solver.best_objective_bound)
    if stop_at is not None and chosen is not None and model.objective_of(chosen) >= stop_at:
        # The caller knows ``stop_at`` to be the optimum; the search was not asked to prove it.
        bound = model.objective_of(chosen)
    return reporter.result(
        chosen,
        bound,
        build_s=build_s,
        proven=status == cp_model.OPTIMAL,
        message=solver.status_name(status),
    )


def _build(model: AssignmentModel, warm_start: BoolArray | None) -> CpModel:
    """The CP-SAT model, written directly into its proto."""
    from ortools.sat.python import cp_model, cp_model_helper

    n = model.n_pairs
    cpm = cp_model.CpModel()
    proto = cpm.proto
    prototype = cp_model_helper.IntegerVariableProto()
    prototype.domain.extend([0, 1])
    proto.variables.extend([prototype] * n)

    fixed = np.unique(model.fixed)
    if len(fixed):
        proto.constraints.add().bool_and.literals.extend(fixed.tolist())

    form = linear_form(model)
    start, index, value = form.compressed(by_column=False)
    bounds = zip(form.lower.tolist(), form.upper.tolist(), strict=True)
    n_unit = form.n_row_cons + form.n_col_cons
    for k, (lo, hi) in enumerate(bounds):
        lits = index[start[k] : start[k + 1]].tolist()
        ct = proto.constraints.add()
        if k < n_unit and hi == 1:
            (ct.exactly_one if lo == 1 else ct.at_most_one).literals.extend(lits)
            continue
        ct.linear.vars.extend(lits)
        ct.linear.coeffs.extend(value[start[k] : start[k + 1]].tolist())
        ct.linear.domain.extend([lo, hi])

    proto.objective.vars.extend(np.arange(n).tolist())
    proto.objective.coeffs.extend((-model.weight).tolist())
    proto.objective.scaling_factor = -1.0
    if warm_start is not None:
        proto.solution_hint.vars.extend(np.arange(n).tolist())
        proto.solution_hint.values.extend(warm_start.astype(np.int64).tolist())
    return cpm
