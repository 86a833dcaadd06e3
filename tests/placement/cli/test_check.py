"""``placement check``: the independent checker on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")


def test_check_accepts_the_reference_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), str(EXAMPLE / "plan.csv"),
                 "--policy", str(EXAMPLE / "policy.json"), "--lang", "en"])  # fmt: skip
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


def test_max_rows_refuses_a_longer_table_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", str(EXAMPLE), str(EXAMPLE / "plan.csv"), "--max-rows", "3", "--lang", "en"]
    code = main(argv)
    assert code == EXIT_INPUT
    assert "more than 3 rows" in capsys.readouterr().err
