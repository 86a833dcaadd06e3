"""Health, readiness, metrics, OpenAPI, and errors as problem details."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.db.store import Store
from tests.api.fixtures import generated_json, serving, slow_policy
from tests.api.http.conftest import make_keys, service_settings

Headers = dict[str, dict[str, str]]
SLOW_EMPLOYEES = 1500


def test_healthz_and_readyz_are_ok(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "workers": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Store, "ping", lambda self: False)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "unavailable", "workers": "ok"}


def test_metrics_count_requests_latencies_runs_and_solve_seconds(
    client: httpx.Client, keys: Headers
) -> None:
    client.post(
        "/v1/solve",
        json={"dataset": {"employees": [], "positions": []}},
        headers=keys["planner"],
    )
    client.get("/v1/datasets/nope", headers=keys["viewer"])
    text = client.get("/metrics").text
    assert (
        'placement_http_requests_total{method="GET",route="/v1/datasets/{dataset_id}",status="404"}'
        in text
    )
    assert "placement_http_request_duration_seconds_bucket" in text
    assert 'placement_solve_seconds_count{kind="sync"}' in text
    assert "placement_runs_active" in text
    assert "# TYPE placement_runs_total counter" in text


def test_openapi_lists_every_resource(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/datasets", "/v1/datasets/{dataset_id}", "/v1/runs", "/v1/runs/{run_id}",
        "/v1/runs/{run_id}/plan", "/v1/runs/{run_id}/gaps", "/v1/solve", "/v1/keys",
        "/v1/keys/{key_id}", "/v1/audit", "/healthz", "/readyz", "/metrics",
    } <= set(paths)  # fmt: skip
    assert "multipart/form-data" in paths["/v1/datasets"]["post"]["requestBody"]["content"]


def test_an_unknown_path_is_a_404_problem(client: httpx.Client) -> None:
    answer = client.get("/v2/nothing")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"


@pytest.fixture
def fragile(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Headers]]:
    """A service whose synchronous solve raises an unexpected error naming a secret."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("password=hunter2 at /srv/secret/path")

    monkeypatch.setattr("api.routes.solve.solve_sync", broken)
    with serving(service_settings(database_url)) as url:
        yield url, make_keys(database_url)


def test_an_unexpected_error_is_a_500_that_leaks_nothing(fragile: tuple[str, Headers]) -> None:
    url, keys = fragile
    with httpx.Client(base_url=url) as client:
        answer = client.post(
            "/v1/solve", json={"dataset": {}}, headers=keys["planner"] | {"Accept-Language": "en"}
        )
    assert answer.status_code == 500
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "hunter2" not in answer.text and "secret" not in answer.text
    assert answer.json()["detail"] == "an internal error occurred"


def test_a_full_queue_answers_429(database_url: str) -> None:
    settings = service_settings(database_url, workers=1, max_queued_runs=1)
    with serving(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        keys = make_keys(database_url)
        dataset_id = client.post(
            "/v1/datasets",
            content=generated_json(SLOW_EMPLOYEES),
            headers=keys["planner"] | {"Content-Type": "application/json"},
        ).json()["id"]
        body = {"dataset_id": dataset_id, "policy": slow_policy(SLOW_EMPLOYEES, time_limit_s=5)}
        first = client.post("/v1/runs", json=body, headers=keys["planner"])
        second = client.post("/v1/runs", json=body, headers=keys["planner"])
        assert first.status_code == 202
        assert second.status_code == 429
        assert second.headers["Retry-After"] == "30"
        assert client.delete(first.headers["Location"], headers=keys["planner"]).status_code == 200
