"""How long an explanation takes on a solved city: what ``placement explain RUN`` does.

``python -m benchmarks.explain_speed [--size 5000] [--repeats 3] [--people 5]``

One generated city (seed 2026) is solved under the contract's defaults (spouses separated) and
written as a run directory. Then, ``--repeats`` times, the run is read back as the CLI reads it
(:func:`placement.runs.directory.load_run`: input, plan, the independent check) and ``--people``
employees (every k-th by nip, movers first) and as many positions are explained, without
counterfactuals (the default) and, for the first person, with them. Medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.scale import REFERENCE_DATE, city
from placement.analysis.explain import explain_person, explain_position
from placement.contract.policy import load_policy
from placement.engine import solve
from placement.runs.directory import load_run, write_outputs


def main(argv: list[str] | None = None) -> None:
    """Solve, write the run, and time the explanations."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--counterfactuals", action="store_true", help="time them too")
    args = parser.parse_args(argv)
    _tables, dataset = city(args.size)
    policy = load_policy({"reference_date": REFERENCE_DATE}, dataset)
    solution = solve(dataset, policy)
    assert solution.plan is not None
    plan = solution.plan
    # Movers have allowed alternatives (a pinned re-solve each), stayers mostly blocked ones.
    movers = plan.loc[plan["moved"], "nip"].tolist()
    others = plan.loc[~plan["moved"], "nip"].tolist()
    step = max(1, len(others) // args.people)
    people = (movers[:: max(1, len(movers) // args.people)][: args.people - 1] + others[::step])[
        : args.people
    ]
    positions = plan.loc[plan["to_position"] != "", "to_position"].unique()[::step][: args.people]
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        write_outputs(solution, run)
        loads, persons, places, full = [], [], [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            ds, pol, sol = load_run(run).with_plan()
            loads.append(time.perf_counter() - started)
            pinned = 0
            for nip in people:
                started = time.perf_counter()
                exp = explain_person(ds, pol, sol, nip, counterfactuals=False)
                persons.append(time.perf_counter() - started)
                pinned += sum(a.pinned_status is not None for a in exp.alternatives)
            for pid in positions:
                started = time.perf_counter()
                explain_position(ds, pol, sol, str(pid))
                places.append(time.perf_counter() - started)
            if args.counterfactuals:
                started = time.perf_counter()
                explain_person(ds, pol, sol, people[0], counterfactuals=True)
                full.append(time.perf_counter() - started)
    med = statistics.median
    extra = f" | person with counterfactuals {med(full):.2f}s" if full else ""
    print(
        f"explain-{args.size} ({solution.summary['model']['side_constraints']} side constraints):"
        f" load run {med(loads):.2f}s | person {med(persons):.2f}s (max {max(persons):.2f}s,"
        f" {pinned} pinned re-solves over {len(people)} people)"
        f" | position {med(places):.2f}s (max {max(places):.2f}s){extra}"
        f" | CLI person = load + person {med(loads) + med(persons):.2f}s"
        f" | load {os.getloadavg()[0]:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
