"""How much a scenario changes: abolishing one 3-seat post of a generated city, solved plainly
and with the fewest-changes tie-break against the base plan.

``python -m benchmarks.scenario_changes [--employees 3000] [--posts 5] [--repeats 3]
[--policy plain,default] [--json OUT]``

For each policy (``plain``: a pure assignment, solved by flow; ``default``: spouses separated,
side constraints) the base city is solved, then for each of the first ``posts`` open posts of
capacity 3 that the base plan fills (by position_id) the post is abolished and the scenario is
solved twice: plainly (ties broken anew) and closest to the base plan. It asserts that both
reach the same objective and that the tie-break never changes more; it reports the changes
from the base plan and the solve times (median of ``repeats``, both measured in this process).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.instances import CITY_SEED, city_dataset, policy_object
from placement.analysis.scenario import apply_changes, placements
from placement.contract.policy import load_policy
from placement.engine import Solution, solve


def _timed(repeats: int, run: Any, *args: Any, **kwargs: Any) -> tuple[Solution, float]:
    times, solution = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        solution = run(*args, **kwargs)
        times.append(time.perf_counter() - t0)
    assert solution is not None
    return solution, statistics.median(times)


def _changes(base: dict[str, str], solution: Solution) -> int:
    after = placements(solution)
    return sum(after.get(nip) != pos for nip, pos in base.items())


def measure(n_employees: int, kind: str, posts: int, repeats: int) -> list[dict[str, Any]]:
    """One row per abolished post (see the module docstring)."""
    dataset = city_dataset(n_employees, CITY_SEED)
    raw = policy_object(n_employees, CITY_SEED, kind)
    base_solution = solve(dataset, load_policy(raw, dataset))
    assert base_solution.plan is not None, base_solution.status
    base = placements(base_solution)
    filled = base_solution.plan["to_position"].value_counts()
    positions = dataset.positions
    three = positions[(positions["capacity"] == 3) & (positions["state"] == "open")]
    chosen = sorted(p for p in three["position_id"] if filled.get(p, 0) == 3)[:posts]
    rows = []
    for pid in chosen:
        changed, changed_raw = apply_changes(dataset, raw, [{"op": "abolish", "position_id": pid}])
        policy = load_policy(changed_raw, changed)
        plain, plain_s = _timed(repeats, solve, changed, policy)
        close, close_s = _timed(repeats, solve, changed, policy, previous=base, fewest_changes=True)
        assert close.objective == plain.objective, (pid, close.objective, plain.objective)
        rows.append(
            {
                "employees": n_employees,
                "policy": kind,
                "position_id": pid,
                "objective": plain.objective,
                "solver": close.summary["solver"],
                "side_constraints": close.summary["model"]["side_constraints"],
                "plain_changes": _changes(base, plain),
                "fewest_changes": close.summary["tie_break"]["changes"],
                "plain_s": round(plain_s, 3),
                "fewest_s": round(close_s, 3),
            }
        )
        assert rows[-1]["fewest_changes"] <= rows[-1]["plain_changes"]
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    head = ("policy", "post", "solver", "side", "plain changes", "fewest changes", "plain s",
            "fewest s")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = (r["policy"], r["position_id"], r["solver"], r["side_constraints"],
                 r["plain_changes"], r["fewest_changes"], r["plain_s"], r["fewest_s"])  # fmt: skip
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print the table (and write JSON with ``--json``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scenario_changes")
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--policy", default="plain,default")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = []
    for kind in args.policy.split(","):
        rows += measure(args.employees, kind, args.posts, args.repeats)
    sys.stdout.write(markdown(rows) + "\n")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
