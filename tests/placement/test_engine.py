"""End-to-end: dataset + policy → optimal, checked plan, against the worked example."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.runs.directory import write_outputs
from placement.runs.formats import gaps_csv_text, plan_csv_text
from tests.paths import EXAMPLE

FORMS = {
    "csv folder": EXAMPLE,
    "xlsx": EXAMPLE / "example.xlsx",
    "json": EXAMPLE / "example.json",
}
EXACT_BACKENDS = ("auto", "highs", "cpsat", "cbc")


def _assert_same_policy(ours: dict[str, object], reference: dict[str, object]) -> None:
    """Every contract key as the reference resolved it; keys added since keep their defaults."""
    assert {k: ours[k] for k in reference} == reference
    assert ours["disruption_weight"] == 0


def _solve(form: Path, policy_file: Path, **overrides: object):  # type: ignore[no-untyped-def]
    dataset = load_dataset(form)
    policy = load_policy(policy_file, dataset)
    if overrides:
        policy = dataclasses.replace(policy, **overrides)  # type: ignore[arg-type]
    return solve(dataset, policy)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_example_plan_is_reproduced_row_for_row_from_every_form(form: Path) -> None:
    solution = _solve(form, EXAMPLE / "policy.json")
    expected = json.loads((EXAMPLE / "summary.json").read_text())
    assert solution.status == "OPTIMAL"
    assert solution.objective == expected["objective"] == 287692
    assert solution.bound == expected["objective"]
    assert solution.plan is not None and solution.gaps is not None
    assert plan_csv_text(solution.plan) == (EXAMPLE / "plan.csv").read_text()
    assert gaps_csv_text(solution.gaps) == (EXAMPLE / "gaps.csv").read_text()
    for key in ("moves", "new_placements", "unplaced", "vacancies_filled"):
        assert solution.summary[key] == expected[key], key
    _assert_same_policy(solution.summary["policy"], expected["policy"])


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_rotation_variant_is_reproduced_row_for_row_from_every_form(form: Path) -> None:
    rotation = EXAMPLE / "rotation"
    solution = _solve(form, rotation / "policy.json")
    expected = json.loads((rotation / "summary.json").read_text())
    assert solution.status == "OPTIMAL"
    assert solution.objective == expected["objective"] == 285192
    assert solution.plan is not None and solution.gaps is not None
    assert plan_csv_text(solution.plan) == (rotation / "plan.csv").read_text()
    assert gaps_csv_text(solution.gaps) == (rotation / "gaps.csv").read_text()
    for key in ("moves", "new_placements", "unplaced", "vacancies_filled"):
        assert solution.summary[key] == expected[key], key
    _assert_same_policy(solution.summary["policy"], expected["policy"])


@pytest.mark.parametrize("backend", EXACT_BACKENDS)
@pytest.mark.parametrize("policy_file", ["policy.json", "rotation/policy.json"])
def test_every_exact_backend_reaches_the_example_optimum(backend: str, policy_file: str) -> None:
    expected = json.loads((EXAMPLE / policy_file).with_name("summary.json").read_text())
    solution = _solve(EXAMPLE, EXAMPLE / policy_file, solver=backend)
    assert solution.status == "OPTIMAL"
    assert solution.objective == expected["objective"]


def test_all_three_forms_have_the_same_input_hash() -> None:
    hashes = {load_dataset(form).sha256 for form in FORMS.values()}
    assert len(hashes) == 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"max_moves": 2}, "three moves are forced by the pin and G06"),
        ({"max_unit_outflow": 0.1}, "DISDIK's limit is 0 and Gita's pinned move leaves it"),
    ],
)
def test_rotation_variant_becomes_infeasible_without_a_plan(
    change: dict[str, object], why: str, tmp_path: Path
) -> None:
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | change
    dataset = load_dataset(EXAMPLE)
    solution = solve(dataset, load_policy(policy, dataset))
    assert solution.status == "INFEASIBLE", why
    assert solution.plan is None and solution.objective is None
    written = write_outputs(solution, tmp_path)
    assert [p.name for p in written] == ["summary.json"]
    assert json.loads((tmp_path / "summary.json").read_text())["status"] == "INFEASIBLE"


def test_pinning_an_overdue_employee_to_the_current_post_under_force_rotation_is_infeasible() -> (
    None
):
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    policy["pins"].append({"nip": "197002152000031008", "position_id": "DINKES-05"})
    dataset = load_dataset(EXAMPLE)
    solution = solve(dataset, load_policy(policy, dataset))
    assert solution.status == "INFEASIBLE"
    assert "G06" in solution.summary["message"]


def test_same_input_policy_and_seed_give_byte_identical_outputs(tmp_path: Path) -> None:
    texts = []
    for run in ("a", "b"):
        solution = _solve(EXAMPLE, EXAMPLE / "rotation" / "policy.json", seed=7)
        write_outputs(solution, tmp_path / run)
        texts.append((tmp_path / run / "plan.csv").read_bytes())
    assert texts[0] == texts[1]


def test_plan_csv_has_one_row_per_employee_sorted_by_nip() -> None:
    solution = _solve(EXAMPLE, EXAMPLE / "policy.json")
    assert solution.plan is not None
    nips = solution.plan["nip"].tolist()
    assert nips == sorted(nips)
    dataset = load_dataset(EXAMPLE)
    assert set(nips) == set(dataset.employees["nip"])


def test_plan_csv_text_uses_lowercase_booleans_and_empty_cells() -> None:
    solution = _solve(EXAMPLE, EXAMPLE / "policy.json")
    assert solution.plan is not None
    frame = pd.read_csv(
        pd.io.common.StringIO(plan_csv_text(solution.plan)), dtype=str, keep_default_na=False
    )
    assert set(frame["moved"]) == {"true", "false"}
    fajar = frame[frame["nip"] == "199405052019031006"].iloc[0]
    assert fajar["to_position"] == "" and fajar["jpm"] == "" and fajar["score"] == "0"
