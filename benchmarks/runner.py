"""Run benchmark instances through the engine and the baselines, one fresh process each.

Every (instance, method) pair runs in its own child process (``forkserver``, else ``spawn``):
the child builds the instance's data (not timed), then times the method. Methods are the
engine — :func:`placement.solve` for cities, :func:`solvers.portfolio.solve` for GAP — and the
baselines of :mod:`benchmarks.baselines`. A child that outlives its hard deadline is ended with
its whole process group and reported as TIMEOUT_NO_SOLUTION.

Memory, per method: ``peak_rss_mb`` is the child's peak resident set (``ru_maxrss`` of the
child and, when larger, of the processes it started and waited for: the engine's solver
process, CBC), which includes the interpreter and libraries already loaded
(``rss_start_mb``); ``peak_python_mb`` is the peak of Python-side allocations traced by
``tracemalloc`` during the timed part in the child itself (numpy buffers included; not memory
allocated inside the solver libraries or in other processes).

Correctness: for a GAP instance with a proven optimum, an OPTIMAL answer must equal it, and
no answer may beat it; for a city instance, every OPTIMAL answer must equal every other.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import multiprocessing
import os
import resource
import signal
import time
import tracemalloc
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import baselines
from benchmarks.instances import (
    CITY_SEED,
    NATIONAL_AGENCY_SIZE,
    Instance,
    city_problem,
    gap_model,
    gap_value,
    known_optimum,
    national_seeds,
    read_gap,
)
from solvers.model import AssignmentModel, SideConstraint

_log = logging.getLogger(__name__)
#: A child may run this long beyond its budget before it is ended (start-up, data, build).
HARD_GRACE_S = 60.0
HARD_SHARE = 2.0

Record = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Options:
    """Settings of one benchmark run."""

    time_limit_s: float
    data_dir: Path
    baselines: tuple[str, ...] = baselines.BASELINES


def run_instance(instance: Instance, solvers: list[str], options: Options) -> list[Record]:
    """Run the engine with each back-end of ``solvers`` and every baseline (once) on
    ``instance``; one record per engine back-end."""
    engines = {solver: measure(instance, "engine", solver, options) for solver in solvers}
    measured: dict[str, Record] = {}
    for name in options.baselines:
        if instance.kind == "gap" and name == "flow":
            continue
        base = measure(instance, name, solvers[0], options)
        for shared in ("sense", "known_optimum", "model"):
            base.pop(shared, None)
        if base["status"] != "NOT_APPLICABLE":
            measured[name] = base
    records = []
    for solver, engine in engines.items():
        record: Record = {
            "instance": instance.name,
            "suite": instance.suite,
            "kind": instance.kind,
            "family": instance.family,
            "solver": solver,
            "time_limit_s": options.time_limit_s,
            **engine,
            "baselines": {k: dict(v) for k, v in measured.items()},
            "ratios": {
                k: round(engine["total_s"] / v["total_s"], 3)
                for k, v in measured.items()
                if v["total_s"]
            },
        }
        _judge(record)
        records.append(record)
    return records


def _judge(record: Record) -> None:
    """Set ``correct`` on the engine and every baseline (None when nothing can be said)."""
    known = record.get("known_optimum")
    sense = record.get("sense", "max")
    methods = [record, *record["baselines"].values()]
    if record["kind"] == "gap":
        for m in methods:
            m["correct"] = _against_known(m, known, sense)
        return
    optima = {m["objective"] for m in methods if m["status"] == "OPTIMAL"}
    for m in methods:
        if m["status"] == "OPTIMAL":
            m["correct"] = len(optima) == 1
        else:
            m["correct"] = _not_beyond(m, optima) if optima else None
    record["agreed_optimum"] = next(iter(optima)) if len(optima) == 1 else None


def _not_beyond(m: Record, optima: set[int]) -> bool | None:
    if m["objective"] is None:
        return None
    return bool(m["objective"] <= min(optima))


def _against_known(m: Record, known: int | None, sense: str) -> bool | None:
    if known is None or m["objective"] is None:
        return None
    better = m["objective"] > known if sense == "max" else m["objective"] < known
    if better:
        return False
    if m["status"] == "OPTIMAL":
        return bool(m["objective"] == known)
    return None


def failed(record: Record) -> bool:
    """True when the engine's answer is wrong (a wrong optimum, or beyond a known optimum)."""
    return record.get("correct") is False


# ---------------------------------------------------------------------------------------------
# Child processes
# ---------------------------------------------------------------------------------------------


