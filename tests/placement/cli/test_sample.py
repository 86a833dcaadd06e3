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


def test_sample_writes_the_history_tables_only_when_asked(tmp_path: Path) -> None:
    plain, full = tmp_path / "plain", tmp_path / "full"
    assert (
        main(["sample", "--employees", "200", "--seed", "4", "--out", str(plain), "--quiet"]) == 0
    )
    args = ["sample", "--employees", "200", "--seed", "4", "--history", "--quiet"]
    assert main([*args, "--out", str(full)]) == EXIT_OK
    history = {"placement_history.csv", "performance_history.csv", "training_history.csv"}
    assert not history & {p.name for p in plain.iterdir()}
    assert history <= {p.name for p in full.iterdir()}
    for table in plain.iterdir():
        assert (full / table.name).read_bytes() == table.read_bytes()
