"""Conventions every ``placement`` command follows: exit 2 for a user's mistake, ``--version``,
``--quiet`` and ``--json`` everywhere, recorded and folder policies used when none is given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from placement.cli import COMMANDS, build_parser, main
from placement.cli.exits import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, EXIT_VIOLATIONS
from placement.engine import engine_version
from tests.paths import EXAMPLE

FAJAR = "199405052019031006"
#: Commands of the engine (the service's and the benchmarks' commands have their own options).
ENGINE_COMMANDS = sorted(c for c in COMMANDS if c not in ("bench", "serve", "keys", "audit"))
#: The README's infeasible rotation: three forced moves and max_moves 2.
INFEASIBLE = {"force_rotation": True, "jpm_floor": 60, "retirement_buffer_months": 12,
              "max_moves": 2}  # fmt: skip


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    argv = ["solve", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"), "--out", str(out)]
    assert main([*argv, "--quiet"]) == EXIT_OK
    return out


@pytest.fixture(scope="module")
def infeasible_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("infeasible")
    policy = folder / "policy.json"
    base = json.loads((EXAMPLE / "policy.json").read_text(encoding="utf-8"))
    policy.write_text(json.dumps(base | INFEASIBLE))
    argv = ["solve", str(EXAMPLE), "--policy", str(policy), "--out", str(folder / "run")]
    assert main([*argv, "--quiet"]) == EXIT_INFEASIBLE
    return folder / "run"


def test_the_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == engine_version()


@pytest.mark.parametrize("command", ENGINE_COMMANDS)
def test_every_command_takes_quiet_and_json(command: str) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")  # noqa: SLF001
    parser = sub.choices[command]  # type: ignore[attr-defined]
    options = {o for action in parser._actions for o in action.option_strings}  # noqa: SLF001
    assert {"--quiet", "--json"} <= options


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "{run}", "--nip", "000000000000000000"],
        ["explain", "{run}", "--position", "NOPE-1"],
        ["explain", "{missing}", "--nip", FAJAR],
        ["fairness", "{missing}"],
        ["report", "{missing}"],
        ["replay", "{missing}"],
        ["compare", "{run}", "{missing}"],
        ["replay", "{infeasible}"],
        ["explain", "{infeasible}", "--nip", FAJAR],
        ["fairness", "{infeasible}"],
    ],
)
def test_a_users_mistake_exits_2_with_one_line(
    argv: list[str],
    run_dir: Path,
    infeasible_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = {"run": run_dir, "missing": tmp_path / "missing", "infeasible": infeasible_dir}
    filled = [a.format(**{k: str(v) for k, v in paths.items()}) for a in argv]
    capsys.readouterr()
    assert main([*filled, "--lang", "en"]) == EXIT_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "{run}", "--nip", FAJAR, "--top", "-1"],
        ["fairness", "{run}", "--max-explained", "-3"],
        ["solve", str(EXAMPLE), "--time-limit", "0"],
        ["sample", "--out", "{run}", "--seed", "x"],
    ],
)
def test_a_bad_option_value_exits_2(argv: list[str], run_dir: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main([a.format(run=run_dir) for a in argv])
    assert info.value.code == EXIT_INPUT


def test_quiet_commands_print_nothing_and_keep_their_status(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(run_dir, tmp_path / "copy")
    capsys.readouterr()
    for argv in (
        ["explain", str(run_dir), "--nip", FAJAR],
        ["fairness", str(run_dir), "--max-explained", "0"],
        ["compare", str(run_dir), str(tmp_path / "copy")],
        ["replay", str(run_dir)],
        ["diagnose", str(EXAMPLE)],
    ):
        assert main([*argv, "--quiet"]) == EXIT_OK, argv
        assert capsys.readouterr().out == "", argv


def test_json_output_of_solve_check_and_sample(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["solve", str(EXAMPLE), "--out", str(tmp_path / "s"), "--json", "--quiet"]
    assert main(argv) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["status"] == "OPTIMAL"
    assert main(["check", str(EXAMPLE), str(run_dir), "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert report == {"ok": True, "objective": 287692, "violations": []}
    assert main(["sample", "--employees", "30", "--out", str(tmp_path / "c"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["employees"] == 30


def test_check_uses_the_runs_recorded_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run solved under a 2020 reference date: checked against today's date, the tenure
    and retirement rules would read other months; the recorded policy makes it pass."""
    policy = json.loads((EXAMPLE / "policy.json").read_text(encoding="utf-8"))
    policy["reference_date"] = "2020-01-01"
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    out = tmp_path / "run"
    argv = ["solve", str(EXAMPLE), "--policy", str(tmp_path / "policy.json"), "--out", str(out)]
    assert main([*argv, "--quiet"]) == EXIT_OK
    capsys.readouterr()
    assert main(["check", str(EXAMPLE), str(out / "plan.csv"), "--lang", "en"]) == EXIT_OK
    assert "policy recorded in" in capsys.readouterr().err
    assert main(["check", str(EXAMPLE), str(out)]) == EXIT_OK
    defaults = tmp_path / "defaults.json"
    defaults.write_text("{}")
    argv = ["check", str(EXAMPLE), str(out / "plan.csv"), "--policy", str(defaults)]
    assert main(argv) == EXIT_VIOLATIONS


def test_solve_uses_the_folders_own_policy_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("rotation", "*.json*", "*.xlsx"))
    shutil.copy(EXAMPLE / "rotation" / "policy.json", folder / "policy.json")
    capsys.readouterr()
    assert main(["solve", str(folder), "--out", str(tmp_path / "a"), "--lang", "en"]) == EXIT_OK
    assert f"using {folder / 'policy.json'}" in capsys.readouterr().err
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    rotation = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    assert summary["policy"]["max_tenure_months"] == rotation.get("max_tenure_months", 60)
    assert summary["objective"] == 285192


def test_an_infeasible_solve_says_so_in_words(
    infeasible_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["solve", str(EXAMPLE), "--policy", str(infeasible_dir.parent / "policy.json"),
            "--out", str(infeasible_dir.parent / "again"), "--lang", "en"]  # fmt: skip
    assert main(argv) == EXIT_INFEASIBLE
    out = capsys.readouterr().out
    assert "None" not in out
    assert "no plan    the rules cannot all hold (INFEASIBLE)" in out


def test_evaluate_is_quiet_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["evaluate", str(EXAMPLE), "--out", str(tmp_path), "--quiet"]) == EXIT_OK
    assert capsys.readouterr().out == ""
    assert (tmp_path / "evaluation.json").is_file()
