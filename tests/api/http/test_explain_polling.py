"""An explanation that outlasts the service's wait answers 202 with the address to poll, never
503; polling that address gives the result once it is there."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.api.conftest import sqlite_url
from tests.api.fixtures import bearer, example_json, example_policy, make_key, serving, wait_for_run
from tests.api.http.conftest import service_settings

FAJAR = "199405052019031006"


def _poll(client: httpx.Client, path: str, params: dict[str, str]) -> list[httpx.Response]:
    """Ask until the answer is not 202, following ``Location``; every answer in order."""
    answers = [client.get(path, params=params)]
    deadline = time.monotonic() + 120
    while answers[-1].status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.05)
        answers.append(client.get(answers[-1].headers["Location"]))
    return answers


def test_a_slow_explanation_answers_202_with_a_location_then_200(tmp_path: Path) -> None:
    database_url = sqlite_url(tmp_path)
    planner = bearer(make_key(database_url, "planner"))
    # The service waits a millisecond: rebuilding the run and explaining both take longer.
    settings = service_settings(database_url, sync_time_limit_s=0.001)
    with (
        serving(settings) as url,
        httpx.Client(base_url=url, timeout=60, headers=planner) as client,
    ):
        dataset = client.post(
            "/v1/datasets", content=example_json(), headers={"Content-Type": "application/json"}
        ).json()["id"]
        run = client.post("/v1/runs", json={"dataset_id": dataset, "policy": example_policy()})
        run_id = run.json()["id"]
        assert wait_for_run(client, run_id, planner)["status"] == "succeeded"
        person = _poll(client, f"/v1/runs/{run_id}/explain/employees/{FAJAR}", {})
        quick = _poll(
            client,
            f"/v1/runs/{run_id}/explain/employees/{FAJAR}",
            {"counterfactuals": "false"},
        )
        position = _poll(client, f"/v1/runs/{run_id}/explain/positions/BKPSDM-01", {})
    # The first explanation waits for the run's rebuild and several solves: never within 1 ms.
    assert person[0].status_code == 202
    for answers in (person, quick, position):
        assert [a.status_code for a in answers[:-1]] == [202] * (len(answers) - 1)
        assert answers[-1].status_code == 200
        for pending in answers[:-1]:
            assert pending.json()["status"] == "computing"
            assert pending.headers["Location"] == pending.json()["location"]
            assert int(pending.headers["Retry-After"]) > 0
    assert person[-1].json()["counterfactuals_computed"]
    assert person[-1].json()["counterfactual"]["detail"] == {"jpm_floor": "40"}
    assert not quick[-1].json()["counterfactuals_computed"]
    assert quick[-1].json()["counterfactual"] is None
    assert quick[-1].json()["alternatives"] == person[-1].json()["alternatives"]
    assert position[-1].json()["position_id"] == "BKPSDM-01"
