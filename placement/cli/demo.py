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
from placement.cli.solve import print_written, solve_and_write
from placement.engine import Solution
from placement.i18n import current_locale, format_decimal, t
from placement.reports.kpis import kpis

DEMO_OUT = Path("demo-output")


def demo_dataset_path() -> Path:
    """Folder of the embedded sample dataset (a synthetic Binjai-sized city)."""
    return Path(str(resources.files("placement") / "data" / "binjai"))


def register(subparsers: Any) -> None:
    """Add the ``demo`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "demo",
        help=t("cli.demo.help"),
        description=t("cli.demo.description", employees=5000, out=str(DEMO_OUT)),
    )
    add_solve_options(p, with_policy=False)
    p.add_argument("--out", type=Path, default=DEMO_OUT, help=t("cli.demo.out", out=str(DEMO_OUT)))
    p.add_argument("--json", action="store_true", help=t("cli.option.json_summary"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement demo``; return the exit status."""
    path = demo_dataset_path()
    solution, written = solve_and_write(args, path, path / "policy.json")
    if args.json:
        print(json.dumps(solution.summary, indent=2, ensure_ascii=False))
        return STATUS_EXIT[solution.status]
    _print_demo(solution)
    print_written(written)
    return STATUS_EXIT[solution.status]


def _print_demo(solution: Solution) -> None:
    console = Console()
    s = solution.summary
    model = s["model"]
    console.print(
        t(
            "cli.demo.city",
            employees=int(model["employees"]),
            positions=int(model["positions"]),
            pairs=int(model["pairs"]),
        )
    )
    console.print(
        t(
            "cli.demo.status",
            status=s["status"],
            objective=int(s["objective"]),
            bound="—" if s["bound"] is None else int(s["bound"]),
            solver=s["solver"],
            seconds=float(s["runtime_s"]),
        )
        if solution.plan is not None
        else t("cli.demo.status_only", status=s["status"])
    )
    if solution.plan is None:
        return
    k = kpis(solution)
    table = Table(title=t("cli.demo.table_title"))
    table.add_column(t("cli.demo.figure"))
    table.add_column(t("cli.demo.before"), justify="right")
    table.add_column(t("cli.demo.after"), justify="right")
    table.add_row(t("cli.demo.moves"), "", t("cli.count", n=k.moves))
    table.add_row(t("cli.demo.new_placements"), "", t("cli.count", n=k.new_placements))
    table.add_row(t("cli.demo.unplaced"), "", t("cli.count", n=k.unplaced))
    table.add_row(t("cli.demo.vacancies_filled"), "", t("cli.count", n=k.vacancies_filled))
    table.add_row(t("cli.demo.mean_jpm"), _jpm(k.mean_jpm_before), _jpm(k.mean_jpm_after))
    for cat in ("MS", "MMS", "KMS"):
        table.add_row(
            f"JPM {cat}",
            t("cli.count", n=k.categories_before[cat]),
            t("cli.count", n=k.categories_after[cat]),
        )
    table.add_row(
        t("cli.demo.preferences_met"),
        "",
        t("cli.demo.of", n=k.preferences_met, total=k.preferences_given),
    )
    table.add_row(t("cli.demo.needing_training"), "", t("cli.count", n=k.people_needing_training))
    console.print(table)
    if k.top_training:
        tops = [t("cli.demo.training_item", code=c, people=n) for c, n in k.top_training]
        console.print(t("cli.demo.top_training", items=tops), markup=False, highlight=False)


def _jpm(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, 2, current_locale())
