"""``placement replay RUN_DIR``: solve a recorded run again and prove the plan is identical."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from placement.cli.options import add_output_options, require_run_directory
from placement.i18n import t
from placement.runs.replay import replay


def register(subparsers: Any) -> None:
    """Add the ``replay`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "replay",
        help=t("cli.replay.help"),
        description=t("cli.replay.description"),
    )
    p.add_argument("run_dir", type=Path, help=t("cli.option.run_dir"))
    add_output_options(p, json_help=t("cli.replay.json"), quiet_help=t("cli.option.quiet_status"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement replay``; return the exit status."""
    require_run_directory(args.run_dir, plan=True)
    outcome = replay(args.run_dir)
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2))
    elif not args.quiet:
        key = "cli.replay.identical" if outcome.identical else "cli.replay.different"
        print(t(key, sha256=outcome.replayed_plan_sha256))
        recorded, replayed = outcome.recorded_objective, outcome.replayed_objective
        print(
            t(
                "cli.replay.objectives",
                recorded="—" if recorded is None else recorded,
                replayed="—" if replayed is None else replayed,
            )
        )
        for line in outcome.differences:
            print(f"  {line}")
    return EXIT_OK if outcome.identical else EXIT_VIOLATIONS
