"""``/v1/datasets``: the three upload forms, validation problems, reading and deleting."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from api.db.engine import utc_now
from api.db.repositories.runs import new_run_row
from api.db.repositories.sweeps import new_sweep_row
from api.db.store import Store
from placement import load_dataset
from placement.i18n import translate
from tests.api.fixtures import (
    XLSX,
    example_csv_files,
    example_json,
    example_xlsx_file,
)
from tests.paths import DATA, EXAMPLE

pytestmark = pytest.mark.usefixtures("english_service")

Headers = dict[str, dict[str, str]]


def post_json(client: httpx.Client, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(
        "/v1/datasets", content=body, headers=headers | {"Content-Type": "application/json"}
    )


def test_the_example_uploaded_as_json_csv_and_xlsx_has_one_sha256(
    client: httpx.Client, keys: Headers
) -> None:
    planner = keys["planner"]
    answers = [
        post_json(client, example_json(), planner),
        client.post("/v1/datasets", files=example_csv_files(), headers=planner),
        client.post("/v1/datasets", files=example_xlsx_file(), headers=planner),
        client.post(
            "/v1/datasets",
            content=(EXAMPLE / "example.xlsx").read_bytes(),
            headers=planner | {"Content-Type": XLSX},
        ),
    ]
    assert [a.status_code for a in answers] == [201] * 4
    bodies = [a.json() for a in answers]
    assert {b["sha256"] for b in bodies} == {load_dataset(EXAMPLE).sha256}
    assert len({b["id"] for b in bodies}) == 4
    assert bodies[0]["counts"] == {
        "employees": 14, "positions": 11, "competencies": 54, "requirements": 29,
        "preferences": 16, "relations": 2,
    }  # fmt: skip
    for answer, body in zip(answers, bodies, strict=True):
        assert answer.headers["Location"] == f"/v1/datasets/{body['id']}"


def test_a_stored_dataset_can_be_read_by_a_viewer(client: httpx.Client, keys: Headers) -> None:
    created = post_json(client, example_json(), keys["planner"]).json()
    got = client.get(f"/v1/datasets/{created['id']}", headers=keys["viewer"])
    assert got.status_code == 200
    assert got.json() == created


def test_a_bad_dataset_is_refused_with_every_problem_located(
    client: httpx.Client, keys: Headers
) -> None:
    body = (DATA / "unknown_references.json").read_bytes()
    # English, as the library's problems below are rendered (the module's default).
    answer = post_json(client, body, keys["planner"] | {"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422
    with pytest.raises(Exception) as refused:
        load_dataset(DATA / "unknown_references.json")
    expected = [
        {"table": p.table, "row": p.row, "column": p.column, "message": p.message}
        for p in refused.value.problems  # type: ignore[attr-defined]
    ]
    assert problem["problems"] == expected
    assert len(expected) > 1


def test_a_body_that_is_not_json_is_a_located_problem(client: httpx.Client, keys: Headers) -> None:
    answer = post_json(client, b"{not json", keys["planner"] | {"Accept-Language": "en"})
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["table"] == "dataset"
    assert "not valid JSON" in problem["message"]
    [masalah] = post_json(client, b"{not json", keys["planner"]).json()["problems"]
    assert "bukan JSON yang valid" in masalah["message"]


def test_csv_uploads_must_be_named_after_their_tables(client: httpx.Client, keys: Headers) -> None:
    files = [*example_csv_files(), ("files", ("notes.txt", b"hello", "text/plain"))]
    answer = client.post("/v1/datasets", files=files, headers=keys["planner"])
    assert answer.status_code == 422
    assert "notes.txt" in answer.json()["problems"][0]["message"]


def test_a_csv_upload_without_the_positions_table_is_refused(
    client: httpx.Client, keys: Headers
) -> None:
    files = [f for f in example_csv_files() if f[1][0] != "positions.csv"]
    answer = client.post(
        "/v1/datasets", files=files, headers=keys["planner"] | {"Accept-Language": "en"}
    )
    indonesian = client.post("/v1/datasets", files=files, headers=keys["planner"])
    assert indonesian.status_code == 422
    assert indonesian.json()["problems"] != answer.json()["problems"]
    assert answer.status_code == 422
    assert {
        "table": "positions",
        "row": None,
        "column": None,
        "message": "required table missing",
    } in (answer.json()["problems"])


def test_an_unsupported_content_type_is_415(client: httpx.Client, keys: Headers) -> None:
    answer = client.post(
        "/v1/datasets", content=b"a,b", headers=keys["planner"] | {"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_a_body_over_the_size_limit_is_413(client: httpx.Client, keys: Headers) -> None:
    huge = json.dumps({"employees": [{"nip": "1" * 18}] * 300_000}).encode()
    assert len(huge) > 4 * 1024 * 1024
    answer = post_json(client, huge, keys["planner"])
    assert answer.status_code == 413
    assert answer.json()["status"] == 413


def test_a_deleted_dataset_is_gone(client: httpx.Client, keys: Headers) -> None:
    created = post_json(client, example_json(), keys["planner"]).json()
    url = f"/v1/datasets/{created['id']}"
    assert client.delete(url, headers=keys["planner"]).status_code == 204
    assert client.get(url, headers=keys["viewer"]).status_code == 404
    assert client.delete(url, headers=keys["planner"]).status_code == 404


def test_a_dataset_with_a_queued_run_cannot_be_deleted(
    client: httpx.Client, keys: Headers, service_database: str
) -> None:
    created = post_json(client, example_json(), keys["planner"]).json()
    with Store(service_database) as store:
        store.runs.create(dataset_id=created["id"], policy={}, created_by="test")
    answer = client.delete(f"/v1/datasets/{created['id']}", headers=keys["planner"])
    assert answer.status_code == 409
    assert answer.json()["type"].endswith("/conflict")


def held_elsewhere(row: Any) -> Any:
    """``row`` (a new run's or sweep's) running under another instance's long lease, so that
    this service's workers leave it alone."""
    row.status = "running"
    row.lease_owner = "another-instance"
    row.lease_expires_at = utc_now() + timedelta(hours=1)
    return row