@functools.cache
def _context() -> ForkServerContext | SpawnContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def hard_deadline_s(instance: Instance, options: Options) -> float:
    """Seconds after which a method's child is ended."""
    solves = len(national_seeds()) if instance.kind == "national" else 1
    return solves * (HARD_SHARE * options.time_limit_s + HARD_GRACE_S)


def measure(instance: Instance, method: str, solver: str, options: Options) -> Record:
    """Run one method on one instance in a fresh child process and return its measurements."""
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child_main, args=(sender, instance, method, solver, options), name=f"bench-{method}"
    )
    started = time.perf_counter()
    proc.start()
    sender.close()
    limit = hard_deadline_s(instance, options)
    answer: Record | None = None
    try:
        if receiver.poll(limit):
            with contextlib.suppress(EOFError):
                answer = receiver.recv()
    finally:
        _stop(proc)
        receiver.close()
    wall = time.perf_counter() - started
    if answer is None:
        return {
            "status": "TIMEOUT_NO_SOLUTION",
            "objective": None,
            "bound": None,
            "build_s": None,
            "solve_s": None,
            "total_s": round(wall, 3),
            "message": f"process ended after {wall:.0f} s (exit code {proc.exitcode})",
        }
    if "error" in answer:
        raise RuntimeError(f"{instance.name} / {method}: {answer['error']}")
    return answer


def _stop(proc: Any) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.is_alive():
        proc.kill()
    proc.join(10)


def _child_main(
    conn: Connection, instance: Instance, method: str, solver: str, options: Options
) -> None:
    """Entry point of a measuring child: its own process group, quiet stdout."""
    os.setpgrp()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        if instance.kind == "gap":
            answer = _gap(instance, method, solver, options)
        elif instance.kind == "city":
            answer = _city(instance, method, solver, options)
        else:
            answer = _national(instance, method, solver, options)
        conn.send(answer)
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


