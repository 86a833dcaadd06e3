"""Command line of the benchmark suite: ``python -m benchmarks`` and ``placement bench``.

``python -m benchmarks [SUITE] [PATH ...] [--solver auto] [--time-limit 60] [--json OUT]``

SUITE is one of ``quick``, ``gap``, ``city``, ``national``, ``all`` (default ``quick``).
PATHs (GAP files or folders of them) replace the suite's instances. Each instance prints one
JSON object per line to ``--json`` (``-`` for standard output). A named suite run without PATHs
writes ``benchmarks/results/<suite>.json`` (after every instance, so a long run keeps what it
measured) and regenerates ``benchmarks/RESULTS.md``. Exit status 1 when the engine returned a
wrong optimum.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.instances import Instance

_log = logging.getLogger("benchmarks")
ENGINE_SOLVERS = ("auto", "flow", "cpsat", "highs", "cbc")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark options (shared by ``python -m benchmarks`` and ``placement bench``)."""
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="SUITE|PATH",
        help="a suite (quick, gap, city, national, all; default quick), then GAP files or folders",
    )
    parser.add_argument(
        "--solver",
        default="auto",
        help="engine back-end(s), comma-separated: each is a separate run (default auto)",
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per solve, engine and baselines"
    )
    parser.add_argument("--json", help="write JSON lines here ('-' = standard output)")
    parser.add_argument("--data", type=Path, help="GAP data folder (default: shared/data/gap)")
    parser.add_argument(
        "--baselines",
        default="flow,highs,cbc,cpsat",
        help="baselines to run, comma-separated, of flow, highs, cbc, cpsat ('' for none)",
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not write results files and RESULTS.md"
    )


def _instances(targets: list[str], data_dir: Path) -> tuple[str, list[Instance], bool]:
    """The suite name, its instances, and whether they are the whole named suite."""
    from benchmarks.instances import SUITES, gap_instance, suite_instances

    suite = "quick"
    if targets and targets[0] in SUITES:
        suite, targets = targets[0], targets[1:]
    if not targets:
        return suite, suite_instances(suite, data_dir), True
    label = "gap" if suite in ("quick", "all") else suite
    found: list[Instance] = []
    for t in targets:
        path = Path(t)
        if path.is_dir():
            found += [gap_instance(p, label) for p in sorted(path.iterdir()) if p.is_file()]
        elif path.is_file():
            found.append(gap_instance(path, label))
        else:
            raise SystemExit(f"no such suite, GAP file or folder: {t}")
    return label, found, False


def run(args: argparse.Namespace) -> int:
    """Run the benchmarks described by ``args``; return the exit status."""
    from benchmarks import baselines, report
    from benchmarks.instances import gap_data_dir
    from benchmarks.runner import Options, failed, run_instance

    data_dir = gap_data_dir(args.data)
    suite, instances, whole = _instances(list(args.targets), data_dir)
    solvers = [s for s in args.solver.split(",") if s]
    unknown = [s for s in solvers if s not in ENGINE_SOLVERS]
    chosen = tuple(b for b in args.baselines.split(",") if b)
    unknown += [b for b in chosen if b not in baselines.BASELINES]
    if unknown or not solvers:
        print(
            f"unknown solver or baseline: {', '.join(unknown) or '(none given)'}", file=sys.stderr
        )
        return 2
    if not args.time_limit > 0:
        print("--time-limit must be positive", file=sys.stderr)
        return 2
    options = Options(time_limit_s=args.time_limit, data_dir=data_dir, baselines=chosen)
    save = whole and not args.no_save
    sink: IO[str] | None = None
    if args.json == "-":
        sink = sys.stdout
    elif args.json:
        sink = Path(args.json).open("w")  # noqa: SIM115 - closed below
    by_suite: dict[str, list[dict[str, Any]]] = {}
    wrong = 0
    try:
        for instance in instances:
            for record in run_instance(instance, solvers, options):
                wrong += failed(record)
                _log.info("%s", _line(record))
                if sink is not None:
                    sink.write(json.dumps(record) + "\n")
                    sink.flush()
                by_suite.setdefault(instance.suite, []).append(record)
                if save:
                    report.write_results(instance.suite, by_suite[instance.suite])
                    report.write_report()
    finally:
        if sink is not None and sink is not sys.stdout:
            sink.close()
    if wrong:
        _log.error("%d wrong optimum(s) in suite %s", wrong, suite)
    return 1 if wrong else 0


def _line(r: dict[str, Any]) -> str:
    ratios = " ".join(f"{k}={v:.2f}" for k, v in r["ratios"].items())
    return (
        f"{r['instance']:<28} {r['solver']:<6} {r['status']:<20} obj {r['objective']} "
        f"(known {r.get('known_optimum', r.get('agreed_optimum'))}, ok {r.get('correct')}) "
        f"{r['total_s']:.2f} s  ratios {ratios}"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    return run(args)
