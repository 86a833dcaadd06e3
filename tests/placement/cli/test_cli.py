"""The ``placement`` command line, run in-process through ``main``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
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
    assert "employees, row" in err and "column nip" in err


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


def test_check_accepts_the_reference_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), str(EXAMPLE / "plan.csv"),
                 "--policy", str(EXAMPLE / "policy.json")])  # fmt: skip
    assert code == EXIT_OK
    assert "objective 287692" in capsys.readouterr().err


def test_check_reports_rule_ids_and_exits_1_for_a_broken_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (EXAMPLE / "plan.csv").read_text().splitlines()
    # Andi (CPNS) moved into BKPSDM-01: R01, and the reported cells no longer match.
    lines = [
        line.replace(
            "DISDIK-01,DISDIK-01,DISDIK,DISDIK,false", "DISDIK-01,BKPSDM-01,DISDIK,BKPSDM,true"
        )
        if line.startswith("199803122024061001")
        else line
        for line in lines
    ]
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join(lines) + "\n")
    code = main(["check", str(EXAMPLE), str(plan), "--policy", str(EXAMPLE / "policy.json")])
    assert code == EXIT_VIOLATIONS
    assert "R01" in capsys.readouterr().out


def test_check_refuses_a_plan_file_without_the_plan_columns(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("nip,somewhere\n1,2\n")
    assert main(["check", str(EXAMPLE), str(plan)]) == EXIT_INPUT


def test_sample_writes_a_dataset_that_solves(tmp_path: Path) -> None:
    data = tmp_path / "city"
    assert main(["sample", "--employees", "300", "--seed", "5", "--out", str(data)]) == EXIT_OK
    out = tmp_path / "out"
    assert main(["solve", str(data), "--out", str(out), "--quiet"]) == EXIT_OK
    assert json.loads((out / "summary.json").read_text())["status"] == "OPTIMAL"


def test_solve_of_the_xlsx_form_with_a_copied_workbook(tmp_path: Path) -> None:
    book = tmp_path / "data.xlsx"
    shutil.copy(EXAMPLE / "example.xlsx", book)
    out = tmp_path / "out"
    code = main(["solve", str(book), "--policy", str(EXAMPLE / "policy.json"), "--out", str(out)])
    assert code == EXIT_OK
    assert (out / "plan.csv").read_text() == (EXAMPLE / "plan.csv").read_text()


@pytest.mark.parametrize("command", ["solve", "check", "sample", "demo"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: placement" in capsys.readouterr().out


def test_demo_solves_the_embedded_city_and_prints_the_key_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quiet"]) == EXIT_OK
    printed = capsys.readouterr().out
    for figure in ("moves", "vacancies filled", "mean JPM", "JPM MS", "people needing training"):
        assert figure in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL" and summary["objective"] == summary["bound"]
    assert (out / "plan.csv").read_text().count("\n") == 5001
