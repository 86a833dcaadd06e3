"""Authentication and roles: 401 without a valid key, 403 below the endpoint's role."""

from __future__ import annotations

import httpx
import pytest

Headers = dict[str, dict[str, str]]
ROLES = ("viewer", "planner", "admin")

#: Every protected endpoint with the least role it needs.
ENDPOINTS = [
    ("GET", "/v1/datasets/x", "viewer"),
    ("GET", "/v1/runs", "viewer"),
    ("GET", "/v1/runs/x", "viewer"),
    ("GET", "/v1/runs/x/plan", "viewer"),
    ("GET", "/v1/runs/x/gaps", "viewer"),
    ("POST", "/v1/datasets", "planner"),
    ("DELETE", "/v1/datasets/x", "planner"),
    ("POST", "/v1/runs", "planner"),
    ("DELETE", "/v1/runs/x", "planner"),
    ("POST", "/v1/solve", "planner"),
    ("GET", "/v1/audit", "admin"),
    ("GET", "/v1/audit/verify", "admin"),
    ("GET", "/v1/keys", "admin"),
    ("POST", "/v1/keys", "admin"),
    ("DELETE", "/v1/keys/x", "admin"),
]


@pytest.mark.parametrize(("method", "path", "least"), ENDPOINTS)
def test_each_endpoint_admits_its_role_and_those_above_only(
    client: httpx.Client, keys: Headers, method: str, path: str, least: str
) -> None:
    for role in ROLES:
        answer = client.request(method, path, headers=keys[role], json={})
        if ROLES.index(role) < ROLES.index(least):
            assert answer.status_code == 403, (role, answer.text)
            assert answer.headers["Content-Type"] == "application/problem+json"
            assert least in answer.json()["detail"]
        else:
            assert answer.status_code not in (401, 403), (role, answer.text)


@pytest.mark.parametrize(("method", "path", "least"), ENDPOINTS)
def test_each_endpoint_refuses_a_missing_or_wrong_key_with_401(
    client: httpx.Client, method: str, path: str, least: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": "Basic abc"}):
        answer = client.request(method, path, headers=headers, json={})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.json()["status"] == 401


def test_health_metrics_and_docs_need_no_key(client: httpx.Client) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path
