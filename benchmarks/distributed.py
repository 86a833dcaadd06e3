"""Runs through the executors: a national instance on Dask, its speed-up from 1 to 2 workers, and
a sweep over the embedded sample city.

``python -m benchmarks.distributed national --dir DIR [--agencies 500] [--out OUT]`` writes the
agency folders (:func:`benchmarks.instances.write_national_folder`, once) and solves them end to
end on a Dask ``LocalCluster`` of ``--workers`` (default 2) single-threaded workers, writing each
agency's run and the table into OUT as ``placement solve-many`` does; it prints the time, the
statuses and the peak memory of the scheduler process (which also holds the client) and of each
worker.

``python -m benchmarks.distributed speedup --dir DIR --agencies 40 --repeats 3`` solves the
first ``--agencies`` agencies end to end as ``placement solve-many --cluster local`` does (run
directories and table written to a temporary folder) on clusters of 1 and of 2 workers,
alternately, and prints the median times, their ratio and the load average before and after.
``--mode bytes`` makes the tasks carry the agencies' files and bring the run directories back,
as for a remote cluster without shared storage, instead of the workers reading and writing
the folders themselves.

``python -m benchmarks.distributed sweep [--workers 2]`` solves a 20-point grid (max_moves ×
jpm_floor) over the embedded 5,000-employee sample and prints the time and the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.instances import MILLION_AGENCIES, write_national_folder
from placement.batch.national import read_agencies, run_national, write_national
from placement.batch.sweep import read_grid, run_sweep, sweep_table, write_sweep
from placement.cli.demo import demo_dataset_path
from placement.contract.readers import load_dataset
from placement.executors import DaskCluster, Executor, LocalPool

#: The sweep's grid: ten move budgets by two JPM floors.
SWEEP_GRID: dict[str, Any] = {
    "grid": {"max_moves": [100 * k for k in range(1, 11)], "jpm_floor": [60, 68]}
}


def peak_rss_mb() -> float:
    """Peak resident memory of the calling process, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def cluster_memory(cluster: DaskCluster) -> dict[str, float]:
    """Peak resident memory (MB) of the scheduler's process and of each worker process."""
    client = cluster.client
    workers = client.run(peak_rss_mb)
    out = {"scheduler": float(client.run_on_scheduler(peak_rss_mb))}
    out.update({f"worker {i + 1}": float(v) for i, v in enumerate(workers.values())})
    return out


def national(args: argparse.Namespace) -> None:
    """Write (once) and solve the national instance end to end."""
    started = time.perf_counter()
    write_national_folder(args.dir, args.agencies)
    print(f"instance ready in {time.perf_counter() - started:.1f}s: {args.dir}", flush=True)
    started = time.perf_counter()
    agencies = read_agencies(args.dir, files=False)[: args.agencies]
    read_s = time.perf_counter() - started
    cluster = DaskCluster("local", workers=args.workers)
    try:
        started = time.perf_counter()
        done = [0]

        def tick(_run: object) -> None:
            done[0] += 1
            if done[0] % 50 == 0:
                print(f"  {done[0]} agencies in {time.perf_counter() - started:.0f}s", flush=True)

        runs = run_national(agencies, cluster, on_done=tick, out=args.out)
        solve_s = time.perf_counter() - started
        memory = cluster_memory(cluster)
    finally:
        cluster.close()
    started = time.perf_counter()
    if args.out is not None:
        write_national(runs, args.out)
    write_s = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for r in runs:
        statuses[r.run.status] = statuses.get(r.run.status, 0) + 1
    people = sum(int(r.run.figures.get("moves") is not None) for r in runs) * 2_000
    result = {
        "agencies": len(runs),
        "employees_with_plan": people,
        "workers": args.workers,
        "read_s": round(read_s, 1),
        "solve_s": round(solve_s, 1),
        "write_s": round(write_s, 1),
        "statuses": statuses,
        "objective": sum(r.run.figures.get("objective") or 0 for r in runs),
        "peak_rss_mb": memory,
    }
    print(json.dumps(result, indent=2), flush=True)


