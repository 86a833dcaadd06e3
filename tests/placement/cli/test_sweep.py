"""``placement sweep``: every point in the table, reasons printed, refused grids exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from tests.paths import EXAMPLE


def test_the_sweep_command_writes_the_table_page_and_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"grid": {"max_moves": [0, 2], "jpm_floor": [68, 200]}}))
    out = tmp_path / "out"
    argv = ["sweep", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
            "--grid", str(grid), "--out", str(out), "--workers", "2", "--lang", "en"]  # fmt: skip
    assert main(argv) == EXIT_OK
    printed = capsys.readouterr().out
    assert "point 1 (max_moves=0, jpm_floor=68): INFEASIBLE" in printed
    assert "point 2 (max_moves=0, jpm_floor=200): REFUSED" in printed
    assert f"wrote {out / 'sweep.html'}" in printed
    rows = json.loads((out / "sweep.json").read_text(encoding="utf-8"))["points"]
    assert [r["status"] for r in rows] == ["INFEASIBLE", "REFUSED", "OPTIMAL", "REFUSED"]
    assert (out / "points" / "003" / "plan.csv").is_file()


def test_a_malformed_grid_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"grid": {"max_movez": [1]}}))
    out = tmp_path / "out"
    argv = ["sweep", str(EXAMPLE), "--grid", str(grid), "--out", str(out), "--quiet"]
    assert main(argv) == EXIT_INPUT
    assert "grid, kolom grid.max_movez" in capsys.readouterr().err
    assert not out.exists()
