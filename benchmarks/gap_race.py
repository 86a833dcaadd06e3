"""The race against raw HiGHS and raw CP-SAT on GAP files, measured in one process.

``python -m benchmarks.gap_race PATH ... [--repeats 3] [--time-limit 60]``
``python -m benchmarks.gap_race --small [--time-limit 60]``

For each GAP file, ``--repeats`` rounds each solve it with the engine (:func:`solvers.solve`,
``auto``, seed 0), raw HiGHS and raw CP-SAT (:mod:`benchmarks.baselines`), in an order that
rotates from round to round, all in this process, so that the machine's load weighs on the
three alike. One JSON line per file: each method's status and median wall time, this process's
median CPU time (the engine's racers are threads of it up to 20,000 pairs; above, they run in
processes of their own, not counted), the median of the per-round ratios of the engine's time
to each raw back-end's and to the faster of the two, and the load average before and after.

``--small`` solves every gap1–12 instance (cattrysse1994) once through ``auto`` and prints one
JSON line: the median and largest wall and CPU time, and how many were proved optimal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import solvers
from benchmarks import baselines
from benchmarks.instances import gap_data_dir, gap_files, gap_model, read_gap
from benchmarks.runner import warm_up
from solvers.model import AssignmentModel

METHODS = ("engine", "highs", "cpsat")


def _solve(method: str, model: AssignmentModel, time_limit_s: float) -> str:
    """Solve ``model`` with ``method`` and return its status."""
    if method == "engine":
        return str(solvers.solve(model, "auto", time_limit_s=time_limit_s, seed=0).status)
    return baselines.run(method, model, time_limit_s).status


def _timed(method: str, model: AssignmentModel, time_limit_s: float) -> tuple[str, float, float]:
    """The status of one solve, its wall seconds and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    status = _solve(method, model, time_limit_s)
    return status, time.perf_counter() - wall, time.process_time() - cpu


def measure(path: Path, repeats: int, time_limit_s: float) -> dict[str, Any]:
    """The measurements of one GAP file (see the module docstring)."""
    model = gap_model(read_gap(path))
    load_before = os.getloadavg()
    rounds: list[dict[str, tuple[str, float, float]]] = []
    for k in range(repeats):
        order = METHODS[k % len(METHODS) :] + METHODS[: k % len(METHODS)]
        rounds.append({m: _timed(m, model, time_limit_s) for m in order})
    record: dict[str, Any] = {"instance": f"{path.parent.name}/{path.name}", "pairs": model.n_pairs}
    for m in METHODS:
        record[m] = {
            "status": sorted({r[m][0] for r in rounds}),
            "wall_s": round(statistics.median(r[m][1] for r in rounds), 2),
            "cpu_s": round(statistics.median(r[m][2] for r in rounds), 2),
        }
    record["ratios"] = {
        f"engine/{ref}": round(statistics.median(_ratio(r, ref) for r in rounds), 2)
        for ref in ("highs", "cpsat", "faster")
    }
    record["load"] = [round(load_before[0], 1), round(os.getloadavg()[0], 1)]
    return record


def _ratio(round_: dict[str, tuple[str, float, float]], ref: str) -> float:
    """The engine's wall time over ``ref``'s (``faster``: the faster raw back-end's)."""
    raw = min(round_["highs"][1], round_["cpsat"][1]) if ref == "faster" else round_[ref][1]
    return round_["engine"][1] / raw


def small(time_limit_s: float) -> dict[str, Any]:
    """gap1–12 through ``auto`` (see the module docstring)."""
    load_before = os.getloadavg()
    times = []
    for path in gap_files(gap_data_dir(), ("cattrysse1994",)):
        model = gap_model(read_gap(path))
        times.append(_timed("engine", model, time_limit_s))
    walls, cpus = [t[1] for t in times], [t[2] for t in times]
    return {
        "instances": len(times),
        "optimal": sum(t[0] == "OPTIMAL" for t in times),
        "wall_s": {"median": round(statistics.median(walls), 3), "max": round(max(walls), 3)},
        "cpu_s": {"median": round(statistics.median(cpus), 3), "max": round(max(cpus), 3)},
        "load": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.gap_race``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gap_race", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--small", action="store_true", help="gap1-12 through auto")
    args = parser.parse_args(argv)
    warm_up("auto", args.time_limit)
    if args.small:
        _emit(small(args.time_limit))
    for path in args.paths:
        _emit(measure(path, args.repeats, args.time_limit))
    return 0


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
