"""``placement report RUN_DIR [--out DIR] [--json]``.

Writes ``report.html`` (a self-contained report, :mod:`placement.reports.html`) and
``lampiran-sk-mutasi.xlsx`` (the decree attachment, :mod:`placement.reports.decree`) into the run
directory or ``--out``. The run is loaded like ``placement explain`` does (re-solved and its
objective checked against the recorded one); the recorded summary.json is what the report
shows, so reporting the same run twice writes the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_ERROR, EXIT_INPUT, EXIT_OK, STATUS_EXIT, print_refusal
from placement.errors import DatasetError, PlacementError

HTML_NAME = "report.html"
XLSX_NAME = "lampiran-sk-mutasi.xlsx"


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


class _NoPlanError(PlacementError):
    """The run has no plan (INFEASIBLE or TIMEOUT_NO_SOLUTION): there is nothing to report."""

    def __init__(self, status: str, run_dir: Path) -> None:
        super().__init__(f"{run_dir} has no plan (status {status}): nothing to report")
        self.status = status


def register(subparsers: Any) -> None:
    """Add the ``report`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "report",
        help="write an HTML report and the decree attachment (xlsx) of a solved run",
        description="Write report.html (a self-contained report: summary, key figures, JPM "
        "before and after, moves between units, training needs, the moves) and "
        "lampiran-sk-mutasi.xlsx (the plan as the attachment of a transfer decree) for a run "
        "directory written by `placement solve --out`.",
    )
    p.add_argument("run_dir", type=Path, help="run directory (placement solve --out DIR)")
    p.add_argument("--out", type=Path, help="output folder (default: the run directory)")
    p.add_argument(
        "--official",
        default="WALI KOTA …",
        help="the signing official in the decree attachment (default: 'WALI KOTA …')",
    )
    p.add_argument("--json", action="store_true", help="print the files and counts as JSON")


def write_report(
    run_dir: Path, out_dir: Path | None = None, *, official: str = "WALI KOTA …"
) -> Written:
    """Write the HTML report and the decree attachment of a run directory.

    Raises
    ------
    PlacementError
        When the directory is not a run with a plan, or re-solving it does not give the
        recorded objective.
    """
    from placement.cli.explain import load_run
    from placement.reports.decree import decree_workbook
    from placement.reports.html import render_report

    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise PlacementError(f"{summary_path} not found: is {run_dir} a run directory?")
    recorded = json.loads(summary_path.read_text(encoding="utf-8"))
    if recorded.get("objective") is None:
        raise _NoPlanError(str(recorded.get("status")), run_dir)
    dataset, policy, solution = load_run(run_dir)
    # The recorded summary (with the recorded runtime) keeps the report's bytes stable.
    solution = dataclasses.replace(solution, summary=recorded)
    out = run_dir if out_dir is None else out_dir
    out.mkdir(parents=True, exist_ok=True)
    html_data = render_report(dataset, policy, solution).encode("utf-8")
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
        moves=int(recorded["moves"]),
        new_placements=int(recorded["new_placements"]),
        training_items=len(solution.gaps),
    )


def run(args: argparse.Namespace) -> int:
    """Run ``placement report``; return the exit status."""
    try:
        written = write_report(args.run_dir, args.out, official=args.official)
    except DatasetError as err:
        print_refusal(err)
        return EXIT_INPUT
    except _NoPlanError as err:
        print(f"error: {err}", file=sys.stderr)
        return STATUS_EXIT.get(err.status, EXIT_ERROR)
    except PlacementError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(written.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"wrote {written.html} ({written.html_bytes:,} bytes)")
        print(
            f"wrote {written.xlsx} ({written.moves:,} moves and "
            f"{written.new_placements:,} new placements)"
        )
        print(f"training items: {written.training_items:,}")
    return EXIT_OK
