"""``placement sample --out DIR``: write a synthetic city-government dataset."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.cli.options import add_output_options, non_negative_int


def register(subparsers: Any) -> None:
    """Add the ``sample`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "sample",
        help="write a synthetic city-government dataset",
        description="Write a realistic synthetic city-government dataset as a CSV folder "
        "(deterministic for a seed).",
    )
    p.add_argument("--employees", type=int, default=5000, help="number of employees")
    p.add_argument("--seed", type=non_negative_int, default=2026, help="random seed")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    add_output_options(
        p, json_help="print what was written as JSON", quiet_help="print nothing on success"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement sample``; return the exit status."""
    # The generator is large; only this command needs it.
    from placement.synthetic.city import generate, write_csv

    if args.employees < 1:
        print("--employees must be at least 1", file=sys.stderr)
        return EXIT_INPUT
    write_csv(generate(args.employees, args.seed), args.out)
    if args.json:
        print(json.dumps({"employees": args.employees, "seed": args.seed, "out": str(args.out)}))
    elif not args.quiet:
        print(f"wrote a {args.employees:,}-employee dataset to {args.out}")
    return EXIT_OK
