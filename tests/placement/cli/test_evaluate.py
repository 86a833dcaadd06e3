"""``placement evaluate``: evaluation.json written, a readable table or JSON printed, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.synthetic.history import generate_history


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated city of 400 people with nine years of history, as one JSON file."""
    path = tmp_path_factory.mktemp("history") / "city.json"
    path.write_text(json.dumps(generate_history(400, seed=2).tables), encoding="utf-8")
    return path


def test_evaluate_writes_evaluation_json_and_prints_a_table(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(dataset), "--out", str(tmp_path / "out"), "--lang", "en"]) == 0
    written = json.loads((tmp_path / "out" / "evaluation.json").read_text(encoding="utf-8"))
    assert written["outcome"] == "rating_points"
    shown = capsys.readouterr().out
    assert "ATT, event years 1–3" in shown
    assert "event study" in shown
    assert "jpm_category KMS" in shown
    assert "naive numbers (NOT effects" in shown


def test_evaluate_json_prints_what_it_writes(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(dataset), "--out", str(tmp_path), "--json"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))


def test_evaluate_refuses_a_broken_history_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = generate_history(50, seed=0).tables
    tables["performance_history"].append(dict(tables["performance_history"][0]))
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(tables), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--out", str(out)]) == EXIT_INPUT
    assert not out.exists()
    assert "performance_history, baris 451, kolom year" in capsys.readouterr().err


@pytest.fixture(scope="module")
def solved_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 400-person sample city with history (placement sample --history) and a solved run."""
    root = tmp_path_factory.mktemp("city")
    data, run = root / "data", root / "run"
    assert main(["sample", "--employees", "400", "--seed", "3", "--history", "--out", str(data),
                 "--quiet"]) == EXIT_OK  # fmt: skip
    policy = root / "policy.json"
    policy.write_text('{"reference_date": "2026-07-01"}', encoding="utf-8")
    assert main(["solve", str(data), "--policy", str(policy), "--out", str(run), "--quiet"]) == 0
    return data, run


def test_evaluate_writes_evaluation_html_that_repeats_byte_for_byte(
    solved_city: tuple[Path, Path], tmp_path: Path
) -> None:
    data, _ = solved_city
    for out in ("a", "b"):
        assert main(["evaluate", str(data), "--out", str(tmp_path / out), "--quiet"]) == EXIT_OK
    page = (tmp_path / "a" / "evaluation.html").read_bytes()
    assert page == (tmp_path / "b" / "evaluation.html").read_bytes()
    assert b"Evaluasi Mutasi" in page and b"<svg" in page and b"<script" not in page
    assert not (tmp_path / "a" / "forecast.json").exists()


def test_evaluate_with_a_plan_writes_and_prints_the_forecast(
    solved_city: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, run = solved_city
    args = ["evaluate", str(data), "--plan", str(run), "--out", str(tmp_path)]
    assert main([*args, "--json"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    forecast = json.loads((tmp_path / "forecast.json").read_text(encoding="utf-8"))
    assert printed["forecast"] == forecast
    assert printed["evaluation"] == json.loads((tmp_path / "evaluation.json").read_text())
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert forecast["moves"] == summary["moves"]
    assert 'id="forecast"' in (tmp_path / "evaluation.html").read_text(encoding="utf-8")
    assert main([*args, "--lang", "en"]) == EXIT_OK
    assert "expected to do (rating points)" in capsys.readouterr().out


def test_evaluate_refuses_a_plan_that_is_not_a_run_directory(
    solved_city: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, _ = solved_city
    out = tmp_path / "out"
    args = ["evaluate", str(data), "--plan", str(tmp_path), "--out", str(out), "--lang", "en"]
    assert main(args) == EXIT_INPUT
    assert "not a run directory" in capsys.readouterr().err
    assert not out.exists()
