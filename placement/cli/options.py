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
from placement.i18n import t
from placement.runs.formats import PLAN, SUMMARY, read_summary


def positive_float(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(t("cli.option.positive_seconds"))
    return value


def non_negative_int(text: str) -> int:
    """An argparse type: an integer ≥ 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(t("cli.option.non_negative_int"))
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(t("cli.option.positive_int"))
    return value


def add_dataset_options(p: argparse.ArgumentParser) -> None:
    """The options of every command that loads a dataset: the row limit of its tables."""
    p.add_argument(
        "--max-rows",
        type=positive_int,
        default=MAX_ROWS,
        help=t("cli.option.max_rows", rows=MAX_ROWS, sheet_rows=1_048_575),
    )


def add_solve_options(p: argparse.ArgumentParser, *, with_policy: bool = True) -> None:
    """The options of every command that solves: policy, back-end, time limit, seed, quiet."""
    if with_policy:
        p.add_argument("--policy", type=Path, help=t("cli.option.policy"))
    p.add_argument(
        "--solver",
        choices=("auto", "flow", "cpsat", "highs", "cbc"),
        help=t("cli.option.solver"),
    )
    p.add_argument("--time-limit", type=positive_float, help=t("cli.option.time_limit"))
    p.add_argument("--seed", type=non_negative_int, help=t("cli.option.seed"))
    p.add_argument("--quiet", action="store_true", help=t("cli.option.quiet_solve"))


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
        raise UsageError(t("cli.run_dir.missing", summary=str(path / SUMMARY), path=str(path)))
    summary = read_summary(path)
    if plan and not (path / PLAN).is_file():
        raise UsageError(
            t("cli.run_dir.no_plan", path=str(path), status=str(summary.get("status")))
        )
    return summary


def read_json(path: Path, table: str) -> Any:
    """A JSON file a command was given (a policy, a change list, a grid); a missing or malformed
    file is a refused input named after ``table``."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise DatasetError([Problem(table, None, None, f"{path}: {exc}")]) from None
