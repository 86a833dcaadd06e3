"""How close a pure assignment comes to the bare min-cost flow: engine ``solve()`` ÷ raw flow.

``python -m benchmarks.pure_floor [--sizes 5000] [--repeats 3]``

For each size, one generated city (seed 2026) under the contract defaults without relation
separation is solved ``--repeats`` times by :func:`placement.engine.solve`, and the model's
arcs are built and solved as often by a bare OR-Tools ``SimpleMinCostFlow``
(:func:`benchmarks.scale.raw_flow_seconds`), alternating, in the same process, after one
untimed solve of each (first calls load modules and catalogs). It prints the medians, their
ratio, the same ratio in processor time (steadier than the wall clock on a loaded machine),
the engine's own split (compile, solve, check, the rest: plan, gaps and summary frames), and
the time of each checker on the engine's plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchmarks.scale import city, plain_policy, raw_flow_seconds
from placement.check import check
from placement.engine import solve


def measure(n: int, repeats: int) -> str:
    """One result line for a city of ``n`` employees."""
    _tables, dataset = city(n)
    policy = plain_policy(dataset)
    ends: list[float] = []
    raws: list[float] = []
    cpu_ends: list[float] = []
    cpu_raws: list[float] = []
    splits: list[dict[str, float]] = []
    warm = solve(dataset, policy)
    assert warm.compiled is not None
    raw_flow_seconds(warm.compiled.model)
    sol = None
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        sol = solve(dataset, policy)
        ends.append(time.perf_counter() - started)
        cpu_ends.append(time.process_time() - cpu)
        splits.append(sol.timings)
        assert sol.compiled is not None
        cpu = time.process_time()
        raws.append(raw_flow_seconds(sol.compiled.model))
        cpu_raws.append(time.process_time() - cpu)
    assert sol is not None and sol.plan is not None
    checks = {}
    for method in ("vectorised", "scalar"):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            report = check(dataset, policy, sol.plan, method=method)
            times.append(time.perf_counter() - started)
            assert report.ok and report.objective == sol.objective
        checks[method] = statistics.median(times)
    engine, raw = statistics.median(ends), statistics.median(raws)
    cpu_ratio = statistics.median(cpu_ends) / statistics.median(cpu_raws)
    split = {k: statistics.median(s[k] for s in splits) for k in splits[0]}
    rest = engine - sum(split.values())
    pairs = sol.compiled.model.n_pairs if sol.compiled else 0
    parts = " ".join(f"{k} {v:.3f}s" for k, v in split.items())
    return (
        f"pure-{n}: engine {engine:.3f}s raw flow {raw:.3f}s ratio {engine / raw:.2f}x "
        f"(processor time {cpu_ratio:.2f}x) | "
        f"{parts} rest {rest:.3f}s | check vectorised {checks['vectorised']:.3f}s "
        f"scalar {checks['scalar']:.3f}s | pairs {pairs} | load {os.getloadavg()[0]:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the options and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000", help="comma-separated employee counts")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    for n in [int(x) for x in args.sizes.split(",") if x]:
        print(measure(n, args.repeats), flush=True)


if __name__ == "__main__":
    main()
