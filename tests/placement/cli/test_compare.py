"""``placement compare``: run directories read back and compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from tests.paths import EXAMPLE


def _solve(tmp_path: Path, name: str, policy: Path) -> Path:
    out = tmp_path / name
    code = main(["solve", str(EXAMPLE), "--policy", str(policy), "--out", str(out), "--quiet"])
    assert code in (EXIT_OK, 3)
    return out


def test_compare_shows_an_infeasible_run_by_its_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | {"max_moves": 2}
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(policy))
    base = _solve(tmp_path, "base", EXAMPLE / "policy.json")
    infeasible = _solve(tmp_path, "infeasible", policy_file)
    capsys.readouterr()
    assert main(["compare", str(base), str(infeasible), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["kpis"]["status"] == ["OPTIMAL", "INFEASIBLE"]
    assert data["kpis"]["objective"] == [287692, None] and data["people"] == []


def test_compare_needs_two_run_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(tmp_path)]) == EXIT_INPUT
    assert "at least two" in capsys.readouterr().err


def test_compare_reports_a_folder_that_is_not_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _solve(tmp_path, "base", EXAMPLE / "policy.json")
    assert main(["compare", str(base), str(tmp_path / "nothing")]) == EXIT_INPUT
    assert "not found" in capsys.readouterr().err
