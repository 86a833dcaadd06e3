"""``placement scenario DATASET --changes CHANGES.json --out DIR [--base RUN_DIR]``: apply a list
of changes to a dataset and policy, solve so that only what must change changes, and write the
usual outputs plus changes.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.analysis.scenario import CHANGES, apply_changes, run_scenario
from placement.cli.exits import EXIT_ERROR, STATUS_EXIT
from placement.cli.options import (
    add_dataset_options,
    add_solve_options,
    read_json,
    require_run_directory,
    solve_overrides,
)
from placement.cli.solve import counts_line, print_written, unknown_as_dash
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.errors import DatasetError, Problem
from placement.i18n import t
from placement.runs.directory import load_run, write_outputs


def register(subparsers: Any) -> None:
    """Add the ``scenario`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "scenario",
        help=t("cli.scenario.help"),
        description=t("cli.scenario.description"),
    )
    p.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    add_dataset_options(p)
    add_solve_options(p)
    p.add_argument("--changes", type=Path, required=True, help=t("cli.scenario.changes"))
    p.add_argument("--out", type=Path, required=True, help=t("cli.option.out"))
    p.add_argument("--base", type=Path, metavar="RUN_DIR", help=t("cli.scenario.base"))
    p.add_argument("--json", action="store_true", help=t("cli.scenario.json"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement scenario``; return the exit status."""
    dataset = load_dataset(args.dataset, max_rows=args.max_rows)
    policy = {} if args.policy is None else read_json(args.policy, "policy")
    if not isinstance(policy, dict):
        message = t("cli.scenario.policy_not_object", path=str(args.policy))
        raise DatasetError([Problem("policy", None, None, message)])
    policy = policy | solve_overrides(args)
    changes = read_json(args.changes, CHANGES)
    apply_changes(dataset, policy, changes)  # refuse bad changes before solving anything
    if args.base is not None:
        require_run_directory(args.base, plan=True)
        base = load_run(args.base).solution
        if base.summary.get("input_sha256") != dataset.sha256 and not args.quiet:
            print(t("cli.scenario.other_dataset", path=str(args.base)), file=sys.stderr)
    else:
        base = solve(dataset, load_policy(policy, dataset))
        if base.plan is None and not args.quiet:
            print(t("cli.scenario.no_base_plan", status=base.status), file=sys.stderr)
    solution = run_scenario(dataset, policy, changes, base=base)
    out: Path = args.out
    written = write_outputs(solution, out)
    changes_path = out / "changes.json"
    changes_path.write_text(json.dumps(changes, indent=2, ensure_ascii=False) + "\n", "utf-8")
    written.append(changes_path)
    s = solution.summary
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False))
    else:
        print(t("cli.solve.status", status=s["status"]))
        if solution.plan is not None:
            print(t("cli.scenario.objective", objective=unknown_as_dash(s["objective"])))
            print(counts_line(s))
        elif s["status"] == "INFEASIBLE":
            print(t("cli.solve.infeasible"))
        elif s["status"] == "TIMEOUT_NO_SOLUTION":
            print(t("cli.solve.timeout"))
        if "base" in s:
            print(t("cli.scenario.changes_from_base", changes=int(s["base"]["changes"])))
        print_written(written)
    return STATUS_EXIT.get(solution.status, EXIT_ERROR)
