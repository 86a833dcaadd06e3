"""``placement sweep DATASET --grid GRID.json --out DIR``: solve every point of a grid of
policy and scenario changes and write the table of their key figures and the trade-off page."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from placement.batch.sweep import GRID, read_grid, run_sweep, write_sweep
from placement.cli.cluster import add_cluster_options, finish, run_batch
from placement.cli.options import read_json
from placement.cli.solve import folder_policy
from placement.contract.policy import POLICY, load_policy
from placement.contract.readers import load_dataset
from placement.i18n import t


def register(subparsers: Any) -> None:
    """Add the ``sweep`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "sweep",
        help=t("cli.sweep.help"),
        description=t("cli.sweep.description"),
    )
    p.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    p.add_argument("--policy", type=Path, help=t("cli.sweep.policy"))
    p.add_argument("--grid", type=Path, required=True, help=t("cli.sweep.grid"))
    p.add_argument("--out", type=Path, required=True, help=t("cli.option.out"))
    add_cluster_options(p)


def run(args: argparse.Namespace) -> int:
    """Run ``placement sweep``; return the exit status."""
    dataset = load_dataset(args.dataset)
    policy_path = folder_policy(args.dataset, args.policy, quiet=args.quiet or args.json)
    policy = {} if policy_path is None else read_json(policy_path, POLICY)
    load_policy(policy, dataset)  # a refused base policy refuses the whole sweep
    points = read_grid(read_json(args.grid, GRID))
    runs = run_batch(
        args,
        len(points),
        lambda where: t("cli.sweep.start", points=len(points), executor=where),
        t("cli.sweep.bar"),
        lambda executor, done: run_sweep(dataset, policy, points, executor, on_done=done),
    )
    title = t("cli.sweep.title", dataset=args.dataset.name, points=len(points))
    written = write_sweep(runs, args.out, title=title)
    return finish(
        runs,
        written,
        as_json=args.json,
        name=lambda r: t("cli.sweep.point", number=r.point.number, label=r.point.label),
    )
