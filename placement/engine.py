"""The one entry point from a dataset and a policy to a checked, optimal plan."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

import solvers
from placement.check import check
from placement.contract.dataset import Dataset
from placement.contract.plan import GAP_COLUMNS
from placement.contract.policy import Policy
from placement.errors import PlacementError, SolverError
from placement.executors import Executor, LocalPool
from placement.i18n import t
from placement.model.compile import (
    PRICED_MOVES,
    Compiled,
    SideMembers,
    assemble,
    compile_model,
    compile_moves,
    is_pure,
    side_priceable,
    with_side,
)
from placement.model.diagnose import diagnose
from placement.model.rules import MOVE, NEW, STAY, Context, build_context
from placement.model.scoring import jpm_text
from solvers import Status
from solvers.methods.duals import best_per_row

log = logging.getLogger(__name__)

#: A pure assignment with more allowed moves than this is solved by column generation over a
#: restricted model (:mod:`placement.model.space`) instead of listing every pair.
RESTRICT_ABOVE = 2_000_000
#: While pricing, unchosen moves whose reduced cost is below minus this leave the restricted
#: model in the first :data:`PRUNE_ROUNDS` rounds (they are priced again like any other).
#: Near-ties are many (a cell's positions score alike), so a small margin keeps the models of
#: a 100,000-person city near half the size, for a round or two more.
PRUNE_BELOW: int | None = 200
PRUNE_ROUNDS = 50

#: A model with side rules priced over the move space takes in at most this many moves per
#: employee per round of its LP bound, which may take this share of a time limit.
SIDE_MOVES = 8
SIDE_PRICING_SHARE = 0.5

#: Time the automatic diagnosis of an infeasible run may take when the policy sets no limit.
DIAGNOSIS_TIME_LIMIT_S = 30.0

StageCallback = Callable[[str], None]
ProgressCallback = Callable[[int | None, int | None, float], None]


@functools.cache
def engine_version() -> str:
    """The installed engine's version string, as recorded in every summary (read once: the
    package metadata lookup scans the installed distributions)."""
    try:
        return f"penempatan {metadata.version('penempatan')}"
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "penempatan (source)"


@dataclass(frozen=True, eq=False)
class Solution:
    """The outcome of :func:`solve`.

    ``plan`` and ``gaps`` are ``None`` when there is no plan (INFEASIBLE, TIMEOUT_NO_SOLUTION).
    ``plan`` has the plan.csv columns with typed values (``moved`` bool, ``score`` int,
    ``preference_rank`` nullable Int64; ``jpm`` the two-decimal text, "" when unplaced).
    ``summary`` is summary.json as a dict. ``timings`` splits the runtime into stages.
    ``status`` is the solver's :class:`~solvers.Status`, a string enumeration, so it compares
    equal to and prints as its name, as in summary.json.
    """

    status: Status
    objective: int | None
    bound: int | None
    plan: pd.DataFrame | None
    gaps: pd.DataFrame | None
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    compiled: Compiled | None = None


def solve(
    dataset: Dataset,
    policy: Policy,
    *,
    previous: Mapping[str, str] | None = None,
    fewest_changes: bool = False,
    on_stage: StageCallback | None = None,
    on_progress: ProgressCallback | None = None,
    restrict_above: int | None = RESTRICT_ABOVE,
) -> Solution:
    """Solve a placement problem and return a plan that passed the independent checker.

    The solver, time limit and seed are the policy's (``solver`` None means ``auto``).
    ``previous`` (nip → position_id, "" for unplaced) is a plan to stay close to: with a
    positive ``policy.disruption_weight`` each changed assignment is penalised, and the
    summary reports how many changes the new optimum needs.
    With ``fewest_changes`` the objective is left as it is and, among its optimal plans, one
    with the fewest employees placed differently from ``previous`` is returned (exactly, see
    :func:`~placement.model.compile.fewest_changes_weights`); the summary's ``tie_break``
    reports the number of changes.
    A pure assignment of more than ``restrict_above`` allowed moves (``None``: never) is
    solved by flow with column generation, proven optimal for the whole model; so is one with
    the side rules G03–G05 (and no previous plan or justified-envy rule), by the LP bound with
    its side multipliers (:func:`_solve_side_priced`). When the proof does not close, the
    whole model is compiled and solved as usual.
    Infeasibility and time-outs are statuses, not exceptions; a plan that fails the checker
    (a bug, never a user error) raises :class:`~placement.errors.PlacementError`.
    """
    if fewest_changes and previous is None:
        raise ValueError("fewest_changes needs a previous plan to stay close to")
    stage = on_stage or (lambda _name: None)
    t0 = time.perf_counter()
    stage(t("engine.stage.compiling"))
    ctx = build_context(dataset, policy)
    backend = policy.solver or "auto"
    if backend not in ("auto", "flow"):
        restrict_above = None
    priced = None
    if restrict_above is not None and not is_pure(ctx, previous) and side_priceable(ctx, previous):
        # Side rules over many moves: priced over the move space like a pure assignment, with
        # the side constraints' multipliers; the whole model is compiled only when that fails.
        compiled = compile_moves(ctx, restrict_above)
        t_compile = time.perf_counter() - t0
        if compiled.space is None:
            # Every allowed pair: with its side constraints, this is the whole model.
            compiled = with_side(compiled)
        else:
            if not compiled.conflicts:
                total = compiled.all_pairs
                stage(t("engine.stage.pricing", pairs=compiled.model.n_pairs, total=total))
                priced = _solve_side_priced(compiled, policy, on_progress)
            if priced is None:
                compiled = compile_model(ctx, previous)
                t_compile = time.perf_counter() - t0
    else:
        compiled = compile_model(
            ctx, previous, restrict_above=restrict_above, fewest_changes=fewest_changes
        )
        t_compile = time.perf_counter() - t0
        if compiled.space is not None and not compiled.conflicts:
            total = compiled.all_pairs
            stage(t("engine.stage.pricing", pairs=compiled.model.n_pairs, total=total))
            priced = _solve_priced(compiled)
    if compiled.space is not None and priced is None:
        # Not proven by pricing, or infeasible: the whole model decides (and diagnoses).
        compiled = compile_model(ctx, previous, fewest_changes=fewest_changes)
        t_compile = time.perf_counter() - t0

    if priced is not None:
        compiled, result = priced
    elif compiled.conflicts:
        result = solvers.Result(
            status=solvers.Status.INFEASIBLE, objective=None, bound=None, chosen=None,
            solver=backend, runtime_s=0.0, message="; ".join(compiled.conflicts),
        )  # fmt: skip
    else:
        stage(t("engine.stage.solving", pairs=compiled.model.n_pairs, backend=backend))
        try:
            result = solvers.solve(
                compiled.model,
                backend,
                time_limit_s=policy.time_limit_s,
                seed=policy.seed,
                on_progress=_primary_progress(compiled, on_progress),
            )
        except solvers.SolverError as exc:
            raise SolverError(str(exc)) from exc
    t_solve = time.perf_counter() - t0 - t_compile
    diagnosis = None
    if result.status is solvers.Status.INFEASIBLE:
        stage(t("engine.stage.diagnosing"))
        limit = policy.time_limit_s or DIAGNOSIS_TIME_LIMIT_S
        diagnosis = diagnose(dataset, policy, time_limit_s=limit, compiled=compiled)

    plan = gaps = None
    to = None
    objective = None
    t_check = 0.0
    if result.chosen is not None:
        stage(t("engine.stage.checking"))
        plan, gaps, to = _plan_frames(compiled, result.chosen)
        objective = int(compiled.terms.score[result.chosen].sum())
        t1 = time.perf_counter()
        report = check(dataset, policy, plan)
        t_check = time.perf_counter() - t1
        if not report.ok or report.objective != objective:
            lines = [str(v) for v in report.violations[:10]]
            raise PlacementError(
                t(
                    "engine.check_failed",
                    objective=str(objective),
                    checked=str(report.objective),
                    violations="; ".join(lines),
                )
            )
    runtime = time.perf_counter() - t0
    timings = {
        "compile_s": round(t_compile, 3),
        "build_s": round(result.build_s, 3),
        "solve_s": round(max(t_solve - result.build_s, 0.0), 3),
        "check_s": round(t_check, 3),
    }
    summary = _summary(
        dataset, policy, compiled, result, plan, to, objective, runtime, timings,
        fewest_changes=fewest_changes,
    )  # fmt: skip
    if diagnosis is not None:
        summary["diagnosis"] = diagnosis.to_dict()
    return Solution(
        status=result.status,
        objective=objective,
        bound=summary["bound"],
        plan=plan,
        gaps=gaps,
        summary=summary,
        timings=timings,
        compiled=compiled,
    )


def _primary_progress(
    compiled: Compiled, on_progress: ProgressCallback | None
) -> ProgressCallback | None:
    """``on_progress`` told the objective and bound on the model's primary objective."""
    if on_progress is None or compiled.tie_scale == 1:
        return on_progress
    report = on_progress

    def primary(objective: int | None, bound: int | None, elapsed: float) -> None:
        report(compiled.primary(objective), compiled.primary(bound), elapsed)

    return primary


