"""``placement compare RUN_DIR RUN_DIR...``: key figures of every run and the employees placed
differently than in the first run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.analysis.compare import compare
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.cli.options import add_output_options, require_run_directory
from placement.runs.directory import load_run


def register(subparsers: Any) -> None:
    """Add the ``compare`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "compare",
        help="compare two or more run directories",
        description="Key figures of every run and the employees placed differently than in "
        "the first run.",
    )
    p.add_argument("runs", type=Path, nargs="+", metavar="RUN_DIR", help="run directories")
    add_output_options(
        p, json_help="print the comparison as JSON", quiet_help="print nothing on success"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement compare``; return the exit status."""
    runs: list[Path] = args.runs
    if len(runs) < 2:
        print("error: compare needs at least two run directories", file=sys.stderr)
        return EXIT_INPUT
    for path in runs:
        require_run_directory(path)
    names = [p.name or str(p) for p in runs]
    if len(set(names)) != len(names):
        names = [str(p) for p in runs]
    comparison = compare([(n, load_run(p).solution) for n, p in zip(names, runs, strict=True)])
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    elif not args.quiet:
        sys.stdout.write(comparison.text())
    return EXIT_OK
