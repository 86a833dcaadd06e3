"""The typed bodies of the trust endpoints: named in the OpenAPI document, and byte for byte
what the library's ``to_dict()`` gives for the same run.

Each expected body is computed here by solving the shared worked example (tests.paths.EXAMPLE)
with the library and calling the same analysis the service calls; the service must answer
exactly its JSON, keys in the same order, integers as integers and nulls as nulls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from api.app import create_app
from api.schemas.trust import (
    ComparisonOut,
    DiagnosisOut,
    FairnessOut,
    FiguresOut,
    PersonExplanationOut,
    PositionExplanationOut,
)
from api.settings import Settings
from placement.analysis.compare import compare
from placement.analysis.explain import explain_person, explain_position
from placement.analysis.fairness import MAX_EXPLAINED, fairness
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_json
from placement.engine import Solution, solve
from placement.reports.figures import plan_figures
from tests.api.fixtures import example_json, example_policy, wait_for_run
from tests.api.http.conftest import Keys
from tests.paths import EXAMPLE

FAJAR = "199405052019031006"
JOKO = "197907112005011010"
#: Two pins on DISDIK-04, a post of one seat: INFEASIBLE.
TWO_PINS = {
    "reference_date": "2026-07-01",
    "pins": [
        {"nip": "199803122024061001", "position_id": "DISDIK-04"},
        {"nip": "198705202010011002", "position_id": "DISDIK-04"},
    ],
}
ROTATION = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())

#: Each typed operation and the schema its 200 answer names.
OPERATIONS = (
    ("/v1/runs/{run_id}/explain/employees/{nip}", "get", "PersonExplanationOut"),
    ("/v1/runs/{run_id}/explain/positions/{position_id}", "get", "PositionExplanationOut"),
    ("/v1/runs/{run_id}/fairness", "get", "FairnessOut"),
    ("/v1/runs/{run_id}/figures", "get", "FiguresOut"),
    ("/v1/runs/{run_id}/diagnosis", "get", "DiagnosisOut"),
    ("/v1/compare", "post", "ComparisonOut"),
)


def json_bytes(value: Any) -> bytes:
    """``value`` as the service's JSON responses render it."""
    return json.dumps(
        value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


@pytest.mark.parametrize(("path", "method", "schema"), OPERATIONS)
def test_the_openapi_document_names_the_typed_body_of_each_trust_operation(
    tmp_path: Path, path: str, method: str, schema: str
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'placement.db'}"))
    document = app.openapi()
    ok = document["paths"][path][method]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{schema}"}
    assert document["components"]["schemas"][schema]["type"] == "object"


def test_the_terms_of_an_unplaced_employee_are_documented_as_the_score_alone(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'placement.db'}"))
    terms = app.openapi()["components"]["schemas"]["ScoreTerms"]
    assert terms["required"] == ["score"]
    assert set(terms["properties"]) >= {"jpm", "preference", "stay", "performance", "fill"}


@dataclass(frozen=True)
class Example:
    """The worked example solved with the library under its main and rotation policies."""

    dataset: Dataset
    policy: Policy
    main: Solution
    rotation: Solution


@pytest.fixture(scope="module")
def example() -> Example:
    """The worked example solved with the library."""
    dataset = dataset_from_json(json.loads(example_json()))
    policy = load_policy(example_policy(), dataset)
    rotation = solve(dataset, load_policy(ROTATION, dataset))
    return Example(dataset, policy, solve(dataset, policy), rotation)


@pytest.fixture(scope="module")
def runs(service: str, keys: Keys) -> dict[str, str]:
    """The example's ``main``, ``rotation`` and ``two_pins`` runs, finished on the service."""
    planner = keys["planner"]
    with httpx.Client(base_url=service, timeout=60) as client:
        uploaded = client.post(
            "/v1/datasets",
            content=example_json(),
            headers=planner | {"Content-Type": "application/json"},
        )
        assert uploaded.status_code == 201, uploaded.text
        ids = {}
        for name, policy in (
            ("main", example_policy()),
            ("rotation", ROTATION),
            ("two_pins", TWO_PINS),
        ):
            body = {"dataset_id": uploaded.json()["id"], "policy": policy}
            queued = client.post("/v1/runs", json=body, headers=planner)
            assert queued.status_code == 202, queued.text
            ids[name] = queued.json()["id"]
        for run_id in ids.values():
            assert wait_for_run(client, run_id, keys["viewer"])["status"] in ("succeeded", "failed")
    return ids


def assert_body(answer: httpx.Response, model: type[BaseModel], expected: dict[str, Any]) -> None:
    """``answer`` validates against ``model`` and is exactly the JSON of ``expected``."""
    assert answer.status_code == 200, answer.text
    model.model_validate_json(answer.content)
    assert answer.content == json_bytes(expected)


@pytest.mark.parametrize("nip", [FAJAR, JOKO], ids=["unplaced", "placed"])
def test_an_employee_explanation_is_the_library_explanation(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
    nip: str,
) -> None:
    answer = client.get(f"/v1/runs/{runs['main']}/explain/employees/{nip}", headers=keys["viewer"])
    expected = explain_person(example.dataset, example.policy, example.main, nip, top=5).to_dict()
    assert_body(answer, PersonExplanationOut, expected)


def test_a_position_explanation_is_the_library_explanation(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
) -> None:
    answer = client.get(
        f"/v1/runs/{runs['main']}/explain/positions/DISDIK-02", headers=keys["viewer"]
    )
    expected = explain_position(
        example.dataset, example.policy, example.main, "DISDIK-02", top=10
    ).to_dict()
    assert_body(answer, PositionExplanationOut, expected)


def test_fairness_is_the_library_fairness(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
) -> None:
    answer = client.get(f"/v1/runs/{runs['main']}/fairness", headers=keys["viewer"])
    expected = fairness(
        example.dataset, example.policy, example.main, max_explained=MAX_EXPLAINED
    ).to_dict()
    assert_body(answer, FairnessOut, expected)


def test_figures_are_the_library_figures(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
) -> None:
    answer = client.get(f"/v1/runs/{runs['main']}/figures", headers=keys["viewer"])
    assert_body(answer, FiguresOut, plan_figures(example.main))


def test_a_diagnosis_is_the_library_diagnosis(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
) -> None:
    infeasible = solve(example.dataset, load_policy(TWO_PINS, example.dataset))
    answer = client.get(f"/v1/runs/{runs['two_pins']}/diagnosis", headers=keys["viewer"])
    assert_body(answer, DiagnosisOut, infeasible.summary["diagnosis"])


def test_a_comparison_is_the_library_comparison(
    client: httpx.Client,
    keys: Keys,
    runs: dict[str, str],
    example: Example,
) -> None:
    body = {"run_ids": [runs["main"], runs["rotation"]]}
    answer = client.post("/v1/compare", json=body, headers=keys["viewer"])
    expected = compare(
        [(runs["main"], example.main), (runs["rotation"], example.rotation)]
    ).to_dict()
    assert_body(answer, ComparisonOut, expected)