def _solve_priced(compiled: Compiled) -> tuple[Compiled, solvers.Result] | None:
    """Column generation over a restricted pure model; None when optimality is not proven."""
    space, mem0 = compiled.space, compiled.mem
    assert space is not None and mem0 is not None
    ctx = compiled.ctx
    added_e: list[np.ndarray] = []
    added_p: list[np.ndarray] = []
    added_mem: list[np.ndarray] = []

    def price(
        u: np.ndarray, v: np.ndarray, model: solvers.AssignmentModel
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        held = np.sort(ctx.key(model.pair_row, model.pair_col))
        e, p, mem = space.improving_moves(u, v, held, PRICED_MOVES)
        added_e.append(e)
        added_p.append(p)
        added_mem.append(mem)
        return e, p, space.mem_score[mem].astype(np.int64)

    generated = solvers.solve_by_columns(
        compiled.model,
        price,
        prune_below=PRUNE_BELOW,
        prune_rounds=PRUNE_ROUNDS,
        never_offered=mem0 < 0,
    )
    chosen = generated.result.chosen
    if not generated.proven or chosen is None:
        log.debug("pricing did not prove optimality after %d rounds", generated.rounds)
        return None
    origin = generated.origin
    e = np.concatenate([compiled.e, *added_e])[origin]
    p = np.concatenate([compiled.p, *added_p])[origin]
    mem = np.concatenate([mem0, *added_mem])[origin]
    pinned = np.zeros(ctx.n_employees, dtype=bool)
    pinned[compiled.e[compiled.model.fixed]] = True
    final = assemble(ctx, space, e, p, mem, pinned, compiled.must_move, compiled.conflicts)
    final = replace(final, all_pairs=compiled.all_pairs)
    order = np.argsort(ctx.key(e, p), kind="stable")
    if not np.array_equal(final.model.weight, generated.model.weight[order]):
        raise PlacementError("restricted model weights changed while pricing")
    return final, replace(generated.result, chosen=chosen[order])


def _solve_side_priced(
    moves: Compiled, policy: Policy, on_progress: ProgressCallback | None
) -> tuple[Compiled, solvers.Result] | None:
    """A model with side rules over a restricted model of moves (:func:`compile_moves`),
    proven for the whole model; ``None`` when the route does not close (the whole model is
    then compiled and solved).

    1. Column generation without the side rules (:func:`_solve_priced`) proves the flow
       optimum over every move: its value bounds the whole model, and its pairs, with the side
       constraints over them (:func:`with_side`), are the first restricted model.
    2. The LP bound of the restricted model (:func:`solvers.lp_bound`) prices every move left
       out each round, side multipliers included (:class:`SideMembers`), and takes in those of
       positive reduced cost, until none is left: its duals then bound the whole model. (Should
       it stop before, under a time limit, each employee's dual is raised by the best reduced
       cost of their moves still left out: a Lagrangian bound, each row taking one pair.)
    3. ``auto`` solves the restricted model with the moves taken in. A better solution of the
       whole model could only use pairs whose reduced cost is above ``objective + 1 − bound``;
       those left out join the model, which is solved again from that solution. Its optimum
       is the whole model's.
    """
    started = time.perf_counter()
    limit = policy.time_limit_s

    def remaining() -> float | None:
        return None if limit is None else max(limit - (time.perf_counter() - started), 0.01)

    pure = _solve_priced(moves)
    if pure is None:
        return None
    base, relaxed = pure
    assert base.space is not None and relaxed.chosen is not None
    ctx, space, relax_bound = base.ctx, base.space, relaxed.objective
    base = with_side(base)
    if base.model.is_feasible(relaxed.chosen):
        return base, replace(relaxed, message="the optimum without side constraints satisfies them")
    members = SideMembers.of(base)
    held = np.sort(ctx.key(base.e, base.p))
    taken: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def beyond(u: np.ndarray, v: np.ndarray, mu: np.ndarray, scale: int) -> solvers.Columns:
        nonlocal held
        share, cost = members.prices(mu)
        e, p, mem, rc = space.priced_moves(u + share, v, scale, cost, held, 0)
        top = best_per_row(e, rc, np.arange(len(e)), SIDE_MOVES)
        e, p, mem = e[top], p[top], mem[top]
        taken.append((e, p, mem))
        held = np.union1d(held, ctx.key(e, p))
        at, con = members.entries(e, p)
        return solvers.Columns(
            e, p, space.mem_score[mem].astype(np.int64), at, con, np.ones(len(at), np.int64)
        )

    share_end = None if limit is None else started + SIDE_PRICING_SHARE * limit
    lp = solvers.lp_bound(base.model, relaxed.chosen, deadline=share_end, beyond=beyond)
    if lp is None:
        return None
    share, cost = members.prices(lp.side_dual)
    e, p, _, rc = space.priced_moves(lp.row_dual + share, lp.col_dual, lp.scale, cost, held, 0)
    lift = np.zeros(ctx.n_employees, dtype=np.int64)
    np.maximum.at(lift, e, rc)
    scaled_bound = lp.scaled_bound + int(lift.sum())
    bound = scaled_bound // lp.scale
    if relax_bound is not None:
        bound = min(bound, relax_bound)
    compiled = base
    if taken:
        e, p, mem = (np.concatenate([t[k] for t in taken]) for k in range(3))
        compiled, _ = _grown(base, e, p, mem, relaxed.chosen)
    log.debug(
        "side pricing: LP bound %d after %d rounds, %d of %d pairs, complete %s",
        bound, lp.rounds, compiled.model.n_pairs, compiled.all_pairs, lp.complete,
    )  # fmt: skip

    def progress(objective: int | None, inner: int | None, elapsed: float) -> None:
        if on_progress is not None:
            on_progress(objective, bound if inner is None else min(inner, bound), elapsed)

    # The pricing's LP bound holds for the restricted model too (each of its pairs is one the
    # LP held): ``auto`` fixes and searches by it instead of computing its own again.
    at, held_by_lp = _lp_index(compiled, base, taken)
    restricted_lp = solvers.LpBound(
        bound=scaled_bound // lp.scale,
        scaled_bound=scaled_bound,
        rc=_reduced_costs(compiled, (at, held_by_lp), lp.rc, lift),
        scale=lp.scale,
        core=held_by_lp & lp.core[at],
        complete=lp.complete and not lift.any(),
        rounds=lp.rounds,
        side_rows=lp.side_rows,
    )
    result = solvers.solve(
        compiled.model, "auto", time_limit_s=remaining(), seed=policy.seed, on_progress=progress,
        lp=restricted_lp,
    )  # fmt: skip
    if result.status is Status.INFEASIBLE:
        return None
    if (
        result.status is Status.OPTIMAL
        and result.objective is not None
        and result.objective < bound
    ):
        assert result.chosen is not None
        # A solution better than this one uses only pairs whose reduced cost (each employee's
        # dual raised by ``lift``) is at least ``need``: the moves left out that qualify join
        # the model, and HiGHS searches the qualifying pairs for a better solution.
        objective = result.objective
        need = (objective + 1) * lp.scale - scaled_bound
        u = lp.row_dual + share + lift
        e, p, mem, rc_new = space.priced_moves(u, lp.col_dual, lp.scale, cost, held, need - 1)
        log.debug("side pricing: %d moves left out may beat %d", len(e), objective)
        best = result.chosen
        if len(e):
            compiled, best = _grown(compiled, e, p, mem, best)
        rc = _reduced_costs(compiled, _lp_index(compiled, base, taken), lp.rc, lift)
        keys = ctx.key(compiled.e, compiled.p)
        rc[np.searchsorted(keys, ctx.key(e, p))] = rc_new
        keep = rc >= need
        sub, kept = solvers.restrict(compiled.model, keep)
        inner = solvers.solve(sub, "highs", time_limit_s=remaining(), seed=policy.seed)
        if inner.objective is not None and inner.objective > objective:
            assert inner.chosen is not None
            found = np.zeros(compiled.model.n_pairs, dtype=bool)
            found[kept[inner.chosen]] = True
            result = replace(inner, chosen=found)
            if inner.status is Status.OPTIMAL:
                result = replace(result, bound=inner.objective)
        elif inner.status in (Status.OPTIMAL, Status.INFEASIBLE):
            result = replace(result, chosen=best, bound=objective)
        else:
            result = replace(result, status=Status.FEASIBLE, chosen=best, bound=bound)
    note = f"side pricing: {compiled.model.n_pairs} of {compiled.all_pairs} pairs, LP bound {bound}"
    if result.status is not Status.OPTIMAL and result.chosen is not None:
        top = bound if result.bound is None else min(bound, result.bound)
        result = replace(result, bound=top)
    return compiled, replace(result, message=f"{note}: {result.message}")


def _lp_index(
    compiled: Compiled, base: Compiled, taken: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of ``compiled``, its index among the LP bound's pairs (those of ``base`` then
    those ``taken``, in that order), and whether the LP held it at all."""
    ctx = compiled.ctx
    held = [ctx.key(base.e, base.p), *(ctx.key(t[0], t[1]) for t in taken)]
    lp_keys = np.concatenate(held)
    order = np.argsort(lp_keys, kind="stable")
    keys = ctx.key(compiled.e, compiled.p)
    at = np.minimum(np.searchsorted(lp_keys[order], keys), len(order) - 1)
    return order[at], lp_keys[order][at] == keys


def _reduced_costs(
    compiled: Compiled, index: tuple[np.ndarray, np.ndarray], rc: np.ndarray, lift: np.ndarray
) -> np.ndarray:
    """Per pair of ``compiled``, the reduced cost ``rc`` the LP bound gave it (``index``: its
    place among the LP's pairs, :func:`_lp_index`), less its employee's ``lift``; 0 for pairs
    the LP did not hold (the caller sets them)."""
    at, found = index
    return np.where(found, rc[at] - lift[compiled.e], 0).astype(np.int64)


def _grown(
    compiled: Compiled, e: np.ndarray, p: np.ndarray, mem: np.ndarray, chosen: np.ndarray
) -> tuple[Compiled, np.ndarray]:
    """``compiled`` with the moves (e, p, membership) added, its side constraints rebuilt, and
    ``chosen`` carried over to the new pair indices."""
    ctx, space = compiled.ctx, compiled.space
    assert space is not None and compiled.mem is not None
    pinned = np.zeros(ctx.n_employees, dtype=bool)
    pinned[compiled.e[compiled.model.fixed]] = True
    grown = assemble(
        ctx, space,
        np.concatenate([compiled.e, e]), np.concatenate([compiled.p, p]),
        np.concatenate([compiled.mem, mem]), pinned, compiled.must_move, compiled.conflicts,
    )  # fmt: skip
    grown = with_side(replace(grown, all_pairs=compiled.all_pairs))
    keys = ctx.key(grown.e, grown.p)
    at = np.searchsorted(keys, ctx.key(compiled.e[chosen], compiled.p[chosen]))
    carried = np.zeros(grown.model.n_pairs, dtype=bool)
    carried[at] = True
    return grown, carried


def solve_many(
    items: Sequence[tuple[Dataset, Policy]],
    *,
    workers: int = 2,
    executor: Executor | None = None,
) -> list[Solution]:
    """Solve independent problems (e.g. one per agency), ``workers`` at a time.

    Each ``(dataset, policy)`` is solved exactly as :func:`solve` would; results come back in
    input order and do not depend on ``workers``, on the executor or on scheduling. The problems
    are solved by ``executor`` (:mod:`placement.executors`), by default a
    :class:`~placement.executors.LocalPool` of ``workers`` processes (started with
    ``forkserver``, or ``spawn`` where that is not available, so a script must guard its entry
    point with ``if __name__ == "__main__":``). The returned solutions carry no ``compiled``
    model (it holds the whole dataset and would be copied back for nothing). The first error,
    in input order, is raised.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    runner = executor if executor is not None else LocalPool(workers)
    return [outcome.unwrap() for outcome in runner.run(solve_detached, None, items)]


def solve_detached(_shared: None, item: tuple[Dataset, Policy]) -> Solution:
    """:func:`solve` of one ``(dataset, policy)`` without the compiled model: the task of
    :func:`solve_many`, light to send back from a worker process."""
    dataset, policy = item
    return replace(solve(dataset, policy), compiled=None)


def _plan_frames(
    compiled: Compiled, chosen: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The plan and gaps frames of a selection of pairs, and each employee's final position
    index (-1 unplaced)."""
    ctx = compiled.ctx
    n = ctx.n_employees
    idx = np.flatnonzero(chosen)
    to = np.full(n, -1, dtype=np.int64)
    pair_of = np.full(n, -1, dtype=np.int64)
    to[compiled.e[idx]] = compiled.p[idx]
    pair_of[compiled.e[idx]] = idx
    placed = to >= 0
    cur = ctx.cur
    pos_ids = np.append(ctx.position_id, "")
    unit_of = np.append(ctx.unit_names[ctx.unit], "")
    score = np.zeros(n, dtype=np.int64)
    score[placed] = compiled.terms.score[pair_of[placed]]
    jpm = np.full(n, "", dtype=object)
    jpm[placed] = jpm_text(compiled.terms.num[pair_of[placed]], compiled.terms.den[pair_of[placed]])
    ranks = np.zeros(n, dtype=np.int64)
    ranks[placed] = compiled.terms.rank[pair_of[placed]]
    rank = pd.arrays.IntegerArray(ranks, ranks <= 0)
    kind = np.full(n, -1, dtype=np.int64)
    kind[placed] = compiled.kind[pair_of[placed]]
    plan = pd.DataFrame(
        {
            "nip": ctx.nip,
            "from_position": pos_ids[cur],
            "to_position": pos_ids[to],
            "from_unit": unit_of[cur],
            "to_unit": unit_of[to],
            "moved": kind == MOVE,
            "score": score,
            "jpm": jpm,
            "preference_rank": rank,
        }
    )
    movers = np.flatnonzero(placed & ((kind == MOVE) | (kind == NEW)))
    return plan, _gaps(ctx, movers, to[movers]), to


def _gaps(ctx: Context, movers: np.ndarray, targets: np.ndarray) -> pd.DataFrame:
    """The post-transfer training list: every unmet requirement of a new post.

    The dataset keeps employees sorted by nip and requirements by (position, competency), so
    each mover's rows (movers in index order) come out sorted by (nip, competency) as they are.
    """
    req = ctx.dataset.requirements
    if not len(movers):
        # Without movers the id columns stay untyped, as a merge of empty frames leaves them.
        return pd.DataFrame(
            {
                "nip": ctx.nip[:0],
                "position_id": ctx.position_id[:0],
                "competency": req["competency"].array[:0],
                "required": np.zeros(0, dtype=np.int64),
                "attained": np.zeros(0, dtype=np.int64),
            }
        )
    position = ctx.req_position
    starts = np.searchsorted(position, targets)
    counts = np.searchsorted(position, targets, side="right") - starts
    row = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    e = np.repeat(movers, counts)
    column = ctx.req_column[row]
    attained = ctx.comp_levels[e, column].astype(np.int64)
    required = req["level"].to_numpy(dtype=np.int64)[row]
    short = attained < required
    e, row = e[short], row[short]
    text = req["competency"].dtype
    columns = {
        "nip": pd.array(ctx.nip[e], dtype=text),
        "position_id": req["position_id"].array[row],
        "competency": req["competency"].array[row],
        "required": required[short],
        "attained": attained[short],
    }
    return pd.DataFrame({c: columns[c] for c in GAP_COLUMNS})


def _summary(
    dataset: Dataset,
    policy: Policy,
    compiled: Compiled,
    result: solvers.Result,
    plan: pd.DataFrame | None,
    to: np.ndarray | None,
    objective: int | None,
    runtime: float,
    timings: dict[str, float],
    *,
    fewest_changes: bool = False,
) -> dict[str, Any]:
    disrupted = compiled.previous is not None and policy.disruption_weight > 0
    summary: dict[str, Any] = {
        "status": str(result.status),
        "objective": objective,
        # With a disruption penalty the solver's bound is on the penalised objective.
        "bound": None if disrupted else compiled.primary(result.bound),
        "solver": result.solver,
        "proved_by": result.proved_by,
        "runtime_s": round(runtime, 3),
        "moves": None,
        "new_placements": None,
        "unplaced": None,
        "vacancies_filled": None,
        "input_sha256": dataset.sha256,
        "policy": policy.to_dict(),
        "engine_version": engine_version(),
    }
    if plan is not None and to is not None:
        # From the final position indices (-1 unplaced) rather than the plan's text columns.
        ctx = compiled.ctx
        placed = to >= 0
        before = np.bincount(ctx.cur[ctx.cur >= 0], minlength=ctx.n_positions)
        after = np.bincount(to[placed], minlength=ctx.n_positions)
        summary["moves"] = int(plan["moved"].sum())
        summary["new_placements"] = int((placed & (ctx.cur < 0)).sum())
        summary["unplaced"] = int((~placed).sum())
        summary["vacancies_filled"] = int(np.maximum(after - before, 0).sum())
    if compiled.previous is not None and to is not None:
        prev = compiled.previous
        known = prev != -2
        summary["disruption"] = {
            "weight": policy.to_dict()["disruption_weight"],
            "changes": int((known & (to != prev)).sum()),
            "penalised_objective": compiled.primary(result.objective),
            "penalised_bound": compiled.primary(result.bound),
        }
        if fewest_changes:
            summary["tie_break"] = {
                "rule": "fewest_changes",
                "changes": summary["disruption"]["changes"],
            }
    summary["model"] = {
        "employees": compiled.ctx.n_employees,
        "positions": compiled.ctx.n_positions,
        "pairs": compiled.model.n_pairs,
        "all_pairs": compiled.all_pairs or compiled.model.n_pairs,
        "side_constraints": len(compiled.model.side),
        "stays": int((compiled.kind == STAY).sum()),
    }
    summary["timings"] = timings
    if result.message:
        summary["message"] = result.message
    return summary