def test_a_dataset_with_a_running_run_or_sweep_is_kept_and_says_how_many_use_it(
    client: httpx.Client, keys: Headers, service_database: str
) -> None:
    created = post_json(client, example_json(), keys["planner"]).json()
    dataset_id = created["id"]
    with Store(service_database) as store:
        run = store.runs.enqueue(
            held_elsewhere(new_run_row(dataset_id=dataset_id, policy={}, created_by="test"))
        )
        sweeps = [
            store.sweeps.enqueue(
                held_elsewhere(
                    new_sweep_row(
                        dataset_id=dataset_id, policy={}, spec={"grid": {"max_moves": [1]}},
                        total=1, executor="service", created_by="test",
                    )
                )
            )
            for _ in range(2)
        ]  # fmt: skip
    audit = {"limit": 1000}
    before = client.get("/v1/audit", params=audit, headers=keys["admin"]).json()["records"]
    url = f"/v1/datasets/{dataset_id}"
    for locale in ("id", "en"):
        answer = client.delete(url, headers=keys["planner"] | {"Accept-Language": locale})
        assert answer.status_code == 409
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/conflict")
        assert answer.json()["detail"] == translate(
            "api.dataset.in_use", locale, id=dataset_id, runs=1, sweeps=2
        )
    assert client.get(url, headers=keys["viewer"]).json() == created
    after = client.get("/v1/audit", params=audit, headers=keys["admin"]).json()["records"]
    # The module's earlier runs may still finish meanwhile; nothing may touch these rows.
    ours = {dataset_id, run.id, *(sweep.id for sweep in sweeps)}
    assert after[: len(before)] == before
    assert [r for r in after[len(before) :] if r["target"] in ours] == []
    assert client.delete(f"/v1/runs/{run.id}", headers=keys["planner"]).status_code == 200
    for sweep in sweeps:
        assert client.delete(f"/v1/sweeps/{sweep.id}", headers=keys["planner"]).status_code == 200
    assert client.delete(url, headers=keys["planner"]).status_code == 204


def test_an_unknown_dataset_is_404(client: httpx.Client, keys: Headers) -> None:
    answer = client.get("/v1/datasets/nope", headers=keys["viewer"])
    assert answer.status_code == 404
    assert answer.json()["instance"] == "/v1/datasets/nope"


def test_datasets_are_listed_newest_first_and_paged_with_a_cursor(
    client: httpx.Client, keys: Headers
) -> None:
    planner, viewer = keys["planner"], keys["viewer"]
    made = [post_json(client, example_json(), planner).json()["id"] for _ in range(3)]
    deleted = post_json(client, example_json(), planner).json()["id"]
    assert client.delete(f"/v1/datasets/{deleted}", headers=planner).status_code == 204
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/datasets", params=params, headers=viewer).json()
        assert len(page["datasets"]) <= 2
        seen += [d["id"] for d in page["datasets"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert deleted not in seen
    assert [i for i in seen if i in made] == made[::-1]
    refused = client.get("/v1/datasets", params={"cursor": "not-a-cursor"}, headers=viewer)
    assert refused.status_code == 422


def test_deleting_a_dataset_records_what_was_removed_in_the_audit_trail(
    client: httpx.Client, keys: Headers
) -> None:
    created = post_json(client, example_json(), keys["planner"]).json()
    assert (
        client.delete(f"/v1/datasets/{created['id']}", headers=keys["planner"]).status_code == 204
    )
    records = client.get("/v1/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    [entry] = [
        r
        for r in records["records"]
        if r["action"] == "dataset.delete" and r["target"] == created["id"]
    ]
    assert entry["details"]["removed"] == ["payload"]
    assert entry["details"]["payload_bytes"] > 0
    assert entry["details"]["input_sha256"] == created["sha256"]
    assert client.get(f"/v1/datasets/{created['id']}", headers=keys["viewer"]).status_code == 404
