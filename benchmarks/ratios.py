"""Engine ÷ raw-baseline time ratios on the quick instances, measured in one process, and the
committed values the quick test tier compares them with.

A ratio divides the engine's time by a raw library's time on the same model in the same run,
so it moves with the code rather than with the machine's load. Each time is the fastest of
:data:`REPEATS` runs. The ratios:

* ``city-1k-plain/flow`` — :func:`placement.engine.solve` end to end on the 1,000-employee city
  without side rules, over raw min-cost flow on the compiled arcs;
* ``city-1k-side/highs`` — the same with every side rule on, over raw HiGHS on its model;
* ``gap-quick/cpsat`` — :func:`solvers.solve` (``auto``) on the first problem of each of
  gap1…gap12, summed, over raw CP-SAT (default parameters) summed.

``python -m benchmarks.ratios`` prints the current ratios; ``--write`` stores them in
:data:`COMMITTED` (do that when a change is meant to make a ratio worse, and say why).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import baselines
from benchmarks.instances import city_problem, gap_data_dir, gap_model, quick_gap_files, read_gap
from benchmarks.report import RESULTS_DIR

#: The committed ratios.
COMMITTED = RESULTS_DIR / "ratios.json"
#: A ratio fails the quick tier when it exceeds the committed one by more than this factor
#: (generous: two cores shared with other work make small times noisy).
TOLERANCE = 3.0
REPEATS = 3
_LIMIT_S = 60.0


def fastest(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """The shortest wall time of ``repeats`` calls of ``run``."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def measure(repeats: int = REPEATS) -> dict[str, float]:
    """The current ratios (see the module docstring), rounded to three decimals."""
    import solvers
    from placement.engine import solve

    out: dict[str, float] = {}
    for kind, baseline in (("plain", "flow"), ("side", "highs")):
        dataset, policy = city_problem(1_000, kind)
        compiled = solve(dataset, policy).compiled
        if compiled is None:
            raise RuntimeError(f"the 1k {kind} city did not compile")
        model = compiled.model
        engine = fastest(functools.partial(solve, dataset, policy), repeats)
        raw = fastest(functools.partial(baselines.run, baseline, model, _LIMIT_S), repeats)
        out[f"city-1k-{kind}/{baseline}"] = round(engine / raw, 3)
    engine = raw = 0.0
    for path in quick_gap_files(gap_data_dir()):
        model = gap_model(read_gap(path))
        engine += fastest(functools.partial(solvers.solve, model, "auto", seed=0), repeats)
        raw += fastest(functools.partial(baselines.run, "cpsat", model, _LIMIT_S), repeats)
    out["gap-quick/cpsat"] = round(engine / raw, 3)
    return out


def committed(path: Path = COMMITTED) -> dict[str, float]:
    """The committed ratios."""
    data: dict[str, float] = json.loads(path.read_text())["ratios"]
    return data


def regressions(
    current: dict[str, float], reference: dict[str, float], tolerance: float = TOLERANCE
) -> list[str]:
    """One line per ratio worse than ``tolerance`` × its reference (or missing from either)."""
    out = []
    for key in sorted(set(current) | set(reference)):
        if key not in current or key not in reference:
            out.append(f"{key}: measured {current.get(key)}, committed {reference.get(key)}")
        elif current[key] > tolerance * reference[key]:
            out.append(
                f"{key}: {current[key]:.3f} is more than {tolerance} × the committed "
                f"{reference[key]:.3f}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.ratios [--write]``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ratios", description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"store the ratios in {COMMITTED}")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    current = measure(args.repeats)
    text = json.dumps({"tolerance": TOLERANCE, "ratios": current}, indent=2) + "\n"
    sys.stdout.write(text)
    if args.write:
        COMMITTED.write_text(text)
        return 0
    worse = regressions(current, committed())
    for line in worse:
        sys.stderr.write(line + "\n")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
