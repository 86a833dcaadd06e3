"""``placement check DATASET PLAN``: re-verify a plan independently of the solver.

PLAN is a plan.csv or a run directory. Without ``--policy``, a plan that sits in a run directory
(with its summary.json) is checked under the run's recorded policy, with its recorded
reference date: today's date would measure tenure and age from another day.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.check import check, format_violations
from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from placement.cli.options import add_dataset_options
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import load_dataset
from placement.i18n import t
from placement.runs.formats import PLAN, SUMMARY, read_plan_csv, read_summary


def register(subparsers: Any) -> None:
    """Add the ``check`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "check",
        help=t("cli.check.help"),
        description=t("cli.check.description"),
    )
    p.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    add_dataset_options(p)
    p.add_argument("plan", type=Path, help=t("cli.check.plan"))
    p.add_argument("--policy", type=Path, help=t("cli.check.policy"))
    p.add_argument("--quiet", action="store_true", help=t("cli.check.quiet"))
    p.add_argument("--json", action="store_true", help=t("cli.check.json"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement check``; return the exit status."""
    dataset = load_dataset(args.dataset, max_rows=args.max_rows)
    for note in () if args.quiet or args.json else dataset.notes:
        print(note, file=sys.stderr)
    plan_path: Path = args.plan / PLAN if args.plan.is_dir() else args.plan
    policy = _policy(args.policy, plan_path.parent, dataset, quiet=args.quiet or args.json)
    plan = read_plan_csv(plan_path)
    report = check(dataset, policy, plan)
    if args.json:
        out = {
            "ok": report.ok,
            "objective": report.objective,
            "violations": [
                {"rule": v.rule, "nip": v.nip, "position_id": v.position_id, "message": v.message}
                for v in report.violations
            ],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return EXIT_OK if report.ok else EXIT_VIOLATIONS
    for line in format_violations(report):
        print(line)
    if not args.quiet:
        objective = "—" if report.objective is None else report.objective
        verdict = (
            t("cli.check.ok", objective=objective)
            if report.ok
            else t("cli.check.violations", count=len(report.violations), objective=objective)
        )
        print(verdict, file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def _policy(given: Path | None, folder: Path, dataset: Dataset, *, quiet: bool) -> Policy:
    """The policy given, else the recorded policy of the run directory ``folder``, else the
    defaults."""
    if given is None and (folder / SUMMARY).is_file():
        recorded = read_summary(folder).get("policy")
        if recorded is not None:
            if not quiet:
                print(t("cli.check.recorded_policy", path=str(folder / SUMMARY)), file=sys.stderr)
            return load_policy(recorded, dataset)
    return load_policy(given, dataset)
