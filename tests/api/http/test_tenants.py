"""Agencies (tenants): a key never sees, lists, counts or infers another agency's records.

For every operation of the OpenAPI document that names a record (in its path or its body), each
of agency B's keys gets exactly the answer it gets for an id that does not exist (same status,
same body apart from the id) when it names agency A's record, and A's records are untouched
after. Listings, the audit trail and the keys of one agency never show the other's."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.db.store import Store
from tests.api.fixtures import bearer, example_json, example_policy, wait_for_run

ROLES = ("viewer", "planner", "admin")
METHODS = ("get", "post", "put", "patch", "delete")
ID_PARAMS = {"dataset_id", "run_id", "scenario_id", "key_id"}
NIP = "196605151990031001"
POSITION = "DISDIK-03"


@dataclass(frozen=True)
class Agency:
    """One agency's keys (headers by role), key ids and records."""

    code: str
    keys: dict[str, dict[str, str]]
    key_ids: dict[str, str]
    records: dict[str, str]


def make_agency(store: Store, code: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """An agency with one key per role: their headers and their ids."""
    store.agencies.create(code=code, name=f"Agency {code}")
    headers, ids = {}, {}
    for role in ROLES:
        record, secret = store.keys.create(role=role, name=f"{code} {role}", agency=code)
        headers[role], ids[role] = bearer(secret), record.id
    return headers, ids


def fill(client: httpx.Client, keys: dict[str, dict[str, str]]) -> dict[str, str]:
    """A dataset, a succeeded run and a succeeded scenario of the agency of ``keys``."""
    planner = keys["planner"]
    dataset = client.post(
        "/v1/datasets",
        content=example_json(),
        headers=planner | {"Content-Type": "application/json"},
    ).json()["id"]
    run = client.post(
        "/v1/runs", json={"dataset_id": dataset, "policy": example_policy()}, headers=planner
    ).json()["id"]
    assert wait_for_run(client, run, planner)["status"] == "succeeded"
    scenario = client.post(
        "/v1/scenarios",
        json={"base_run_id": run, "changes": [{"op": "abolish", "position_id": POSITION}]},
        headers=planner,
    ).json()["id"]
    assert wait_for_run(client, scenario, planner)["status"] == "succeeded"
    return {"dataset_id": dataset, "run_id": run, "scenario_id": scenario}


@pytest.fixture(scope="module")
def agencies(service: str, service_database: str) -> Iterator[tuple[Agency, Agency]]:
    """Agencies A and B, each with keys of every role and records of its own."""
    made = []
    with Store(service_database) as store, httpx.Client(base_url=service, timeout=60) as client:
        for code in ("kota-a", "kota-b"):
            keys, key_ids = make_agency(store, code)
            made.append(Agency(code, keys, key_ids, fill(client, keys)))
    yield made[0], made[1]


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path) of every operation whose path names a record."""
    return [
        (method, path)
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item and ID_PARAMS & set(re.findall(r"\{([^}]+)\}", path))
    ]


def concrete(path: str, ids: dict[str, str]) -> str:
    """``path`` with record ids from ``ids`` and a real employee and position."""
    values = {**ids, "nip": NIP, "position_id": POSITION}
    return re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)


def normalised(answer: httpx.Response, ids: list[str]) -> tuple[int, str, str]:
    """Status, content type and body of ``answer`` with every id of ``ids`` blanked."""
    text = answer.text
    for record_id in ids:
        text = text.replace(record_id, "<id>")
    return answer.status_code, answer.headers.get("content-type", ""), text


def compare(
    client: httpx.Client,
    method: str,
    headers: dict[str, str],
    real: tuple[str, Any],
    fake: tuple[str, Any],
    ids: list[str],
) -> None:
    """The answers to a request naming another agency's record and to one naming nothing."""
    answers = [
        client.request(method, url, headers=headers, json=body) for url, body in (real, fake)
    ]
    assert normalised(answers[0], ids) == normalised(answers[1], ids), (method, real[0])
    assert answers[0].status_code in (403, 404, 422), (method, real[0], answers[0].text)


