"""``placement explain`` on run directories read back without solving again: a time-limited
FEASIBLE run is explained as it was produced, and an edited plan is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_ERROR, EXIT_INPUT, EXIT_OK
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import Solution, solve
from placement.runs.directory import write_outputs
from tests.paths import EXAMPLE
from tests.placement.runs.test_directory import FAJAR, JOKO, write_feasible_run


@pytest.fixture(scope="module")
def base() -> Solution:
    dataset = load_dataset(EXAMPLE)
    return solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))


def test_a_feasible_run_that_solving_again_would_not_reproduce_is_explained(
    base: Solution, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Solving again gives the optimum, not this plan: the run is explained from its plan."""
    assert base.compiled is not None
    write_feasible_run(base, base.compiled.ctx.dataset, tmp_path)
    assert main(["explain", str(tmp_path), "--nip", FAJAR]) == EXIT_OK
    assert "DISDIK-02" in capsys.readouterr().out
    assert main(["explain", str(tmp_path), "--nip", JOKO, "--json"]) == EXIT_OK


def test_a_plan_edited_after_the_run_is_refused(
    base: Solution, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_outputs(base, tmp_path)
    plan = (tmp_path / "plan.csv").read_text()
    (tmp_path / "plan.csv").write_text(plan.replace(",DISDIK-02,", ",BKPSDM-01,", 1))
    assert main(["explain", str(tmp_path), "--nip", FAJAR]) == EXIT_ERROR
    assert "rencana yang tersimpan tidak lolos pemeriksaan" in capsys.readouterr().err
    assert main(["explain", str(tmp_path), "--nip", FAJAR, "--lang", "en"]) == EXIT_ERROR
    assert "the stored plan does not check" in capsys.readouterr().err


def test_a_run_without_a_plan_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "summary.json").write_text('{"status": "INFEASIBLE", "objective": null}\n')
    assert main(["explain", str(tmp_path), "--nip", FAJAR, "--lang", "en"]) == EXIT_INPUT
    assert "has no plan (status INFEASIBLE)" in capsys.readouterr().err
