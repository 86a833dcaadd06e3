"""``placement bench``: the benchmark suite (:mod:`benchmarks`), imported only when run."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``bench`` command to the ``placement`` sub-parsers."""
    bench = sub.add_parser(
        "bench",
        help="run the benchmark suite (GAP instances with known optima, generated cities)",
        description="Run a benchmark suite (quick, gap, city, national, all) or GAP files "
        "through the engine and the baselines (raw min-cost flow, HiGHS, CBC, CP-SAT); print "
        "one JSON object per instance with --json -. Exit status 1 on a wrong optimum.",
    )
    from benchmarks.cli import add_arguments

    add_arguments(bench)


def run(args: argparse.Namespace) -> int:
    """Run ``placement bench``."""
    from benchmarks.cli import run as run_bench

    return run_bench(args)
