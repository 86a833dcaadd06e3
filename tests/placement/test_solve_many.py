"""Solving independent agencies together gives exactly the plans of solving them one by one,
whichever executor solves them."""

from __future__ import annotations

import pytest

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve, solve_many
from placement.executors import DaskCluster, LocalPool
from placement.synthetic.city import generate


def _agencies() -> list[tuple[Dataset, Policy]]:
    items: list[tuple[Dataset, Policy]] = []
    for seed, extra in ((1, {}), (2, {"max_moves": 5}), (3, {"separate_relations": []})):
        dataset = dataset_from_tables(dict(generate(150, seed)))
        items.append((dataset, load_policy({"reference_date": "2026-07-01", **extra}, dataset)))
    return items


def test_solve_many_returns_the_sequential_plans_byte_for_byte_in_input_order() -> None:
    items = _agencies()
    one_by_one = [solve(dataset, policy) for dataset, policy in items]
    together = solve_many(items, workers=2)
    assert len(together) == len(items)
    for alone, pooled in zip(one_by_one, together, strict=True):
        assert (pooled.status, pooled.objective, pooled.bound) == (
            alone.status,
            alone.objective,
            alone.bound,
        )
        assert alone.plan is not None and pooled.plan is not None
        assert pooled.plan.to_csv(index=False) == alone.plan.to_csv(index=False)
        assert pooled.compiled is None


def test_solve_many_refuses_zero_workers() -> None:
    with pytest.raises(ValueError, match="workers"):
        solve_many([], workers=0)


def test_the_local_pool_dask_and_sequential_solves_give_the_same_plan_bytes(
    dask_cluster: DaskCluster,
) -> None:
    items = _agencies()
    sequential = solve_many(items, workers=1)
    pooled = solve_many(items, executor=LocalPool(2))
    on_dask = solve_many(items, executor=dask_cluster)
    for alone, local, remote in zip(sequential, pooled, on_dask, strict=True):
        assert alone.plan is not None and local.plan is not None and remote.plan is not None
        expected = alone.plan.to_csv(index=False)
        assert local.plan.to_csv(index=False) == expected
        assert remote.plan.to_csv(index=False) == expected
        assert (remote.status, remote.objective, remote.summary["input_sha256"]) == (
            alone.status,
            alone.objective,
            alone.summary["input_sha256"],
        )
