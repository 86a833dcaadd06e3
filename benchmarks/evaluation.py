"""How fast the evaluation of past moves runs: generated cities with nine SKP years.

``python -m benchmarks.evaluation [--sizes 5000,100000] [--repeats 3,1] [--json OUT]``

For each size a child process generates a city with planted move effects
(:func:`placement.synthetic.history.generate_history`, 2016–2024) and writes it as a CSV folder;
a second, fresh child loads the folder (as ``placement evaluate`` does) and times
:func:`placement.analysis.evaluation.evaluate` ``repeats`` times (the median is reported). The
second child's peak resident memory covers loading and evaluating, not the generator's text
rows. It asserts that the overall estimate's interval covers the planted truth. Targets on a
2-core machine: 5,000 people in ≤ 10 s; 100,000 in ≤ 2 minutes and ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from placement.analysis.evaluation import evaluate
from placement.contract.readers import load_dataset
from placement.synthetic.city import write_csv
from placement.synthetic.history import generate_history

TARGETS: dict[int, tuple[float, float | None]] = {5000: (10.0, None), 100_000: (120.0, 4.0)}


def write(n_people: int, folder: Path) -> float:
    """Generate ``n_people`` × 9 years into ``folder`` (CSV); return the planted ATT."""
    history = generate_history(n_people, seed=1)
    write_csv({name: pd.DataFrame(rows) for name, rows in history.tables.items()}, folder)
    return history.truth.att


def measure(folder: Path, truth: float, repeats: int) -> dict[str, Any]:
    """Seconds (load, each evaluation, their median) and peak memory of evaluating ``folder``."""
    t0 = time.perf_counter()
    dataset = load_dataset(folder)
    load = time.perf_counter() - t0
    runs, cpu = [], []
    result = None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = evaluate(dataset)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert result is not None and result.att.estimate is not None
    assert result.att.ci_low is not None and result.att.ci_high is not None
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {
        "people": len(dataset.employees),
        "years": 9,
        "ratings": len(dataset.history["performance_history"]),
        "moves": result.moves,
        "load_s": round(load, 2),
        "evaluate_s": [round(r, 2) for r in runs],
        "median_s": round(statistics.median(runs), 2),
        # CPU seconds of this process (all its threads): less sensitive to a busy machine.
        "median_cpu_s": round(statistics.median(cpu), 2),
        "peak_rss_gb": round(peak_gb, 2),
        "att": round(result.att.estimate, 4),
        "att_interval": [round(result.att.ci_low, 4), round(result.att.ci_high, 4)],
        "truth": round(truth, 4),
        "covers_truth": result.att.ci_low <= truth <= result.att.ci_high,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| people × years | ratings | moves | load s | evaluate s (median) | CPU s | runs "
        "| peak RSS GB | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        seconds, memory = TARGETS.get(r["people"], (None, None))
        target = " ".join(
            t
            for t in (
                f"≤ {seconds:g} s" if seconds else "",
                f"≤ {memory:g} GB" if memory else "",
            )
            if t
        )
        lines.append(
            f"| {r['people']:,} × {r['years']} | {r['ratings']:,} | {r['moves']:,} | "
            f"{r['load_s']} | {r['median_s']} | {r['median_cpu_s']} | {len(r['evaluate_s'])} "
            f"| {r['peak_rss_gb']} "
            f"| {target} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Measure every size in its own process; print a Markdown table (and write JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,100000")
    parser.add_argument("--repeats", default="3,1", help="runs per size, in the order of sizes")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    parser.add_argument("--write", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--truth", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write is not None:
        # First child: the generated city, its planted ATT on stdout.
        print(json.dumps(write(args.write, args.folder)))
        return
    if args.measure is not None:
        # Second child: one size, its row as JSON on stdout.
        print(json.dumps(measure(args.measure, args.truth, int(args.repeats))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    repeats = [int(r) for r in args.repeats.split(",")]
    repeats += [repeats[-1]] * (len(sizes) - len(repeats))
    rows = []
    child = [sys.executable, "-m", "benchmarks.evaluation"]
    for size, count in zip(sizes, repeats, strict=True):
        with tempfile.TemporaryDirectory() as folder:
            made = [*child, "--write", str(size), "--folder", folder]
            truth = json.loads(subprocess.run(made, capture_output=True, check=True).stdout)
            timed = [*child, "--measure", folder, "--truth", str(truth), "--repeats", str(count)]
            rows.append(json.loads(subprocess.run(timed, capture_output=True, check=True).stdout))
    sys.stdout.write(_table(rows) + "\n")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