@contextlib.contextmanager
def _traced(out: Record) -> Iterator[None]:
    """Trace Python allocations and the wall time of the block into ``out``."""
    out["rss_start_mb"] = _rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        out["total_s"] = round(time.perf_counter() - started, 3)
        out["peak_python_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
        out["peak_rss_mb"] = _rss_mb()


def warm_up(solver: str, time_limit_s: float) -> None:
    """Start the engine's solver process machinery and import its engines once, outside the
    timed part.

    With a time limit the engine solves MIP back-ends in a process of its own, started from a
    fork server that imports the solver libraries on first use (seconds), and races them in
    threads of its own process, which import them there; a long-running engine pays that
    once, so the benchmark does too, before timing.
    """
    import solvers

    tiny = AssignmentModel(
        n_rows=2,
        n_cols=2,
        pair_row=np.array([0, 0, 1, 1]),
        pair_col=np.array([0, 1, 0, 1]),
        weight=np.array([3, 1, 2, 1]),
        row_must=np.zeros(2, dtype=np.bool_),
        col_cap=np.ones(2, dtype=np.int64),
        side=(SideConstraint(pairs=np.array([0, 2]), rhs=1),),
    )
    limit = max(time_limit_s, 5.0)
    solvers.solve(tiny, solver, time_limit_s=limit)
    if solver == "auto":
        # ``auto`` proves this model by flow, in this process; its race imports both engines
        # here (threads) and, above 20,000 pairs, starts processes.
        solvers.solve(tiny, "highs", time_limit_s=limit)
        for engine in ("highs", "cpsat"):
            solvers.solve(tiny, engine)


def _baseline(model: AssignmentModel, method: str, time_limit_s: float) -> Record:
    out: Record = {}
    with _traced(out):
        outcome = baselines.run(method, model, time_limit_s)
    feasible = outcome.chosen is not None and model.is_feasible(outcome.chosen)
    out |= {
        "status": outcome.status,
        "objective": model.objective_of(outcome.chosen) if outcome.chosen is not None else None,
        "bound": None if outcome.bound is None else int(np.floor(outcome.bound + 1e-6)),
        "build_s": round(outcome.build_s, 3),
        "solve_s": round(outcome.solve_s, 3),
        "feasible": feasible if outcome.chosen is not None else None,
    }
    if outcome.chosen is not None and not feasible:
        out["status"] = "INVALID"
    return out


def _gap(instance: Instance, method: str, solver: str, options: Options) -> Record:
    import solvers

    gap = read_gap(instance.path)
    sense = gap.sense()
    info: Record = {
        "sense": sense,
        "known_optimum": known_optimum(options.data_dir, instance.name, sense),
        "model": {"rows": gap.n_jobs, "cols": gap.n_agents},
    }
    if method != "engine":
        rec = _baseline(gap_model(gap), method, options.time_limit_s)
        rec["objective"] = gap_value(rec["objective"], sense)
        rec["bound"] = gap_value(rec["bound"], sense)
        return rec | info
    warm_up(solver, options.time_limit_s)
    out: Record = {}
    with _traced(out):
        t0 = time.perf_counter()
        model = gap_model(gap)
        convert_s = time.perf_counter() - t0
        result = solvers.solve(model, solver, time_limit_s=options.time_limit_s, seed=0)
    info["model"] |= {"pairs": model.n_pairs, "side": len(model.side)}
    build = convert_s + result.build_s
    return (
        out
        | info
        | {
            "status": str(result.status),
            "objective": gap_value(result.objective, sense),
            "bound": gap_value(result.bound, sense),
            "build_s": round(build, 3),
            "solve_s": round(out["total_s"] - build, 3),
            "proved_by": result.proved_by,
            "message": result.message[:200],
        }
    )


def _city_model(n_employees: int, policy_kind: str, seed: int) -> AssignmentModel:
    """The engine's compiled model of a city (what the baselines solve)."""
    from placement.model.compile import compile_model
    from placement.model.rules import build_context

    dataset, policy = city_problem(n_employees, policy_kind, seed)
    return compile_model(build_context(dataset, policy)).model


def _engine_city(dataset: Any, policy: Any, solver: str, time_limit_s: float) -> Record:
    import placement

    policy = dataclasses.replace(policy, solver=solver, time_limit_s=time_limit_s)
    solution = placement.solve(dataset, policy)
    t = solution.timings
    return {
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "build_s": t["compile_s"] + t["build_s"],
        "solve_s": t["solve_s"] + t["check_s"],
        "moves": solution.summary["moves"],
        "proved_by": solution.summary["proved_by"],
        "model": {
            "rows": solution.summary["model"]["employees"],
            "cols": solution.summary["model"]["positions"],
            "pairs": solution.summary["model"]["pairs"],
            "side": solution.summary["model"]["side_constraints"],
        },
        "message": str(solution.summary.get("message", ""))[:200],
    }


def _city(instance: Instance, method: str, solver: str, options: Options) -> Record:
    if method == "engine":
        dataset, policy = city_problem(instance.n_employees, instance.policy, CITY_SEED)
        warm_up(solver, options.time_limit_s)
        out: Record = {}
        with _traced(out):
            rec = _engine_city(dataset, policy, solver, options.time_limit_s)
        rec["build_s"] = round(rec["build_s"], 3)
        rec["solve_s"] = round(out["total_s"] - rec["build_s"], 3)
        return rec | out | {"known_optimum": None}
    model = _city_model(instance.n_employees, instance.policy, CITY_SEED)
    return _baseline(model, method, options.time_limit_s) | {"known_optimum": None}


_STATUS_ORDER = ("OPTIMAL", "FEASIBLE", "TIMEOUT_NO_SOLUTION", "INFEASIBLE", "INVALID")


def _national(instance: Instance, method: str, solver: str, options: Options) -> Record:
    """Solve every agency in turn; sum objectives, bounds and times; the worst status."""
    per_agency: list[Record] = []
    run: Callable[[int], Record]
    if method == "engine":
        warm_up(solver, options.time_limit_s)

        def run(seed: int) -> Record:
            dataset, policy = city_problem(NATIONAL_AGENCY_SIZE, instance.policy, seed)
            out: Record = {}
            with _traced(out):
                rec = _engine_city(dataset, policy, solver, options.time_limit_s)
            return rec | out

    else:

        def run(seed: int) -> Record:
            model = _city_model(NATIONAL_AGENCY_SIZE, instance.policy, seed)
            return _baseline(model, method, options.time_limit_s)

    for seed in national_seeds():
        per_agency.append(run(seed))
        if per_agency[-1]["status"] == "NOT_APPLICABLE":
            break
    statuses = [r["status"] for r in per_agency]
    worst = max(statuses, key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else 99)
    complete = all(r["objective"] is not None for r in per_agency)
    bounded = all(r["bound"] is not None for r in per_agency)

    def total(key: str) -> float:
        return round(sum(r[key] or 0.0 for r in per_agency), 3)

    return {
        "status": "NOT_APPLICABLE" if "NOT_APPLICABLE" in statuses else worst,
        "objective": sum(r["objective"] for r in per_agency) if complete else None,
        "bound": sum(r["bound"] for r in per_agency) if bounded else None,
        "build_s": total("build_s"),
        "solve_s": total("solve_s"),
        "total_s": total("total_s"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in per_agency),
        "peak_python_mb": max(r["peak_python_mb"] for r in per_agency),
        "rss_start_mb": per_agency[0]["rss_start_mb"],
        "agencies": len(per_agency),
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "known_optimum": None,
    }
