"""The single entry point: pick a back-end, enforce the time limit, combine bounds.

``auto`` solves a model without side constraints by min-cost flow (exact). With side
constraints it first solves the relaxation without them by flow: that proves infeasibility
quickly and gives an upper bound. When every side constraint is an at-most-one packing, a
branch-and-bound over flow (:mod:`solvers.methods.branch_and_bound`) proves the optimum in a few
flow solves. Otherwise, or when that search grows too large, the LP bound is computed by column
generation from the flow optimum (:mod:`solvers.methods.lp_bound`); HiGHS then searches the
LP's pairs of reduced cost 0, then all the LP's pairs, for a solution meeting the bound, and,
when none does, solves the model reduced to the pairs that survive reduced-cost fixing against
the best solution found. Only when the LP route is unavailable does HiGHS solve the full
model, warm-started from the flow solution repaired by :func:`flow_heuristic`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from solvers.backends import BACKENDS, backend, flow
from solvers.backends.child import solve_in_child
from solvers.backends.common import ProgressCallback, min_bound
from solvers.errors import SolverError
from solvers.methods.branch_and_bound import count_broken, is_packing, packing_branch_and_bound
from solvers.methods.duals import restrict
from solvers.methods.lp_bound import LpBound, fix_by_reduced_cost, lp_bound
from solvers.methods.priced_flow import relax
from solvers.methods.priced_flow import solve_without as flow_without
from solvers.methods.racing import NAME as RACE
from solvers.methods.racing import race
from solvers.model import AssignmentModel, BoolArray, Result, Status

_log = logging.getLogger(__name__)
_EXACT_AFTER_FLOW = "highs"
_HEURISTIC_ROUNDS = 5
#: The flow branch-and-bound is tried when the flow optimum breaks at most this many packings
#: (its tree grows about exponentially in them: 2 broken took 4 nodes at 5,000 employees, 6
#: took 27 at 20,000, slower there than HiGHS), and may open this many nodes before the MIP
#: back-end takes over.
_BB_MAX_BROKEN = 4
_BB_NODES = 24
#: Share of a time limit the column generation of the LP bound may take.
_PRICING_SHARE = 0.5


def solve(
    model: AssignmentModel,
    solver: str = "auto",
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    warm_start: BoolArray | None = None,
    on_progress: ProgressCallback | None = None,
    lp: LpBound | None = None,
) -> Result:
    """Solve ``model`` (maximise the total weight of the chosen pairs).

    Parameters
    ----------
    model
        The model; validated here.
    solver
        ``"auto"`` or one of :data:`BACKENDS`.
    time_limit_s
        Wall-clock budget. When set, MIP back-ends run in a child process that is ended at the
        deadline (plus a short grace), or, in ``auto``'s race on a model of at most
        :data:`~solvers.methods.racing.THREAD_MAX_PAIRS` pairs, in threads asked to stop
        then; the best solution found by then is returned as FEASIBLE, or TIMEOUT_NO_SOLUTION
        when there is none. ``None`` solves to optimality in-process.
    seed
        Seed for the engine; the same model and seed give the same selection.
    warm_start
        A selection (bool per pair) to start from; it need not be feasible.
    on_progress
        Called as ``on_progress(objective, bound, elapsed_s)`` when a better solution or bound
        arrives.
    lp
        For ``auto``: an LP bound of ``model`` computed beforehand (its reduced costs, one per
        pair of ``model``, valid for every solution), which the LP route then uses instead of
        computing its own.

    Raises
    ------
    ValueError
        When the model or the arguments are inconsistent.
    SolverError
        When the back-end is unknown, cannot handle the model, or fails.
    """
    model.validate()
    if time_limit_s is not None and not time_limit_s > 0:
        raise ValueError(f"time_limit_s must be positive, got {time_limit_s}")
    if warm_start is not None:
        warm_start = np.asarray(warm_start, dtype=np.bool_)
        if warm_start.shape != (model.n_pairs,):
            raise ValueError(f"warm_start has shape {warm_start.shape}, expected one per pair")
    if lp is not None and lp.rc.shape != (model.n_pairs,):
        raise ValueError(f"lp has reduced costs of shape {lp.rc.shape}, expected one per pair")
    if solver != "auto" and solver not in BACKENDS:
        raise SolverError(f"unknown solver {solver!r}; choose 'auto' or one of {BACKENDS}")

    if solver == "flow" or (solver == "auto" and not model.has_side_constraints):
        result = flow.solve(model, seed=seed, on_progress=on_progress)
    elif solver == "auto":
        result = _auto(model, time_limit_s, seed, warm_start, on_progress, lp)
    else:
        result = _run(solver, model, time_limit_s, seed, warm_start, on_progress)
    proven = result.status in (Status.OPTIMAL, Status.INFEASIBLE)
    if proven and not result.proved_by:
        return replace(result, proved_by=result.solver)
    return result


def _run(
    name: str,
    model: AssignmentModel,
    time_limit_s: float | None,
    seed: int | None,
    warm_start: BoolArray | None,
    on_progress: ProgressCallback | None,
) -> Result:
    """One back-end: in-process without a limit, in a child process with one."""
    if time_limit_s is None:
        return backend(name).solve(model, seed=seed, warm_start=warm_start, on_progress=on_progress)
    return solve_in_child(
        name,
        model,
        time_limit_s=time_limit_s,
        seed=seed,
        warm_start=warm_start,
        on_progress=on_progress,
    )


def _auto(
    model: AssignmentModel,
    time_limit_s: float | None,
    seed: int | None,
    warm_start: BoolArray | None,
    on_progress: ProgressCallback | None,
    lp: LpBound | None = None,
) -> Result:
    """Flow on the relaxation without side constraints, then HiGHS warm-started with it."""
    started = time.perf_counter()
    relaxed = relax(model)
    if relaxed.status is Status.INFEASIBLE or relaxed.chosen is None:
        return replace(relaxed, runtime_s=time.perf_counter() - started)
    if model.is_feasible(relaxed.chosen):
        if on_progress is not None:
            on_progress(relaxed.objective, relaxed.bound, time.perf_counter() - started)
        return replace(
            relaxed,
            runtime_s=time.perf_counter() - started,
            message="the optimum without side constraints satisfies them",
        )
    if is_packing(model) and count_broken(model, relaxed.chosen) <= _BB_MAX_BROKEN:
        deadline = None if time_limit_s is None else started + time_limit_s
        exact_bb = packing_branch_and_bound(
            model,
            relaxed.chosen,
            model.objective_of(relaxed.chosen),
            deadline=deadline,
            node_limit=_BB_NODES,
            on_progress=on_progress,
        )
        if exact_bb is not None:
            return replace(exact_bb, runtime_s=time.perf_counter() - started)
    relax_bound = relaxed.bound
    start = _best_start(model, [warm_start, flow_heuristic(model, relaxed.chosen)])
    if model.has_knapsack:
        return _exact_after_flow(
            model, relaxed.chosen, relax_bound, start, started, time_limit_s, seed, on_progress
        )
    priced = _priced(
        model, relaxed.chosen, relax_bound, started, time_limit_s, seed, start, on_progress, lp
    )
    if priced is not None:
        return priced
    return _exact_after_flow(
        model, relaxed.chosen, relax_bound, start, started, time_limit_s, seed, on_progress
    )


def _exact_after_flow(
    model: AssignmentModel,
    relaxed: BoolArray,
    relax_bound: int | None,
    start: tuple[BoolArray | None, int | None],
    started: float,
    time_limit_s: float | None,
    seed: int | None,
    on_progress: ProgressCallback | None,
) -> Result:
    """HiGHS and CP-SAT raced on the whole model (:func:`solvers.methods.racing.race`), hinted
    with the best start, their bound tightened by the flow relaxation's."""
    _log.debug("auto: relaxation bound %s, warm start objective %s", relax_bound, start[1])
    if on_progress is not None:
        on_progress(start[1], relax_bound, time.perf_counter() - started)

    def progress(objective: int | None, bound: int | None, _elapsed: float) -> None:
        if on_progress is not None:
            on_progress(objective, min_bound(bound, relax_bound), time.perf_counter() - started)

    def remaining() -> float | None:
        return None if time_limit_s is None else time_limit_s - (time.perf_counter() - started)

    hint = start[0] if start[0] is not None else relaxed
    share = None if time_limit_s is None else started + _PRICING_SHARE * time_limit_s

    def price() -> LpBound | None:
        # Asked for by the race only when its head start did not settle the model.
        return lp_bound(model, relaxed, start[0], deadline=share) if model.has_knapsack else None

    left = remaining()
    if left is not None and left <= 0:
        exact = Result(Status.TIMEOUT_NO_SOLUTION, None, None, None, RACE, 0.0)
    else:
        exact = race(
            model, time_limit_s=left, seed=seed, warm_start=hint, bound=relax_bound,
            bound_by="flow", on_progress=progress, price=price,
        )  # fmt: skip
    return _combine(model, exact, start, relax_bound, time.perf_counter() - started)


