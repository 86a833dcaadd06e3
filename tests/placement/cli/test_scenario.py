"""``placement scenario``: a changed dataset and policy solved and written like a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from placement.runs.directory import write_outputs
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

BASE_OBJECTIVE = 287692
FAJAR = "199405052019031006"


@pytest.fixture(scope="module")
def base() -> Solution:
    dataset = load_dataset(EXAMPLE)
    return solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))


def test_the_scenario_and_compare_commands_work_on_the_example(
    base: Solution, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`placement scenario` writes the usual outputs plus changes.json; `placement compare`
    of base and scenario shows Fajar's new placement."""
    write_outputs(base, tmp_path / "base")
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "open", "position_id": "DISDIK-03"}]))
    out = tmp_path / "open"
    argv = ["scenario", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
            "--changes", str(changes), "--out", str(out)]  # fmt: skip
    assert main(argv) == EXIT_OK
    for name in ("plan.csv", "gaps.csv", "summary.json", "changes.json"):
        assert (out / name).is_file()
    assert json.loads((out / "summary.json").read_text())["objective"] == BASE_OBJECTIVE + 22600
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "base"), str(out), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert [p["nip"] for p in data["people"]] == [FAJAR]


def test_the_scenario_command_refuses_a_bad_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "open", "position_id": "NOPE"}]))
    out = tmp_path / "out"
    argv = ["scenario", str(EXAMPLE), "--changes", str(changes), "--out", str(out), "--lang", "en"]
    assert main(argv) == EXIT_INPUT
    assert not out.exists()
    err = capsys.readouterr().err
    assert "changes, row 1, column position_id" in err and "unknown position NOPE" in err


def _summary(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "summary.json").read_text())
    return data


def test_a_scenario_on_a_base_run_changes_only_what_it_must(
    base: Solution, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening DISDIK-03 moves Fajar there; with --base nobody else changes, and the same
    question without --base (the base solved first) gives the same answer."""
    write_outputs(base, tmp_path / "base")
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "open", "position_id": "DISDIK-03"}]))
    common = ["scenario", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
              "--changes", str(changes)]  # fmt: skip
    base_dir = str(tmp_path / "base")
    assert main([*common, "--out", str(tmp_path / "a"), "--base", base_dir, "--lang", "en"]) == 0
    assert "changes    1 from the base plan" in capsys.readouterr().out
    assert main([*common, "--out", str(tmp_path / "b"), "--quiet", "--json"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    for folder in ("a", "b"):
        summary = _summary(tmp_path / folder)
        assert summary["objective"] == BASE_OBJECTIVE + 22600
        assert summary["base"] == {
            "input_sha256": base.summary["input_sha256"],
            "objective": BASE_OBJECTIVE,
            "changes": 1,
        }
    assert printed["base"]["changes"] == 1
    assert (tmp_path / "a" / "plan.csv").read_text() == (tmp_path / "b" / "plan.csv").read_text()


def test_a_scenario_replays_with_its_tie_break(base: Solution, tmp_path: Path) -> None:
    write_outputs(base, tmp_path / "base")
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "close", "position_id": "DISDIK-02"}]))
    out = tmp_path / "closed"
    argv = ["scenario", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
            "--changes", str(changes), "--out", str(out),
            "--base", str(tmp_path / "base")]  # fmt: skip
    assert main(argv) == EXIT_OK
    assert json.loads((out / "run.json").read_text())["fewest_changes"] is True
    assert main(["replay", str(out), "--quiet"]) == EXIT_OK


def test_a_base_run_without_a_plan_or_directory_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "open", "position_id": "DISDIK-03"}]))
    argv = ["scenario", str(EXAMPLE), "--changes", str(changes), "--out", str(tmp_path / "o"),
            "--base", str(tmp_path / "missing")]  # fmt: skip
    assert main(argv) == EXIT_INPUT
    assert "missing" in capsys.readouterr().err
