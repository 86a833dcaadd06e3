"""``placement demo``: the embedded sample city."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_OK


def test_demo_solves_the_embedded_city_and_prints_the_key_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quiet", "--lang", "en"]) == EXIT_OK
    printed = capsys.readouterr().out
    for figure in ("moves", "vacancies filled", "mean JPM", "JPM MS", "people needing training"):
        assert figure in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL" and summary["objective"] == summary["bound"]
    assert (out / "plan.csv").read_text().count("\n") == 5001
