"""``placement compare RUN_DIR RUN_DIR...``: key figures of every run and the employees placed
differently than in the first run; with the expected SKP effect of each plan when its dataset
has history (the evaluation runs once per input)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from placement.analysis.compare import compare
from placement.analysis.forecast import forecast_run
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.cli.options import add_output_options, require_run_directory
from placement.i18n import t
from placement.runs.directory import load_run


def register(subparsers: Any) -> None:
    """Add the ``compare`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "compare",
        help=t("cli.compare.help"),
        description=t("cli.compare.description"),
    )
    p.add_argument("runs", type=Path, nargs="+", metavar="RUN_DIR", help=t("cli.compare.runs"))
    add_output_options(p, json_help=t("cli.compare.json"), quiet_help=t("cli.option.quiet_success"))


def run(args: argparse.Namespace) -> int:
    """Run ``placement compare``; return the exit status."""
    runs: list[Path] = args.runs
    if len(runs) < 2:
        print(t("cli.error.usage", message=t("cli.compare.too_few")), file=sys.stderr)
        return EXIT_INPUT
    for path in runs:
        require_run_directory(path)
    names = [p.name or str(p) for p in runs]
    if len(set(names)) != len(names):
        names = [str(p) for p in runs]
    loaded = [load_run(p) for p in runs]
    evaluations: dict[str, dict[str, Any]] = {}
    forecasts = []
    for run_ in loaded:
        forecast = None
        if run_.dataset is not None and run_.policy is not None:
            forecast = forecast_run(run_.dataset, run_.policy, run_.solution, evaluations)
        forecasts.append(None if forecast is None else forecast.to_dict())
    comparison = compare(
        [(n, r.solution) for n, r in zip(names, loaded, strict=True)], expected_skp=forecasts
    )
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    elif not args.quiet:
        sys.stdout.write(comparison.text())
    return EXIT_OK
