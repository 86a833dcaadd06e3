"""The figures a screen shows of a plan: they agree with summary.json, plan.csv and the report."""

from __future__ import annotations

import dataclasses
import json

import pytest

from placement import load_dataset, load_policy, solve
from placement.contract.readers import dataset_from_json
from placement.engine import Solution
from placement.reports.figures import plan_figures
from placement.reports.kpis import move_matrix
from tests.paths import EXAMPLE


@pytest.fixture(scope="module")
def example() -> Solution:
    """The shared example solved with its main policy (two moves, one new placement)."""
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(json.loads((EXAMPLE / "policy.json").read_text()), dataset)
    return solve(dataset, policy)


def test_the_figures_agree_with_the_summary_and_the_plan(example: Solution) -> None:
    figures = plan_figures(example)
    summary = json.loads((EXAMPLE / "summary.json").read_text())
    assert figures["kpis"]["objective"] == summary["objective"]
    assert figures["kpis"]["moves"] == summary["moves"]
    assert example.plan is not None
    placed = int((example.plan["to_position"] != "").sum())
    assert sum(figures["jpm_bins"]["after"]) == placed
    matrix = move_matrix(example.plan)
    assert sum(n for *_, n in figures["unit_moves"]) == int(matrix.to_numpy().sum())
    counts = [n for *_, n in figures["unit_moves"]]
    assert counts == sorted(counts, reverse=True)
    held = [bool(p) for p in example.plan["from_position"]]
    assert [bool(j) for j in figures["employees"]["jpm_before"]] == held
    assert figures["employees"]["nip"] == list(example.plan["nip"])


def test_a_solution_without_a_plan_has_no_figures(example: Solution) -> None:
    without = dataclasses.replace(example, plan=None)
    with pytest.raises(ValueError, match="no figures"):
        plan_figures(without)


def test_units_are_listed_by_code_with_their_names_or_their_codes(example: Solution) -> None:
    figures = plan_figures(example)
    assert figures["units"] == {
        "unit": ["BKPSDM", "DINKES", "DISDIK"],
        "name": ["BKPSDM", "DINKES", "DISDIK"],  # the example names no unit
    }
    data = json.loads((EXAMPLE / "example.json").read_text())
    data["units"] = [{"unit": "DINKES", "name": "Dinas Kesehatan"}, {"unit": "UPT-X"}]
    dataset = dataset_from_json(data)
    named = solve(dataset, load_policy(json.loads((EXAMPLE / "policy.json").read_text()), dataset))
    assert plan_figures(named)["units"] == {
        "unit": ["BKPSDM", "DINKES", "DISDIK", "UPT-X"],
        "name": ["BKPSDM", "Dinas Kesehatan", "DISDIK", "UPT-X"],
    }
