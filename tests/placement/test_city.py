"""City-scale runs on generated datasets: optimality by a second path, side rules, time limits."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from placement.check import check
from placement.cli.demo import demo_dataset_path
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.engine import solve
from placement.synthetic.city import generate


@cache
def city(n: int, seed: int) -> Dataset:
    """A generated city of ``n`` employees (cached: generating is deterministic)."""
    tables = generate(n, seed)
    return dataset_from_tables({name: frame for name, frame in tables.items()})


def test_embedded_demo_is_solved_to_optimality_and_a_second_backend_agrees() -> None:
    dataset = load_dataset(demo_dataset_path())
    policy = load_policy(Path(demo_dataset_path()) / "policy.json", dataset)
    auto = solve(dataset, policy)
    assert auto.status == "OPTIMAL" and auto.bound == auto.objective
    direct = solve(dataset, dataclasses.replace(policy, solver="highs"))
    assert direct.status == "OPTIMAL"
    assert direct.objective == auto.objective


SIDE_POLICIES = {
    "move budget": {"max_moves": 12},
    "unit outflow": {"max_unit_outflow": 0.05},
    "forced rotation": {"force_rotation": True, "jpm_floor": 60},
    "everything": {
        "max_moves": 40,
        "max_unit_outflow": 0.3,
        "force_rotation": True,
        "separate_relations": ["spouse", "family"],
    },
}


def _policy(dataset: Dataset, extra: dict[str, object]) -> Policy:
    return load_policy({"reference_date": "2026-07-01", **extra}, dataset)


@pytest.mark.parametrize("extra", SIDE_POLICIES.values(), ids=SIDE_POLICIES.keys())
def test_backends_agree_on_a_small_city_with_side_rules(extra: dict[str, object]) -> None:
    dataset = city(250, 11)
    policy = _policy(dataset, extra)
    reference = solve(dataset, policy)
    assert reference.status in ("OPTIMAL", "INFEASIBLE")
    for backend in ("highs", "cbc", "cpsat"):
        other = solve(dataset, dataclasses.replace(policy, solver=backend))
        assert (other.status, other.objective) == (reference.status, reference.objective), backend


def test_a_move_budget_is_respected_and_binding() -> None:
    dataset = city(600, 3)
    free = solve(dataset, _policy(dataset, {}))
    budget = max(1, free.summary["moves"] // 2)
    capped = solve(dataset, _policy(dataset, {"max_moves": budget}))
    assert capped.status == "OPTIMAL"
    assert capped.summary["moves"] <= budget < free.summary["moves"]
    assert capped.objective is not None and free.objective is not None
    assert capped.objective < free.objective


def test_a_time_limited_solve_returns_a_checked_plan_or_no_plan() -> None:
    dataset = city(1500, 8)
    policy = _policy(
        dataset, {"max_moves": 60, "max_unit_outflow": 0.05, "time_limit_s": 3, "seed": 1}
    )
    solution = solve(dataset, policy)
    assert solution.status in ("OPTIMAL", "FEASIBLE", "TIMEOUT_NO_SOLUTION")
    if solution.plan is not None:
        assert check(dataset, policy, solution.plan).ok
        assert solution.bound is None or solution.objective is not None
        assert solution.bound is None or solution.bound >= solution.objective
    else:
        assert solution.status == "TIMEOUT_NO_SOLUTION"
