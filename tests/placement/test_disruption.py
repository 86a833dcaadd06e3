"""Re-optimising against a previous plan with a penalty per changed assignment."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from placement.errors import DatasetError
from tests.paths import EXAMPLE


def _placements(solution: Solution) -> dict[str, str]:
    assert solution.plan is not None
    return dict(zip(solution.plan["nip"], solution.plan["to_position"], strict=True))


def _changes(a: dict[str, str], b: dict[str, str]) -> int:
    return sum(a[nip] != b[nip] for nip in a)


def test_the_previous_optimum_needs_no_change_and_keeps_its_objective() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "policy.json", dataset)
    base = solve(dataset, policy)
    again = solve(dataset, dataclasses.replace(policy, disruption_weight=Decimal(1)),
                  previous=_placements(base))  # fmt: skip
    assert again.summary["disruption"]["changes"] == 0
    assert again.objective == base.objective == 287692
    assert again.summary["bound"] is None


def test_a_disruption_penalty_trades_score_for_fewer_changes() -> None:
    """The rotation policy changes 4 placements of the main plan (Hendra, Maya, Joko, Fajar).

    With a penalty of 3.0 (30,000 points a change), every change that gains less than that is
    dropped; the G06 moves of Hendra and Maya are forced, so at least 2 changes remain. The
    plan stays checked (solve checks every plan) and its score sum cannot exceed the
    undisturbed optimum of the rotation policy.
    """
    dataset = load_dataset(EXAMPLE)
    main = solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))
    previous = _placements(main)
    rotation = load_policy(EXAMPLE / "rotation" / "policy.json", dataset)
    free = solve(dataset, rotation)
    assert free.objective == 285192
    assert _changes(previous, _placements(free)) == 4
    calm = solve(dataset, dataclasses.replace(rotation, disruption_weight=Decimal(3)),
                 previous=previous)  # fmt: skip
    changes = calm.summary["disruption"]["changes"]
    assert changes == _changes(previous, _placements(calm))
    assert 2 <= changes < 4
    assert calm.status == "OPTIMAL"
    assert calm.objective is not None and calm.objective < 285192


def test_without_a_weight_the_previous_plan_only_counts_changes() -> None:
    dataset = load_dataset(EXAMPLE)
    main = solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))
    rotation = load_policy(EXAMPLE / "rotation" / "policy.json", dataset)
    counted = solve(dataset, rotation, previous=_placements(main))
    assert counted.objective == 285192
    assert counted.summary["disruption"]["changes"] == 4


@pytest.mark.parametrize("bad", [-1, 0.0005, "high", 1001])
def test_a_bad_disruption_weight_is_refused(bad: object) -> None:
    dataset = load_dataset(EXAMPLE)
    with pytest.raises(DatasetError) as info:
        load_policy({"disruption_weight": bad}, dataset)
    assert [(p.table, p.column) for p in info.value.problems] == [("policy", "disruption_weight")]


def test_the_policy_key_is_recorded_in_the_summary() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = json.loads((EXAMPLE / "policy.json").read_text()) | {"disruption_weight": 0.25}
    solution = solve(dataset, load_policy(policy, dataset))
    assert solution.summary["policy"]["disruption_weight"] == 0.25
    assert "disruption" not in solution.summary
