"""The priced path of a pure assignment: a restricted model, flow duals and column generation.

It must reach the same optimum as the model that lists every allowed pair, prove it (bound
equal to the objective), pass the independent checker, and return the same plan every run.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import placement.engine as engine_module
import placement.model.compile as compile_module
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve
from placement.synthetic.city import DEFAULT_REFERENCE_DATE, generate
from tests.placement.builders import REFERENCE_DATE, make_dataset, make_nip
from tests.placement.test_optimality import instances


def _city(n: int, seed: int) -> tuple[Dataset, Policy]:
    dataset = dataset_from_tables(dict(generate(n, seed)))
    policy = load_policy(
        {"reference_date": DEFAULT_REFERENCE_DATE.isoformat(), "separate_relations": []}, dataset
    )
    return dataset, policy


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), force_rotation=st.booleans(), prune=st.sampled_from([0, 2_000]))
def test_priced_path_reaches_the_full_models_optimum_on_generated_cities(
    seed: int, force_rotation: bool, prune: int
) -> None:
    """Pruning at 0 drops every unchosen pair of negative reduced cost: the proof must still
    price back whatever the optimum needs."""
    dataset, policy = _city(400, seed)
    policy = dataclasses.replace(policy, force_rotation=force_rotation)
    default = engine_module.PRUNE_BELOW
    engine_module.PRUNE_BELOW = prune
    try:
        priced = solve(dataset, policy, restrict_above=0)
    finally:
        engine_module.PRUNE_BELOW = default
    full = solve(dataset, policy, restrict_above=None)
    assert priced.status == full.status
    assert priced.objective == full.objective
    if full.status == "OPTIMAL":
        assert priced.bound == priced.objective
        assert priced.summary["model"]["pairs"] < full.summary["model"]["pairs"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_priced_path_agrees_with_the_full_model_on_tiny_instances(
    instance: tuple[Dataset, Policy],
) -> None:
    dataset, policy = instance
    priced = solve(dataset, policy, restrict_above=0)
    full = solve(dataset, policy, restrict_above=None)
    assert priced.status == full.status
    assert priced.objective == full.objective


def test_pricing_adds_the_moves_a_first_restricted_model_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two newcomers both match A best; with one first move each, one of them must be priced
    into B in a later round."""
    monkeypatch.setattr(compile_module, "FIRST_MOVES", 1)
    dataset = make_dataset(
        employees=[{"nip": make_nip(1)}, {"nip": make_nip(2)}],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
        competencies={make_nip(1): {"M01": 4}, make_nip(2): {"M01": 4}},
        requirements={"A-01": {"M01": 4}, "B-01": {"M01": 5}},
    )
    policy = load_policy({"reference_date": REFERENCE_DATE.isoformat(), "jpm_floor": 0}, dataset)
    priced = solve(dataset, policy, restrict_above=0)
    full = solve(dataset, policy, restrict_above=None)
    assert priced.status == "OPTIMAL"
    assert priced.objective == full.objective == priced.bound
    assert "2 rounds" in priced.summary["message"]
    assert priced.plan is not None
    assert (priced.plan["to_position"] != "").all()


def test_priced_path_returns_the_same_plan_every_run() -> None:
    dataset, policy = _city(600, 11)
    first = solve(dataset, policy, restrict_above=0)
    second = solve(dataset, policy, restrict_above=0)
    assert first.plan is not None and second.plan is not None
    assert first.plan.to_csv(index=False) == second.plan.to_csv(index=False)
    assert first.summary["model"] == second.summary["model"]


@pytest.mark.parametrize("force_rotation", [False, True])
def test_a_whole_model_built_from_the_move_space_equals_the_listed_one(
    force_rotation: bool,
) -> None:
    dataset, policy = _city(500, 3)
    policy = dataclasses.replace(policy, force_rotation=force_rotation)
    from_space = solve(dataset, policy)
    listed = solve(dataset, policy, restrict_above=None)
    assert from_space.compiled is not None and listed.compiled is not None
    assert from_space.compiled.space is None
    a, b = from_space.compiled.model, listed.compiled.model
    for name in ("pair_row", "pair_col", "weight", "row_must", "col_cap", "fixed"):
        assert (getattr(a, name) == getattr(b, name)).all(), name
    assert from_space.status == listed.status
    if listed.plan is not None:
        assert from_space.plan is not None
        assert from_space.plan.equals(listed.plan)


def test_fairness_of_a_priced_plan_reads_allowed_pairs_off_the_whole_model() -> None:
    """The priced solve keeps only some allowed pairs in its model; the fairness report must
    judge envy over all of them, exactly as it does from the plan alone (compiling afresh)."""
    from placement.analysis.fairness import fairness

    dataset, policy = _city(400, 7)
    priced = solve(dataset, policy, restrict_above=0)
    assert priced.compiled is not None and priced.compiled.space is not None
    assert priced.summary["model"]["pairs"] < priced.summary["model"]["all_pairs"]
    with_model = fairness(dataset, policy, priced, max_explained=0).to_dict()
    from_plan = fairness(
        dataset, policy, dataclasses.replace(priced, compiled=None), max_explained=0
    )
    assert with_model == from_plan.to_dict()
    assert with_model["envy"], "the generated city has envy pairs to compare"
