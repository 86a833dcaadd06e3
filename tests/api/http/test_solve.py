"""``/v1/solve``: a synchronous solve of a small inline dataset."""

from __future__ import annotations

import json

import httpx

from tests.api.fixtures import EXAMPLE_OBJECTIVE, example_json, example_policy, generated_json

Headers = dict[str, dict[str, str]]


def test_a_small_dataset_is_solved_in_the_request(client: httpx.Client, keys: Headers) -> None:
    body = {"dataset": json.loads(example_json()), "policy": example_policy()}
    answer = client.post("/v1/solve", json=body, headers=keys["planner"])
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["summary"]["status"] == "OPTIMAL"
    assert result["summary"]["objective"] == EXAMPLE_OBJECTIVE
    assert len(result["plan"]) == 14
    assert [r["nip"] for r in result["plan"]] == sorted(r["nip"] for r in result["plan"])
    assert result["gaps"]


def test_an_infeasible_solve_answers_a_summary_without_a_plan(
    client: httpx.Client, keys: Headers
) -> None:
    policy = {"reference_date": "2026-07-01", "force_rotation": True, "max_moves": 0}
    body = {"dataset": json.loads(example_json()), "policy": policy}
    result = client.post("/v1/solve", json=body, headers=keys["planner"]).json()
    assert result["summary"]["status"] == "INFEASIBLE"
    assert result["plan"] is None and result["gaps"] is None


def test_a_dataset_above_the_synchronous_limit_is_413(client: httpx.Client, keys: Headers) -> None:
    body = {"dataset": json.loads(generated_json(150)), "policy": {}}
    answer = client.post("/v1/solve", json=body, headers=keys["planner"])
    assert answer.status_code == 413
    assert "/v1/runs" in answer.json()["detail"]


def test_a_bad_inline_dataset_is_422_with_its_problems(client: httpx.Client, keys: Headers) -> None:
    dataset = json.loads(example_json())
    dataset["employees"][0]["grade"] = "IX/z"
    answer = client.post("/v1/solve", json={"dataset": dataset}, headers=keys["planner"])
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert (problem["table"], problem["row"], problem["column"]) == ("employees", 1, "grade")


def test_a_solve_request_without_a_dataset_is_422(client: httpx.Client, keys: Headers) -> None:
    answer = client.post("/v1/solve", json={"policy": {}}, headers=keys["planner"])
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "dataset"


def test_a_viewer_cannot_solve(client: httpx.Client, keys: Headers) -> None:
    body = {"dataset": json.loads(example_json())}
    assert client.post("/v1/solve", json=body, headers=keys["viewer"]).status_code == 403
