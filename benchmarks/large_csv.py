"""A national-sized CSV dataset: 100,000 people and over a million competency rows, loaded and
solved.

``python -m benchmarks.large_csv [--size 100000] [--out DIR] [--repeats 3] [--policies pure]``

Writes the generated city (:mod:`placement.synthetic.city`) as a folder of CSV files — more rows
than a spreadsheet holds (1,048,575), which only the CSV and JSON forms accept, up to
:data:`placement.contract.readers.MAX_ROWS` by default — then, in a fresh process per repeat so
that the peak memory is the load's and the solve's alone, loads it with
:func:`placement.contract.readers.load_dataset` and solves it under each named policy:

* ``pure`` — no side rule (nobody separated): a pure assignment, proven by flow with column
  generation;
* ``light`` — the contract's defaults: spouses may not newly share a unit (G03). Not solved by
  default (it takes minutes): the side rule is priced over the move space, with about 1.6 of
  the 32.5 million allowed pairs listed at 100,000 people.

It prints one line per repeat and a median line: load seconds, peak resident memory after the
load, then per policy compile/solve/check seconds, status, objective, bound and the peak memory
so far, and the machine's load average. Every plan has passed the independent checker (the
engine raises otherwise), and the benchmark asserts that each status is OPTIMAL.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.synthetic.city import DEFAULT_REFERENCE_DATE, generate, write_csv

SEED = 2026
#: The policies solved after the load, by name: the keys that differ from the defaults.
POLICIES: dict[str, dict[str, object]] = {
    "pure": {"separate_relations": []},
    "light": {},
}
DEFAULT_POLICIES = ("pure",)


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far, in GB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def write(size: int, out: Path) -> dict[str, int]:
    """Generate the city and write it as CSV files into ``out``; the rows per table."""
    tables = generate(size, SEED)
    write_csv(tables, out)
    return {name: len(frame) for name, frame in tables.items()}


def measure(folder: Path, policies: list[str]) -> dict[str, Any]:
    """Load ``folder`` and solve it under each policy, in this process; the figures."""
    started, cpu = time.perf_counter(), time.process_time()
    dataset = load_dataset(folder)
    out: dict[str, Any] = {
        "load_s": round(time.perf_counter() - started, 2),
        "load_cpu_s": round(time.process_time() - cpu, 2),
        "load_rss_gb": round(peak_rss_gb(), 2),
        "competencies": len(dataset.competencies),
    }
    print(json.dumps(out), file=sys.stderr, flush=True)
    for name in policies:
        policy = load_policy(
            {"reference_date": DEFAULT_REFERENCE_DATE.isoformat(), "seed": 0, **POLICIES[name]},
            dataset,
        )
        t0, cpu = time.perf_counter(), time.process_time()
        sol = solve(dataset, policy)
        out[name] = {
            "total_s": round(time.perf_counter() - t0, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            **sol.timings,
            "status": str(sol.status),
            "objective": sol.objective,
            "bound": sol.bound,
            "pairs": sol.summary.get("model", {}).get("pairs"),
            "side_constraints": sol.summary.get("model", {}).get("side_constraints"),
            "rss_gb": round(peak_rss_gb(), 2),
        }
    return out


def _child(folder: Path, policies: list[str]) -> dict[str, Any]:
    """:func:`measure` in a fresh interpreter, so that its peak memory is its own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.large_csv", "--measure", str(folder),
         "--policies", ",".join(policies)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Write the dataset, then load and solve it ``--repeats`` times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None, help="folder for the CSV files")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--policies", default=",".join(DEFAULT_POLICIES))
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    policies = [p for p in args.policies.split(",") if p]
    if args.measure is not None:
        print(json.dumps(measure(args.measure, policies)), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp) / "city"
        started = time.perf_counter()
        rows = write(args.size, folder)
        size_mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1e6
        print(
            f"wrote {args.size:,} people in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in rows.items())
            + f" ({size_mb:.0f} MB)",
            flush=True,
        )
        assert rows["competencies"] > 1_000_000 or args.size < 100_000, rows
        runs: list[dict[str, Any]] = []
        for i in range(args.repeats):
            run = _child(folder, policies)
            runs.append(run)
            print(f"run {i + 1}: {json.dumps(run)} | load {os.getloadavg()[0]:.2f}", flush=True)
            for name in policies:
                assert run[name]["status"] == "OPTIMAL", run[name]
        print(
            f"median of {len(runs)}: load {statistics.median(r['load_s'] for r in runs):.1f} s "
            f"({statistics.median(r['load_rss_gb'] for r in runs):.2f} GB)"
            + "".join(
                f", {name} {statistics.median(r[name]['total_s'] for r in runs):.1f} s "
                f"({max(r[name]['rss_gb'] for r in runs):.2f} GB)"
                for name in policies
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
