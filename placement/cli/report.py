"""``placement report RUN_DIR [--out DIR] [--json]``.

Writes ``report.html`` (a self-contained report, :mod:`placement.reports.html`) and
``lampiran-sk-mutasi.xlsx`` (the decree attachment, :mod:`placement.reports.decree`) into the run
directory or ``--out``. The run is read back like ``placement explain`` does (its stored plan
checked against the recorded input, policy and objective); the recorded summary.json is what
the report shows, so reporting the same run twice writes the same bytes. When the run's dataset
has history, the report shows the plan's expected SKP effect (:mod:`placement.analysis.forecast`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from placement.analysis.forecast import forecast_run
from placement.cli.exits import EXIT_ERROR, EXIT_OK, STATUS_EXIT
from placement.cli.options import add_output_options, require_run_directory
from placement.i18n import t
from placement.reports.decree import decree_workbook
from placement.reports.html import render_report
from placement.runs.directory import LoadedRun, load_run

HTML_NAME = "report.html"
XLSX_NAME = "lampiran-sk-mutasi.xlsx"
#: The signing official when none is given: a blank for the planner to fill in.
OFFICIAL = "WALI KOTA …"


@dataclass(frozen=True)
class Written:
    """What :func:`write_report` wrote."""

    html: Path
    xlsx: Path
    html_bytes: int
    xlsx_bytes: int
    moves: int
    new_placements: int
    training_items: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dataclasses.asdict(self)
        out["html"], out["xlsx"] = str(self.html), str(self.xlsx)
        return out


def register(subparsers: Any) -> None:
    """Add the ``report`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "report",
        help=t("cli.report.help"),
        description=t("cli.report.description"),
    )
    p.add_argument("run_dir", type=Path, help=t("cli.option.run_dir"))
    p.add_argument("--out", type=Path, help=t("cli.report.out"))
    p.add_argument("--official", default=OFFICIAL, help=t("cli.report.official", default=OFFICIAL))
    add_output_options(p, json_help=t("cli.report.json"), quiet_help=t("cli.option.quiet_success"))


def write_report(
    loaded: LoadedRun, out_dir: Path | None = None, *, official: str = OFFICIAL
) -> Written:
    """Write the HTML report and the decree attachment of a run read back by
    :func:`~placement.runs.directory.load_run` into ``out_dir`` (default: the run directory).

    Raises
    ------
    PlacementError
        When the run has no plan.
    """
    dataset, policy, solution = loaded.with_plan()
    out = loaded.path if out_dir is None else out_dir
    out.mkdir(parents=True, exist_ok=True)
    forecast = forecast_run(dataset, policy, solution)
    html_data = render_report(
        dataset, policy, solution, forecast=None if forecast is None else forecast.to_dict()
    ).encode("utf-8")
    xlsx_data = decree_workbook(dataset, solution, official=official)
    html_path, xlsx_path = out / HTML_NAME, out / XLSX_NAME
    html_path.write_bytes(html_data)
    xlsx_path.write_bytes(xlsx_data)
    assert solution.gaps is not None
    return Written(
        html=html_path,
        xlsx=xlsx_path,
        html_bytes=len(html_data),
        xlsx_bytes=len(xlsx_data),
        moves=int(loaded.summary["moves"]),
        new_placements=int(loaded.summary["new_placements"]),
        training_items=len(solution.gaps),
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement report``; return the exit status."""
    require_run_directory(args.run_dir)
    loaded = load_run(args.run_dir)
    if loaded.solution.plan is None:
        # Nothing to report is the run's own outcome, so it exits with the run's status.
        status = loaded.solution.status
        message = t("cli.report.no_plan", path=str(loaded.path), status=status)
        print(t("cli.error.usage", message=message), file=sys.stderr)
        return STATUS_EXIT.get(status, EXIT_ERROR)
    written = write_report(loaded, args.out, official=args.official)
    if args.json:
        print(json.dumps(written.to_dict(), indent=2, ensure_ascii=False))
    elif not args.quiet:
        print(t("cli.report.wrote_html", path=str(written.html), size=written.html_bytes))
        print(
            t(
                "cli.report.wrote_xlsx",
                path=str(written.xlsx),
                moves=written.moves,
                new_placements=written.new_placements,
            )
        )
        print(t("cli.report.training_items", count=written.training_items))
    return EXIT_OK
