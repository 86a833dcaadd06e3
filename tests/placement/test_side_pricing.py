"""The priced path of a model with side rules: a restricted model of moves, the LP duals of its
side constraints, and pricing over the move space.

It must reach the whole model's optimum (the model that lists every allowed pair), prove it,
pass the independent checker (``solve`` runs it on every plan), hold far fewer pairs, and give
the same plan every run.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import placement.engine as engine_module
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve
from placement.model.compile import SideMembers, compile_moves, outflow_homes, with_side
from placement.model.rules import STAY, build_context
from placement.synthetic.city import DEFAULT_REFERENCE_DATE, generate
from solvers import portfolio


def _city(n: int, seed: int, **side: object) -> tuple[Dataset, Policy]:
    dataset = dataset_from_tables(dict(generate(n, seed)))
    settings: dict[str, object] = {
        "reference_date": DEFAULT_REFERENCE_DATE.isoformat(),
        "separate_relations": ["spouse", "family"],
        "max_moves": max(n // 20, 1),
        "max_unit_outflow": 0.1,
    }
    settings.update(side)
    policy = load_policy({k: v for k, v in settings.items() if v is not None}, dataset)
    return dataset, policy


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    moves=st.sampled_from([None, 5, 25]),
    outflow=st.sampled_from([None, 0.05, 0.2]),
    force_rotation=st.booleans(),
)
def test_side_pricing_reaches_the_whole_models_optimum_on_generated_cities(
    seed: int, moves: int | None, outflow: float | None, force_rotation: bool
) -> None:
    dataset, policy = _city(
        300, seed, max_moves=moves, max_unit_outflow=outflow, force_rotation=force_rotation
    )
    priced = solve(dataset, policy, restrict_above=0)
    whole = solve(dataset, policy, restrict_above=None)
    assert priced.status == whole.status
    assert priced.objective == whole.objective
    if whole.status == "OPTIMAL":
        assert priced.bound == priced.objective
        assert priced.compiled is not None
        if priced.compiled.space is not None:
            assert priced.summary["model"]["pairs"] < whole.summary["model"]["pairs"]


def test_side_pricing_is_used_and_keeps_a_fraction_of_the_pairs() -> None:
    dataset, policy = _city(600, 5)
    priced = solve(dataset, policy, restrict_above=0)
    whole = solve(dataset, policy, restrict_above=None)
    assert priced.status == whole.status == "OPTIMAL"
    assert priced.objective == whole.objective
    assert priced.summary["message"].startswith("side pricing")
    assert priced.summary["model"]["pairs"] < whole.summary["model"]["pairs"]
    assert priced.summary["model"]["all_pairs"] == whole.summary["model"]["pairs"]


def test_side_pricing_hands_its_lp_bound_to_auto_which_computes_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset, policy = _city(600, 5)
    whole = solve(dataset, policy, restrict_above=None)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("auto computed an LP bound of its own")

    monkeypatch.setattr(portfolio, "lp_bound", refuse)
    priced = solve(dataset, policy, restrict_above=0)
    assert "LP bound" in priced.summary["message"].split(": ", 1)[1]
    assert priced.status == whole.status == "OPTIMAL"
    assert priced.objective == whole.objective


def test_side_pricing_gives_the_same_plan_every_run() -> None:
    dataset, policy = _city(500, 8)
    first = solve(dataset, policy, restrict_above=0)
    second = solve(dataset, policy, restrict_above=0)
    assert first.plan is not None and second.plan is not None
    assert first.plan.to_csv(index=False) == second.plan.to_csv(index=False)
    assert first.summary["model"] == second.summary["model"]


def test_a_route_that_does_not_close_falls_back_to_the_whole_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the restricted model's LP cannot be built, the whole model decides."""
    dataset, policy = _city(300, 2)
    monkeypatch.setattr(engine_module.solvers, "lp_bound", lambda *_a, **_k: None)
    fallback = solve(dataset, policy, restrict_above=0)
    monkeypatch.undo()
    whole = solve(dataset, policy, restrict_above=None)
    assert fallback.objective == whole.objective
    assert fallback.summary["model"]["pairs"] == whole.summary["model"]["pairs"]
    assert not fallback.summary["message"].startswith("side pricing")


@pytest.mark.parametrize("restrict_above", [0, None])
def test_side_prices_charge_each_move_the_multipliers_of_the_constraints_holding_it(
    restrict_above: int | None,
) -> None:
    """Read back from the constraints' names, the multipliers must charge every move of the
    model exactly those of the constraints built over it: the same rule then prices the moves
    left out."""
    dataset, policy = _city(400, 4)
    ctx = build_context(dataset, policy)
    compiled = with_side(compile_moves(ctx, restrict_above))
    model = compiled.model
    assert {s.name.split(":")[0] for s in model.side} == {"G03", "G04", "G05"}
    rng = np.random.default_rng(0)
    duals = rng.integers(1, 1_000, size=len(model.side)).astype(np.int64)
    duals[rng.random(len(duals)) < 0.3] = 0
    members = SideMembers.of(compiled)
    share, cost = members.prices(duals)
    expected = np.zeros(model.n_pairs, dtype=np.int64)
    for s, d in zip(model.side, duals, strict=True):
        expected[s.pairs] += d
    moves = np.flatnonzero(compiled.kind != STAY)
    e, p = compiled.e[moves], compiled.p[moves]
    assert np.array_equal(share[e] + cost(e, p), expected[moves])
    at, con = members.entries(e, p)
    held = {(int(k), int(c)) for c, s in enumerate(model.side) for k in s.pairs}
    assert {(int(moves[a]), int(c)) for a, c in zip(at, con, strict=True)} == {
        (k, c) for k, c in held if compiled.kind[k] != STAY
    }
    home, counted = outflow_homes(ctx)
    assert counted.any() and ((home >= 0) == (ctx.cur >= 0)).all()
