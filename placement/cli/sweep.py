"""``placement sweep DATASET --grid GRID.json --out DIR``: solve every point of a grid of
policy and scenario changes and write the table of their key figures and the trade-off page."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from placement.batch.sweep import GRID, PointRun, read_grid, run_sweep, write_sweep
from placement.cli.cluster import add_cluster_options, executor_for, finish, progress_bar
from placement.cli.options import read_json
from placement.cli.solve import folder_policy
from placement.contract.policy import POLICY, load_policy
from placement.contract.readers import load_dataset


def register(subparsers: Any) -> None:
    """Add the ``sweep`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "sweep",
        help="solve a grid of policy and scenario changes; table and trade-off charts",
        description="Solve DATASET under the policy once per point of GRID.json (every "
        'combination of {"grid": {KEY: [VALUES]}} or a list {"points": [...]}; a KEY is a '
        "policy key, weights.TERM or changes) and write sweep.csv, sweep.json, sweep.html and "
        "each point's run into --out. Exit 0 when every point ran (infeasible or refused "
        "points are rows of the table), 1 when a point failed with an error twice.",
    )
    p.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    p.add_argument(
        "--policy",
        type=Path,
        help="base policy JSON file (default: the dataset folder's policy.json, else defaults)",
    )
    p.add_argument("--grid", type=Path, required=True, help="the points, as JSON")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    add_cluster_options(p)


def run(args: argparse.Namespace) -> int:
    """Run ``placement sweep``; return the exit status."""
    dataset = load_dataset(args.dataset)
    policy_path = folder_policy(args.dataset, args.policy, quiet=args.quiet or args.json)
    policy = {} if policy_path is None else read_json(policy_path, POLICY)
    load_policy(policy, dataset)  # a refused base policy refuses the whole sweep
    points = read_grid(read_json(args.grid, GRID))
    console = Console(stderr=True)
    with executor_for(args) as executor:
        quiet = args.quiet or args.json
        if not quiet:
            console.print(f"{len(points)} point(s) on {executor.description}")
        with progress_bar(console, len(points), "sweep", quiet=quiet) as advance:

            def done(point_run: PointRun) -> None:
                advance(point_run.run.status)

            runs = run_sweep(dataset, policy, points, executor, on_done=done)
    title = f"Sweep of {args.dataset.name}: {len(points)} point(s)"
    written = write_sweep(runs, args.out, title=title)
    return finish(
        runs, written, as_json=args.json, name=lambda r: f"point {r.point.number} ({r.point.label})"
    )