def test_another_agency_s_record_answers_exactly_as_one_that_does_not_exist(
    client: httpx.Client, agencies: tuple[Agency, Agency]
) -> None:
    a, b = agencies
    found = operations(client.get("/openapi.json").json())
    assert len(found) >= 15
    fake = {name: uuid.uuid4().hex for name in ID_PARAMS}
    real = {**a.records, "key_id": a.key_ids["viewer"]}
    blank = list(real.values()) + list(fake.values())
    for role in ROLES:
        headers = b.keys[role]
        for method, path in found:
            compare(
                client, method, headers,
                (concrete(path, real), None), (concrete(path, fake), None), blank,
            )  # fmt: skip
        # Operations that name records in their body.
        for url, template in (
            ("/v1/runs", lambda i: {"dataset_id": i["dataset_id"], "policy": example_policy()}),
            ("/v1/scenarios", lambda i: {"base_run_id": i["run_id"], "changes": [{"op": "x"}]}),
            (
                "/v1/scenarios",
                lambda i: {"dataset_id": i["dataset_id"], "policy": {}, "changes": [{"op": "x"}]},
            ),
            ("/v1/compare", lambda i: {"run_ids": [i["run_id"], i["scenario_id"]]}),
        ):
            compare(client, "post", headers, (url, template(real)), (url, template(fake)), blank)

    # Nothing of A was changed, deleted, cancelled or revoked by B's requests.
    viewer = a.keys["viewer"]
    assert client.get(f"/v1/datasets/{a.records['dataset_id']}", headers=viewer).status_code == 200
    for run_id in (a.records["run_id"], a.records["scenario_id"]):
        assert client.get(f"/v1/runs/{run_id}", headers=viewer).json()["status"] == "succeeded"
    assert client.get(f"/v1/scenarios/{a.records['scenario_id']}", headers=viewer).is_success


def test_listings_audit_and_keys_never_show_another_agency_s_records(
    client: httpx.Client, agencies: tuple[Agency, Agency]
) -> None:
    a, b = agencies
    for own, other in ((a, b), (b, a)):
        theirs = set(other.records.values()) | set(other.key_ids.values())
        mine = set(own.records.values())
        listed: set[str] = set()
        for url, field in (
            ("/v1/datasets", "datasets"), ("/v1/runs", "runs"), ("/v1/scenarios", "scenarios"),
        ):  # fmt: skip
            for role in ROLES:
                page = client.get(url, headers=own.keys[role]).json()[field]
                listed |= {item["id"] for item in page}
                text = client.get(url, headers=own.keys[role]).text
                assert not any(record_id in text for record_id in theirs), (url, role)
        assert mine <= listed
        keys = client.get("/v1/keys", headers=own.keys["admin"]).json()["keys"]
        assert {k["id"] for k in keys} == set(own.key_ids.values())
        assert {k["agency"] for k in keys} == {own.code}
        audit = client.get("/v1/audit", params={"limit": 1000}, headers=own.keys["admin"])
        records = audit.json()["records"]
        assert records and not any(record_id in audit.text for record_id in theirs)
        assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
        assert {r["target"] for r in records} >= mine
        verified = client.get("/v1/audit/verify", headers=own.keys["admin"]).json()
        assert verified == {"ok": True, "checked": len(records), "first_bad_seq": None}


def test_an_agency_admin_manages_only_its_own_keys_and_a_platform_admin_every_agency(
    client: httpx.Client, agencies: tuple[Agency, Agency], service_database: str
) -> None:
    a, b = agencies
    admin = b.keys["admin"]
    other = client.post("/v1/keys", json={"role": "viewer", "agency": a.code}, headers=admin)
    assert other.status_code == 403
    platform = client.post("/v1/keys", json={"role": "admin"}, headers=admin)
    assert platform.status_code == 201 and platform.json()["agency"] == b.code
    assert client.delete(f"/v1/keys/{a.key_ids['planner']}", headers=admin).status_code == 404
    assert client.get("/v1/runs", headers=a.keys["planner"]).status_code == 200
    assert client.get("/v1/agencies", headers=admin).status_code == 403

    with Store(service_database) as store:
        _, secret = store.keys.create(role="admin", name="platform", agency=None)
    root = bearer(secret)
    made = client.post("/v1/agencies", json={"code": "kota-c", "name": "C"}, headers=root)
    assert made.status_code == 201
    again = client.post("/v1/agencies", json={"code": "kota-c"}, headers=root)
    assert again.status_code == 409
    codes = [x["code"] for x in client.get("/v1/agencies", headers=root).json()["agencies"]]
    assert {"default", a.code, b.code, "kota-c"} <= set(codes)
    key = client.post("/v1/keys", json={"role": "planner", "agency": "kota-c"}, headers=root)
    assert key.status_code == 201 and key.json()["agency"] == "kota-c"
    c_planner = bearer(key.json()["key"])
    assert client.get("/v1/runs", headers=c_planner).json()["runs"] == []
    assert client.get("/v1/datasets", headers=root).status_code == 403
    everything = client.get("/v1/audit", params={"limit": 1000}, headers=root).json()["records"]
    assert {"agency.create", "key.create"} <= {r["action"] for r in everything}
    assert client.get("/v1/audit/verify", headers=root).json()["ok"] is True


def test_metrics_count_runs_and_queues_per_agency_without_personal_data(
    client: httpx.Client, agencies: tuple[Agency, Agency]
) -> None:
    text = client.get("/metrics").text
    for agency in agencies:
        assert f'placement_agency_runs{{agency="{agency.code}",status="succeeded"}} 2.0' in text
        assert f'placement_agency_queue_length{{agency="{agency.code}"}}' in text
    assert NIP not in text
    assert not any(record_id in text for a in agencies for record_id in a.records.values())
