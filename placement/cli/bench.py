"""``placement bench``: the benchmark suite (:mod:`benchmarks`), imported only when run."""

from __future__ import annotations

import argparse
from typing import Any

from placement.i18n import t


def register(sub: Any) -> None:
    """Add the ``bench`` command to the ``placement`` sub-parsers."""
    bench = sub.add_parser(
        "bench",
        help=t("cli.bench.help"),
        description=t("cli.bench.description"),
    )
    from benchmarks.cli import add_arguments

    add_arguments(bench)


def run(args: argparse.Namespace) -> int:
    """Run ``placement bench``."""
    from benchmarks.cli import run as run_bench

    return run_bench(args)
