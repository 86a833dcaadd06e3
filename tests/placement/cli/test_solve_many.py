"""``placement solve-many``: one run per agency folder and the table across agencies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from distributed import LocalCluster

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


def test_shared_storage_on_a_running_scheduler_writes_what_travelling_files_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Relative folders work too: the tasks carry them made absolute."""
    folder = tmp_path / "agencies" / "kota"
    folder.mkdir(parents=True)
    for csv in EXAMPLE.glob("*.csv"):
        if csv.name not in ("plan.csv", "gaps.csv"):
            shutil.copy(csv, folder / csv.name)
    shutil.copy(EXAMPLE / "policy.json", folder / "policy.json")
    monkeypatch.chdir(tmp_path)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        for out, extra in (("shared", ["--shared-storage"]), ("travelling", [])):
            argv = ["solve-many", "agencies", "--out", out, "--cluster", cluster.scheduler_address]
            assert main([*argv, *extra, "--quiet"]) == EXIT_OK
    capsys.readouterr()
    for name in ("plan.csv", "gaps.csv", "input.json.gz", "run.json"):
        shared = (tmp_path / "shared" / "kota" / name).read_bytes()
        assert shared == (tmp_path / "travelling" / "kota" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == [
        "agencies.csv", "agencies.json", "kota"
    ]  # fmt: skip


def test_the_help_explains_shared_storage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "solve-many", "--help"])
    assert "--shared-storage" in capsys.readouterr().out
