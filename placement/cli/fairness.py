"""``placement fairness RUN_DIR [--json] [--max-explained N]``.

RUN_DIR is what ``placement solve --out DIR`` writes; the run is read back (its stored plan
checked against the recorded input, policy and objective) as ``placement explain`` does, and
its plan's justified-envy pairs and outcome distribution are reported.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK
from placement.cli.options import add_output_options, non_negative_int, require_run_directory
from placement.i18n import t
from placement.runs.directory import load_run


def register(subparsers: Any) -> None:
    """Add the ``fairness`` command to the CLI's subparsers."""
    from placement.analysis.fairness import MAX_EXPLAINED

    p = subparsers.add_parser(
        "fairness",
        help=t("cli.fairness.help"),
        description=t("cli.fairness.description"),
    )
    p.add_argument("run_dir", type=Path, help=t("cli.option.run_dir"))
    add_output_options(
        p, json_help=t("cli.option.json_text"), quiet_help=t("cli.option.quiet_success")
    )
    p.add_argument(
        "--max-explained",
        type=non_negative_int,
        default=MAX_EXPLAINED,
        metavar="N",
        help=t("cli.fairness.max_explained", default=MAX_EXPLAINED),
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement fairness``; return the exit status."""
    from placement.analysis.fairness import fairness

    require_run_directory(args.run_dir, plan=True)
    dataset, policy, solution = load_run(args.run_dir).with_plan()
    report = fairness(dataset, policy, solution, max_explained=args.max_explained)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif not args.quiet:
        print(report.text(), end="")
    return EXIT_OK
