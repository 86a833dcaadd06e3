"""``GET /v1/runs/{id}/figures``: the key figures and chart data the web page shows.

The facts come from the shared worked example (tests.paths.EXAMPLE): its summary.json and
plan.csv, solved with its main policy.
"""

from __future__ import annotations

import csv
import io
import json

import httpx

from tests.api.fixtures import example_json, example_policy, wait_for_run
from tests.api.http.conftest import Keys
from tests.paths import EXAMPLE


def _finished_run(client: httpx.Client, keys: Keys, policy: dict[str, object]) -> str:
    planner = keys["planner"]
    dataset = client.post(
        "/v1/datasets",
        content=example_json(),
        headers=planner | {"Content-Type": "application/json"},
    )
    assert dataset.status_code == 201, dataset.text
    body = {"dataset_id": dataset.json()["id"], "policy": policy}
    run = client.post("/v1/runs", json=body, headers=planner)
    assert run.status_code == 202, run.text
    run_id: str = run.json()["id"]
    return run_id


def test_figures_give_the_key_figures_histograms_unit_moves_and_names_of_a_plan(
    client: httpx.Client, keys: Keys
) -> None:
    run_id = _finished_run(client, keys, example_policy())
    assert wait_for_run(client, run_id, keys["viewer"])["status"] == "succeeded"
    answer = client.get(f"/v1/runs/{run_id}/figures", headers=keys["viewer"])
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    summary = json.loads((EXAMPLE / "summary.json").read_text())
    plan = list(csv.DictReader(io.StringIO((EXAMPLE / "plan.csv").read_text())))
    kpis = figures["kpis"]
    assert kpis["objective"] == summary["objective"]
    assert kpis["moves"] == summary["moves"]
    assert kpis["vacancies_filled"] == summary["vacancies_filled"]
    assert kpis["preferences_met"] == sum(1 for row in plan if row["preference_rank"])
    placed_after = sum(1 for row in plan if row["to_position"])
    placed_before = sum(1 for row in plan if row["from_position"])
    assert (
        sum(figures["jpm_bins"]["after"]) == placed_after == sum(kpis["categories_after"].values())
    )
    assert sum(figures["jpm_bins"]["before"]) == placed_before
    moves = {(r["from_unit"], r["to_unit"]) for r in plan if r["moved"] == "true"}
    assert {(a, b) for a, b, _ in figures["unit_moves"]} == moves
    assert sum(n for *_, n in figures["unit_moves"]) == summary["moves"]
    employees = figures["employees"]
    assert employees["nip"] == [row["nip"] for row in plan]
    assert [bool(j) for j in employees["jpm_before"]] == [bool(r["from_position"]) for r in plan]
    positions = figures["positions"]
    assert set(positions) == {"position_id", "title", "unit", "job_class", "state", "capacity"}
    assert len({len(column) for column in positions.values()}) == 1


def test_figures_of_a_run_without_a_plan_are_409(client: httpx.Client, keys: Keys) -> None:
    # Two pins on DISDIK-04, a post of one seat: INFEASIBLE.
    pins = [
        {"nip": "199803122024061001", "position_id": "DISDIK-04"},
        {"nip": "198705202010011002", "position_id": "DISDIK-04"},
    ]
    run_id = _finished_run(client, keys, {"reference_date": "2026-07-01", "pins": pins})
    run = wait_for_run(client, run_id, keys["viewer"])
    assert run["status"] == "failed"
    assert run["summary"]["status"] == "INFEASIBLE"
    answer = client.get(f"/v1/runs/{run_id}/figures", headers=keys["viewer"])
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
