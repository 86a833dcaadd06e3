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
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.errors import DatasetError, Problem
from placement.runs.directory import load_run, write_outputs


def register(subparsers: Any) -> None:
    """Add the ``scenario`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "scenario",
        help="apply a list of changes to a dataset and policy, solve, write the outputs",
        description="Apply CHANGES.json (a JSON array of changes) to DATASET and the policy, "
        "solve the scenario and write the usual outputs plus changes.json into --out. Among "
        "the scenario's optimal plans the one closest to the base plan is chosen (the fewest "
        "employees placed differently); the base plan is --base's, or else DATASET solved "
        "under the policy first. summary.json's base.changes says how many changed.",
    )
    p.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    add_dataset_options(p)
    add_solve_options(p)
    p.add_argument("--changes", type=Path, required=True, help="JSON array of changes")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--base",
        type=Path,
        metavar="RUN_DIR",
        help="run directory whose plan the scenario stays closest to (default: solve DATASET "
        "under the policy first)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    """Run ``placement scenario``; return the exit status."""
    dataset = load_dataset(args.dataset, max_rows=args.max_rows)
    policy = {} if args.policy is None else read_json(args.policy, "policy")
    if not isinstance(policy, dict):
        raise DatasetError([Problem("policy", None, None, f"{args.policy}: not a JSON object")])
    policy = policy | solve_overrides(args)
    changes = read_json(args.changes, CHANGES)
    apply_changes(dataset, policy, changes)  # refuse bad changes before solving anything
    if args.base is not None:
        require_run_directory(args.base, plan=True)
        base = load_run(args.base).solution
        if base.summary.get("input_sha256") != dataset.sha256 and not args.quiet:
            print(
                f"note: the base run {args.base} was solved from another dataset", file=sys.stderr
            )
    else:
        base = solve(dataset, load_policy(policy, dataset))
        if base.plan is None and not args.quiet:
            print(
                f"note: the base dataset has no plan (status {base.status}); "
                "the scenario is solved without a base plan",
                file=sys.stderr,
            )
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
        print(f"status     {s['status']}")
        print(f"objective  {s['objective']}")
        if solution.plan is not None:
            print(
                f"moves {s['moves']}, new placements {s['new_placements']}, "
                f"unplaced {s['unplaced']}, vacancies filled {s['vacancies_filled']}"
            )
        if "base" in s:
            print(f"changes    {s['base']['changes']} from the base plan")
        for path in written:
            print(f"wrote {path}")
    return STATUS_EXIT.get(solution.status, EXIT_ERROR)
