"""Run records: self-contained run directories that replay to the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_json, load_dataset
from placement.engine import solve
from placement.errors import PlacementError
from placement.runs.directory import write_outputs
from placement.runs.record import dataset_rows, load_input, replay
from tests.paths import EXAMPLE


def _run_dir(tmp_path: Path, policy: str = "policy.json") -> Path:
    out = tmp_path / "run"
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / policy), "--out", str(out),
                 "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    return out


def test_the_contract_json_form_of_a_dataset_loads_back_to_the_same_hash() -> None:
    for form in (EXAMPLE, EXAMPLE / "example.xlsx", EXAMPLE / "example.json"):
        dataset = load_dataset(form)
        rows = json.loads(json.dumps(dataset_rows(dataset)), parse_int=str, parse_float=str)
        assert dataset_from_json(rows).sha256 == dataset.sha256


def test_solve_records_the_input_and_the_plan_hash(tmp_path: Path) -> None:
    out = _run_dir(tmp_path)
    record = json.loads((out / "run.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    assert (
        record["input_sha256"]
        == summary["input_sha256"]
        == load_input(out / "input.json.gz").sha256
    )
    assert record["policy"] == summary["policy"] and record["objective"] == 287692
    assert record["plan_sha256"] is not None


def test_replay_proves_the_plan_is_byte_identical(tmp_path: Path) -> None:
    outcome = replay(_run_dir(tmp_path, "rotation/policy.json"))
    assert outcome.identical and outcome.differences == ()
    assert outcome.replayed_objective == 285192


def test_replay_reports_a_tampered_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run_dir(tmp_path)
    record = json.loads((out / "run.json").read_text())
    record["plan_sha256"] = "0" * 64
    (out / "run.json").write_text(json.dumps(record))
    assert main(["replay", str(out)]) == EXIT_VIOLATIONS
    assert "DIFFERENT" in capsys.readouterr().out


def test_replay_refuses_a_folder_without_a_record(tmp_path: Path) -> None:
    with pytest.raises(PlacementError):
        replay(tmp_path)


def test_an_infeasible_run_writes_no_record(tmp_path: Path) -> None:
    dataset = load_dataset(EXAMPLE)
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | {"max_moves": 2}
    solution = solve(dataset, load_policy(policy, dataset))
    names = sorted(p.name for p in write_outputs(solution, tmp_path))
    assert names == ["summary.json"]


def test_a_run_that_stayed_close_to_a_previous_plan_replays_with_it(tmp_path: Path) -> None:
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(policy | {"disruption_weight": 3}))
    out = tmp_path / "run"
    code = main(["solve", str(EXAMPLE), "--policy", str(policy_file), "--out", str(out),
                 "--previous", str(EXAMPLE / "plan.csv"), "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    record = json.loads((out / "run.json").read_text())
    assert record["previous"] is not None and len(record["previous"]) == 14
    assert replay(out).identical
