"""API keys (``/v1/keys``) and the audit trail (``/v1/audit``)."""

from __future__ import annotations

import itertools

import httpx

from tests.api.fixtures import example_json

Headers = dict[str, dict[str, str]]


def test_an_admin_creates_a_key_that_works_with_its_role(
    client: httpx.Client, keys: Headers
) -> None:
    answer = client.post(
        "/v1/keys", json={"role": "viewer", "name": "e-Kinerja"}, headers=keys["admin"]
    )
    assert answer.status_code == 201
    created = answer.json()
    assert answer.headers["Location"] == f"/v1/keys/{created['id']}"
    assert (created["role"], created["name"], created["revoked_at"]) == (
        "viewer",
        "e-Kinerja",
        None,
    )
    new = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/v1/runs", headers=new).status_code == 200
    assert client.post("/v1/solve", json={"dataset": {}}, headers=new).status_code == 403
    listed = client.get("/v1/keys", headers=keys["admin"]).json()["keys"]
    assert created["id"] in [k["id"] for k in listed]
    assert all("key" not in k for k in listed)


def test_a_revoked_key_is_refused(client: httpx.Client, keys: Headers) -> None:
    created = client.post("/v1/keys", json={"role": "planner"}, headers=keys["admin"]).json()
    new = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/v1/runs", headers=new).status_code == 200
    assert client.delete(f"/v1/keys/{created['id']}", headers=keys["admin"]).status_code == 204
    assert client.get("/v1/runs", headers=new).status_code == 401


def test_an_unknown_key_cannot_be_revoked(client: httpx.Client, keys: Headers) -> None:
    assert client.delete("/v1/keys/nope", headers=keys["admin"]).status_code == 404


def test_a_key_of_an_unknown_role_is_refused(client: httpx.Client, keys: Headers) -> None:
    answer = client.post("/v1/keys", json={"role": "root"}, headers=keys["admin"])
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "role"


def test_mutations_are_audited_in_a_chain_that_verifies(
    client: httpx.Client, keys: Headers
) -> None:
    created = client.post(
        "/v1/datasets",
        content=example_json(),
        headers=keys["planner"] | {"Content-Type": "application/json"},
    ).json()
    client.delete(f"/v1/datasets/{created['id']}", headers=keys["planner"])
    records = []
    after = 0
    while True:
        page = client.get(
            "/v1/audit", params={"after_seq": after, "limit": 5}, headers=keys["admin"]
        ).json()
        records += page["records"]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    mine = [r for r in records if r["target"] == created["id"]]
    assert [r["action"] for r in mine] == ["dataset.create", "dataset.delete"]
    assert mine[0]["details"]["input_sha256"] == created["sha256"]
    assert mine[0]["actor"].startswith("key:")
    assert [r["seq"] for r in records] == sorted(r["seq"] for r in records)
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(records))
    verified = client.get("/v1/audit/verify", headers=keys["admin"]).json()
    assert verified["ok"] is True
    assert verified["checked"] >= len(records)
