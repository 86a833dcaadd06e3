"""``placement explain RUN_DIR --nip NIP | --position ID [--top K] [--json]``.

RUN_DIR is what ``placement solve --out DIR`` writes. The recorded input (``input.json.gz``,
or the dataset path in ``run.json``) is solved again under the resolved policy of
``summary.json``; the engine is deterministic, so the plan is the recorded one, and the
objective is checked against the recorded objective before anything is explained.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution, solve
from placement.errors import PlacementError


def register(subparsers: Any) -> None:
    """Add the ``explain`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "explain",
        help="explain a person's placement or a position's candidates in a solved run",
        description="Explain, for a run directory written by `placement solve --out`, why an "
        "employee got their placement (--nip) or who holds and could hold a position "
        "(--position). Claims are verified by re-solving.",
    )
    p.add_argument("run_dir", type=Path, help="run directory (placement solve --out DIR)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--nip", help="employee to explain")
    what.add_argument("--position", help="position to explain")
    p.add_argument("--top", type=int, help="how many alternatives or candidates (5 / 10)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def load_run(run_dir: Path) -> tuple[Dataset, Policy, Solution]:
    """Load a run directory and solve it again; the objective must equal the recorded one."""
    from placement.contract.policy import load_policy
    from placement.contract.readers import load_dataset
    from placement.runs.record import INPUT, RECORD, load_input

    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise PlacementError(f"{summary_path} not found: is {run_dir} a run directory?")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    record_path = run_dir / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    input_path = run_dir / str(record.get("input") or INPUT)
    if input_path.is_file():
        dataset = load_input(input_path)
    elif record.get("dataset"):
        dataset = load_dataset(record["dataset"])
    else:
        raise PlacementError(f"{run_dir} records no input ({INPUT} or a dataset path)")
    policy = load_policy(summary["policy"], dataset)
    solution = solve(dataset, policy)
    if solution.objective is None or solution.objective != summary.get("objective"):
        raise PlacementError(
            f"re-solving {run_dir} gives objective {solution.objective} "
            f"({solution.status}), but the run recorded {summary.get('objective')}: "
            "the run cannot be explained with this engine"
        )
    return dataset, policy, solution


def run(args: argparse.Namespace) -> int:
    """Run ``placement explain``; return the exit status."""
    from placement.analysis.explain import explain_person, explain_position

    # A refused input (exit 2) or an engine error (exit 1) is reported by placement.cli.main.
    dataset, policy, solution = load_run(args.run_dir)
    if args.nip is not None:
        result: Any = explain_person(
            dataset, policy, solution, args.nip, top=5 if args.top is None else args.top
        )
    else:
        result = explain_position(
            dataset, policy, solution, args.position, top=10 if args.top is None else args.top
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.text())
    return EXIT_OK
