"""Helpers shared by the back-ends: callbacks, incumbent tracking and result checks."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result, Status

#: ``on_progress(objective, bound, elapsed_s)``: called when an incumbent or a better bound arrives.
ProgressCallback = Callable[[int | None, int | None, float], None]
#: ``on_incumbent(chosen, objective, bound, elapsed_s)``: receives every improving solution,
#: already checked against the model.
IncumbentCallback = Callable[[BoolArray, int, int | None, float], None]


class Stop:
    """A request, from another thread, that a back-end end its search now.

    HiGHS polls :attr:`requested` in its interrupt callback; CP-SAT registers its
    ``stop_search`` with :meth:`on_request`. :meth:`request` calls every registered hook
    each time, so that a hook registered while a request was under way still takes effect
    when the request is repeated.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], None]] = []

    @property
    def requested(self) -> bool:
        """Whether a stop was requested."""
        return self._event.is_set()

    def request(self) -> None:
        """Ask the search to end, now and on every hook registered so far."""
        self._event.set()
        with self._lock:
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    def on_request(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` on every request, at once when one was already made."""
        with self._lock:
            self._hooks.append(hook)
        if self.requested:
            hook()


def integer_bound(value: float) -> int | None:
    """Floor of a solver's dual bound as an integer upper bound (``None`` when not finite)."""
    if not math.isfinite(value):
        return None
    return math.floor(value + 1e-6)


def min_bound(a: int | None, b: int | None) -> int | None:
    """The tighter of two optional upper bounds."""
    if a is None:
        return b
    return a if b is None else min(a, b)


def as_chosen(values: object, n_pairs: int) -> BoolArray:
    """Round solver values (floats or ints, one per pair) to a bool array."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (n_pairs,):
        raise SolverError(f"solver returned {arr.shape} values for {n_pairs} pairs")
    chosen: BoolArray = arr > 0.5
    return chosen


def checked(model: AssignmentModel, chosen: BoolArray, solver: str) -> BoolArray:
    """Return ``chosen`` when it satisfies the model, raise ``SolverError`` otherwise."""
    if not model.is_feasible(chosen):
        raise SolverError(f"{solver} returned a selection that violates the model")
    return chosen


def trivially_infeasible(model: AssignmentModel) -> str:
    """A reason when the model is infeasible for structural reasons, else ``""``.

    Catches must-rows without any pair, two fixed pairs in one row, a column holding more
    fixed pairs than its capacity and a side constraint already violated by the fixed pairs;
    every back-end answers INFEASIBLE on these without building anything.
    """
    counts = np.bincount(model.pair_row, minlength=model.n_rows)
    if (counts[model.row_must] == 0).any():
        return "a row that must be assigned has no pair"
    fixed = np.unique(model.fixed)
    if len(fixed):
        if (np.bincount(model.pair_row[fixed], minlength=model.n_rows) > 1).any():
            return "two fixed pairs share a row"
        if (np.bincount(model.pair_col[fixed], minlength=model.n_cols) > model.col_cap).any():
            return "a column holds more fixed pairs than its capacity"
    is_fixed = np.zeros(model.n_pairs, dtype=np.bool_)
    is_fixed[fixed] = True
    for s in model.side:
        coef = s.coefficients()
        least = int(np.minimum(coef, 0).sum()) + int(np.maximum(coef, 0)[is_fixed[s.pairs]].sum())
        if least > s.rhs:
            return f"side constraint {s.name!r} cannot hold"
    return ""


def infeasible_result(solver: str, started: float, message: str) -> Result:
    """An INFEASIBLE result timed from ``started`` (a ``time.perf_counter`` value)."""
    return Result(
        status=Status.INFEASIBLE,
        objective=None,
        bound=None,
        chosen=None,
        solver=solver,
        runtime_s=time.perf_counter() - started,
        message=message,
    )


@dataclass
class Reporter:
    """Tracks the best verified incumbent and bound of one solve and forwards them.

    Back-ends call :meth:`solution` from their solver callbacks and :meth:`bound` when the dual
    bound moves; ``on_progress`` sees ``(objective, bound, elapsed_s)`` and ``on_incumbent``
    additionally the selection.
    """

    model: AssignmentModel
    solver: str
    started: float
    on_progress: ProgressCallback | None = None
    on_incumbent: IncumbentCallback | None = None
    best: BoolArray | None = None
    best_objective: int | None = None
    best_bound: int | None = None
    _bound_at_report: int | None = field(default=None, repr=False)

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.started

    def solution(self, chosen: BoolArray, bound: int | None = None) -> None:
        """Record a solution when it is feasible and better than the incumbent."""
        self._merge_bound(bound)
        if not self.model.is_feasible(chosen):
            return
        objective = self.model.objective_of(chosen)
        if self.best_objective is not None and objective <= self.best_objective:
            return
        self.best, self.best_objective = chosen, objective
        self._bound_at_report = self.best_bound
        elapsed = self.elapsed()
        if self.on_incumbent is not None:
            self.on_incumbent(chosen, objective, self.best_bound, elapsed)
        if self.on_progress is not None:
            self.on_progress(objective, self.best_bound, elapsed)

    def bound(self, bound: int | None) -> None:
        """Record a dual bound; report it when it improved since the last report."""
        self._merge_bound(bound)
        if self.best_bound is None or self.best_bound == self._bound_at_report:
            return
        self._bound_at_report = self.best_bound
        if self.on_progress is not None:
            self.on_progress(self.best_objective, self.best_bound, self.elapsed())

    def _merge_bound(self, bound: int | None) -> None:
        self.best_bound = min_bound(self.best_bound, bound)

    def result(
        self,
        chosen: BoolArray | None,
        bound: int | None,
        *,
        build_s: float,
        proven: bool = False,
        message: str = "",
    ) -> Result:
        """The final result from the solver's own answer and the tracked incumbent.

        ``chosen`` is the solver's final selection (checked here, ``SolverError`` when it
        violates the model); the better of it and the tracked incumbent is returned. The status
        is OPTIMAL when the objective meets the bound, or when ``proven`` says the solver proved
        optimality of ``chosen``.
        """
        self._merge_bound(bound)
        if chosen is not None:
            checked(self.model, chosen, self.solver)
            objective = self.model.objective_of(chosen)
            if self.best_objective is None or objective > self.best_objective:
                self.best, self.best_objective = chosen, objective
        if self.best is None or self.best_objective is None:
            return Result(
                status=Status.TIMEOUT_NO_SOLUTION,
                objective=None,
                bound=self.best_bound,
                chosen=None,
                solver=self.solver,
                runtime_s=self.elapsed(),
                build_s=build_s,
                message=message,
            )
        if proven and chosen is not None and self.best_objective == self.model.objective_of(chosen):
            self.best_bound = self.best_objective
        optimal = self.best_bound is not None and self.best_objective >= self.best_bound
        return Result(
            status=Status.OPTIMAL if optimal else Status.FEASIBLE,
            objective=self.best_objective,
            bound=self.best_objective if optimal else self.best_bound,
            chosen=self.best,
            solver=self.solver,
            runtime_s=self.elapsed(),
            build_s=build_s,
            message=message,
        )


def engine_time_limit(time_limit_s: float | None, started: float) -> float | None:
    """What is left of the budget ``time_limit_s`` counted from ``started`` (at least 10 ms)."""
    if time_limit_s is None:
        return None
    return max(0.01, time_limit_s - (time.perf_counter() - started))
