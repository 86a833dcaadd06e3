"""The shared worked example as the tests of runs and scenarios use it: its people and its
optimum under its own policy (CONTRACT example README)."""

from __future__ import annotations

import json
from typing import Any

from placement.contract.dataset import Dataset
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from tests.paths import EXAMPLE

#: The example's optimum under its policy.json (the reference summary.json's objective).
BASE_OBJECTIVE = 287692
FAJAR = "199405052019031006"
GITA = "199207072016022007"
JOKO = "197907112005011010"
MAYA = "197312122000032013"


def example_dataset() -> Dataset:
    """The example dataset, loaded from its CSV folder."""
    return load_dataset(EXAMPLE)


def example_policy() -> dict[str, Any]:
    """The example's policy.json as a dict."""
    data: dict[str, Any] = json.loads((EXAMPLE / "policy.json").read_text())
    return data


def solved_example(dataset: Dataset, policy: dict[str, Any]) -> Solution:
    """The example solved under ``policy``; its objective is checked against the reference."""
    solution = solve(dataset, load_policy(policy, dataset))
    assert solution.objective == BASE_OBJECTIVE
    return solution


def placements(solution: Solution) -> dict[str, str]:
    """nip → to_position of a solution's plan ("" unplaced)."""
    assert solution.plan is not None
    return dict(zip(solution.plan["nip"], solution.plan["to_position"], strict=True))
