"""``placement sample``: a synthetic dataset that solves."""

from __future__ import annotations

import json
from pathlib import Path

from placement.cli import main
from placement.cli.exits import EXIT_OK


def test_sample_writes_a_dataset_that_solves(tmp_path: Path) -> None:
    data = tmp_path / "city"
    assert main(["sample", "--employees", "300", "--seed", "5", "--out", str(data)]) == EXIT_OK
    out = tmp_path / "out"
    assert main(["solve", str(data), "--out", str(out), "--quiet"]) == EXIT_OK
    assert json.loads((out / "summary.json").read_text())["status"] == "OPTIMAL"
