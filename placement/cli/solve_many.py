"""``placement solve-many DIR --out DIR``: solve one dataset per agency sub-folder, in parallel,
and write each agency's run and a summary table across agencies."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from placement.batch.national import read_agencies, run_national, write_national
from placement.cli.cluster import add_cluster_options, finish, run_batch
from placement.i18n import t


def register(subparsers: Any) -> None:
    """Add the ``solve-many`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "solve-many",
        help=t("cli.solve_many.help"),
        description=t("cli.solve_many.description"),
    )
    p.add_argument("agencies", type=Path, help=t("cli.solve_many.agencies"))
    p.add_argument("--out", type=Path, required=True, help=t("cli.option.out"))
    add_cluster_options(p, shared_storage=True)


def run(args: argparse.Namespace) -> int:
    """Run ``placement solve-many``; return the exit status."""
    # The files are read only if the workers cannot read them (see run_national).
    agencies = read_agencies(args.agencies, files=False)
    runs = run_batch(
        args,
        len(agencies),
        lambda where: t("cli.solve_many.start", agencies=len(agencies), executor=where),
        t("cli.solve_many.bar"),
        lambda executor, done: run_national(agencies, executor, on_done=done, out=args.out),
    )
    written = write_national(runs, args.out)
    return finish(runs, written, as_json=args.json, name=lambda r: r.agency)
