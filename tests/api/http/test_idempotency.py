"""``Idempotency-Key`` on POSTs: a retry gets the first response, a reused key is refused."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.fixtures import example_json

Headers = dict[str, dict[str, str]]


def post_dataset(
    client: httpx.Client, headers: dict[str, str], key: str, body: bytes
) -> httpx.Response:
    return client.post(
        "/v1/datasets",
        content=body,
        headers=headers | {"Content-Type": "application/json", "Idempotency-Key": key},
    )


def test_a_retried_post_returns_the_first_response_and_creates_once(
    client: httpx.Client, keys: Headers
) -> None:
    key = str(uuid.uuid4())
    first = post_dataset(client, keys["planner"], key, example_json())
    again = post_dataset(client, keys["planner"], key, example_json())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    audit = client.get("/v1/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    created = [r for r in audit["records"] if r["action"] == "dataset.create"]
    assert [r["target"] for r in created].count(first.json()["id"]) == 1


def test_a_key_reused_with_a_different_body_is_409(client: httpx.Client, keys: Headers) -> None:
    key = str(uuid.uuid4())
    assert post_dataset(client, keys["planner"], key, example_json()).status_code == 201
    other = post_dataset(client, keys["planner"], key, example_json() + b" ")
    assert other.status_code == 409
    assert other.headers["Content-Type"] == "application/problem+json"


def test_keys_are_scoped_to_the_caller(client: httpx.Client, keys: Headers) -> None:
    key = str(uuid.uuid4())
    mine = post_dataset(client, keys["planner"], key, example_json())
    theirs = post_dataset(client, keys["admin"], key, example_json())
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_retried_run_request_queues_one_run(client: httpx.Client, keys: Headers) -> None:
    dataset_id = post_dataset(client, keys["planner"], str(uuid.uuid4()), example_json()).json()[
        "id"
    ]
    headers = keys["planner"] | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"dataset_id": dataset_id, "policy": {"reference_date": "2026-07-01"}}
    first = client.post("/v1/runs", json=body, headers=headers)
    again = client.post("/v1/runs", json=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]


def test_a_refused_request_is_replayed_as_refused(client: httpx.Client, keys: Headers) -> None:
    key = str(uuid.uuid4())
    first = post_dataset(client, keys["planner"], key, b"{}")
    again = post_dataset(client, keys["planner"], key, b"{}")
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_an_overlong_key_is_refused(client: httpx.Client, keys: Headers) -> None:
    answer = post_dataset(client, keys["planner"], "k" * 500, example_json())
    assert answer.status_code == 422


def test_concurrent_retries_wait_for_the_first_and_replay_it(service: str, keys: Headers) -> None:
    key = str(uuid.uuid4())

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=service, timeout=60) as client:
            return post_dataset(client, keys["planner"], key, example_json())

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, range(4)))
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 3
