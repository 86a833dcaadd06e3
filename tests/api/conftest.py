"""Database fixtures: every service test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``PLACEMENT_TEST_POSTGRES_URL`` (``scripts/ci-postgres.sh`` starts one and
prints it); the URL's user must be allowed to create schemas and databases. Each test gets an
empty database of its own: a fresh schema, first on the connection's ``search_path``, dropped
afterwards. Without the variable the PostgreSQL tests are skipped on a workstation and fail in CI
(``CI`` set), so a CI run cannot pass without having exercised PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from api.db.store import Store

POSTGRES_ENV = "PLACEMENT_TEST_POSTGRES_URL"
DATABASES = ("sqlite", "postgres")


def in_ci() -> bool:
    """True when the ``CI`` environment variable says so (as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def postgres_url_or_skip() -> str:
    """The PostgreSQL URL from the environment; skip without it, or fail in CI."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    message = (
        f"{POSTGRES_ENV} is not set: start a server with `scripts/ci-postgres.sh` and export "
        "the URL it prints"
    )
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run in CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server of ``PLACEMENT_TEST_POSTGRES_URL`` (to create DBs)."""
    url = make_url(postgres_url_or_skip())
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        yield engine
    finally:
        engine.dispose()


def fresh_postgres_database(admin: Engine) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it (closing leftover sessions)."""
    name = f"placement_test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        # FILE_COPY (PostgreSQL 15+) copies the tiny template much faster than WAL logging it.
        strategy = " STRATEGY = FILE_COPY" if version >= 150000 else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{strategy}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def fresh_postgres_schema(admin: Engine) -> Iterator[str]:
    """Create a uniquely named schema, yield a URL whose ``search_path`` is it, drop it.

    Much faster than a database per test; the store sees an empty database all the same.
    """
    name = f"placement_test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = admin.url.update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def sqlite_url(folder: Path) -> str:
    """URL of a SQLite file in a folder that does not exist yet (the store creates it)."""
    return f"sqlite:///{folder / 'placement-data' / 'placement.db'}"


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file under ``tmp_path``, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    yield from fresh_postgres_schema(admin)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated :class:`Store` on ``database_url``, closed after the test."""
    with Store(database_url) as opened:
        opened.migrate()
        yield opened
