"""``placement sample --out DIR``: write a synthetic city-government dataset."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.cli.options import add_output_options, non_negative_int
from placement.i18n import t


def register(subparsers: Any) -> None:
    """Add the ``sample`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "sample",
        help=t("cli.sample.help"),
        description=t("cli.sample.description"),
    )
    p.add_argument("--employees", type=int, default=5000, help=t("cli.sample.employees"))
    p.add_argument("--seed", type=non_negative_int, default=2026, help=t("cli.sample.seed"))
    p.add_argument("--out", type=Path, required=True, help=t("cli.option.out"))
    p.add_argument("--history", action="store_true", help=t("cli.sample.history"))
    add_output_options(p, json_help=t("cli.sample.json"), quiet_help=t("cli.option.quiet_success"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement sample``; return the exit status."""
    # The generator is large; only this command needs it.
    from placement.synthetic.city import generate, write_csv

    if args.employees < 1:
        print(t("cli.sample.too_few"), file=sys.stderr)
        return EXIT_INPUT
    tables = generate(args.employees, args.seed)
    write_csv(tables, args.out)
    if args.history:
        from placement.synthetic.city import DEFAULT_REFERENCE_DATE
        from placement.synthetic.history import city_history

        history = city_history(tables, reference_date=DEFAULT_REFERENCE_DATE, seed=args.seed)
        write_csv(history.tables, args.out)
    if args.json:
        written = {"employees": args.employees, "seed": args.seed, "out": str(args.out)}
        print(json.dumps({**written, "history": True} if args.history else written))
    elif not args.quiet:
        key = "cli.sample.wrote_history" if args.history else "cli.sample.wrote"
        print(t(key, employees=args.employees, path=str(args.out)))
    return EXIT_OK
