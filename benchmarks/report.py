"""Results files and the Markdown report (``benchmarks/RESULTS.md``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.instances import GAP_FAMILIES

Record = dict[str, Any]
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
REPORT = BENCH_DIR / "RESULTS.md"
SUITE_ORDER = ("quick", "gap", "city", "national")
BASELINE_LABELS = {
    "flow": "raw min-cost flow",
    "highs": "raw HiGHS",
    "cbc": "CBC (PuLP)",
    "cpsat": "raw CP-SAT",
}


def machine() -> dict[str, Any]:
    """CPU model, cores and RAM from /proc, Python and library versions, and the date."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
    versions: dict[str, str | None] = {}
    for package in ("ortools", "highspy", "pulp", "numpy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "commit": _commit(),
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "versions": versions,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _commit() -> str | None:
    """The repository's commit, with ``+changes`` when the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+changes" if dirty else head


def write_results(suite: str, records: list[Record], folder: Path = RESULTS_DIR) -> Path:
    """Write ``<folder>/<suite>.json`` with the machine description and the records."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{suite}.json"
    path.write_text(json.dumps({"machine": machine(), "records": records}, indent=1) + "\n")
    return path


def load_results(folder: Path = RESULTS_DIR) -> dict[str, dict[str, Any]]:
    """Every suite's results file in ``folder``, by suite, in :data:`SUITE_ORDER` (other JSON
    files there, such as the committed ratios the quick tier checks, carry no ``machine``)."""
    read = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    found = {stem: data for stem, data in read.items() if "machine" in data}
    order = [s for s in SUITE_ORDER if s in found] + [s for s in found if s not in SUITE_ORDER]
    return {s: found[s] for s in order}


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if value < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _short(status: str | None) -> str:
    return {
        "OPTIMAL": "opt",
        "FEASIBLE": "feas",
        "TIMEOUT_NO_SOLUTION": "timeout",
        "INFEASIBLE": "infeas",
        "INVALID": "INVALID",
    }.get(status or "", status or "–")


def _ratio(record: Record, name: str) -> str:
    base = record["baselines"].get(name)
    if base is None or name not in record["ratios"]:
        return "–"
    mark = "" if base["status"] in ("OPTIMAL", "INFEASIBLE") else f" ({_short(base['status'])})"
    return f"{record['ratios'][name]:.2f}{mark}"


def suite_table(records: list[Record]) -> list[str]:
    """One row per record: engine result and time, ratios to each baseline, memory."""
    names = [n for n in BASELINE_LABELS if any(n in r["baselines"] for r in records)]
    head = [
        "instance",
        "engine",
        "status",
        "objective",
        "known / agreed",
        "ok",
        "build s",
        "total s",
        *[f"÷ {BASELINE_LABELS[n]}" for n in names],
        "peak RSS MB",
        "peak py MB",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in records:
        known = r.get("known_optimum")
        if known is None:
            known = r.get("agreed_optimum")
        ok = {True: "yes", False: "**NO**", None: "–"}[r.get("correct")]
        cells = [
            r["instance"],
            r["solver"],
            _short(r["status"]),
            _fmt(r["objective"]),
            _fmt(known),
            ok,
            _fmt(r.get("build_s")),
            _fmt(r.get("total_s")),
            *[_ratio(r, n) for n in names],
            _fmt(r.get("peak_rss_mb")),
            _fmt(r.get("peak_python_mb")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def baseline_table(records: list[Record]) -> list[str]:
    """Per record, each baseline's status and total time."""
    names = [n for n in BASELINE_LABELS if any(n in r["baselines"] for r in records)]
    head = ["instance", "engine s", *[f"{BASELINE_LABELS[n]} s (status)" for n in names]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in records:
        cells = [r["instance"], f"{_fmt(r.get('total_s'))} ({_short(r['status'])})"]
        for n in names:
            b = r["baselines"].get(n)
            cells.append("–" if b is None else f"{_fmt(b['total_s'])} ({_short(b['status'])})")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def gap_counts(records: list[Record]) -> list[str]:
    """Per GAP family: how many instances each method solved to the known optimum."""
    gap = [r for r in records if r["kind"] == "gap"]
    if not gap:
        return []
    methods: list[tuple[str, str]] = [
        (f"engine {s}", s) for s in dict.fromkeys(r["solver"] for r in gap)
    ]
    names = [n for n in BASELINE_LABELS if any(n in r["baselines"] for r in gap)]
    head = ["family", "instances", "with proven optimum", *[m[0] for m in methods]]
    head += [BASELINE_LABELS[n] for n in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for family in GAP_FAMILIES:
        rows = [r for r in gap if r["family"] == family]
        if not rows:
            continue
        instances = sorted({r["instance"] for r in rows})
        proven = sorted({r["instance"] for r in rows if r.get("known_optimum") is not None})
        cells = [family, str(len(instances)), str(len(proven))]
        for _, solver in methods:
            mine = [r for r in rows if r["solver"] == solver]
            cells.append(f"{sum(_hit(r) for r in mine)} / {len(mine)}")
        first = {r["instance"]: r for r in rows}
        for n in names:
            hits = sum(_hit(r["baselines"][n]) for r in first.values() if n in r["baselines"])
            cells.append(f"{hits} / {len(first)}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _hit(m: Record) -> bool:
    return m.get("status") == "OPTIMAL" and m.get("correct") is True


def render(results: dict[str, dict[str, Any]]) -> str:
    """The whole report."""
    latest = max((r["machine"] for r in results.values()), key=lambda m: m["date"], default=None)
    out = ["# Benchmark results", ""]
    out.append(
        "Regenerated by `python -m benchmarks` (`make bench`) from `benchmarks/results/*.json`; "
        "see `benchmarks/README.md` for the protocol. Ratios are engine total time ÷ baseline "
        "total time on the same instance in the same run (below 1: the engine is faster); a "
        "baseline that did not prove its answer within the time limit is marked (feas / "
        "timeout), its time is then the limit."
    )
    out.append("")
    if latest is not None:
        v = latest["versions"]
        out += [
            f"- machine: {latest['cpu']}, {latest['cores']} cores, {latest['ram_gb']} GB RAM",
            f"- Python {latest['python']}; ortools {v.get('ortools')}, highspy "
            f"{v.get('highspy')}, pulp {v.get('pulp')}, numpy {v.get('numpy')}, pandas "
            f"{v.get('pandas')}",
            f"- date of the latest run: {latest['date']}; commit {latest.get('commit')}",
            "",
        ]
    for suite, data in results.items():
        records = data["records"]
        if not records:
            continue
        limits = sorted({r["time_limit_s"] for r in records})
        out += [
            f"## {suite}",
            "",
            f"{len(records)} runs, time limit {', '.join(f'{x:g}' for x in limits)} s per "
            f"solve; run {data['machine']['date']}.",
            "",
        ]
        counts = gap_counts(records)
        if counts:
            out += ["Solved to the known optimum within the time limit:", "", *counts, ""]
        out += [*suite_table(records), "", "Baseline times:", "", *baseline_table(records), ""]
    return "\n".join(out)


def write_report(folder: Path = RESULTS_DIR, report: Path = REPORT) -> Path:
    """Regenerate the Markdown report from every results file."""
    report.write_text(render(load_results(folder)))
    return report