def _timed(executor: Executor, agencies: list[Any]) -> float:
    """Seconds to solve and write ``agencies`` as ``solve-many`` does, into a scratch folder."""
    out = Path(tempfile.mkdtemp(prefix="speedup-"))
    try:
        started = time.perf_counter()
        runs = run_national(agencies, executor, out=out)
        write_national(runs, out)
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)
    bad = [r.agency for r in runs if r.run.error and r.run.status not in ("INFEASIBLE",)]
    if bad:
        raise RuntimeError(f"agencies failed: {bad}")
    return elapsed


def speedup(args: argparse.Namespace) -> None:
    """Median times on 1 and 2 workers, alternating to share the machine's noise."""
    write_national_folder(args.dir, args.agencies)
    agencies = read_agencies(args.dir, files=False)[: args.agencies]
    shared = args.mode == "shared"
    one = DaskCluster("local", workers=1, shared_storage=shared)
    two = DaskCluster("local", workers=2, shared_storage=shared)
    times: dict[int, list[float]] = {1: [], 2: []}
    load_before = os.getloadavg()
    try:
        _timed(two, agencies[:2])  # both workers import the solvers before the clock starts
        _timed(one, agencies[:1])
        for repeat in range(args.repeats):
            times[1].append(_timed(one, agencies))
            times[2].append(_timed(two, agencies))
            print(f"  repeat {repeat + 1}: 1 worker {times[1][-1]:.1f}s, "
                  f"2 workers {times[2][-1]:.1f}s, load {os.getloadavg()[0]:.2f}",
                  flush=True)  # fmt: skip
    finally:
        one.close()
        two.close()
    m1, m2 = statistics.median(times[1]), statistics.median(times[2])
    print(json.dumps({"agencies": len(agencies), "mode": args.mode,
                      "median_1_worker_s": round(m1, 1), "median_2_workers_s": round(m2, 1),
                      "speedup": round(m1 / m2, 2), "times": times,
                      "load_before": load_before, "load_after": os.getloadavg()},
                     indent=2))  # fmt: skip


def sweep(args: argparse.Namespace) -> None:
    """The 20-point sweep over the embedded sample."""
    sample = demo_dataset_path()
    dataset = load_dataset(sample)
    policy = json.loads((sample / "policy.json").read_text(encoding="utf-8"))
    points = read_grid(SWEEP_GRID)
    executor: Executor = (
        DaskCluster("local", workers=args.workers) if args.dask else LocalPool(args.workers)
    )
    try:
        started = time.perf_counter()
        runs = run_sweep(dataset, policy, points, executor)
        elapsed = time.perf_counter() - started
    finally:
        executor.close()
    if args.out is not None:
        write_sweep(runs, args.out, title="Sweep of the sample city: max_moves × jpm_floor")
    table = sweep_table(runs)
    columns = ["point", "max_moves", "jpm_floor", "status", "objective", "moves",
               "mean_jpm_after", "MS_after", "pareto", "runtime_s"]  # fmt: skip
    print(table[columns].to_string(index=False))
    where = "Dask LocalCluster" if args.dask else "local pool"
    print(f"{len(points)} points on {where} of {args.workers} worker(s): {elapsed:.1f}s")


def main(argv: list[str] | None = None) -> None:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("national", help="the national instance end to end on Dask")
    p.add_argument("--dir", type=Path, required=True, help="agency folders (written once)")
    p.add_argument("--agencies", type=int, default=MILLION_AGENCIES)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, help="write every agency's run and the table here")
    p = sub.add_parser("speedup", help="1 against 2 Dask workers on a subset")
    p.add_argument("--dir", type=Path, required=True)
    p.add_argument("--agencies", type=int, default=40)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--mode", choices=("shared", "bytes"), default="shared",
                   help="workers read and write the folders (solve-many's default), or the "
                        "files travel with the tasks")  # fmt: skip
    p = sub.add_parser("sweep", help="a 20-point sweep over the embedded sample")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--dask", action="store_true", help="on a Dask LocalCluster")
    p.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    {"national": national, "speedup": speedup, "sweep": sweep}[args.command](args)


if __name__ == "__main__":
    main()
