"""Exact MIP back-end: HiGHS, fed the constraint matrix in one ``passModel`` call."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from solvers.backends.common import (
    IncumbentCallback,
    ProgressCallback,
    Reporter,
    Stop,
    as_chosen,
    engine_time_limit,
    infeasible_result,
    integer_bound,
    trivially_infeasible,
)
from solvers.backends.matrix import linear_form
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result

if TYPE_CHECKING:
    from highspy._core import _Highs

NAME = "highs"
#: HiGHS's threads on a model with knapsack rows: a constant, not the machine's cores, because
#: HiGHS's search there depends on its thread count. With ``parallel`` on (HiGHS's default)
#: yagiura2004/c10400 takes 570 nodes on one thread, 458 on two and 255 on four, each count
#: the same run after run and the same on one core as on two (``taskset``). Two is what raw
#: HiGHS takes on a two-core machine, so the engine follows its path on knapsack models
#: (c10400 4.2 s against 5.0 s on one thread; c40400 33 s against 22 s). Without knapsack rows
#: ``parallel`` is off, and then every thread count takes the one-thread path.
KNAPSACK_THREADS = 2
_pool = threading.local()
_log = logging.getLogger(__name__)
_COLWISE = 1
_MAXIMIZE = -1
_INTEGER = 1
# The objective is integral: a gap below one proves optimality of the incumbent.
_ABS_GAP = 0.999
_MAX_SEED = 2_147_483_647


def solve(
    model: AssignmentModel,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    warm_start: BoolArray | None = None,
    on_progress: ProgressCallback | None = None,
    on_incumbent: IncumbentCallback | None = None,
    stop_at: int | None = None,
    stop: Stop | None = None,
) -> Result:
    """Solve ``model`` with the HiGHS MIP solver.

    ``stop_at`` ends the search at the first solution of at least that objective (a known
    optimum: the search need not prove it again); ``stop`` ends it when another thread
    requests it (at HiGHS's next interrupt check, in its branch-and-bound).

    ``time_limit_s`` covers build and solve (HiGHS may overrun it; the portfolio enforces it
    from outside). Improving solutions and bound moves are reported through ``on_progress``
    and ``on_incumbent``.

    Raises
    ------
    SolverError
        When HiGHS rejects the model, fails, or returns a selection that violates the model.
    """
    import highspy
    from highspy._core import _Highs

    started = time.perf_counter()
    reason = trivially_infeasible(model)
    if reason:
        return infeasible_result(NAME, started, reason)

    n = model.n_pairs
    form = linear_form(model)
    start, index, value = form.compressed(by_column=True)
    col_lower = np.zeros(n, dtype=np.float64)
    col_lower[model.fixed] = 1.0

    # The low-level class: the wrapper prints a banner before options can silence it.
    h = _Highs()
    _set_options(h, seed, presolve=model.has_knapsack)
    status = h.passModel(
        n,
        form.n_cons,
        len(index),
        _COLWISE,
        _MAXIMIZE,
        0.0,
        model.weight.astype(np.float64),
        col_lower,
        np.ones(n, dtype=np.float64),
        form.lower.astype(np.float64),
        form.upper.astype(np.float64),
        start[:-1].astype(np.int32),
        index.astype(np.int32),
        value.astype(np.float64),
        np.full(n, _INTEGER, dtype=np.int32),
    )
    if status == highspy.HighsStatus.kError:
        raise SolverError("HiGHS rejected the model")
    if warm_start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), warm_start.astype(np.float64))

    reporter = Reporter(model, NAME, started, on_progress, on_incumbent)

    improving = highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution
    interrupt = highspy.cb.HighsCallbackType.kCallbackMipInterrupt

    def callback(kind: object, _msg: str, out: object, data_in: object, _data: object) -> None:
        bound = integer_bound(out.mip_dual_bound)  # type: ignore[attr-defined]
        if kind == improving:
            reporter.solution(as_chosen(out.mip_solution, n), bound)  # type: ignore[attr-defined]
        else:
            reporter.bound(bound)
            best = reporter.best_objective
            reached = stop_at is not None and best is not None and best >= stop_at
            if reached or (stop is not None and stop.requested):
                data_in.user_interrupt = True  # type: ignore[attr-defined]

    h.setCallback(callback, None)
    h.startCallback(improving)
    h.startCallback(interrupt)
    limit = engine_time_limit(time_limit_s, started)
    if limit is not None:
        h.setOptionValue("time_limit", limit)
    build_s = time.perf_counter() - started

    run(h)
    model_status = h.getModelStatus()
    _log.debug("HiGHS finished: %s", h.modelStatusToString(model_status))
    statuses = highspy.HighsModelStatus
    if model_status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        return infeasible_result(NAME, started, "HiGHS proved the model infeasible")
    if model_status == statuses.kModelEmpty:
        return reporter.result(np.zeros(n, dtype=np.bool_), 0, build_s=build_s, message="empty")
    if model_status not in (
        statuses.kOptimal,
        statuses.kTimeLimit,
        statuses.kInterrupt,
        statuses.kIterationLimit,
        statuses.kSolutionLimit,
    ):
        raise SolverError(f"HiGHS stopped with status {h.modelStatusToString(model_status)}")
    info = h.getInfo()
    chosen = None
    if info.primal_solution_status == 2:
        chosen = as_chosen(h.getSolution().col_value, n)
    bound = integer_bound(info.mip_dual_bound)
    best = reporter.best_objective
    if stop_at is not None and best is not None and best >= stop_at:
        # The caller knows ``stop_at`` to be the optimum; the search was not asked to prove it.
        bound = best
    return reporter.result(
        chosen,
        bound,
        build_s=build_s,
        message=h.modelStatusToString(model_status),
    )


def pool_threads(*, knapsack: bool) -> int:
    """The ``threads`` option for a HiGHS run on the calling thread.

    HiGHS keeps a pool of worker threads for each thread that calls it, sized at its first run
    there (:func:`run` starts it afresh when a run asks for another size). A run on a model
    with knapsack rows (``parallel`` on) needs :data:`KNAPSACK_THREADS`, since its search
    follows the size. Any other run (``parallel`` off) takes the same path on any pool and keeps
    the pool it finds, one thread when new: above one, HiGHS's worker spins between tasks,
    about 10 % more processor time than wall time on the small MIPs of a national run's
    agencies, which a second Dask worker on the same two cores needs.
    """
    size = getattr(_pool, "size", None)
    _pool.size = KNAPSACK_THREADS if knapsack else size or 1
    return int(_pool.size)


def run(h: _Highs) -> None:
    """``h.run()`` on a pool of the size ``h``'s ``threads`` option asks for: when this thread's
    pool has another size (an earlier run asked for another, or another caller of HiGHS on this
    thread sized it), HiGHS refuses the run before starting it; the pool is then started afresh
    and the run made again."""
    import highspy

    status = h.run()
    refused = h.getModelStatus() == highspy.HighsModelStatus.kNotset
    if status == highspy.HighsStatus.kError and refused:
        highspy.Highs.resetGlobalScheduler(True)
        h.run()


def _set_options(h: _Highs, seed: int | None, *, presolve: bool) -> None:
    """Quiet, exact and seeded: the same model and seed give the same solution.

    Presolve is off for assignments with unit side constraints: on a 5,000 x 5,000 assignment
    with 150k pairs HiGHS 1.16 spent over two minutes in presolve (ignoring its time limit),
    while the solve without it took 16-19 s. With knapsack rows it is on: raw HiGHS with
    presolve proved chu1997/c05200 in 11 s and yagiura2004/c10400 in 26 s, where HiGHS
    without it proved neither first in a race against CP-SAT. ``parallel`` follows presolve:
    on (as raw HiGHS) with knapsack rows, off without (see :data:`KNAPSACK_THREADS`).
    """
    options: dict[str, bool | float | int | str] = {
        "output_flag": False,
        "threads": pool_threads(knapsack=presolve),
        "presolve": "on" if presolve else "off",
        "parallel": "choose" if presolve else "off",
        "mip_rel_gap": 0.0,
        "mip_abs_gap": _ABS_GAP,
        "random_seed": 0 if seed is None else seed % _MAX_SEED,
    }
    for key, val in options.items():
        h.setOptionValue(key, val)
