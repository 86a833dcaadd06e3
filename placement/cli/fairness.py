"""``placement fairness RUN_DIR [--json] [--max-explained N]``.

RUN_DIR is what ``placement solve --out DIR`` writes; the run is read back (its stored plan
checked against the recorded input, policy and objective) as ``placement explain`` does, and
its plan's justified-envy pairs and outcome distribution are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_ERROR, EXIT_OK
from placement.runs.directory import load_run


def register(subparsers: Any) -> None:
    """Add the ``fairness`` command to the CLI's subparsers."""
    from placement.analysis.fairness import MAX_EXPLAINED

    p = subparsers.add_parser(
        "fairness",
        help="justified-envy pairs and outcomes by unit, grade, gender and job class of a run",
        description="Report, for a run directory written by `placement solve --out`, every "
        "employee who prefers a position to their outcome and outscores a holder there (or "
        "finds a free seat), with the rule that explains it, and the outcomes by group.",
    )
    p.add_argument("run_dir", type=Path, help="run directory (placement solve --out DIR)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--max-explained",
        type=int,
        default=MAX_EXPLAINED,
        metavar="N",
        help=f"explain at most N envy pairs by solving again (default {MAX_EXPLAINED})",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement fairness``; return the exit status."""
    from placement.analysis.fairness import fairness

    if args.max_explained < 0:
        print("error: --max-explained must be ≥ 0", file=sys.stderr)
        return EXIT_ERROR
    dataset, policy, solution = load_run(args.run_dir).with_plan()
    report = fairness(dataset, policy, solution, max_explained=args.max_explained)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.text(), end="")
    return EXIT_OK
