"""``placement solve``: outputs, refusals and exit statuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK
from tests.paths import DATA, EXAMPLE


def test_solve_writes_the_three_outputs_of_the_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
                 "--out", str(out), "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    assert (out / "plan.csv").read_text() == (EXAMPLE / "plan.csv").read_text()
    assert (out / "gaps.csv").read_text() == (EXAMPLE / "gaps.csv").read_text()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL" and summary["objective"] == 287692


def test_an_invalid_dataset_exits_2_lists_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["solve", str(DATA / "duplicate_nip.json"), "--out", str(out), "--quiet"])
    assert code == EXIT_INPUT
    assert not out.exists()
    err = capsys.readouterr().err
    assert "employees, baris" in err and "kolom nip" in err


def test_an_invalid_policy_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"jpm_floor": 170, "pins": [{"nip": "x", "position_id": "y"}]}))
    out = tmp_path / "out"
    assert main(["solve", str(EXAMPLE), "--policy", str(policy), "--out", str(out)]) == EXIT_INPUT
    assert not out.exists()


def test_an_infeasible_policy_exits_3_with_only_a_summary(tmp_path: Path) -> None:
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | {"max_moves": 2}
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(policy))
    out = tmp_path / "out"
    code = main(["solve", str(EXAMPLE), "--policy", str(policy_file), "--out", str(out)])
    assert code == EXIT_INFEASIBLE
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
    assert json.loads((out / "summary.json").read_text())["status"] == "INFEASIBLE"


def test_solve_of_the_xlsx_form_with_a_copied_workbook(tmp_path: Path) -> None:
    book = tmp_path / "data.xlsx"
    shutil.copy(EXAMPLE / "example.xlsx", book)
    out = tmp_path / "out"
    code = main(["solve", str(book), "--policy", str(EXAMPLE / "policy.json"), "--out", str(out)])
    assert code == EXIT_OK
    assert (out / "plan.csv").read_text() == (EXAMPLE / "plan.csv").read_text()
