"""The ``placement diagnose`` command: why a dataset and policy have no plan.

Exit codes: 0 the problem is feasible; 3 a conflict is reported (the rules are INFEASIBLE).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from placement.cli.exits import EXIT_INFEASIBLE, EXIT_OK
from placement.cli.options import add_dataset_options
from placement.i18n import t

if TYPE_CHECKING:
    from placement.model.diagnose import Diagnosis


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(t("cli.option.seconds"))
    return value


def _print_text(diagnosis: Diagnosis | None) -> None:
    if diagnosis is None:
        sys.stdout.write(t("cli.diagnose.feasible") + "\n")
        return
    sys.stdout.write(f"{diagnosis.text}\n")
    for item in diagnosis.conflict:
        fields = ", ".join(f"{k}={v}" for k, v in item.items() if k != "rule")
        sys.stdout.write(f"  {item['rule']}  {fields}\n")
    if not diagnosis.minimal:
        sys.stdout.write(t("cli.diagnose.not_minimal") + "\n")


def register(subparsers: Any) -> None:
    """Add the ``diagnose`` command to ``subparsers``."""
    parser = subparsers.add_parser(
        "diagnose",
        help=t("cli.diagnose.help"),
        description=t("cli.diagnose.description"),
    )
    parser.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    add_dataset_options(parser)
    parser.add_argument("--policy", type=Path, help=t("cli.option.policy"))
    parser.add_argument(
        "--time-limit", type=_seconds, default=30.0, help=t("cli.diagnose.time_limit", seconds=30)
    )
    parser.add_argument("--json", action="store_true", help=t("cli.diagnose.json"))
    parser.add_argument("--quiet", action="store_true", help=t("cli.option.quiet_status"))


def run(args: argparse.Namespace) -> int:
    """Execute ``placement diagnose``; return the exit status."""
    from placement.contract.policy import load_policy
    from placement.contract.readers import load_dataset
    from placement.model.diagnose import diagnose

    dataset = load_dataset(args.dataset, max_rows=args.max_rows)
    policy = load_policy(args.policy, dataset)
    diagnosis = diagnose(dataset, policy, time_limit_s=args.time_limit)
    if args.json:
        out = {"feasible": True} if diagnosis is None else diagnosis.to_dict()
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif not args.quiet:
        _print_text(diagnosis)
    return EXIT_OK if diagnosis is None else EXIT_INFEASIBLE
