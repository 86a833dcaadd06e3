"""Race HiGHS and CP-SAT on one model, each in its own process on one thread, sharing bounds.

Where the better exact back-end cannot be told in advance (knapsack side constraints: CP-SAT
proves the small public GAP instances in well under a second, HiGHS proves larger ones CP-SAT
does not), both run at once on the machine's two cores. Both start from the best known
solution as their hint; the parent keeps the best solution streamed by either and the best
bound proved by either, and stops both as soon as the one meets the other (or one back-end
proves optimality or infeasibility on its own). ``proved_by`` names the back-end whose bound
closed the gap.

With the LP bound of the model (:mod:`solvers.methods.lp_bound`: the Lagrangian bound of the
side constraints, whose optimal multipliers are the LP's duals, since what remains is an
assignment), a racer is given only the pairs that survive reduced-cost fixing against the best
solution known when it starts: a pair whose reduced cost exceeds the gap between the bound and
that solution is in no better solution. The bound a racer proves on its fixed model is a bound
on the whole model (the fixed model holds the best solution, so their optima are equal). When
HiGHS finds a solution better than CP-SAT's and fixing against it leaves at most
:data:`RESTART_SHARE` of CP-SAT's pairs, CP-SAT is restarted on the smaller model with that
solution as its hint (HiGHS fixes by reduced cost inside its own search).

Small models first get a head start: CP-SAT in this process, on one worker, for a budget of
its deterministic time (:data:`HEAD_START_WORK`). Most small knapsack models are proved there
(the public GAP instances gap1–12 in a fraction of a second, without starting any process), and
what it proves does not depend on the machine's load. Otherwise its best solution becomes the
racers' hint.

Which racer proves first depends on the machine's load, and so would the returned plan when
the model has several optima. Once the optimum ``z`` is proven, the plan is therefore
re-solved deterministically: HiGHS, seeded, without a hint, on the pairs that reduced-cost
fixing against ``z`` itself keeps, stopped at its first solution of objective ``z`` (knowing
the optimum, it prunes every node whose bound falls below it; on the chu1997 and Yagiura
instances this took a fraction of the race's time, where a CP-SAT feasibility search often
took longer than the race). Its answer depends only on the model, ``z`` and the seed. Its
budget: without a time limit as long as the race took (at least :data:`CANONICAL_MIN_S`);
under a time limit :data:`CANONICAL_SHARE` of the race's time plus a second. When it runs out,
the race's own optimal plan is returned and the message says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
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
#: core), and the largest model that gets one (building CP-SAT's model costs about a second per
#: hundred thousand pairs).
HEAD_START_WORK = 0.5
HEAD_START_MAX_PAIRS = 20_000
#: CP-SAT is restarted from a better solution of HiGHS at most this many times, and only when
#: reduced-cost fixing against that solution keeps at most this share of its pairs.
MAX_RESTARTS = 3
RESTART_SHARE = 0.7
#: Budget of the deterministic re-solve of the race's plan: without a time limit as long as the
#: race took, and at least this many seconds; under a time limit this share of the race's wall
#: time plus a second.
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
) -> Result:
    """Solve ``model`` by racing :data:`RACERS`; see the module docstring.

    ``warm_start`` (which need not be feasible) is every racer's hint and, when feasible, the
    first incumbent; ``bound`` a known upper bound (owned by ``bound_by``); ``lp`` the LP bound
    whose reduced costs fix pairs against the best solution (see the module docstring). Under a
    time limit
    the best solution found by either racer is returned as FEASIBLE.

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
    if model.n_pairs <= HEAD_START_MAX_PAIRS:
        head = cpsat.solve(
            model, time_limit_s=time_limit_s, seed=seed, warm_start=warm_start,
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
            warm_start = best.chosen
        if time_limit_s is not None and time.perf_counter() >= started + time_limit_s:
            return _unproven(best, time.perf_counter() - started)

    def report() -> None:
        if on_progress is not None:
            on_progress(best.objective, best.bound, time.perf_counter() - started)

    limit_at = None if time_limit_s is None else started + time_limit_s
    deadline = None if time_limit_s is None else started + time_limit_s + grace_s(time_limit_s)

    def start(name: str) -> _Racer:
        keep = None
        if lp is not None and best.chosen is not None and best.objective is not None:
            keep = fix_by_reduced_cost(model, lp, best.objective, best.chosen)
        hint = best.chosen if best.chosen is not None else warm_start
        left = None if limit_at is None else max(0.01, limit_at - time.perf_counter())
        if keep is None or keep.all():
            child = Child.start(name, model, left, seed, hint)
            return _Racer(child, None, best.objective, model.n_pairs)
        sub, kept = restrict(model, keep)
        sub_hint = None if hint is None else hint[kept]
        _log.debug("race: %s on the %d of %d pairs kept", name, len(kept), model.n_pairs)
        child = Child.start(name, sub, left, seed, sub_hint)
        return _Racer(child, kept, best.objective, model.n_pairs)

    racers = [start(n) for n in RACERS]
    restarts = 0
    verdict: Result | None = None
    errors: list[str] = []
    try:
        while not best.proven and verdict is None:
            active = [r for r in racers if not r.child.done]
            if not active:
                break
            timeout = None if deadline is None else deadline - time.perf_counter()
            if timeout is not None and timeout <= 0:
                break
            ready = wait([r.child.receiver for r in active], timeout)
            if not ready:
                break
            for racer in active:
                child = racer.child
                if child.receiver not in ready:
                    continue
                child.receive()
                changed = best.offer(racer.lift(child.best), child.best_objective)
                changed |= best.tighten(child.bound, child.name)
                if child.error:
                    errors.append(child.error)
                elif child.final is not None:
                    final = child.final
                    if final.status is Status.INFEASIBLE and racer.kept is None:
                        verdict = replace(final, proved_by=child.name)
                        break
                    changed |= best.offer(racer.lift(final.chosen), final.objective)
                    changed |= best.tighten(final.bound, child.name)
                if changed:
                    report()
            if verdict is None and not best.proven and restarts < MAX_RESTARTS:
                index = RACERS.index(cpsat.NAME)
                if _worth_restart(model, lp, best, racers[index]):
                    racers[index].child.stop()
                    racers[index] = start(cpsat.NAME)
                    restarts += 1
    finally:
        for racer in racers:
            racer.child.stop()
    elapsed = time.perf_counter() - started
    if verdict is not None:
        return replace(verdict, solver=NAME, runtime_s=elapsed)
    if best.chosen is None and len(errors) == len(racers):
        raise SolverError("; ".join(errors))
    if not best.proven or best.chosen is None or best.objective is None:
        return _unproven(best, elapsed)
    budget = max(CANONICAL_MIN_S, elapsed)
    if time_limit_s is not None:
        budget = max(0.0, min(time_limit_s - elapsed, CANONICAL_SHARE * elapsed + 1.0))
    chosen, how = _canonical(model, best.objective, best.chosen, seed, budget, lp)
    return Result(
        Status.OPTIMAL, best.objective, best.objective, chosen, NAME,
        time.perf_counter() - started, message=f"optimum proved by {best.bound_by}; {how}",
        proved_by=best.bound_by,
    )  # fmt: skip


@dataclass(eq=False)
class _Racer:
    """A racer's process, the model pairs it was given (``None``: all of them) and the
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


def _canonical(
    model: AssignmentModel,
    optimum: int,
    found: BoolArray,
    seed: int | None,
    budget_s: float,
    lp: LpBound | None,
) -> tuple[BoolArray, str]:
    """A selection of objective ``optimum`` that depends only on the model, the optimum, ``lp``
    and the seed, or ``found`` when none turns up within the budget.

    Only the pairs that reduced-cost fixing against the optimum itself keeps can be in such a
    selection, so the search runs on those.
    """
    if budget_s <= 0:
        return found, "no time left to re-solve the plan deterministically"
    kept = np.arange(model.n_pairs, dtype=np.int64)
    sub = model
    if lp is not None:
        sub, kept = restrict(model, fix_by_reduced_cost(model, lp, optimum, ~np.ones_like(found)))
    solved = highs.solve(sub, time_limit_s=budget_s, seed=seed, stop_at=optimum)
    if solved.chosen is None or solved.status is not Status.OPTIMAL:
        _log.debug("race: deterministic re-solve found no plan (%s)", solved.message)
        return found, "the plan is the race's (its deterministic re-solve ran out of budget)"
    chosen = np.zeros(model.n_pairs, dtype=np.bool_)
    chosen[kept[solved.chosen]] = True
    return chosen, "the plan re-solved deterministically at that optimum"
