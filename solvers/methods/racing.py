"""Race HiGHS and CP-SAT on one model at once, sharing bounds.

Where the better exact back-end cannot be told in advance (knapsack side constraints: CP-SAT
proves the small public GAP instances in well under a second, HiGHS proves larger ones CP-SAT
does not), both run at once on the machine's two cores. The race keeps the best solution
streamed by either and the best bound proved by either, and stops the race as soon as the one
meets the other (or one back-end proves optimality or infeasibility on its own). ``proved_by``
names the back-end whose bound closed the gap.

With the LP bound of the model (:mod:`solvers.methods.lp_bound`: the Lagrangian bound of the
side constraints, whose optimal multipliers are the LP's duals, since what remains is an
assignment), a racer is given only the pairs that survive reduced-cost fixing against the best
solution known when it starts: a pair whose reduced cost exceeds the gap between the bound and
that solution is in no better solution. The bound a racer proves on its fixed model is a bound
on the whole model (the fixed model holds the best solution, so their optima are equal). When
HiGHS finds a solution better than CP-SAT's and fixing against it leaves at most
:data:`RESTART_SHARE` of CP-SAT's pairs, CP-SAT is restarted on the smaller model with that
solution as its hint (HiGHS fixes by reduced cost inside its own search).

Small models (at most :data:`HEAD_START_MAX_PAIRS` pairs) first get a head start: CP-SAT in
this process, on one worker, for a budget of its deterministic time (:data:`HEAD_START_WORK`).
It proves most of them (the public GAP instances gap1–12 all, in a fraction of a second)
without starting any process, and what it proves does not depend on the machine's load;
otherwise its best solution becomes the racers' hint. Larger models start both racers at
once, HiGHS first, on what the race was given: HiGHS then solves from the race's first moment,
as a raw HiGHS solve of the model would, and CP-SAT does what a head start would have done.
CP-SAT runs at a lower priority (:data:`RACER_NICENESS`).

Models of at most :data:`THREAD_MAX_PAIRS` pairs race in two threads of this process: both
engines release the GIL while they search and stop within a fraction of a second when asked,
so no process is started, no model copied, and HiGHS gets the processor share of the process
that called it, as a raw HiGHS solve would. Larger models race in two child processes
(:mod:`solvers.backends.child`), which are ended at once whatever their engine is doing.

Which racer proves first depends on the machine's load, and so would the returned plan when
the model has several optima. The plan is therefore always the same one: the first solution of
the optimal value ``z`` that HiGHS's own run finds. That run is deterministic — a fixed thread
count (:data:`solvers.backends.highs.KNAPSACK_THREADS` on knapsack models, whatever the
machine's cores), a fixed seed, and a model and hint that depend only on the race's input (the
head start's solution, when HiGHS starts after it, is itself deterministic) — so its first
solution of value ``z`` is too, whoever proved ``z``. When HiGHS proves the optimum, its plan
is that solution already; when CP-SAT (or the LP bound) proves it first, CP-SAT stops and
HiGHS's run goes on, alone, until it reaches ``z``: without a time limit for as long as the
race took (at least :data:`CANONICAL_MIN_S`), under a time limit for :data:`CANONICAL_SHARE` of
the race's time plus a second. When it does not reach ``z`` by then, the race's own optimal plan is
returned and the message says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait

import numpy as np

from solvers.backends import cpsat, highs
from solvers.backends.child import Child, grace_s
from solvers.backends.common import ProgressCallback
from solvers.errors import SolverError
from solvers.methods.duals import restrict
from solvers.methods.lp_bound import LpBound, fix_by_reduced_cost
from solvers.model import AssignmentModel, BoolArray, IntArray, Result, Status

_log = logging.getLogger(__name__)
#: The racers, in the order used to break ties between equal bounds or solutions.
RACERS: tuple[str, ...] = ("highs", "cpsat")
#: Name of the racing method in results.
NAME = "+".join(RACERS)
#: Budget of the head start, in CP-SAT's deterministic seconds (roughly wall seconds on one
#: core), and the largest model that gets one: gap1–12 have at most 600 pairs and the head
#: start proves every one of them, while a 1,000-pair chu1997 instance that raw HiGHS proves
#: in about a second would lose half a second to it. The budget leaves room for the hint: with
#: half a second, gap8-0 was proved from one optimum of the flow relaxation and not from
#: another of equal value (then the race took 1.9 s); with one second every gap1–12 instance
#: is proved from either, the slowest in 0.6 s.
HEAD_START_WORK = 1.0
HEAD_START_MAX_PAIRS = 800
#: Scheduling priority of each racer (process or thread), in steps below the caller's. On an idle
#: two-core machine it changes nothing (each racer has a core); on a shared one it keeps
#: HiGHS's share of the processor what a raw HiGHS solve would get, and CP-SAT takes what is
#: left (with both at one priority, HiGHS ran at half its raw speed at load 6).
RACER_NICENESS: dict[str, int] = {"cpsat": 10}
#: The largest model whose racers are threads rather than processes. HiGHS checks for a stop
#: request in its branch-and-bound only: asked to stop, it ended within 0.2 s on a model of
#: 16,000 pairs (Yagiura c40400), but took up to 4.4 s on one of 128,000 (d801600), in its
#: root LP; a process is ended at once.
THREAD_MAX_PAIRS = 20_000
#: CP-SAT is restarted from a better solution of HiGHS at most this many times, and only when
#: reduced-cost fixing against that solution keeps at most this share of its pairs.
MAX_RESTARTS = 3
RESTART_SHARE = 0.7
#: How long HiGHS's run may go on to reach an optimum another racer proved: without a time
#: limit as long as the race took, and at least this many seconds; under a time limit this
#: share of the race's wall time plus a second.
CANONICAL_MIN_S = 10.0
CANONICAL_SHARE = 0.2


@dataclass
class _Best:
    """The best solution and bound of the race so far, with their owners."""

    chosen: BoolArray | None = None
    objective: int | None = None
    bound: int | None = None
    bound_by: str = ""

    def offer(self, chosen: BoolArray | None, objective: int | None) -> bool:
        if chosen is None or objective is None:
            return False
        if self.objective is not None and objective <= self.objective:
            return False
        self.chosen, self.objective = chosen, objective
        return True

    def tighten(self, bound: int | None, owner: str) -> bool:
        if bound is None or (self.bound is not None and bound >= self.bound):
            return False
        self.bound, self.bound_by = bound, owner
        return True

    @property
    def proven(self) -> bool:
        if self.objective is None or self.bound is None:
            return False
        return self.objective >= self.bound


@dataclass(eq=False)
class _Racer:
    """A racer's process or thread, the model pairs it was given (``None``: all of them) and the
    incumbent objective they were fixed against."""

    child: Child
    kept: IntArray | None
    fixed_at: int | None
    n_pairs: int

    def lift(self, chosen: BoolArray | None) -> BoolArray | None:
        """A selection over the racer's pairs as one over the whole model's."""
        if chosen is None or self.kept is None:
            return chosen
        out = np.zeros(self.n_pairs, dtype=np.bool_)
        out[self.kept[chosen]] = True
        return out


@dataclass(eq=False)
class _Race:
    """The state of one race: its model, the best solution and bound, the racers by name."""

    model: AssignmentModel
    seed: int | None
    lp: LpBound | None
    started: float
    limit_at: float | None
    best: _Best
    hint: BoolArray | None
    on_progress: ProgressCallback | None
    in_thread: bool = False
    racers: dict[str, _Racer] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def start(self, name: str) -> None:
        """Start (or restart) racer ``name`` from the best solution known, on the pairs that
        survive reduced-cost fixing against it."""
        if name in self.racers:
            self.racers[name].child.stop()
        model, best = self.model, self.best
        keep = None
        if self.lp is not None and best.chosen is not None and best.objective is not None:
            keep = fix_by_reduced_cost(model, self.lp, best.objective, best.chosen)
        hint = best.chosen if best.chosen is not None else self.hint
        left = None if self.limit_at is None else max(0.01, self.limit_at - time.perf_counter())
        niceness = RACER_NICENESS.get(name, 0)
        if keep is None or keep.all():
            child = Child.start(
                name, model, left, self.seed, hint, niceness=niceness, in_thread=self.in_thread
            )
            self.racers[name] = _Racer(child, None, best.objective, model.n_pairs)
            return
        sub, kept = restrict(model, keep)
        sub_hint = None if hint is None else hint[kept]
        _log.debug("race: %s on the %d of %d pairs kept", name, len(kept), model.n_pairs)
        child = Child.start(
            name, sub, left, self.seed, sub_hint, niceness=niceness, in_thread=self.in_thread
        )
        self.racers[name] = _Racer(child, kept, best.objective, model.n_pairs)

    def absorb(self, racer: _Racer) -> Result | None:
        """Read one message of ``racer`` into the best solution and bound; an infeasibility it
        proved on the whole model is returned as the verdict."""
        child = racer.child
        child.receive()
        best = self.best
        changed = best.offer(racer.lift(child.best), child.best_objective)
        changed |= best.tighten(child.bound, child.name)
        verdict = None
        if child.error:
            self.errors.append(child.error)
        elif child.final is not None:
            final = child.final
            if final.status is Status.INFEASIBLE and racer.kept is None:
                verdict = replace(final, proved_by=child.name)
            changed |= best.offer(racer.lift(final.chosen), final.objective)
            changed |= best.tighten(final.bound, child.name)
        if changed and self.on_progress is not None:
            self.on_progress(best.objective, best.bound, time.perf_counter() - self.started)
        return verdict

    def stop(self) -> None:
        for racer in self.racers.values():
            racer.child.stop()


def race(
    model: AssignmentModel,
    *,
    time_limit_s: float | None,
    seed: int | None,
    warm_start: BoolArray | None,
    bound: int | None = None,
    bound_by: str = "relaxation",
    lp: LpBound | None = None,
    on_progress: ProgressCallback | None = None,
    price: Callable[[], LpBound | None] | None = None,
) -> Result:
    """Solve ``model`` by racing :data:`RACERS`; see the module docstring.

    ``warm_start`` (which need not be feasible) is every racer's hint and, when feasible, the
    first incumbent; ``bound`` a known upper bound (owned by ``bound_by``); ``lp`` the LP bound
    whose reduced costs fix pairs against the best solution (see the module docstring), or
    ``price`` what computes it, called only when the head start did not settle the model (a
    model it proves costs no LP); its bound, when tighter, is owned by ``"lp"``. Under a time
    limit the best solution found by either racer is returned as FEASIBLE.

    Raises
    ------
    SolverError
        When every racer failed.
    """
    started = time.perf_counter()
    best = _Best()
    if warm_start is not None and model.is_feasible(warm_start):
        best.offer(warm_start, model.objective_of(warm_start))
    best.tighten(bound, bound_by)
    limit_at = None if time_limit_s is None else started + time_limit_s
    in_thread = model.n_pairs <= THREAD_MAX_PAIRS
    state = _Race(model, seed, lp, started, limit_at, best, warm_start, on_progress, in_thread)
    try:
        return _run(state, time_limit_s, price)
    finally:
        state.stop()


def _run(
    state: _Race, time_limit_s: float | None, price: Callable[[], LpBound | None] | None
) -> Result:
    """The race of :func:`race`; the caller stops the racers."""
    model, best, started = state.model, state.best, state.started
    if model.n_pairs <= HEAD_START_MAX_PAIRS:
        head = cpsat.solve(
            model, time_limit_s=time_limit_s, seed=state.seed, warm_start=state.hint,
            deterministic_time_s=HEAD_START_WORK,
        )  # fmt: skip
        if head.status in (Status.OPTIMAL, Status.INFEASIBLE):
            return replace(
                head, solver=NAME, runtime_s=time.perf_counter() - started, proved_by=cpsat.NAME,
                message=f"proved by the {cpsat.NAME} head start: {head.message}",
            )  # fmt: skip
        best.offer(head.chosen, head.objective)
        best.tighten(head.bound, cpsat.NAME)
        if best.chosen is not None:
            state.hint = best.chosen
        if state.limit_at is not None and time.perf_counter() >= state.limit_at:
            return _unproven(best, time.perf_counter() - started)
    if price is not None:
        state.lp = price()
        if state.lp is not None:
            best.tighten(state.lp.bound, "lp")
        if state.limit_at is not None and time.perf_counter() >= state.limit_at:
            return _unproven(best, time.perf_counter() - started)
    state.start(highs.NAME)
    if not best.proven:
        state.start(cpsat.NAME)
    verdict = None
    deadline = None
    if state.limit_at is not None and time_limit_s is not None:
        deadline = state.limit_at + grace_s(time_limit_s)
    restarts = 0
    while not best.proven and verdict is None:
        active = [r for r in state.racers.values() if not r.child.done]
        if not active:
            break
        timeout = None if deadline is None else deadline - time.perf_counter()
        if timeout is not None and timeout <= 0:
            break
        ready = wait([r.child.receiver for r in active], timeout)
        if not ready:
            break
        for racer in active:
            if racer.child.receiver in ready:
                verdict = state.absorb(racer)
                if verdict is not None:
                    break
        restart = verdict is None and not best.proven and restarts < MAX_RESTARTS
        if restart and _worth_restart(model, state.lp, best, state.racers[cpsat.NAME]):
            state.start(cpsat.NAME)
            restarts += 1
    elapsed = time.perf_counter() - started
    if verdict is not None:
        return replace(verdict, solver=NAME, runtime_s=elapsed)
    if best.chosen is None and len(state.errors) == len(state.racers):
        raise SolverError("; ".join(state.errors))
    if not best.proven or best.chosen is None or best.objective is None:
        return _unproven(best, elapsed)
    if cpsat.NAME in state.racers:
        state.racers[cpsat.NAME].child.stop()
    budget = max(CANONICAL_MIN_S, elapsed)
    if state.limit_at is not None:
        budget = max(0.0, min(state.limit_at - time.perf_counter(), CANONICAL_SHARE * elapsed + 1))
    plan = _first_at(state.racers[highs.NAME], best.objective, time.perf_counter() + budget)
    how = "the plan is the first of that value in HiGHS's deterministic run"
    if plan is None:
        plan = best.chosen
        how = "the plan is the race's (HiGHS's deterministic run did not reach it in its budget)"
    return Result(
        Status.OPTIMAL, best.objective, best.objective, plan, NAME,
        time.perf_counter() - started, message=f"optimum proved by {best.bound_by}; {how}",
        proved_by=best.bound_by,
    )  # fmt: skip


def _first_at(racer: _Racer, optimum: int, until: float) -> BoolArray | None:
    """The first solution of value ``optimum`` of ``racer``'s run, waiting for it until
    ``until`` (a ``time.perf_counter`` value); ``None`` when the run does not reach it."""
    child = racer.child
    while not child.done and (child.best_objective is None or child.best_objective < optimum):
        left = until - time.perf_counter()
        if left <= 0 or not child.receiver.poll(left):
            break
        child.receive()
    final = child.final
    if final is not None and final.objective == optimum:
        return racer.lift(final.chosen)
    if child.best_objective == optimum:
        return racer.lift(child.best)
    return None


def _worth_restart(model: AssignmentModel, lp: LpBound | None, best: _Best, racer: _Racer) -> bool:
    """Whether the best solution, found by another racer, would cut ``racer``'s model by enough
    to restart it there with that solution as its hint."""
    if lp is None or best.chosen is None or best.objective is None or racer.child.done:
        return False
    if racer.fixed_at is not None and best.objective <= racer.fixed_at:
        return False
    if racer.child.best_objective is not None and best.objective <= racer.child.best_objective:
        return False
    current = model.n_pairs if racer.kept is None else len(racer.kept)
    kept = int(fix_by_reduced_cost(model, lp, best.objective, best.chosen).sum())
    return kept <= RESTART_SHARE * current


def _unproven(best: _Best, elapsed: float) -> Result:
    """The race's outcome at its time limit: the best solution of either back-end, or none."""
    if best.chosen is None or best.objective is None:
        return Result(
            Status.TIMEOUT_NO_SOLUTION, None, best.bound, None, NAME, elapsed,
            message="time limit reached without a solution",
        )  # fmt: skip
    return Result(
        Status.FEASIBLE, best.objective, best.bound, best.chosen, NAME, elapsed,
        message="time limit reached; the best solution of either back-end",
    )  # fmt: skip
