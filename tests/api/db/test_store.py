"""The store on SQLite and PostgreSQL: migrations, the engine, failures to reach the database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from api.db.errors import StorageError, Unavailable
from api.db.models import Base
from api.db.store import Store
from tests.api.conftest import fresh_postgres_database, sqlite_url
from tests.api.db.helpers import TABLES, new_run, sql
from tests.api.fixtures import free_port


def test_migrate_creates_every_table_and_is_idempotent(database_url: str) -> None:
    with Store(database_url) as store:
        store.migrate()
        store.migrate()
        assert store.ping()
    with sql(database_url) as connection:
        assert set(inspect(connection).get_table_names()) == TABLES
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("0006",)
        ]


def test_migrations_produce_exactly_the_tables_of_the_models(
    store: Store, database_url: str
) -> None:
    with sql(database_url) as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_database_of_an_unknown_newer_revision_is_refused(
    store: Store, database_url: str
) -> None:
    with sql(database_url) as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match="cannot migrate"):
        store.migrate()


def test_two_stores_migrating_at_once_both_succeed(database_url: str) -> None:
    stores = [Store(database_url), Store(database_url)]
    errors: list[BaseException] = []

    def migrate(store: Store) -> None:
        try:
            store.migrate()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert errors == []


def test_sqlite_folder_is_created_and_the_file_runs_in_wal_mode(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with Store(url) as store:
        store.migrate()
        assert store.dialect == "sqlite"
    assert (tmp_path / "placement-data" / "placement.db").is_file()
    with sql(url) as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_an_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        Store("mysql://user@localhost/db")


def closed_port_url() -> str:
    return f"postgresql+psycopg://placement:x@127.0.0.1:{free_port()}/placement?connect_timeout=3"


CALLS: dict[str, Callable[[Store], object]] = {
    "migrate": lambda s: s.migrate(),
    "get_run": lambda s: s.runs.get("x"),
    "add_dataset": lambda s: s.datasets.add(payload=b"", sha256="", counts={}, created_by="k"),
    "authenticate": lambda s: s.keys.authenticate("pen_" + "0" * 32 + "_x"),
    "append_audit": lambda s: s.audit.append(actor="a", action="b", target=None, details={}),
    "verify_audit": lambda s: s.audit.verify(),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_an_unreachable_postgres_raises_unavailable(call: Callable[[Store], object]) -> None:
    with Store(closed_port_url()) as store:
        assert store.ping() is False
        with pytest.raises(Unavailable, match="database unavailable"):
            call(store)


def test_a_sqlite_file_that_cannot_be_opened_raises_unavailable(tmp_path: Path) -> None:
    url = f"sqlite:///file:{tmp_path / 'missing.db'}?mode=ro&uri=true"
    with Store(url) as store:
        assert store.ping() is False
        with pytest.raises(Unavailable):
            store.runs.get("x")


def test_a_dropped_postgres_database_raises_unavailable(postgres_admin: Engine) -> None:
    databases = fresh_postgres_database(postgres_admin)
    url = next(databases)
    try:
        with Store(url) as store:
            store.migrate()
            run_id = new_run(store)
            with postgres_admin.connect() as connection:
                name = url.rsplit("/", 1)[-1]
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            assert store.ping() is False
            with pytest.raises(Unavailable):
                store.runs.get(run_id)
    finally:
        next(databases, None)


def test_unavailable_never_reports_the_password() -> None:
    url = closed_port_url().replace(":x@", ":hunter2@")
    with Store(url) as unreachable, pytest.raises(Unavailable) as caught:
        unreachable.runs.get("x")
    assert "hunter2" not in str(caught.value)
