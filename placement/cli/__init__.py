"""The ``placement`` command line.

Exit codes: 0 a plan was found (OPTIMAL or FEASIBLE) or a check passed; 1 the checker found
violations, or an unexpected engine error; 2 the dataset, policy or plan file was refused
(every problem is printed, nothing is written); 3 the rules are INFEASIBLE; 4 the time limit
ran out before any plan was found (TIMEOUT_NO_SOLUTION).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from placement.cli.exits import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    STATUS_EXIT,
    print_refusal,
)
from placement.errors import DatasetError, PlacementError, PlanFormatError

DEMO_OUT = Path("demo-output")


def demo_dataset_path() -> Path:
    """Folder of the embedded sample dataset (a synthetic Binjai-sized city)."""
    return Path(str(resources.files("placement") / "data" / "binjai"))


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be an integer ≥ 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="placement",
        description="Optimal, checked placement of civil servants (ASN) into positions.",
        epilog=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log engine details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    solve = sub.add_parser(
        "solve",
        help="solve a dataset and write plan.csv, summary.json and gaps.csv",
        description="Solve DATASET (a folder of CSVs, an .xlsx or a .json file) under a "
        "policy and write plan.csv, summary.json and gaps.csv into --out.",
    )
    solve.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    _solve_options(solve)
    solve.add_argument("--out", type=Path, default=Path("out"), help="output folder (./out)")
    solve.add_argument(
        "--previous",
        type=Path,
        help="a previous plan.csv to stay close to: with the policy's disruption_weight each "
        "changed assignment is penalised; summary.json reports how many changes were needed",
    )

    chk = sub.add_parser(
        "check",
        help="check a plan against every rule and recompute its scores",
        description="Re-verify every hard rule of PLAN and recompute every score, "
        "independently of the solver. Exit status 1 when there are violations.",
    )
    chk.add_argument("dataset", type=Path, help="dataset: CSV folder, .xlsx or .json")
    chk.add_argument("plan", type=Path, help="plan.csv to check")
    chk.add_argument("--policy", type=Path, help="policy JSON file (defaults otherwise)")
    chk.add_argument("--quiet", action="store_true", help="print only violations")

    sample = sub.add_parser(
        "sample",
        help="write a synthetic city-government dataset",
        description="Write a realistic synthetic city-government dataset as a CSV folder "
        "(deterministic for a seed).",
    )
    sample.add_argument("--employees", type=int, default=5000, help="number of employees")
    sample.add_argument("--seed", type=_non_negative_int, default=2026, help="random seed")
    sample.add_argument("--out", type=Path, required=True, help="output folder")

    demo = sub.add_parser(
        "demo",
        help="solve the embedded sample city and print a readable summary",
        description="Solve the embedded sample dataset (a synthetic Binjai-sized city, "
        f"~5,000 employees), print a readable summary and write the outputs to ./{DEMO_OUT}/.",
    )
    _solve_options(demo, with_policy=False)
    demo.add_argument("--out", type=Path, default=DEMO_OUT, help=f"output folder (./{DEMO_OUT})")

    replay = sub.add_parser(
        "replay",
        help="solve a recorded run again and prove the plan is byte-identical",
        description="Solve the input recorded in RUN_DIR (input.json.gz) under its recorded "
        "policy and compare the new plan.csv with the recorded one. Exit status 1 when they "
        "differ.",
    )
    replay.add_argument("run_dir", type=Path, help="a folder written by placement solve --out")
    replay.add_argument("--json", action="store_true", help="print JSON")

    from placement.cli.diagnose import register as register_diagnose
    from placement.cli.explain import register as register_explain
    from placement.cli.fairness import register as register_fairness
    from placement.cli.report import register as register_report
    from placement.cli.scenario import register as register_scenario

    register_explain(sub)
    register_fairness(sub)
    register_report(sub)
    register_diagnose(sub)
    register_scenario(sub)

    from placement.cli.bench import register as register_bench

    register_bench(sub)

    from placement.cli.evaluate import register as register_evaluate

    register_evaluate(sub)

    # The HTTP service's commands (serve, keys, audit) live with the service; imported here
    # only to build the parser, so the engine itself never depends on the service.
    from api.cli import register as register_service_commands

    register_service_commands(sub)
    return parser


def _solve_options(p: argparse.ArgumentParser, *, with_policy: bool = True) -> None:
    if with_policy:
        p.add_argument("--policy", type=Path, help="policy JSON file (defaults otherwise)")
    p.add_argument(
        "--solver",
        choices=("auto", "flow", "cpsat", "highs", "cbc"),
        help="back-end (overrides the policy; default auto)",
    )
    p.add_argument("--time-limit", type=_positive_float, help="seconds (overrides the policy)")
    p.add_argument("--seed", type=_non_negative_int, help="random seed (overrides the policy)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


@contextlib.contextmanager
def _progress(console: Console, quiet: bool) -> Iterator[Callable[[str], None]]:
    if quiet or not console.is_terminal:
        yield lambda _stage: None
        return
    with console.status("starting") as status:
        yield lambda stage: status.update(stage)


def _solve(args: argparse.Namespace, dataset_path: Path, policy_path: Path | None) -> int:
    from placement.contract.policy import load_policy
    from placement.contract.readers import load_dataset
    from placement.engine import solve
    from placement.runs.directory import write_outputs

    console = Console(stderr=True)
    quiet: bool = args.quiet
    with _progress(console, quiet) as stage:
        stage("loading the dataset")
        dataset = load_dataset(dataset_path)
        policy = load_policy(policy_path, dataset)
        if args.solver is not None:
            policy = dataclasses.replace(policy, solver=args.solver)
        if args.time_limit is not None:
            policy = dataclasses.replace(policy, time_limit_s=args.time_limit)
        if args.seed is not None:
            policy = dataclasses.replace(policy, seed=args.seed)
        previous = None
        if getattr(args, "previous", None) is not None:
            from placement.check import read_plan_csv

            frame = read_plan_csv(args.previous)
            previous = dict(zip(frame["nip"], frame["to_position"], strict=True))
        solution = solve(dataset, policy, previous=previous, on_stage=stage)
        stage("writing outputs")
        written = write_outputs(solution, args.out)
    s = solution.summary
    if args.command == "demo":
        _print_demo(solution)
    else:
        print(f"status     {s['status']}")
        print(f"objective  {s['objective']}  (bound {s['bound']}, solver {s['solver']})")
        if solution.plan is not None:
            print(
                f"moves {s['moves']}, new placements {s['new_placements']}, "
                f"unplaced {s['unplaced']}, vacancies filled {s['vacancies_filled']}"
            )
        elif "diagnosis" in s:
            print(f"diagnosis  {s['diagnosis']['text']}")
        elif "message" in s:
            print(f"reason     {s['message']}")
        if "disruption" in s:
            print(f"changes    {s['disruption']['changes']} from the previous plan")
        print(f"runtime    {s['runtime_s']} s")
    for path in written:
        print(f"wrote {path}")
    return STATUS_EXIT[solution.status]


def _print_demo(solution: object) -> None:
    from placement.engine import Solution
    from placement.reports.kpis import kpis

    assert isinstance(solution, Solution)
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


def _check(args: argparse.Namespace) -> int:
    from placement.check import check, format_violations, read_plan_csv
    from placement.contract.policy import load_policy
    from placement.contract.readers import load_dataset

    dataset = load_dataset(args.dataset)
    policy = load_policy(args.policy, dataset)
    plan = read_plan_csv(args.plan)
    report = check(dataset, policy, plan)
    for line in format_violations(report):
        print(line)
    if not args.quiet:
        verdict = "OK" if report.ok else f"{len(report.violations)} violation(s)"
        print(f"{verdict}; objective {report.objective}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def _replay(args: argparse.Namespace) -> int:
    import json

    from placement.runs.record import replay

    outcome = replay(args.run_dir)
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2))
    else:
        verdict = "identical" if outcome.identical else "DIFFERENT"
        print(f"replayed plan is {verdict} (sha256 {outcome.replayed_plan_sha256})")
        recorded, replayed = outcome.recorded_objective, outcome.replayed_objective
        print(f"objective recorded {recorded}, replayed {replayed}")
        for line in outcome.differences:
            print(f"  {line}")
    return EXIT_OK if outcome.identical else EXIT_VIOLATIONS


def _sample(args: argparse.Namespace) -> int:
    from placement.synthetic.city import generate, write_csv

    if args.employees < 1:
        print("--employees must be at least 1", file=sys.stderr)
        return EXIT_INPUT
    write_csv(generate(args.employees, args.seed), args.out)
    print(f"wrote a {args.employees:,}-employee dataset to {args.out}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command in ("serve", "keys", "audit"):
            from api.cli import run as run_service_command

            return run_service_command(args)
        if args.command == "solve":
            return _solve(args, args.dataset, args.policy)
        if args.command == "demo":
            path = demo_dataset_path()
            return _solve(args, path, path / "policy.json")
        if args.command == "check":
            return _check(args)
        if args.command == "replay":
            return _replay(args)
        if args.command in ("scenario", "compare"):
            from placement.cli.scenario import run as run_scenario

            return run_scenario(args)
        if args.command == "diagnose":
            from placement.cli.diagnose import run as run_diagnose

            return run_diagnose(args)
        if args.command == "evaluate":
            from placement.cli.evaluate import run as run_evaluate

            return run_evaluate(args)
        if args.command == "bench":
            from placement.cli.bench import run as run_bench

            return run_bench(args)
        if args.command == "explain":
            from placement.cli import explain as cli_explain

            return cli_explain.run(args)
        if args.command == "fairness":
            from placement.cli import fairness as cli_fairness

            return cli_fairness.run(args)
        if args.command == "report":
            from placement.cli import report as cli_report

            return cli_report.run(args)
        return _sample(args)
    except DatasetError as err:
        print_refusal(err)
        return EXIT_INPUT
    except PlanFormatError as err:
        print(f"refused: {err}", file=sys.stderr)
        return EXIT_INPUT
    except PlacementError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_VIOLATIONS


if __name__ == "__main__":
    sys.exit(main())
