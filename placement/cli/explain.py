"""``placement explain RUN_DIR --nip NIP | --position ID [--top K] [--json]``.

RUN_DIR is what ``placement solve --out DIR`` writes. It is read back by
:func:`placement.runs.directory.load_run`: the stored plan, checked by the independent checker
against the recorded input and policy and the recorded objective, is the plan explained, so a
time-limited FEASIBLE run is explained as it was produced.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.analysis.explain import explain_person, explain_position
from placement.cli.exits import EXIT_OK, UsageError
from placement.cli.options import add_output_options, non_negative_int, require_run_directory
from placement.i18n import t
from placement.runs.directory import load_run


def register(subparsers: Any) -> None:
    """Add the ``explain`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "explain",
        help=t("cli.explain.help"),
        description=t("cli.explain.description"),
    )
    p.add_argument("run_dir", type=Path, help=t("cli.option.run_dir"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--nip", help=t("cli.explain.nip"))
    what.add_argument("--position", help=t("cli.explain.position"))
    p.add_argument("--top", type=non_negative_int, help=t("cli.explain.top"))
    add_output_options(
        p, json_help=t("cli.option.json_text"), quiet_help=t("cli.option.quiet_success")
    )
    p.add_argument("--counterfactuals", action="store_true", help=t("cli.explain.counterfactuals"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement explain``; return the exit status."""
    require_run_directory(args.run_dir, plan=True)
    dataset, policy, solution = load_run(args.run_dir).with_plan()
    if args.nip is not None and args.nip not in set(dataset.employees["nip"]):
        raise UsageError(t("cli.explain.unknown_employee", nip=args.nip))
    if args.position is not None and args.position not in set(dataset.positions["position_id"]):
        raise UsageError(t("cli.explain.unknown_position", position=args.position))
    if args.nip is not None:
        result: Any = explain_person(
            dataset,
            policy,
            solution,
            args.nip,
            top=5 if args.top is None else args.top,
            counterfactuals=args.counterfactuals,
        )
    else:
        result = explain_position(
            dataset, policy, solution, args.position, top=10 if args.top is None else args.top
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif not args.quiet:
        print(result.text())
    return EXIT_OK
