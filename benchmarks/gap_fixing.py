"""What the LP bound and reduced-cost fixing buy on public GAP instances.

``python -m benchmarks.gap_fixing PATH ... [--race SECONDS]``

For each GAP file it prints one JSON line: the pairs, the flow relaxation's bound, the LP bound
(the Lagrangian bound of the agents' knapsacks, from the LP's duals) and the known optimum, in
the model's maximisation terms; how many pairs survive reduced-cost fixing against the head
start's solution and against the optimum itself (the least the race can be left with); and,
with ``--race``, the race's time and status with fixing and without it (same limit, same seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.instances import gap_data_dir, gap_model, known_optimum, read_gap
from solvers.backends import cpsat, flow
from solvers.methods import racing
from solvers.methods.lp_bound import fix_by_reduced_cost, lp_bound
from solvers.portfolio import flow_heuristic


def measure(path: Path, race_s: float | None) -> dict[str, Any]:
    """The measurements of one GAP file (see the module docstring)."""
    gap = read_gap(path)
    model = gap_model(gap)
    sense = gap.sense()
    known = known_optimum(gap_data_dir(), gap.name, sense)
    optimum = None if known is None else (known if sense == "max" else -known)
    relaxed = flow.solve(replace(model, side=()))
    assert relaxed.chosen is not None
    start = flow_heuristic(model, relaxed.chosen)
    started = time.perf_counter()
    lp = lp_bound(model, relaxed.chosen, start)
    lp_s = time.perf_counter() - started
    head = cpsat.solve(model, seed=0, warm_start=start, deterministic_time_s=racing.HEAD_START_WORK)
    none = np.zeros(model.n_pairs, dtype=np.bool_)
    record: dict[str, Any] = {
        "instance": gap.name,
        "pairs": model.n_pairs,
        "flow_bound": relaxed.bound,
        "lp_bound": None if lp is None else lp.bound,
        "lp_s": round(lp_s, 3),
        "optimum": optimum,
        "head_start": head.objective,
    }
    if lp is not None and head.objective is not None:
        record["kept_at_head_start"] = int(
            fix_by_reduced_cost(model, lp, head.objective, none).sum()
        )
    if lp is not None and optimum is not None:
        record["kept_at_optimum"] = int(fix_by_reduced_cost(model, lp, optimum, none).sum())
    if race_s is not None:
        for label, given in (("fixed", lp), ("unfixed", None)):
            t0 = time.perf_counter()
            raced = racing.race(
                model, time_limit_s=race_s, seed=0, warm_start=head.chosen,
                bound=None if lp is None else lp.bound, bound_by="lp", lp=given,
            )  # fmt: skip
            record[f"race_{label}"] = {
                "status": str(raced.status),
                "objective": raced.objective,
                "seconds": round(time.perf_counter() - t0, 2),
                "proved_by": raced.proved_by,
            }
    return record


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.gap_fixing``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gap_fixing", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--race", type=float, help="also race with and without fixing")
    args = parser.parse_args(argv)
    for path in args.paths:
        sys.stdout.write(json.dumps(measure(path, args.race)) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
