"""Replaying a recorded run: the same input and policy give the same plan, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_OK
from placement.errors import PlacementError
from placement.runs.replay import replay
from tests.paths import EXAMPLE


def _run_dir(tmp_path: Path, policy: str = "policy.json") -> Path:
    out = tmp_path / "run"
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / policy), "--out", str(out),
                 "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    return out


def test_replay_proves_the_plan_is_byte_identical(tmp_path: Path) -> None:
    outcome = replay(_run_dir(tmp_path, "rotation/policy.json"))
    assert outcome.identical and outcome.differences == ()
    assert outcome.replayed_objective == 285192


def test_replay_refuses_a_folder_without_a_record(tmp_path: Path) -> None:
    with pytest.raises(PlacementError):
        replay(tmp_path)


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
