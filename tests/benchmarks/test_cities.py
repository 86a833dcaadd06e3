"""The generated cities of every shape solve to the optimum a second back-end finds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.cities import CITIES, generate, side_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve


@pytest.mark.parametrize("shape", ["dense", "small-units"])
def test_a_small_city_under_side_rules_has_the_optimum_of_highs_on_the_whole_model(
    shape: str,
) -> None:
    """Dense relations: hundreds of G03 rows, most slack, a few broken by the flow optimum."""
    tables = generate(250, CITIES[shape], seed=5)
    dataset = dataset_from_tables({k: v.astype(str) for k, v in tables.items()})
    policy = side_policy(dataset)
    auto = solve(dataset, policy)
    whole = solve(dataset, replace(policy, solver="highs"))
    assert auto.status == whole.status == "OPTIMAL"
    assert auto.objective == auto.bound == whole.objective
    assert auto.summary["model"]["side_constraints"] > 50
