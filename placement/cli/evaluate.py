"""The ``placement evaluate`` command: what past moves did to SKP ratings (CONTRACT §6).

Writes ``evaluation.json`` and ``evaluation.html`` into ``--out`` and prints a readable summary,
or the JSON itself with ``--json``. With ``--plan RUN_DIR`` it also applies the estimates to that
run's moves (:mod:`placement.analysis.forecast`) and writes ``forecast.json``; the page shows the
forecast and ``--json`` prints ``{"evaluation": …, "forecast": …}``. A refused dataset exits 2
(reported by the CLI's one handler) and writes nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from placement.cli.exits import EXIT_OK
from placement.cli.options import require_run_directory
from placement.i18n import current_locale, format_decimal, format_integer, t


def register(subparsers: Any) -> None:
    """Add the ``evaluate`` command to ``subparsers``."""
    parser = subparsers.add_parser(
        "evaluate",
        help=t("cli.evaluate.help"),
        description=t("cli.evaluate.description"),
    )
    parser.add_argument("dataset", type=Path, help=t("cli.option.dataset"))
    parser.add_argument("--out", type=Path, required=True, help=t("cli.option.out"))
    parser.add_argument("--plan", type=Path, metavar="RUN_DIR", help=t("cli.evaluate.plan"))
    parser.add_argument("--json", action="store_true", help=t("cli.evaluate.json"))
    parser.add_argument("--quiet", action="store_true", help=t("cli.option.quiet_success"))


def _number(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    text = format_decimal(abs(value) if signed else value, 3, current_locale())
    if not signed:
        return text
    return ("−" if value < 0 else "+") + text


def _estimate(e: dict[str, Any]) -> str:
    if e["estimate"] is None:
        return f"{'—':>7} {'':20} {format_integer(e['moves'], current_locale()):>6}"
    interval = f"[{_number(e['ci_low'])}, {_number(e['ci_high'])}]"
    moves = format_integer(e["moves"], current_locale())
    return f"{_number(e['estimate']):>7} {interval:20} {moves:>6}"


def render(result: dict[str, Any]) -> str:
    """evaluation.json as a readable table, in the current locale."""
    years = result["years"]
    span = f"{years[0]}–{years[1]}" if years else t("cli.evaluate.no_years")
    lines = [
        t("cli.evaluate.title", span=span),
        t("cli.evaluate.counts", moves=int(result["moves"]), people=int(result["people"])),
        t("cli.evaluate.method", method=result["method"]),
        "",
        f"{'':24}{t('cli.evaluate.effect'):>7} {t('cli.evaluate.interval'):20} "
        f"{t('cli.evaluate.moves'):>6}",
        f"{t('cli.evaluate.att'):24}{_estimate(result['att'])}",
        "",
        t("cli.evaluate.event_study"),
    ]
    lines += [f"{'  ' + str(e['event_year']):24}{_estimate(e)}" for e in result["event_study"]]
    lines += ["", t("cli.evaluate.groups")]
    for dimension, groups in result["groups"].items():
        for label, g in groups.items():
            lines.append(f"{'  ' + dimension + ' ' + label:24}{_estimate(g['att'])}")
            lines.append(f"{'    ' + t('cli.evaluate.year0'):24}{_estimate(g['year0'])}")
    naive = result["naive"]
    lines += [
        "",
        t("cli.evaluate.naive"),
        f"{'  ' + t('cli.evaluate.before_after'):24}{_number(naive['before_after']):>7}",
        f"{'  ' + t('cli.evaluate.movers_stayers'):24}{_number(naive['movers_vs_stayers']):>7}",
    ]
    if result["warnings"]:
        lines += ["", t("cli.evaluate.warnings")] + [f"  - {w}" for w in result["warnings"]]
    return "\n".join(lines) + "\n"


def render_forecast(forecast: dict[str, Any]) -> str:
    """forecast.json as readable lines, in the current locale."""
    lines = ["", t("cli.evaluate.forecast_title", moves=int(forecast["moves"]))]
    for key, label in (
        ("without_training", t("cli.evaluate.without_training")),
        (
            "with_training",
            t("cli.evaluate.with_training", listed=int(forecast["training_listed"])),
        ),
        ("training_change", t("cli.evaluate.training_change")),
    ):
        value = forecast[key]
        if value is not None:
            interval = f"[{_number(value['ci_low'])}, {_number(value['ci_high'])}]"
            lines.append(f"  {label:44}{_number(value['estimate']):>7} {interval}")
    if forecast["worst"]:
        lines.append("  " + t("cli.evaluate.worst"))
        lines += [
            f"    {m['nip']} {m['to_position']} {m['jpm_category']} {m['prior_tenure']} "
            f"{_number(m['without_training'])} → {_number(m['with_training'])}"
            + ("" if m["training_listed"] else " " + t("cli.evaluate.not_listed"))
            for m in forecast["worst"]
        ]
    lines += [f"  - {w}" for w in forecast["warnings"]]
    return "\n".join(lines) + "\n"


def _forecast(evaluation: dict[str, Any], dataset_sha: str, run_dir: Path) -> dict[str, Any]:
    from placement.analysis.forecast import forecast_plan
    from placement.runs.directory import load_run

    plan_dataset, policy, solution = load_run(run_dir).with_plan()
    result = forecast_plan(evaluation, plan_dataset, policy, solution).to_dict()
    if plan_dataset.sha256 != dataset_sha:
        result["warnings"].append(t("cli.evaluate.other_input"))
    return result


def run(args: argparse.Namespace) -> int:
    """Execute ``placement evaluate``; return the exit status."""
    from placement.analysis.evaluation import evaluate
    from placement.contract.readers import load_dataset
    from placement.reports.evaluation import render_evaluation

    if args.plan is not None:
        require_run_directory(args.plan, plan=True)
    dataset = load_dataset(args.dataset)
    result = evaluate(dataset).to_dict()
    forecast = None if args.plan is None else _forecast(result, dataset.sha256, args.plan)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(text + "\n", encoding="utf-8")
    page = render_evaluation(result, forecast)
    (out / "evaluation.html").write_bytes(page.encode("utf-8"))
    if forecast is not None:
        forecast_text = json.dumps(forecast, ensure_ascii=False, indent=2)
        (out / "forecast.json").write_text(forecast_text + "\n", encoding="utf-8")
    if args.json:
        shown = result if forecast is None else {"evaluation": result, "forecast": forecast}
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    elif not args.quiet:
        print(render(result) + ("" if forecast is None else render_forecast(forecast)), end="")
    return EXIT_OK