def _priced(
    model: AssignmentModel,
    relaxed: BoolArray,
    relax_bound: int | None,
    started: float,
    time_limit_s: float | None,
    seed: int | None,
    start: tuple[BoolArray | None, int | None],
    on_progress: ProgressCallback | None,
    lp: LpBound | None = None,
) -> Result | None:
    """Column-generated LP bound (``lp`` when given), an incumbent from the LP's pairs, then
    the exact back-end on the pairs that survive reduced-cost fixing; ``None`` when the LP
    route is not available.

    The exact back-end's bound on the fixed model is a bound on the whole model: every
    solution at least as good as the incumbent uses only pairs that were kept.
    """
    share = None if time_limit_s is None else started + _PRICING_SHARE * time_limit_s
    priced = lp if lp is not None else lp_bound(model, relaxed, start[0], deadline=share)
    if priced is None:
        return None
    bound = priced.bound if relax_bound is None else min(priced.bound, relax_bound)
    _log.debug("auto: LP bound %d, %d core pairs", bound, int(priced.core.sum()))

    def remaining() -> float | None:
        return None if time_limit_s is None else time_limit_s - (time.perf_counter() - started)

    def progress(objective: int | None, inner: int | None, _elapsed: float) -> None:
        if on_progress is not None:
            on_progress(objective, min_bound(inner, bound), time.perf_counter() - started)

    candidates = [start[0]]
    # A solution meeting the LP bound uses only pairs whose reduced cost allows it: the LP's
    # pairs of reduced cost 0 are tried first (a small MIP), then every pair that allows it (a
    # solution found there meets the bound, so is optimal), then all the LP's pairs (for an
    # incumbent), each unless reduced-cost fixing against the best solution so far already
    # leaves no more pairs than that search would hold: the exact search over those is then
    # no larger, and proves the optimum. (On a 5,000-person city with the side rules, the
    # optimum met the bound using pairs outside the LP's: the search over the 24,287 pairs
    # that may meet it proved it in 3 s, where the LP's 20,734 pairs gave a solution 1,133
    # below in 23 s and the last step needed 14 s more.)
    tight = priced.core & (priced.rc >= 0)
    reach = fix_by_reduced_cost(model, priced, bound, np.zeros(model.n_pairs, np.bool_))
    searches = [("the LP's pairs of reduced cost 0", tight)]
    if int(reach.sum()) > int(tight.sum()):  # else the same pairs: ``reach`` holds ``tight``
        searches.append(("the pairs that may meet it", reach))
    searches.append(("the LP's pairs", priced.core))
    met_over = ""
    for over, pairs in searches:
        size = int(pairs.sum())
        best = _best_start(model, candidates)
        if best[1] is not None and best[1] >= bound:
            break
        if best[1] is not None:
            better = fix_by_reduced_cost(model, priced, best[1] + 1, np.zeros_like(pairs))
            if int(better.sum()) <= size:
                break
        left = remaining()
        if left is not None and left <= 0:
            break
        sub_model, sub_pairs = restrict(model, pairs)
        hint = None if best[0] is None or bool((best[0] & ~pairs).any()) else best[0][sub_pairs]
        # Under a limit, each search over the LP's pairs leaves time for the last step.
        share_left = None if left is None else left * 0.4
        sub = _run(_EXACT_AFTER_FLOW, sub_model, share_left, seed, hint, progress)
        candidates.append(_lift(sub.chosen, sub_pairs, model.n_pairs))
        if sub.objective is not None and sub.objective >= bound:
            met_over = f"{over} ({size})"
    best = _best_start(model, candidates)
    incumbent, objective = best
    if incumbent is None or objective is None:
        return None
    if objective >= bound:
        if on_progress is not None:
            on_progress(objective, objective, time.perf_counter() - started)
        return Result(
            Status.OPTIMAL, objective, objective, incumbent, _EXACT_AFTER_FLOW,
            time.perf_counter() - started,
            message=f"auto: flow relaxation bound {relax_bound}, LP bound {bound} met by a "
            f"solution over {met_over or 'the start'}",
        )  # fmt: skip
    # The last search looks for a strictly better solution: only pairs that one may use, and no
    # hint (HiGHS handed the incumbent as a hint took ten times longer to prove it optimal than
    # to find and prove it from scratch). Every solution better than the incumbent lies in
    # this restricted model, so its optimum, when better, is the optimum; when it has none
    # better (or none at all), the incumbent is.
    keep = fix_by_reduced_cost(model, priced, objective + 1, np.zeros(model.n_pairs, np.bool_))
    fixed_model, kept = restrict(model, keep)
    _log.debug("auto: %d of %d pairs kept by reduced-cost fixing", len(kept), model.n_pairs)

    def final_progress(found: int | None, inner: int | None, _elapsed: float) -> None:
        if on_progress is not None:
            top = max(objective, found if found is not None else objective)
            above = None if inner is None else max(inner, top)
            on_progress(top, min_bound(above, bound), time.perf_counter() - started)

    left = remaining()
    if left is not None and left <= 0:
        exact = Result(Status.TIMEOUT_NO_SOLUTION, None, None, None, _EXACT_AFTER_FLOW, 0.0)
    else:
        inner = _run(_EXACT_AFTER_FLOW, fixed_model, left, seed, None, final_progress)
        if inner.status is Status.INFEASIBLE:
            # No solution better than the incumbent: it is optimal.
            exact = replace(
                inner, status=Status.OPTIMAL, objective=objective, bound=objective,
                chosen=incumbent,
            )  # fmt: skip
        else:
            exact = replace(inner, chosen=_lift(inner.chosen, kept, model.n_pairs))
    if exact.bound is not None and exact.bound < objective:
        exact = replace(exact, bound=objective)
    combined = _combine(model, exact, best, bound, time.perf_counter() - started)
    return replace(
        combined,
        message=f"auto: flow relaxation bound {relax_bound}, LP bound {bound}, then "
        f"{exact.solver} on the {len(kept)} pairs a better solution than {objective} may use "
        f"(reduced-cost fixing): {exact.message}",
    )


