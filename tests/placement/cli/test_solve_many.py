"""``placement solve-many``: one run per agency folder and the table across agencies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from tests.paths import EXAMPLE


def test_the_solve_many_command_writes_each_agency_and_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "agencies"
    for name, extra in (("kota", {}), ("kab", {"max_moves": 0})):
        folder = root / name
        folder.mkdir(parents=True)
        for csv in EXAMPLE.glob("*.csv"):
            if csv.name not in ("plan.csv", "gaps.csv"):
                shutil.copy(csv, folder / csv.name)
        policy = json.loads((EXAMPLE / "policy.json").read_text(encoding="utf-8"))
        (folder / "policy.json").write_text(json.dumps({**policy, **extra}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve-many", str(root), "--out", str(out), "--quiet"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "kab: INFEASIBLE" in printed
    assert (out / "kota" / "plan.csv").is_file()
    assert (out / "kab" / "summary.json").is_file()
    lines = (out / "agencies.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in lines] == ["agency", "kab", "kota"]


def test_a_folder_without_agencies_exits_2(tmp_path: Path) -> None:
    assert main(["solve-many", str(tmp_path), "--out", str(tmp_path / "o")]) == EXIT_INPUT


def test_with_json_the_command_prints_the_table_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "agencies" / "kota"
    folder.mkdir(parents=True)
    for csv in EXAMPLE.glob("*.csv"):
        if csv.name not in ("plan.csv", "gaps.csv"):
            shutil.copy(csv, folder / csv.name)
    shutil.copy(EXAMPLE / "policy.json", folder / "policy.json")
    out = tmp_path / "out"
    assert main(["solve-many", str(tmp_path / "agencies"), "--out", str(out), "--json"]) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    assert document["agencies"][0]["agency"] == "kota"
    assert document["totals"]["status_OPTIMAL"] == 1
