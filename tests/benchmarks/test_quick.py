"""The quick benchmark tier: public GAP instances to their known optima, 1k cities checked.

Bounded to seconds: the first problem of each OR-Library class gap1…gap12 as a maximisation
(OR-Library's values), gap1 and gap2 as minimisations (``optima.csv``), and the generated
1,000-employee city under the default and the side-constrained policy; and the engine's time
over raw baselines' on the same models (:mod:`benchmarks.ratios`), which fails when a ratio is
more than the stated tolerance worse than the committed one. The full suite is ``make bench``.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import solvers
from benchmarks.instances import (
    GAP_DATA_ENV,
    Gap,
    city_problem,
    city_tables,
    gap_data_dir,
    gap_files,
    gap_model,
    gap_value,
    known_optimum,
    max_optima,
    min_optima,
    quick_gap_files,
    read_gap,
    relation_counts,
)
from benchmarks.ratios import committed, measure, regressions
from placement.check import check
from placement.cli import main as placement_main
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution, solve
from solvers.backends.child import Child

DATA = gap_data_dir()
QUICK_MAX = [p.name for p in quick_gap_files(DATA)]
QUICK_MIN = [f"gap{k}-{i}" for k in (1, 2) for i in range(5)]


@cache
def gap(name: str) -> Gap:
    """One cattrysse1994 instance (cached)."""
    return read_gap(DATA / "cattrysse1994" / name)


def test_the_data_folder_is_found_beside_the_repository_or_where_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert (DATA / "optima.csv").is_file()
    beside = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gap"
    assert beside == DATA
    monkeypatch.setenv(GAP_DATA_ENV, str(tmp_path))
    assert gap_data_dir() == tmp_path
    assert gap_data_dir(DATA) == DATA


def test_every_public_instance_reads_with_the_dimensions_optima_csv_states() -> None:
    files = gap_files(DATA)
    assert len(files) == len(min_optima(DATA)) == 102
    assert len(max_optima(DATA)) == 60
    for path in files:
        g = read_gap(path)
        assert g.name in min_optima(DATA)
        assert g.capacity.shape == (g.n_agents,)
        assert g.cost.shape == g.weight.shape == (g.n_agents, g.n_jobs)


def test_a_gap_becomes_must_rows_per_job_and_one_weighted_side_constraint_per_agent() -> None:
    g = gap("gap1-0")
    model = gap_model(g, "min")
    model.validate()
    assert (model.n_rows, model.n_cols) == (g.n_jobs, g.n_agents)
    assert model.row_must.all()
    assert len(model.side) == g.n_agents
    for i, s in enumerate(model.side):
        assert s.rhs == g.capacity[i]
        assert (model.pair_col[s.pairs] == i).all()
        assert (s.coefficients() == g.weight[i, model.pair_row[s.pairs]]).all()
    assert (model.weight == -g.cost[model.pair_col, model.pair_row]).all()
    assert (gap_model(g, "max").weight == -model.weight).all()


@pytest.mark.parametrize("name", QUICK_MAX)
def test_the_engine_reaches_the_or_library_maximum(name: str) -> None:
    g = gap(name)
    result = solvers.solve(gap_model(g, "max"), "auto", seed=0)
    assert result.status is solvers.Status.OPTIMAL
    assert gap_value(result.objective, "max") == known_optimum(DATA, g.name, "max")
    assert result.objective == max_optima(DATA)[g.name]


@pytest.mark.parametrize("k", range(1, 13))
def test_the_head_start_proves_every_gap1_to_12_instance_without_a_racer(
    k: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its budget is CP-SAT's deterministic time, so what it proves does not depend on the load;
    # it must prove these from whichever optimum of the flow relaxation hints it.
    def refuse(*_args: object, **_kwargs: object) -> Child:
        raise AssertionError("a racer was started")

    monkeypatch.setattr(Child, "start", refuse)
    for i in range(5):
        g = gap(f"gap{k}-{i}")
        result = solvers.solve(gap_model(g, "max"), "auto", time_limit_s=60, seed=0)
        assert result.status is solvers.Status.OPTIMAL and "head start" in result.message
        assert result.objective == max_optima(DATA)[g.name]


@pytest.mark.parametrize("name", QUICK_MIN)
def test_the_engine_reaches_the_published_minimum(name: str) -> None:
    g = gap(name)
    model = gap_model(g, "min")
    result = solvers.solve(model, "auto", seed=0)
    assert result.status is solvers.Status.OPTIMAL and result.chosen is not None
    cost = gap_value(result.objective, "min")
    assert cost == min_optima(DATA)[g.name].optimum
    picked = np.flatnonzero(result.chosen)
    jobs, agents = model.pair_row[picked], model.pair_col[picked]
    assert sorted(jobs.tolist()) == list(range(g.n_jobs))
    assert int(g.cost[agents, jobs].sum()) == cost
    used = np.bincount(agents, weights=g.weight[agents, jobs], minlength=g.n_agents)
    assert (used <= g.capacity).all()


@cache
def city_1k(kind: str) -> tuple[Dataset, Policy]:
    """The 1k city instance under ``kind`` (cached)."""
    return city_problem(1_000, kind)


@cache
def city_solution(kind: str, backend: str) -> Solution:
    """A solve of the 1k city with ``backend`` (cached)."""
    dataset, policy = city_1k(kind)
    return solve(dataset, dataclasses.replace(policy, solver=backend))


@pytest.mark.parametrize("kind", ["default", "side"])
def test_the_1k_city_plan_passes_the_checker_and_a_second_backend_agrees(kind: str) -> None:
    dataset, policy = city_1k(kind)
    auto = city_solution(kind, "auto")
    assert auto.status == "OPTIMAL" and auto.plan is not None
    assert auto.summary["proved_by"] in ("flow", "lp", "highs", "cpsat")
    report = check(dataset, policy, auto.plan)
    assert report.ok and report.objective == auto.objective
    other = city_solution(kind, "highs")
    assert other.status == "OPTIMAL"
    assert other.objective == auto.objective


def test_the_side_constrained_city_has_every_side_rule_and_its_move_budget_binds() -> None:
    _, policy = city_1k("side")
    assert all(n > 0 for n in relation_counts(city_tables(1_000, 2026)).values())
    assert set(policy.separate_relations) == {"spouse", "family", "other"}
    assert policy.force_rotation and policy.max_unit_outflow is not None and policy.pins
    side = city_solution("side", "auto")
    assert side.compiled is not None and side.compiled.must_move.any()
    assert side.plan is not None
    held = dict(zip(side.plan["nip"], side.plan["to_position"], strict=True))
    assert all(held[nip] == position for nip, position in policy.pins)
    assert policy.max_moves is not None
    assert side.summary["moves"] == policy.max_moves
    free = city_solution("default", "auto")
    assert free.summary["moves"] > policy.max_moves


def test_placement_bench_prints_one_json_line_per_instance_with_its_baselines(
    tmp_path: Path,
) -> None:
    out = tmp_path / "gap.jsonl"
    path = DATA / "cattrysse1994" / "gap1-0"
    options = ["--solver", "cpsat", "--time-limit", "20", "--baselines", "highs"]
    status = placement_main(["bench", "gap", str(path), *options, "--json", str(out), "--no-save"])
    assert status == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["instance"] == "cattrysse1994/gap1-0"
    assert (record["status"], record["objective"], record["correct"]) == ("OPTIMAL", 336, True)
    assert record["known_optimum"] == 336
    assert record["baselines"]["highs"]["objective"] == 336
    assert set(record["ratios"]) == {"highs"}
    assert record["peak_rss_mb"] > 0


def test_a_ratio_worse_than_the_tolerance_times_the_committed_one_is_reported() -> None:
    reference = {"a/flow": 2.0, "b/highs": 1.0}
    assert regressions({"a/flow": 3.9, "b/highs": 1.0}, reference, 2.0) == []
    (line,) = regressions({"a/flow": 4.1, "b/highs": 1.0}, reference, 2.0)
    assert line.startswith("a/flow: 4.100 is more than 2.0")
    assert regressions({"a/flow": 1.0}, reference, 2.0) == ["b/highs: measured None, committed 1.0"]


def test_engine_to_raw_baseline_ratios_are_no_worse_than_the_committed_ones() -> None:
    reference = committed()
    assert set(reference) == {"city-1k-plain/flow", "city-1k-side/highs", "gap-quick/cpsat"}
    worse = regressions(measure(repeats=2), reference)
    assert not worse, "; ".join(worse)
