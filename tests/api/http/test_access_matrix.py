"""Access control, role × endpoint: every operation of the application's route table (so a new
endpoint is covered the day it is added) against every role, no key, a malformed key and a
revoked key; and how keys are stored and compared.

The expected least role of an operation follows the service's rule, which each route must also
declare: agencies are for platform admins; the keys and the audit trail are for admins (an
agency's or the platform's); everything else that changes state is for planners; reading is
for viewers, and a platform admin's key, which belongs to no agency, reads and changes no
agency's data; health, metrics, the web pages and the API documentation (static files that call
the API with the user's key) are public. An operation outside that rule must be listed in
EXCEPTIONS, with its reason."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import create_engine, text

from api.app import create_app
from api.core.auth import ROLES
from api.db import credentials as api_keys
from api.db.store import Store
from api.routes import routers
from tests.api.conftest import sqlite_url
from tests.api.fixtures import bearer
from tests.api.http.conftest import Keys, service_settings

PUBLIC = {
    "/healthz", "/readyz", "/metrics", "/", "/web/{name}", "/docs", "/redoc",
    "/web/vendor/{name}",
}  # fmt: skip
#: Operations whose least role is not the one the rule gives, and why.
EXCEPTIONS = {
    ("POST", "/v1/compare"): "viewer",  # compares stored runs; changes nothing
}
ADMIN_PREFIXES = ("/v1/keys", "/v1/audit")
PLATFORM_PREFIXES = ("/v1/agencies",)
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def expected_role(method: str, path: str) -> str | None:
    """The least role the rule gives an operation; None for public ones."""
    if path in PUBLIC:
        return None
    if (method, path) in EXCEPTIONS:
        return EXCEPTIONS[(method, path)]
    if path.startswith(PLATFORM_PREFIXES):
        return "platform"
    if path.startswith(ADMIN_PREFIXES):
        return "admin"
    return "planner" if method in MUTATING else "viewer"


def declared_role(dependant: Dependant) -> str | None:
    """The role named by the route's ``require_<role>`` dependency, searched depth first."""
    for sub in dependant.dependencies:
        name = getattr(sub.call, "__name__", "")
        if name.startswith("require_"):
            return name.removeprefix("require_")
        found = declared_role(sub)
        if found is not None:
            return found
    return None


def operations() -> list[tuple[str, str, str | None]]:
    """(method, path, declared least role) of every operation the application documents."""
    declared = {
        (method, route.path): declared_role(route.dependant)
        for router in routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    document = create_app(service_settings("sqlite:///unused.db")).openapi()
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    # Routes left out of the document (web pages) are enumerated from the routers all the same.
    every = sorted(documented | set(declared))
    return [(method, path, declared.get((method, path), "undeclared")) for method, path in every]


OPERATIONS = operations()


def concrete(path: str) -> str:
    """The path with every parameter replaced by an id that exists nowhere."""
    return re.sub(r"\{[^}]+\}", "0" * 18, path)


@pytest.fixture(scope="module")
def callers(keys: Keys, service_database: str) -> Iterator[dict[str, dict[str, str]]]:
    """Headers by caller: the three roles, a platform admin, no key, a malformed key and a
    revoked admin key."""
    with Store(service_database) as store:
        record, secret = store.keys.create(role="admin", name="revoked")
        store.keys.revoke(record.id)
        _, platform = store.keys.create(role="admin", name="platform", agency=None)
    yield {
        **keys,
        "platform": bearer(platform),
        "none": {},
        "malformed": {"Authorization": "Bearer pen_not_a_key"},
        "revoked": bearer(secret),
    }


def test_the_route_table_is_not_empty_and_every_route_declares_the_rules_role() -> None:
    assert len(OPERATIONS) >= 18
    for method, path, declared in OPERATIONS:
        assert declared == expected_role(method, path), (method, path)


@pytest.mark.parametrize(("method", "path", "least"), OPERATIONS, ids=lambda v: str(v))
def test_every_caller_gets_the_expected_status_from_every_operation(
    client: httpx.Client,
    callers: dict[str, dict[str, str]],
    method: str,
    path: str,
    least: str | None,
) -> None:
    url = concrete(path)
    for caller, headers in callers.items():
        answer = client.request(method, url, headers=headers, json={})
        status = answer.status_code
        assert status < 500, (caller, method, path, answer.text)
        if least is None:
            assert status not in (401, 403), (caller, method, path)
        elif caller == "platform":
            allowed = path.startswith(PLATFORM_PREFIXES + ADMIN_PREFIXES)
            assert (status == 403) != allowed, (caller, method, path, answer.text)
        elif least == "platform" and caller in ROLES:
            assert status == 403, (caller, method, path)
            assert "platform" in answer.json()["detail"]
        elif caller not in ROLES:
            assert status == 401, (caller, method, path)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        elif ROLES.index(caller) < ROLES.index(least):
            assert status == 403, (caller, method, path)
            assert least in answer.json()["detail"]
        else:
            assert status not in (401, 403), (caller, method, path, answer.text)
        if status >= 400:
            assert answer.headers["Content-Type"] == "application/problem+json", (caller, path)


def test_keys_are_stored_as_sha256_never_as_the_key(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with Store(url) as store:
        store.migrate()
        record, secret = store.keys.create(role="planner", name="stored")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT * FROM api_keys WHERE id = :id"), {"id": record.id}
            ).one()
    finally:
        engine.dispose()
    stored = [str(value) for value in row]
    assert api_keys.hash_key(secret) in stored
    # pen_<id>_<random part>: the random part may itself hold "_" (it is URL-safe base64).
    secret_part = secret.split("_", 2)[2]
    assert all(secret not in value and secret_part not in value for value in stored)


def test_a_presented_key_is_compared_with_hmac_compare_digest() -> None:
    source = inspect.getsource(api_keys.key_matches)
    assert "hmac.compare_digest(" in source
    stored = api_keys.hash_key("pen_" + "0" * 32 + "_secret")
    assert api_keys.key_matches("pen_" + "0" * 32 + "_secret", stored)
    assert not api_keys.key_matches("pen_" + "0" * 32 + "_secreT", stored)


def test_a_key_with_the_right_id_and_a_wrong_secret_is_refused(
    client: httpx.Client, keys: Keys
) -> None:
    token = keys["admin"]["Authorization"].removeprefix("Bearer ")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    answer = client.get("/v1/keys", headers=bearer(forged))
    assert answer.status_code == 401
    assert client.get("/v1/keys", headers=bearer(token)).status_code == 200
