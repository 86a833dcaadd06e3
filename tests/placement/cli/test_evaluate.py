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
    assert main(["evaluate", str(dataset), "--out", str(tmp_path / "out")]) == EXIT_OK
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
    assert "performance_history, row 451, column year" in capsys.readouterr().err
