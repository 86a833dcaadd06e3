"""The ``placement scenario`` and ``placement compare`` commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_ERROR, EXIT_INPUT, EXIT_OK, STATUS_EXIT, print_refusal
from placement.errors import DatasetError, PlacementError


def register(subparsers: Any) -> None:
    """Add the ``scenario`` and ``compare`` commands to the ``placement`` parser."""
    sc = subparsers.add_parser(
        "scenario",
        help="apply a list of changes to a dataset and policy, solve, write the outputs",
        description="Apply CHANGES.json (a JSON array of changes) to DATASET and the policy, "
        "solve the scenario and write the usual outputs plus changes.json into --out.",
    )
    sc.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    sc.add_argument("--policy", type=Path, help="policy JSON file (defaults otherwise)")
    sc.add_argument("--changes", type=Path, required=True, help="JSON array of changes")
    sc.add_argument("--out", type=Path, required=True, help="output folder")
    sc.add_argument("--json", action="store_true", help="print the summary as JSON")

    cmp = subparsers.add_parser(
        "compare",
        help="compare two or more run directories",
        description="Key figures of every run and the employees placed differently than in "
        "the first run.",
    )
    cmp.add_argument("runs", type=Path, nargs="+", metavar="RUN_DIR", help="run directories")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")


def run(args: argparse.Namespace) -> int:
    """Run ``scenario`` or ``compare``; return the exit status."""
    try:
        if args.command == "scenario":
            return _scenario(args)
        return _compare(args)
    except DatasetError as err:
        print_refusal(err)
        return EXIT_INPUT
    except (PlacementError, OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR


def _read_json(path: Path, table: str) -> Any:
    from placement.errors import Problem

    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise DatasetError([Problem(table, None, None, f"{path}: {exc}")]) from None


def _scenario(args: argparse.Namespace) -> int:
    from placement.analysis.scenario import CHANGES, apply_changes
    from placement.contract.policy import load_policy
    from placement.contract.readers import load_dataset
    from placement.engine import solve
    from placement.runs.directory import write_outputs

    dataset = load_dataset(args.dataset)
    policy = {} if args.policy is None else _read_json(args.policy, "policy")
    changes = _read_json(args.changes, CHANGES)
    new_dataset, new_policy = apply_changes(dataset, policy, changes)
    solution = solve(new_dataset, load_policy(new_policy, new_dataset))
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
        for path in written:
            print(f"wrote {path}")
    return STATUS_EXIT.get(solution.status, EXIT_ERROR)


def _compare(args: argparse.Namespace) -> int:
    from placement.analysis.compare import compare, load_run_dir

    runs: list[Path] = args.runs
    if len(runs) < 2:
        print("error: compare needs at least two run directories", file=sys.stderr)
        return EXIT_INPUT
    names = [p.name or str(p) for p in runs]
    if len(set(names)) != len(names):
        names = [str(p) for p in runs]
    comparison = compare([(n, load_run_dir(p)) for n, p in zip(names, runs, strict=True)])
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(comparison.text())
    return EXIT_OK
