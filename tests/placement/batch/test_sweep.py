"""Sweeps: a grid becomes scenario points, every point is solved and reported — refused,
infeasible and failed ones with their reason — and the results do not depend on the executor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from placement.analysis.scenario import run_scenario
from placement.batch import sweep as sweep_module
from placement.batch.runs import FAILED, REFUSED, BatchRun
from placement.batch.sweep import (
    read_grid,
    run_sweep,
    sweep_table,
    write_sweep,
)
from placement.contract.dataset import Dataset
from placement.contract.readers import load_dataset
from placement.errors import DatasetError
from placement.executors import DaskCluster, LocalPool
from tests.paths import EXAMPLE
from tests.placement.killing import KillOnce, killing_cluster


@pytest.fixture(scope="module")
def example() -> tuple[Dataset, dict[str, Any]]:
    dataset = load_dataset(EXAMPLE)
    return dataset, json.loads((EXAMPLE / "policy.json").read_text(encoding="utf-8"))


def test_a_grid_is_every_combination_with_the_last_key_fastest() -> None:
    points = read_grid({"grid": {"max_moves": [1, 2], "weights.jpm": [1, 2.5], "jpm_floor": [60]}})
    assert [p.settings for p in points] == [
        {"max_moves": 1, "weights.jpm": 1, "jpm_floor": 60},
        {"max_moves": 1, "weights.jpm": 2.5, "jpm_floor": 60},
        {"max_moves": 2, "weights.jpm": 1, "jpm_floor": 60},
        {"max_moves": 2, "weights.jpm": 2.5, "jpm_floor": 60},
    ]
    assert [p.number for p in points] == [1, 2, 3, 4]
    assert points[1].label == "max_moves=1, weights.jpm=2.5, jpm_floor=60"
    assert points[1].changes == (
        {"op": "policy", "key": "max_moves", "value": 1},
        {"op": "weights", "weights": {"jpm": 2.5}},
        {"op": "policy", "key": "jpm_floor", "value": 60},
    )


def test_a_list_of_points_keeps_labels_and_base_changes_come_first() -> None:
    close = {"op": "close", "position_id": "X"}
    points = read_grid(
        {
            "changes": [close],
            "points": [
                {"label": "tight", "policy": {"max_moves": 1}},
                {"changes": [{"op": "open", "position_id": "Y"}]},
            ],
        }
    )
    assert points[0].label == "tight"
    assert points[0].changes == (close, {"op": "policy", "key": "max_moves", "value": 1})
    assert points[1].settings == {"changes": [{"op": "open", "position_id": "Y"}]}
    assert points[1].changes == (close, {"op": "open", "position_id": "Y"})
    assert read_grid([{"policy": {"seed": 3}}])[0].settings == {"seed": 3}


@pytest.mark.parametrize(
    ("spec", "column"),
    [
        ({"grid": {"max_movez": [1]}}, "grid.max_movez"),
        ({"grid": {"max_moves": []}}, "grid.max_moves"),
        ({"grid": {"changes": [{"op": "open"}]}}, "grid.changes"),
        ({"points": [{"policy": {"nope": 1}}]}, "policy.nope"),
        ({"points": [{"weight": 1}]}, "weight"),
        ({"grid": {"seed": list(range(101)), "jpm_floor": list(range(100))}}, "grid"),
        ({"grid": {}, "points": []}, None),
    ],
)
def test_a_malformed_grid_is_refused_with_where(spec: Any, column: str | None) -> None:
    with pytest.raises(DatasetError) as caught:
        read_grid(spec)
    assert [p.column for p in caught.value.problems][:1] == [column]
    assert all(p.table == "grid" for p in caught.value.problems)


def test_every_point_is_solved_as_its_scenario_and_none_is_dropped(
    example: tuple[Dataset, dict[str, Any]],
) -> None:
    dataset, policy = example
    points = read_grid({"grid": {"max_moves": [0, 3], "jpm_floor": [68, 101]}})
    runs = run_sweep(dataset, policy, points, LocalPool(1))
    assert [r.point.number for r in runs] == [1, 2, 3, 4]
    statuses = [r.run.status for r in runs]
    assert statuses == ["INFEASIBLE", REFUSED, "OPTIMAL", REFUSED]
    assert "max_moves" in (runs[0].run.error or "")
    assert "101" in (runs[1].run.error or "")
    expected = run_scenario(dataset, policy, list(points[2].changes))
    assert runs[2].run.figures["objective"] == expected.objective
    assert runs[2].run.figures["moves"] == expected.summary["moves"] <= 3
    assert runs[2].run.files["summary.json"]
    assert runs[2].run.expected_skp_effect is None


def test_the_skp_hook_fills_its_column(example: tuple[Dataset, dict[str, Any]]) -> None:
    dataset, policy = example
    runs = run_sweep(
        dataset, policy, read_grid({"grid": {"max_moves": [3]}}), LocalPool(1),
        skp_effect=_fixed_effect,
    )  # fmt: skip
    assert runs[0].run.expected_skp_effect == 0.25
    assert sweep_table(runs)["expected_skp_effect"].tolist() == [0.25]


def _fixed_effect(_dataset: Dataset, _solution: Any) -> float:
    return 0.25


def test_a_point_that_fails_twice_is_reported_failed_with_its_error(
    example: tuple[Dataset, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, policy = example
    calls: list[int] = []

    def broken(*_args: Any) -> BatchRun:
        calls.append(1)
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(sweep_module, "solve_run", broken)
    runs = run_sweep(dataset, policy, read_grid({"grid": {"max_moves": [3]}}), LocalPool(1))
    assert len(calls) == 2
    assert runs[0].run.status == FAILED
    assert runs[0].run.error == "RuntimeError: solver crashed"
    row = sweep_table(runs).iloc[0]
    assert row["status"] == FAILED and row["objective"] is None and not row["pareto"]


def test_the_table_marks_the_points_no_other_beats_on_moves_and_mean_jpm(
    example: tuple[Dataset, dict[str, Any]],
) -> None:
    dataset, policy = example
    points = read_grid({"grid": {"max_moves": [1, 2, 3, 6], "jpm_floor": [68]}})
    table = sweep_table(run_sweep(dataset, policy, points, LocalPool(2)))
    assert list(table.columns[:4]) == ["point", "label", "max_moves", "jpm_floor"]
    plans = table[table["objective"].notna()]
    for _, row in plans.iterrows():
        better = plans[
            (plans["moves"] <= row["moves"])
            & (plans["mean_jpm_after"] >= row["mean_jpm_after"])
            & ((plans["moves"] < row["moves"]) | (plans["mean_jpm_after"] > row["mean_jpm_after"]))
        ]
        assert bool(row["pareto"]) == better.empty


def test_points_give_the_same_bytes_on_the_local_pool_and_on_dask(
    example: tuple[Dataset, dict[str, Any]], dask_cluster: DaskCluster
) -> None:
    dataset, policy = example
    points = read_grid({"grid": {"max_moves": [2, 4], "weights.preference": [0.3, 2]}})
    local = run_sweep(dataset, policy, points, LocalPool(2))
    remote = run_sweep(dataset, policy, points, dask_cluster)
    for a, b in zip(local, remote, strict=True):
        assert a.run.files["plan.csv"] == b.run.files["plan.csv"]
        assert a.run.files["gaps.csv"] == b.run.files["gaps.csv"]
        assert a.run.figures == b.run.figures


def test_write_sweep_writes_each_point_the_table_and_the_page(
    example: tuple[Dataset, dict[str, Any]], tmp_path: Path
) -> None:
    dataset, policy = example
    points = read_grid({"grid": {"max_moves": [0, 2, 4]}})
    runs = run_sweep(dataset, policy, points, LocalPool(1))
    written = write_sweep(runs, tmp_path, title="Sweep <test>")
    assert [p.name for p in written] == ["sweep.csv", "sweep.json", "sweep.html"]
    assert sorted(p.name for p in (tmp_path / "points").iterdir()) == ["001", "002", "003"]
    assert not (tmp_path / "points" / "001" / "plan.csv").exists()
    assert (tmp_path / "points" / "002" / "plan.csv").read_bytes() == runs[1].run.files["plan.csv"]
    document = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    assert [row["status"] for row in document["points"]] == ["INFEASIBLE", "OPTIMAL", "OPTIMAL"]
    assert document["points"][0]["objective"] is None
    assert "max_moves" in document["points"][0]["error"]
    csv = (tmp_path / "sweep.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("point,label,max_moves,objective,status,moves")
    assert len(csv) == 4
    page = (tmp_path / "sweep.html").read_text(encoding="utf-8")
    assert "Sweep &lt;test&gt;" in page and "<svg" in page


def test_a_worker_killed_mid_sweep_loses_no_point(
    example: tuple[Dataset, dict[str, Any]], tmp_path: Path
) -> None:
    dataset, policy = example
    points = read_grid({"grid": {"max_moves": [1, 2, 3, 4, 5]}})
    expected = run_sweep(dataset, policy, points, LocalPool(1))
    marker = tmp_path / "killed"
    with killing_cluster(KillOnce(str(marker))) as executor:
        runs = run_sweep(dataset, policy, points, executor)
    assert marker.is_file()
    assert [r.run.status for r in runs] == ["OPTIMAL"] * 5
    for got, want in zip(runs, expected, strict=True):
        assert got.run.files["plan.csv"] == want.run.files["plan.csv"]


def test_time_limited_points_solve_on_dask_workers(
    example: tuple[Dataset, dict[str, Any]], dask_cluster: DaskCluster
) -> None:
    """A time limit runs the solve in a child process, which a Dask worker must be allowed."""
    dataset, policy = example
    points = read_grid({"grid": {"time_limit_s": [30], "max_moves": [2]}})
    [run] = run_sweep(dataset, policy, points, dask_cluster)
    assert run.run.status == "OPTIMAL", run.run.error