def _lift(chosen: BoolArray | None, kept: npt.NDArray[np.int64], n_pairs: int) -> BoolArray | None:
    """A selection over a restricted model's pairs as one over the whole model's pairs."""
    if chosen is None:
        return None
    out = np.zeros(n_pairs, dtype=np.bool_)
    out[kept[chosen]] = True
    return out


def _best_start(
    model: AssignmentModel, candidates: list[BoolArray | None]
) -> tuple[BoolArray | None, int | None]:
    """The feasible candidate of highest objective, with that objective."""
    best: tuple[BoolArray | None, int | None] = (None, None)
    for cand in candidates:
        if cand is None or not model.is_feasible(cand):
            continue
        objective = model.objective_of(cand)
        if best[1] is None or objective > best[1]:
            best = (cand, objective)
    return best


def _combine(
    model: AssignmentModel,
    exact: Result,
    start: tuple[BoolArray | None, int | None],
    relax_bound: int | None,
    runtime_s: float,
) -> Result:
    """The exact back-end's result, tightened by the relaxation bound and the warm start."""
    if exact.status is Status.INFEASIBLE:
        return replace(exact, runtime_s=runtime_s)
    bound = min_bound(exact.bound, relax_bound)
    chosen, objective = exact.chosen, exact.objective
    start_chosen, start_objective = start
    better = start_objective is not None and (objective is None or start_objective > objective)
    if start_chosen is not None and better:
        chosen, objective = start_chosen, start_objective
    if chosen is None or objective is None:
        return replace(exact, bound=bound, runtime_s=runtime_s)
    if exact.status is Status.OPTIMAL and objective == exact.objective:
        bound = objective
    optimal = bound is not None and objective >= bound
    return replace(
        exact,
        status=Status.OPTIMAL if optimal else Status.FEASIBLE,
        objective=objective,
        bound=objective if optimal else bound,
        chosen=chosen,
        runtime_s=runtime_s,
        message=f"auto: flow relaxation bound {relax_bound}, then {exact.solver}: {exact.message}",
        proved_by=(exact.proved_by or "flow") if optimal else "",
    )


