"""Schema fuzzing, bounded: every operation of the service's own OpenAPI document, sent
generated valid and invalid requests by every kind of caller, answers no 5xx and only what the
document describes. ``make fuzz`` runs the same fuzzer with many more examples; the regression
tests below pin what earlier fuzzing found."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from benchmarks.fuzz_service import credentials_of, fuzz, prepare
from tests.api.conftest import sqlite_url
from tests.api.fixtures import serving
from tests.api.http.conftest import service_settings

PROBLEM_REF = "#/components/schemas/ProblemDetails"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A service on SQLite with one key per role, a revoked key, a dataset and a finished run."""
    database_url = sqlite_url(tmp_path_factory.mktemp("fuzz"))
    callers = credentials_of(database_url)
    with serving(service_settings(database_url)) as url:
        yield url, callers


def openapi_operations(settings: Settings) -> set[tuple[str, str]]:
    """(method, path) of every operation the application documents."""
    document = create_app(settings).openapi()
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }


def test_every_operation_answers_every_caller_without_5xx_and_as_documented(
    fuzzed: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, callers = fuzzed
    ids = prepare(url, callers["planner"], callers["admin"])
    privileged = {role: callers[role] for role in ("admin", "planner")}
    others = {role: callers[role] for role in ("viewer", "revoked", "none")}

    deep = fuzz(url, privileged, examples=2, known_ids=ids)
    shallow = fuzz(url, others, examples=1, known_ids=ids)

    documented = openapi_operations(service_settings(sqlite_url(tmp_path)))
    assert deep.operations == shallow.operations == len(documented)
    assert deep.server_errors + shallow.server_errors == []
    assert deep.failures + shallow.failures == []
    # Every caller was refused somewhere, and the privileged ones got past authentication.
    assert shallow.statuses.get(401, 0) > 0 and shallow.statuses.get(403, 0) > 0
    assert any(200 <= status < 300 for status in deep.statuses)
    assert deep.cases + shallow.cases >= 3 * len(documented)


def test_a_body_that_is_not_utf8_json_is_a_documented_400_problem(
    fuzzed: tuple[str, dict[str, Any]],
) -> None:
    """Found by fuzzing: FastAPI answers 400 to a body it cannot decode, which the document
    did not list."""
    url, callers = fuzzed
    with httpx.Client(base_url=url, timeout=30) as client:
        answer = client.post(
            "/v1/keys",
            content=b'{"role": "\xff"}',
            headers=callers["admin"] | {"Content-Type": "application/json"},
        )
        document = client.get("/openapi.json").json()
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 400
    responses = document["paths"]["/v1/keys"]["post"]["responses"]
    assert responses["400"]["content"]["application/problem+json"]["schema"]["$ref"] == PROBLEM_REF


def test_a_malformed_multipart_upload_is_a_documented_400_problem(
    fuzzed: tuple[str, dict[str, Any]],
) -> None:
    """Found by fuzzing: a multipart body without its boundary is refused by the form parser
    with 400."""
    url, callers = fuzzed
    with httpx.Client(base_url=url, timeout=30) as client:
        answer = client.post(
            "/v1/datasets",
            content=b"--x\r\nnot a part",
            headers=callers["planner"] | {"Content-Type": "multipart/form-data; boundary=x"},
        )
        document = client.get("/openapi.json").json()
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert "400" in document["paths"]["/v1/datasets"]["post"]["responses"]


def test_every_documented_error_is_problem_json_and_every_post_lists_the_middleware_answers(
    tmp_path: Path,
) -> None:
    """Found by fuzzing: errors were documented as ``application/json`` (FastAPI's validation
    body) although every error is sent as ``application/problem+json``."""
    document = create_app(service_settings(sqlite_url(tmp_path))).openapi()
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for code, response in responses.items():
                if int(code) >= 400 and (path, code) != ("/readyz", "503"):
                    assert list(response["content"]) == ["application/problem+json"], (path, code)
                    schema = response["content"]["application/problem+json"]["schema"]
                    assert schema["$ref"] == PROBLEM_REF
                    checked += 1
            if "requestBody" in operation:
                assert {"400", "413"} <= set(responses), (method, path)
            if method == "post":
                assert {"409", "422"} <= set(responses), (method, path)
                names = [p["name"] for p in operation.get("parameters", [])]
                assert "Idempotency-Key" in names
            if "401" in responses:
                assert operation["security"] == [{"bearer": []}]
                assert "503" in responses
    assert checked > 50


def test_an_audit_page_after_a_sequence_number_beyond_64_bits_is_a_422_not_a_500(
    fuzzed: tuple[str, dict[str, Any]],
) -> None:
    """Found by fuzzing: ``after_seq`` larger than a 64-bit integer reached the database,
    which cannot hold it, and the answer was 500."""
    url, callers = fuzzed
    with httpx.Client(base_url=url, timeout=30) as client:
        too_far = client.get(f"/v1/audit?after_seq={2**63}", headers=callers["admin"])
        last = client.get(f"/v1/audit?after_seq={2**63 - 1}", headers=callers["admin"])
    assert too_far.status_code == 422
    assert too_far.headers["content-type"] == "application/problem+json"
    assert too_far.json()["problems"][0]["column"] == "after_seq"
    assert last.status_code == 200 and last.json()["records"] == []
