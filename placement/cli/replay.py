"""``placement replay RUN_DIR``: solve a recorded run again and prove the plan is identical."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from placement.cli.options import add_output_options, require_run_directory
from placement.runs.replay import replay


def register(subparsers: Any) -> None:
    """Add the ``replay`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "replay",
        help="solve a recorded run again and prove the plan is byte-identical",
        description="Solve the input recorded in RUN_DIR (input.json.gz) under its recorded "
        "policy and compare the new plan.csv with the recorded one. Exit status 1 when they "
        "differ.",
    )
    p.add_argument("run_dir", type=Path, help="a folder written by placement solve --out")
    add_output_options(
        p, json_help="print JSON", quiet_help="print nothing: the exit status says it"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement replay``; return the exit status."""
    require_run_directory(args.run_dir, plan=True)
    outcome = replay(args.run_dir)
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2))
    elif not args.quiet:
        verdict = "identical" if outcome.identical else "DIFFERENT"
        print(f"replayed plan is {verdict} (sha256 {outcome.replayed_plan_sha256})")
        recorded, replayed = outcome.recorded_objective, outcome.replayed_objective
        print(f"objective recorded {recorded}, replayed {replayed}")
        for line in outcome.differences:
            print(f"  {line}")
    return EXIT_OK if outcome.identical else EXIT_VIOLATIONS
