"""Breaking ties by the fewest changes from a previous plan: the optimum stays, the changes are
the fewest any optimal plan needs (proved by brute force on tiny instances, every back-end)."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.analysis.scenario import apply_changes
from placement.check import check, expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from placement.errors import PlacementError
from placement.model.compile import fewest_changes_weights
from tests.paths import EXAMPLE
from tests.placement.builders import REFERENCE_DATE, make_dataset, make_nip
from tests.placement.test_optimality import instances

pytestmark = pytest.mark.usefixtures("english")

SAMPLE = Path(__file__).resolve().parents[2] / "placement" / "data" / "binjai"


def _placements(solution: Solution) -> dict[str, str]:
    assert solution.plan is not None
    return dict(zip(solution.plan["nip"], solution.plan["to_position"], strict=True))


def _changes(previous: dict[str, str], plan: dict[str, str]) -> int:
    return sum(plan[nip] != pos for nip, pos in previous.items() if nip in plan)


def _best_and_fewest(
    dataset: Dataset, policy: Policy, previous: dict[str, str]
) -> tuple[int, int] | None:
    """Best objective over every checked plan, and the fewest changes among plans reaching it."""
    nips = dataset.employees["nip"].tolist()
    pids = ["", *dataset.positions["position_id"].tolist()]
    best: tuple[int, int] | None = None
    for combo in itertools.product(pids, repeat=len(nips)):
        placements = dict(zip(nips, combo, strict=True))
        report = check(dataset, policy, expected_plan(dataset, policy, placements))
        if not report.ok:
            continue
        key = (report.objective, -_changes(previous, placements))
        if best is None or key > best:
            best = key
    return None if best is None else (best[0], -best[1])


@st.composite
def tied_instances(draw: st.DrawFn) -> tuple[Dataset, Policy]:
    """Alike positions of one unit without requirements, so that many plans tie: who moves
    where is decided by the tie-break alone. Side constraints (G04, G03) come and go."""
    n_pos = draw(st.integers(2, 3))
    n_emp = draw(st.integers(2, 4))
    pids = [f"A-{i}" for i in range(n_pos)]
    positions = [
        {"position_id": pid, "capacity": draw(st.integers(1, 2)),
         "state": draw(st.sampled_from(("open", "open", "abolished")))}
        for pid in pids
    ]  # fmt: skip
    employees = [
        {"nip": make_nip(i), "position_id": draw(st.sampled_from(("", *pids)))}
        for i in range(n_emp)
    ]
    nips = [e["nip"] for e in employees]
    relations = []
    if draw(st.booleans()):
        relations.append((nips[0], nips[1], "spouse"))
    dataset = make_dataset(employees=employees, positions=positions, relations=relations)
    raw: dict[str, Any] = {
        "reference_date": REFERENCE_DATE.isoformat(),
        "weights": {"stay": draw(st.sampled_from((0, 0.2)))},
    }
    if draw(st.booleans()):
        raw["max_moves"] = draw(st.integers(0, 2))
    return dataset, load_policy(raw, dataset)


@st.composite
def instances_with_previous(draw: st.DrawFn) -> tuple[Dataset, Policy, dict[str, str]]:
    """A tiny instance (any rule, or many ties) and a previous plan that may place anyone
    anywhere, leave them unplaced or not mention them (it need not be feasible now)."""
    dataset, policy = draw(st.one_of(instances(), tied_instances()))
    pids = ["", *dataset.positions["position_id"].tolist()]
    previous = {}
    for nip in dataset.employees["nip"].tolist():
        if draw(st.integers(0, 5)):
            previous[nip] = draw(st.sampled_from(pids))
    return dataset, policy, previous


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances_with_previous())
def test_no_optimal_plan_is_closer_to_the_previous_plan_than_the_tie_break(
    instance: tuple[Dataset, Policy, dict[str, str]],
) -> None:
    dataset, policy, previous = instance
    truth = _best_and_fewest(dataset, policy, previous)
    for backend in ("auto", "highs", "cpsat", "cbc"):
        solution = solve(
            dataset, dataclasses.replace(policy, solver=backend), previous=previous,
            fewest_changes=True,
        )  # fmt: skip
        if truth is None:
            assert solution.status == "INFEASIBLE", backend
            continue
        best, fewest = truth
        assert solution.status == "OPTIMAL", backend
        assert solution.objective == best, backend
        assert solution.summary["bound"] == best, backend
        assert _changes(previous, _placements(solution)) == fewest, backend
        assert solution.summary["tie_break"] == {"rule": "fewest_changes", "changes": fewest}


def test_the_scaled_weights_never_trade_a_point_for_fewer_changes() -> None:
    """Two plans one point apart: the better one wins however many changes it needs."""
    weight = np.array([10, 9, 10, 9], dtype=np.int64)
    e = np.array([0, 0, 1, 1], dtype=np.int64)
    p = np.array([0, 1, 0, 1], dtype=np.int64)
    prev = np.array([1, -1, -2], dtype=np.int64)
    scaled, scale, offset = fewest_changes_weights(weight, e, p, prev)
    assert scale == 3 and offset == -1
    assert scaled.tolist() == [30, 28, 29, 26]
    # Reading back: any model total gives the primary total whatever the keep total was.
    for total, keep in ((20, 0), (19, 1), (18, -1)):
        assert (total * scale + keep - offset) // scale == total


def test_a_weight_too_large_for_exact_ties_is_refused() -> None:
    weight = np.array([2**50], dtype=np.int64)
    zero = np.zeros(1, dtype=np.int64)
    with pytest.raises(PlacementError, match="too large"):
        fewest_changes_weights(weight, zero, zero, np.array([0] * 10, dtype=np.int64))


def test_the_tie_break_needs_a_previous_plan() -> None:
    dataset = load_dataset(EXAMPLE)
    with pytest.raises(ValueError, match="previous"):
        solve(dataset, load_policy(EXAMPLE / "policy.json", dataset), fewest_changes=True)


def test_side_constraints_keep_their_optimum_under_the_tie_break() -> None:
    """The example's relations make G03 side constraints; the rotation policy changes 4
    placements of the main plan, all of which its optimum needs."""
    dataset = load_dataset(EXAMPLE)
    main = solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))
    rotation = dataclasses.replace(
        load_policy(EXAMPLE / "rotation" / "policy.json", dataset), max_moves=5
    )
    plain = solve(dataset, rotation, previous=_placements(main))
    close = solve(dataset, rotation, previous=_placements(main), fewest_changes=True)
    assert close.summary["model"]["side_constraints"] > 0
    assert close.objective == plain.objective
    assert close.summary["tie_break"]["changes"] <= plain.summary["disruption"]["changes"]


def test_abolishing_a_post_changes_only_its_holders_and_the_moves_they_force() -> None:
    """The sample city's base plan puts three people into DISDIK-063. Abolishing it, a plain
    re-solve breaks ties anew and changes hundreds of placements; the tie-break changes the
    three holders and, for each other change, someone whose base seat a changed person took."""
    dataset = load_dataset(SAMPLE)
    raw = json.loads((SAMPLE / "policy.json").read_text(encoding="utf-8"))
    base = solve(dataset, load_policy(raw, dataset))
    previous = _placements(base)
    changed_dataset, changed_raw = apply_changes(
        dataset, raw, [{"op": "abolish", "position_id": "DISDIK-063"}]
    )
    policy = load_policy(changed_raw, changed_dataset)
    plain = solve(changed_dataset, policy)
    close = solve(changed_dataset, policy, previous=previous, fewest_changes=True)
    assert close.status == plain.status == "OPTIMAL"
    assert close.objective == plain.objective
    after = _placements(close)
    changed = {nip for nip, pos in previous.items() if after[nip] != pos}
    holders = {nip for nip, pos in previous.items() if pos == "DISDIK-063"}
    assert holders and holders <= changed
    taken = {after[nip] for nip in changed}
    assert all(previous[nip] in taken for nip in changed - holders)
    assert close.summary["tie_break"]["changes"] == len(changed)
    assert len(changed) < _changes(previous, _placements(plain)) // 10
