"""``placement check DATASET PLAN``: re-verify a plan independently of the solver."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from placement.check import check, format_violations
from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from placement.cli.options import add_dataset_options
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.runs.formats import read_plan_csv


def register(subparsers: Any) -> None:
    """Add the ``check`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "check",
        help="check a plan against every rule and recompute its scores",
        description="Re-verify every hard rule of PLAN and recompute every score, "
        "independently of the solver. Exit status 1 when there are violations.",
    )
    p.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    add_dataset_options(p)
    p.add_argument("plan", type=Path, help="plan.csv to check")
    p.add_argument("--policy", type=Path, help="policy JSON file (defaults otherwise)")
    p.add_argument("--quiet", action="store_true", help="print only violations")


def run(args: argparse.Namespace) -> int:
    """Run ``placement check``; return the exit status."""
    dataset = load_dataset(args.dataset, max_rows=args.max_rows)
    policy = load_policy(args.policy, dataset)
    plan = read_plan_csv(args.plan)
    report = check(dataset, policy, plan)
    for line in format_violations(report):
        print(line)
    if not args.quiet:
        verdict = "OK" if report.ok else f"{len(report.violations)} violation(s)"
        print(f"{verdict}; objective {report.objective}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_VIOLATIONS