def flow_heuristic(model: AssignmentModel, relaxed: BoolArray) -> BoolArray | None:
    """A feasible selection built from the optimum ``relaxed`` of the model without side
    constraints, or ``None``.

    Repeats a few times: drop pairs until the side constraints hold (:func:`drop_to_feasible`),
    forbid the pairs that were dropped or unused in the constraints that were exceeded, and
    re-solve the relaxation by flow, which re-assigns the rows that lost their pair. Each
    round's selection is feasible for the next one, so the objective never decreases.
    """
    allowed = np.ones(model.n_pairs, dtype=np.bool_)
    chosen, best = relaxed, None
    for _ in range(_HEURISTIC_ROUNDS):
        dropped = drop_to_feasible(model, chosen)
        if dropped is None:
            break
        best = dropped
        for k in np.flatnonzero(model.side_excess(chosen)).tolist():
            s = model.side[k]
            allowed[s.pairs[~dropped[s.pairs]]] = False
        solved = flow_without(model, ~allowed)
        if solved is None:
            break
        chosen = solved[1]
        if model.is_feasible(chosen):
            return chosen
    return best


def drop_to_feasible(model: AssignmentModel, chosen: BoolArray) -> BoolArray | None:
    """Make ``chosen`` satisfy the side constraints by dropping pairs, or ``None``.

    For each exceeded side constraint, drops the chosen pairs of optional rows (not fixed)
    with positive coefficient, lowest weight per unit of coefficient first, until it holds.
    Returns ``None`` when the result still violates the model.
    """
    out = chosen.copy()
    droppable = ~model.row_must[model.pair_row]
    droppable[model.fixed] = False
    for k in np.flatnonzero(model.side_excess(chosen)).tolist():
        s = model.side[k]
        coef = s.coefficients()
        excess = int((coef * out[s.pairs]).sum()) - s.rhs
        if excess <= 0:
            continue
        can = out[s.pairs] & droppable[s.pairs] & (coef > 0)
        pairs, cf = s.pairs[can], coef[can]
        order = np.lexsort((pairs, model.weight[pairs] / cf))
        released = np.cumsum(cf[order])
        n_drop = int(np.searchsorted(released, excess)) + 1
        out[pairs[order[:n_drop]]] = False
    return out if model.is_feasible(out) else None
