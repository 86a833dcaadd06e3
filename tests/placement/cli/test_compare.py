"""``placement compare``: run directories read back and compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")


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
    assert main(["compare", str(tmp_path), "--lang", "en"]) == EXIT_INPUT
    assert "at least two" in capsys.readouterr().err


def test_compare_reports_a_folder_that_is_not_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _solve(tmp_path, "base", EXAMPLE / "policy.json")
    assert main(["compare", str(base), str(tmp_path / "nothing"), "--lang", "en"]) == EXIT_INPUT
    assert "not found" in capsys.readouterr().err


def test_compare_warns_when_the_policies_differ_and_shows_how(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _solve(tmp_path, "base", EXAMPLE / "policy.json")
    rotation = _solve(tmp_path, "rotation", EXAMPLE / "rotation" / "policy.json")
    capsys.readouterr()
    assert main(["compare", str(base), str(rotation), "--json", "--lang", "en"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    main_policy = json.loads((EXAMPLE / "policy.json").read_text())
    rotation_policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    changed = {k for k in rotation_policy if rotation_policy[k] != main_policy.get(k)}
    assert changed and changed <= set(data["policy_differences"])
    for key in changed:
        assert data["policy_differences"][key]["rotation"] == rotation_policy[key]
    assert len(data["warnings"]) == 1 and "different policies" in data["warnings"][0]
    assert data["inputs"]["base"] == data["inputs"]["rotation"]
    assert main(["compare", str(base), str(rotation), "--lang", "en"]) == EXIT_OK
    text = capsys.readouterr().out
    assert text.startswith("warning: the runs were solved under different policies")
    assert all(key in text for key in changed)


def test_compare_warns_when_the_inputs_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _solve(tmp_path, "base", EXAMPLE / "policy.json")
    same = _solve(tmp_path, "same", EXAMPLE / "policy.json")
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"op": "capacity", "position_id": "DISDIK-01", "capacity": 3}]))
    other = tmp_path / "other"
    argv = ["scenario", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
            "--changes", str(changes), "--out", str(other), "--quiet"]  # fmt: skip
    assert main(argv) == EXIT_OK
    capsys.readouterr()
    assert main(["compare", str(base), str(same), "--json"]) == EXIT_OK
    quiet = json.loads(capsys.readouterr().out)
    assert quiet["warnings"] == [] and quiet["policy_differences"] == {}
    assert main(["compare", str(base), str(other), "--json", "--lang", "en"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"]["base"] != data["inputs"]["other"]
    assert [w.split(" (")[0] for w in data["warnings"]] == ["the runs come from different inputs"]


def test_compare_shows_the_expected_skp_effect_of_runs_whose_dataset_has_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "city"
    sample = ["sample", "--employees", "400", "--seed", "3", "--history", "--quiet"]
    assert main([*sample, "--out", str(data)]) == EXIT_OK
    policy = tmp_path / "policy.json"
    policy.write_text('{"reference_date": "2026-07-01"}')
    fewer = tmp_path / "fewer.json"
    fewer.write_text('{"reference_date": "2026-07-01", "max_moves": 5}')
    runs = []
    for name, chosen in (("a", policy), ("b", fewer)):
        out = tmp_path / name
        assert (
            main(["solve", str(data), "--policy", str(chosen), "--out", str(out), "--quiet"]) == 0
        )
        runs.append(str(out))
    plain = _solve(tmp_path, "plain", EXAMPLE / "policy.json")
    capsys.readouterr()
    assert main(["compare", *runs, str(plain), "--json"]) == EXIT_OK
    data_out = json.loads(capsys.readouterr().out)
    expected = data_out["expected_skp"]
    assert expected["plain"] is None
    assert expected["a"]["moves"] == data_out["kpis"]["moves"][0]
    assert expected["b"]["moves"] == data_out["kpis"]["moves"][1] <= 5
    shown = data_out["kpis"]["expected_skp_effect"]
    assert shown[2] is None
    for value, forecast in zip(shown[:2], (expected["a"], expected["b"]), strict=True):
        if forecast["without_training"] is None:
            assert value is None
        else:
            assert value == round(forecast["without_training"]["estimate"], 3)
    assert main(["compare", *runs]) == EXIT_OK
    assert "expected_skp_effect_trained" in capsys.readouterr().out


def test_compare_without_history_adds_no_expected_skp_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _solve(tmp_path, "a", EXAMPLE / "policy.json")
    b = _solve(tmp_path, "b", EXAMPLE / "policy.json")
    capsys.readouterr()
    assert main(["compare", str(a), str(b), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert "expected_skp" not in data and "expected_skp_effect" not in data["kpis"]
