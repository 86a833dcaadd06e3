"""``placement demo``: solve the embedded sample city and print a readable summary."""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from placement.cli.exits import STATUS_EXIT
from placement.cli.options import add_solve_options
from placement.cli.solve import solve_and_write
from placement.engine import Solution
from placement.reports.kpis import kpis

DEMO_OUT = Path("demo-output")


def demo_dataset_path() -> Path:
    """Folder of the embedded sample dataset (a synthetic Binjai-sized city)."""
    return Path(str(resources.files("placement") / "data" / "binjai"))


def register(subparsers: Any) -> None:
    """Add the ``demo`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "demo",
        help="solve the embedded sample city and print a readable summary",
        description="Solve the embedded sample dataset (a synthetic Binjai-sized city, "
        f"~5,000 employees), print a readable summary and write the outputs to ./{DEMO_OUT}/.",
    )
    add_solve_options(p, with_policy=False)
    p.add_argument("--out", type=Path, default=DEMO_OUT, help=f"output folder (./{DEMO_OUT})")
    p.add_argument("--json", action="store_true", help="print summary.json instead of text")


def run(args: argparse.Namespace) -> int:
    """Run ``placement demo``; return the exit status."""
    path = demo_dataset_path()
    solution, written = solve_and_write(args, path, path / "policy.json")
    if args.json:
        print(json.dumps(solution.summary, indent=2, ensure_ascii=False))
        return STATUS_EXIT[solution.status]
    _print_demo(solution)
    for written_path in written:
        print(f"wrote {written_path}")
    return STATUS_EXIT[solution.status]


def _print_demo(solution: Solution) -> None:
    console = Console()
    s = solution.summary
    console.print(
        f"[bold]Sample city[/bold]: {s['model']['employees']:,} employees, "
        f"{s['model']['positions']:,} positions, {s['model']['pairs']:,} allowed placements"
    )
    console.print(
        f"status [bold]{s['status']}[/bold], objective {s['objective']:,} "
        f"(bound {s['bound']:,}), solver {s['solver']}, {s['runtime_s']} s"
        if solution.plan is not None
        else f"status [bold]{s['status']}[/bold]"
    )
    if solution.plan is None:
        return
    k = kpis(solution)
    table = Table(title="Plan at a glance")
    table.add_column("figure")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_row("moves", "", f"{k.moves:,}")
    table.add_row("new placements", "", f"{k.new_placements:,}")
    table.add_row("unplaced", "", f"{k.unplaced:,}")
    table.add_row("vacancies filled", "", f"{k.vacancies_filled:,}")
    table.add_row("mean JPM (%)", f"{k.mean_jpm_before}", f"{k.mean_jpm_after}")
    for cat in ("MS", "MMS", "KMS"):
        table.add_row(f"JPM {cat}", f"{k.categories_before[cat]:,}", f"{k.categories_after[cat]:,}")
    table.add_row("preferences met", "", f"{k.preferences_met:,} of {k.preferences_given:,}")
    table.add_row("people needing training", "", f"{k.people_needing_training:,}")
    console.print(table)
    if k.top_training:
        tops = ", ".join(f"{c} ({n})" for c, n in k.top_training)
        console.print(f"most needed training: {tops}")
