"""The evaluation of past moves over HTTP: a dataset's evaluation (JSON and the page) and a
run's forecast, each equal to what the library computes from the same data."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import httpx
import pytest

from placement.analysis.evaluation import evaluate
from placement.analysis.forecast import forecast_plan
from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve
from placement.reports.evaluation import render_evaluation
from placement.synthetic.city import generate
from placement.synthetic.history import city_history
from tests.api.fixtures import example_json, wait_for_run

Headers = dict[str, dict[str, str]]
POLICY = {"reference_date": "2026-07-01"}


def city_json() -> bytes:
    """A 300-person city with nine SKP years of history, in the contract's JSON form."""
    city = generate(300, seed=21)
    history = city_history(city, reference_date=datetime.date(2026, 7, 1), seed=21)
    tables = {k: v.to_dict("records") for k, v in {**city, **history.tables}.items()}
    return json.dumps(tables).encode("utf-8")


@pytest.fixture(scope="module")
def uploaded(service: str, keys: Headers) -> dict[str, str]:
    """Ids of the city with history (``city``), a finished run of it (``run``), the example
    without history (``plain``) and a finished run of that (``plain_run``)."""
    planner = keys["planner"]
    ids: dict[str, str] = {}
    with httpx.Client(base_url=service, timeout=60) as client:
        for name, body in (("city", city_json()), ("plain", example_json())):
            answer = client.post(
                "/v1/datasets", content=body, headers=planner | {"Content-Type": "application/json"}
            )
            assert answer.status_code == 201, answer.text
            ids[name] = answer.json()["id"]
            queued = client.post(
                "/v1/runs", json={"dataset_id": ids[name], "policy": POLICY}, headers=planner
            )
            assert queued.status_code == 202, queued.text
            run = wait_for_run(client, queued.json()["id"], keys["viewer"])
            assert run["status"] == "succeeded", run
            ids[f"{name}_run" if name == "plain" else "run"] = run["id"]
    return ids


def ready(client: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The answer to ``path`` once computed: 503 means it is still being computed."""
    deadline = time.monotonic() + 300
    while True:
        answer = client.get(path, headers=headers)
        if answer.status_code != 503 or time.monotonic() > deadline:
            return answer
        assert answer.headers["Retry-After"] == "10"
        time.sleep(1)


def local() -> tuple[dict[str, Any], dict[str, Any]]:
    """evaluation.json and the forecast computed here from the same data (the stored form)."""
    dataset = dataset_from_tables(json.loads(city_json()))
    found = evaluate(dataset).to_dict()
    policy = load_policy(POLICY, dataset)
    return found, forecast_plan(found, dataset, policy, solve(dataset, policy)).to_dict()


def test_a_datasets_evaluation_is_the_librarys(
    client: httpx.Client, keys: Headers, uploaded: dict[str, str]
) -> None:
    answer = ready(client, f"/v1/datasets/{uploaded['city']}/evaluation", keys["viewer"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    expected, _ = local()
    assert answer.json() == json.loads(json.dumps(expected))
    assert answer.json()["moves"] > 0


def test_the_evaluation_page_comes_with_accept_text_html(
    client: httpx.Client, keys: Headers, uploaded: dict[str, str]
) -> None:
    path = f"/v1/datasets/{uploaded['city']}/evaluation"
    answer = ready(client, path, keys["viewer"] | {"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    expected, _ = local()
    assert answer.text == render_evaluation(expected)
    again = ready(client, path, keys["viewer"] | {"Accept": "application/json, text/html"})
    assert again.headers["content-type"].startswith("application/json")


def test_a_runs_forecast_is_the_librarys(
    client: httpx.Client, keys: Headers, uploaded: dict[str, str]
) -> None:
    answer = ready(client, f"/v1/runs/{uploaded['run']}/forecast", keys["viewer"])
    assert answer.status_code == 200, answer.text
    _, expected = local()
    assert answer.json() == json.loads(json.dumps(expected))
    run = client.get(f"/v1/runs/{uploaded['run']}", headers=keys["viewer"]).json()
    assert answer.json()["moves"] == run["summary"]["moves"]


def test_without_history_there_is_nothing_to_evaluate_or_forecast(
    client: httpx.Client, keys: Headers, uploaded: dict[str, str]
) -> None:
    viewer = keys["viewer"]
    for path in (
        f"/v1/datasets/{uploaded['plain']}/evaluation",
        f"/v1/runs/{uploaded['plain_run']}/forecast",
    ):
        answer = client.get(path, headers=viewer)
        assert answer.status_code == 409, path
        assert answer.json()["type"].endswith("no-history")
    missing = client.get("/v1/datasets/nope/evaluation", headers=viewer)
    assert missing.status_code == 404
    assert client.get(f"/v1/datasets/{uploaded['city']}/evaluation").status_code == 401
