"""The ``placement evaluate`` command: what past moves did to SKP ratings (CONTRACT §6).

Writes ``evaluation.json`` into ``--out`` and prints a readable summary, or the JSON itself with
``--json``. A refused dataset exits 2 (reported by the CLI's one handler) and writes nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK


def register(subparsers: Any) -> None:
    """Add the ``evaluate`` command to ``subparsers``."""
    parser = subparsers.add_parser(
        "evaluate",
        help="estimate what past moves did to SKP ratings (needs the history tables)",
        description="Estimate, from the dataset's placement_history, performance_history and "
        "training_history, the average effect of a move on the mover's SKP rating points, by "
        "event year and by group, and write evaluation.json into --out.",
    )
    parser.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--json", action="store_true", help="print evaluation.json")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")


def _number(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _estimate(e: dict[str, Any]) -> str:
    if e["estimate"] is None:
        return f"{'—':>7} {'':20} {e['moves']:>6}"
    interval = f"[{_number(e['ci_low'])}, {_number(e['ci_high'])}]"
    return f"{_number(e['estimate']):>7} {interval:20} {e['moves']:>6}"


def render(result: dict[str, Any]) -> str:
    """evaluation.json as a readable table."""
    years = result["years"]
    span = f"{years[0]}–{years[1]}" if years else "none"
    lines = [
        f"Effect of moves on SKP rating points (SK 1 … SB 5), years {span}",
        f"moves evaluated {result['moves']}, people {result['people']}",
        f"method: {result['method']}",
        "",
        f"{'':24}{'effect':>7} {'95 % interval':20} {'moves':>6}",
        f"{'ATT, event years 1–3':24}{_estimate(result['att'])}",
        "",
        "event study (event year = SKP year − move year; −1 is the reference)",
    ]
    lines += [f"{'  ' + str(e['event_year']):24}{_estimate(e)}" for e in result["event_study"]]
    lines += ["", "groups (ATT over event years 1–3; year 0 = the move year)"]
    for dimension, groups in result["groups"].items():
        for label, g in groups.items():
            lines.append(f"{'  ' + dimension + ' ' + label:24}{_estimate(g['att'])}")
            lines.append(f"{'    year 0':24}{_estimate(g['year0'])}")
    naive = result["naive"]
    lines += [
        "",
        "naive numbers (NOT effects: movers are not like stayers)",
        f"{'  before → after':24}{_number(naive['before_after']):>7}",
        f"{'  movers − stayers':24}{_number(naive['movers_vs_stayers']):>7}",
    ]
    if result["warnings"]:
        lines += ["", "warnings"] + [f"  - {w}" for w in result["warnings"]]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Execute ``placement evaluate``; return the exit status."""
    from placement.analysis.evaluation import evaluate
    from placement.contract.readers import load_dataset

    dataset = load_dataset(args.dataset)
    result = evaluate(dataset).to_dict()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(text + "\n", encoding="utf-8")
    if args.json or not args.quiet:
        print(text if args.json else render(result), end="\n" if args.json else "")
    return EXIT_OK
