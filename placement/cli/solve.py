"""``placement solve DATASET``: solve and write plan.csv, summary.json and gaps.csv; also the
solving step the ``demo`` command shares."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

from placement.cli.exits import STATUS_EXIT
from placement.cli.options import add_dataset_options, add_solve_options
from placement.contract.policy import load_policy
from placement.contract.readers import MAX_ROWS, load_dataset
from placement.engine import Solution, solve
from placement.i18n import t
from placement.runs.directory import write_outputs
from placement.runs.formats import read_previous

#: The policy a dataset folder may hold for itself, used when no --policy is given.
POLICY_FILE = "policy.json"


def register(subparsers: Any) -> None:
    """Add the ``solve`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "solve",
        help=t("cli.solve.help"),
        description=t("cli.solve.description"),
    )
    p.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    add_dataset_options(p)
    add_solve_options(p)
    p.add_argument("--json", action="store_true", help=t("cli.option.json_summary"))
    p.add_argument("--out", type=Path, default=Path("out"), help=t("cli.solve.out"))
    p.add_argument("--previous", type=Path, help=t("cli.solve.previous"))


@contextlib.contextmanager
def _progress(console: Console, quiet: bool) -> Iterator[Callable[[str], None]]:
    if quiet or not console.is_terminal:
        yield lambda _stage: None
        return
    with console.status(t("cli.stage.starting")) as status:
        yield lambda stage: status.update(stage)


def solve_and_write(
    args: argparse.Namespace, dataset_path: Path, policy_path: Path | None
) -> tuple[Solution, list[Path]]:
    """Load, solve with the command's overrides and write the outputs into ``args.out``,
    showing the stages on a terminal; return the solution and the files written."""
    console = Console(stderr=True)
    quiet: bool = args.quiet
    with _progress(console, quiet) as stage:
        stage(t("cli.stage.loading"))
        dataset = load_dataset(dataset_path, max_rows=getattr(args, "max_rows", MAX_ROWS))
        for note in () if quiet else dataset.notes:
            console.print(note, markup=False, highlight=False)
        policy = load_policy(policy_path, dataset)
        if args.solver is not None:
            policy = dataclasses.replace(policy, solver=args.solver)
        if args.time_limit is not None:
            policy = dataclasses.replace(policy, time_limit_s=args.time_limit)
        if args.seed is not None:
            policy = dataclasses.replace(policy, seed=args.seed)
        previous_path: Path | None = getattr(args, "previous", None)
        previous = None if previous_path is None else read_previous(previous_path)
        solution = solve(dataset, policy, previous=previous, on_stage=stage)
        stage(t("cli.stage.writing"))
        written = write_outputs(solution, args.out)
    return solution, written


def folder_policy(dataset: Path, policy: Path | None, *, quiet: bool) -> Path | None:
    """The policy file to solve under: ``policy`` when given, else the dataset folder's own
    policy.json when it has one (said on standard error unless ``quiet``), else none."""
    own = dataset / POLICY_FILE
    if policy is not None or not own.is_file():
        return policy
    if not quiet:
        print(t("cli.solve.folder_policy", path=str(own)), file=sys.stderr)
    return own


def run(args: argparse.Namespace) -> int:
    """Run ``placement solve``; return the exit status."""
    policy = folder_policy(args.dataset, args.policy, quiet=args.quiet)
    solution, written = solve_and_write(args, args.dataset, policy)
    s = solution.summary
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False))
        return STATUS_EXIT[solution.status]
    print(t("cli.solve.status", status=s["status"]))
    if solution.plan is not None:
        print(
            t(
                "cli.solve.objective",
                objective=s["objective"],
                bound=unknown_as_dash(s["bound"]),
                solver=s["solver"],
            )
        )
    elif s["status"] == "INFEASIBLE":
        print(t("cli.solve.infeasible"))
    else:
        print(t("cli.solve.timeout"))
    if solution.plan is not None:
        print(counts_line(s))
    elif "diagnosis" in s:
        print(t("cli.solve.diagnosis", text=s["diagnosis"]["text"]))
    elif "message" in s:
        print(t("cli.solve.reason", text=s["message"]))
    if "disruption" in s:
        print(t("cli.solve.changes", changes=int(s["disruption"]["changes"])))
    print(t("cli.solve.runtime", seconds=float(s["runtime_s"])))
    print_written(written)
    return STATUS_EXIT[solution.status]


def counts_line(summary: dict[str, Any]) -> str:
    """The plan's counts of a summary.json: moves, new placements, unplaced, vacancies filled."""
    return t(
        "cli.solve.counts",
        moves=int(summary["moves"]),
        new_placements=int(summary["new_placements"]),
        unplaced=int(summary["unplaced"]),
        vacancies_filled=int(summary["vacancies_filled"]),
    )


def unknown_as_dash(value: object) -> object:
    """A figure a run may not have (a bound, an objective) as a dash rather than ``None``."""
    return "—" if value is None else value


def print_written(paths: list[Path]) -> None:
    """Say, one line each, which files a command wrote."""
    for path in paths:
        print(t("cli.wrote", path=str(path)))
