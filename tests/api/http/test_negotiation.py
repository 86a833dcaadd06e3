"""Content negotiation: every operation of the OpenAPI document answers 406 to an ``Accept`` it
cannot satisfy, and JSON, problem details, ``*/*`` and its own download types are accepted."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from api.core.negotiation import acceptable
from tests.api.http.conftest import Keys

METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path with every parameter filled in) of every operation."""
    found = []
    for path, item in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        found.extend((method, concrete) for method in METHODS if method in item)
    return found


def test_every_operation_answers_406_to_an_accept_it_cannot_satisfy(
    client: httpx.Client, keys: Keys
) -> None:
    document = client.get("/openapi.json").json()
    found = operations(document)
    assert len(found) > 15
    for method, path in found:
        answer = client.request(
            method, path, headers=keys["admin"] | {"Accept": "image/png", "Accept-Language": "en"}
        )
        assert answer.status_code == 406, (method, path, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["title"] == "Not acceptable"


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "*/*",
        "application/problem+json",
        "application/*",
        "text/html, */*;q=0.1",
    ],
)
def test_json_operations_accept_json_problem_details_and_wildcards(
    client: httpx.Client, keys: Keys, accept: str
) -> None:
    assert client.get("/v1/runs", headers=keys["viewer"] | {"Accept": accept}).status_code == 200
    missing = client.get("/v1/runs/nope", headers=keys["viewer"] | {"Accept": accept})
    assert missing.status_code == 404


def test_downloads_accept_their_own_types_and_refuse_others(
    client: httpx.Client, keys: Keys
) -> None:
    # The run does not exist: the answer is 404, not 406, for every type the plan comes in.
    for accept in ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        answer = client.get("/v1/runs/nope/plan", headers=keys["viewer"] | {"Accept": accept})
        assert answer.status_code == 404
    html = client.get("/v1/runs/nope/report", headers=keys["viewer"] | {"Accept": "text/html"})
    assert html.status_code == 404
    csv = client.get("/v1/runs/nope/report", headers=keys["viewer"] | {"Accept": "text/csv"})
    assert csv.status_code == 406
    assert client.get("/metrics", headers={"Accept": "text/plain"}).status_code == 200


def test_quality_zero_refuses_a_type() -> None:
    assert not acceptable("application/json;q=0", ("application/json",))
    assert acceptable("application/json;q=0.5", ("application/json",))
    assert acceptable(None, ("application/json",))
    assert acceptable("text/*", ("text/csv",))
    assert not acceptable("text/*", ("application/json",))
