"""Run directories: what ``write_outputs`` writes and how ``load_run`` reads it back, without
solving again, for every command that works on a finished run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from placement import Status
from placement.analysis.compare import compare
from placement.analysis.scenario import run_scenario
from placement.check import check, expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from placement.errors import PlacementError
from placement.i18n import use_locale
from placement.runs.directory import load_run, write_outputs
from placement.runs.formats import summary_json_text
from tests.paths import EXAMPLE
from tests.placement.example import (
    BASE_OBJECTIVE,
    FAJAR,
    JOKO,
    example_dataset,
    example_policy,
    placements,
    solved_example,
)

# The refusals below are asserted in English; the Indonesian default is tested beside them.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return example_dataset()


@pytest.fixture(scope="module")
def policy() -> dict[str, Any]:
    return example_policy()


@pytest.fixture(scope="module")
def base(dataset: Dataset, policy: dict[str, Any]) -> Solution:
    return solved_example(dataset, policy)


def write_feasible_run(base: Solution, dataset: Dataset, folder: Path) -> int:
    """Write ``base`` as a run, then replace its plan by a feasible, not optimal one (Fajar
    takes Joko's seat DISDIK-02 and Joko ends unplaced, the optimum of a `displaced` weight 0),
    recorded as FEASIBLE the way a run stopped by its time limit is; return its objective."""
    write_outputs(base, folder)
    policy = load_policy(base.summary["policy"], dataset)
    plan = expected_plan(dataset, policy, placements(base) | {JOKO: "", FAJAR: "DISDIK-02"})
    report = check(dataset, policy, plan)
    assert report.ok and report.objective is not None and report.objective < BASE_OBJECTIVE
    (folder / "plan.csv").write_text(plan.to_csv(index=False, lineterminator="\n"))
    summary = json.loads((folder / "summary.json").read_text())
    summary |= {"status": "FEASIBLE", "objective": report.objective}
    (folder / "summary.json").write_text(summary_json_text(summary))
    return report.objective


def test_a_run_directory_loads_back_to_the_same_plan(base: Solution, tmp_path: Path) -> None:
    """load_run reads the stored plan back and checks it against the recorded objective."""
    write_outputs(base, tmp_path / "base")
    loaded = load_run(tmp_path / "base")
    assert loaded.solution.objective == BASE_OBJECTIVE
    assert loaded.solution.status is Status.OPTIMAL
    assert placements(loaded.solution) == placements(base)
    assert loaded.summary == base.summary and loaded.record is not None
    assert loaded.dataset is not None and loaded.dataset.sha256 == base.summary["input_sha256"]


def test_an_infeasible_run_writes_no_record(tmp_path: Path) -> None:
    dataset = load_dataset(EXAMPLE)
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | {"max_moves": 2}
    solution = solve(dataset, load_policy(policy, dataset))
    names = sorted(p.name for p in write_outputs(solution, tmp_path))
    assert names == ["summary.json"]


def test_an_infeasible_run_directory_compares_as_its_status_alone(
    dataset: Dataset, policy: dict[str, Any], base: Solution, tmp_path: Path
) -> None:
    """README rotation notes: max_moves 2 with three forced moves is INFEASIBLE; such a run
    writes only summary.json, and compare shows its status with no figures or people."""
    changes = [
        {"op": "policy", "key": key, "value": value}
        for key, value in (("force_rotation", True), ("jpm_floor", 60),
                           ("retirement_buffer_months", 12), ("max_moves", 2))
    ]  # fmt: skip
    write_outputs(run_scenario(dataset, policy, changes), tmp_path / "infeasible")
    loaded = load_run(tmp_path / "infeasible").solution
    assert loaded.status == "INFEASIBLE" and loaded.plan is None
    comparison = compare([("base", base), ("infeasible", loaded)])
    assert comparison.kpis["objective"] == (BASE_OBJECTIVE, None)
    assert comparison.kpis["moves"] == (2, None)
    assert comparison.people == ()


def test_a_feasible_run_loads_as_the_plan_it_stored(
    base: Solution, dataset: Dataset, tmp_path: Path
) -> None:
    objective = write_feasible_run(base, dataset, tmp_path)
    loaded = load_run(tmp_path)
    assert loaded.solution.status is Status.FEASIBLE
    assert loaded.solution.objective == objective
    assert (
        placements(loaded.solution)[JOKO] == ""
        and placements(loaded.solution)[FAJAR] == "DISDIK-02"
    )


def test_a_stored_plan_edited_after_the_run_is_refused(base: Solution, tmp_path: Path) -> None:
    write_outputs(base, tmp_path)
    plan = (tmp_path / "plan.csv").read_text()
    (tmp_path / "plan.csv").write_text(plan.replace(",DISDIK-02,", ",BKPSDM-01,", 1))
    with pytest.raises(PlacementError, match="does not check"):
        load_run(tmp_path)


def test_a_folder_without_a_summary_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(PlacementError, match=r"summary\.json not found"):
        load_run(tmp_path)


def test_a_plan_without_its_recorded_input_is_refused(base: Solution, tmp_path: Path) -> None:
    write_outputs(base, tmp_path)
    (tmp_path / "input.json.gz").unlink()
    with pytest.raises(PlacementError, match="not a recorded run"):
        load_run(tmp_path)


def test_a_folder_without_a_summary_is_refused_in_the_readers_language(tmp_path: Path) -> None:
    with use_locale("id"), pytest.raises(PlacementError, match=r"apakah .* folder hasil proses"):
        load_run(tmp_path)
