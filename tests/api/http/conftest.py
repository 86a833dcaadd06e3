"""Fixtures of the HTTP tests: the real service on a loopback port, on SQLite and PostgreSQL.

The library renders its texts in Indonesian by default; the tests that assert its English texts
through the service make English the default of the whole process (the service's threads
included) with ``pytestmark = pytest.mark.usefixtures("english_service")``.

One service (and database) serves all the tests of a module, for speed; every test makes the
datasets and runs it needs, so tests do not depend on one another. Tests that need settings of
their own start a service on the per-test ``database_url`` of tests/api/conftest.py.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from api.db.store import Store
from api.settings import Settings
from tests.api.conftest import DATABASES, fresh_postgres_database, sqlite_url
from tests.api.fixtures import bearer, serving

Keys = dict[str, dict[str, str]]


def service_settings(database_url: str, **overrides: object) -> Settings:
    """Settings of a small test service: two workers, short time limits."""
    values: dict[str, object] = {
        "database_url": database_url,
        "workers": 2,
        "default_time_limit_s": 20,
        "max_time_limit_s": 60,
        "sync_time_limit_s": 10,
        "max_request_bytes": 4 * 1024 * 1024,
        "max_sync_employees": 100,
    }
    values.update(overrides)
    return Settings.model_validate(values)


def make_keys(database_url: str) -> Keys:
    """Authorization headers of one new key per role: ``keys["planner"]`` …"""
    with Store(database_url) as store:
        store.migrate()
        return {
            role: bearer(store.keys.create(role=role, name=f"test {role}")[1])
            for role in ("viewer", "planner", "admin")
        }


@pytest.fixture(scope="module", params=DATABASES)
def service_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The database of a module's service: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("service")
        yield sqlite_url(folder)
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    yield from fresh_postgres_database(admin)


@pytest.fixture(scope="module")
def service(service_database: str) -> Iterator[str]:
    """Base URL of the module's running service."""
    with serving(service_settings(service_database)) as url:
        yield url


@pytest.fixture(scope="module")
def keys(service: str, service_database: str) -> Keys:
    """Authorization headers of one key per role on the module's service."""
    return make_keys(service_database)


@pytest.fixture
def client(service: str) -> Iterator[httpx.Client]:
    """An HTTP client of the module's service (no credentials set)."""
    with httpx.Client(base_url=service, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def english_service() -> Iterator[None]:
    """The library's texts in English in every thread of this process for the module's tests.

    The service's threads start without the test's context, so the locale is made English by
    default rather than only inside the test.
    """
    with pytest.MonkeyPatch.context() as patch:
        english = contextvars.ContextVar("placement_locale", default="en")
        patch.setattr("placement.i18n.messages._LOCALE", english)
        yield
