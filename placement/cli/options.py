"""Argument types, option groups and argument checks that several ``placement`` commands
share."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import UsageError
from placement.contract.readers import MAX_ROWS
from placement.errors import DatasetError, Problem
from placement.runs.formats import PLAN, SUMMARY, read_summary


def positive_float(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def non_negative_int(text: str) -> int:
    """An argparse type: an integer ≥ 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be an integer ≥ 0")
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be an integer ≥ 1")
    return value


def add_dataset_options(p: argparse.ArgumentParser) -> None:
    """The options of every command that loads a dataset: the row limit of its tables."""
    p.add_argument(
        "--max-rows",
        type=positive_int,
        default=MAX_ROWS,
        help=f"most rows a CSV or JSON table may have ({MAX_ROWS:,}; an xlsx sheet holds at "
        "most 1,048,575 whatever this says)",
    )


def add_solve_options(p: argparse.ArgumentParser, *, with_policy: bool = True) -> None:
    """The options of every command that solves: policy, back-end, time limit, seed, quiet."""
    if with_policy:
        p.add_argument("--policy", type=Path, help="policy JSON file (defaults otherwise)")
    p.add_argument(
        "--solver",
        choices=("auto", "flow", "cpsat", "highs", "cbc"),
        help="back-end (overrides the policy; default auto)",
    )
    p.add_argument("--time-limit", type=positive_float, help="seconds (overrides the policy)")
    p.add_argument("--seed", type=non_negative_int, help="random seed (overrides the policy)")
    p.add_argument("--quiet", action="store_true", help="no progress display and no notes")


def solve_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The policy keys the solve options set (``--solver``, ``--time-limit``, ``--seed``)."""
    given = {"solver": args.solver, "time_limit_s": args.time_limit, "seed": args.seed}
    return {key: value for key, value in given.items() if value is not None}


def add_output_options(p: argparse.ArgumentParser, *, json_help: str, quiet_help: str) -> None:
    """``--json`` and ``--quiet``, which every command has."""
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--quiet", action="store_true", help=quiet_help)


def require_run_directory(path: Path, *, plan: bool = False) -> dict[str, Any]:
    """The summary.json of the run directory ``path``; with ``plan``, the run must have one.

    Raises
    ------
    UsageError
        When ``path`` is not a run directory, or has no plan although one is needed.
    """
    if not (path / SUMMARY).is_file():
        raise UsageError(
            f"{path / SUMMARY} not found: {path} is not a run directory (placement solve --out)"
        )
    summary = read_summary(path)
    if plan and not (path / PLAN).is_file():
        raise UsageError(f"{path} has no plan (status {summary.get('status')}): nothing to work on")
    return summary


def read_json(path: Path, table: str) -> Any:
    """A JSON file a command was given (a policy, a change list, a grid); a missing or malformed
    file is a refused input named after ``table``."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise DatasetError([Problem(table, None, None, f"{path}: {exc}")]) from None
