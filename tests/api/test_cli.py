"""The service's commands: ``keys create|revoke|list`` and ``audit verify``, run in-process
through :func:`api.cli.main` (``placement`` offers the same commands; the restart test runs
them as a subprocess)."""

from __future__ import annotations

import argparse

import pytest
from sqlalchemy import create_engine, text

from api.cli import main, register
from api.db.store import Store


@pytest.fixture
def on_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``PLACEMENT_DATABASE_URL`` set to the test's database."""
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", database_url)
    return database_url


def test_keys_create_prints_the_key_alone_on_its_last_line(
    on_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--role", "planner", "--name", "SIMPEG sync"]) == 0
    secret = capsys.readouterr().out.splitlines()[-1]
    assert secret.strip() == secret and " " not in secret
    with Store(on_database) as store:
        key = store.keys.authenticate(secret)
        assert key is not None
        assert (key.role, key.name) == ("planner", "SIMPEG sync")
        assert [r.action for r in store.audit.after()] == ["key.create"]


def test_keys_list_and_revoke(on_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(on_database) as store:
        store.migrate()
        record, secret = store.keys.create(role="viewer", name="portal")
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert record.id in listed and "portal" in listed and secret not in listed
    assert main(["keys", "revoke", record.id]) == 0
    assert main(["keys", "revoke", "nope"]) == 1
    with Store(on_database) as store:
        assert store.keys.authenticate(secret) is None


def test_audit_verify_succeeds_on_an_intact_chain(
    on_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(on_database) as store:
        store.migrate()
        for i in range(3):
            store.audit.append(actor="test", action="note", target=str(i), details={"i": i})
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: 3 ")


def test_the_commands_register_on_a_parent_parser() -> None:
    parser = argparse.ArgumentParser(prog="placement")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", "--port", "9000"])
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 9000)
    args = parser.parse_args(["keys", "create", "--role", "admin"])
    assert (args.keys_command, args.role, args.name) == ("create", "admin", "")
    assert parser.parse_args(["audit", "verify"]).audit_command == "verify"


def test_audit_verify_fails_on_a_tampered_chain(
    on_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(on_database) as store:
        store.migrate()
        for i in range(3):
            store.audit.append(actor="test", action="note", target=str(i), details={"i": i})
    engine = create_engine(on_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    finally:
        engine.dispose()
    assert main(["audit", "verify"]) == 1
    assert "record 2" in capsys.readouterr().err


def test_agencies_and_keys_of_an_agency_or_of_the_platform_from_the_shell(
    on_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agencies", "create", "kota-binjai", "--name", "BKPSDM Binjai"]) == 0
    assert main(["agencies", "create", "kota-binjai"]) == 2
    assert main(["agencies", "create", "Not A Code"]) == 2
    assert main(["agencies", "list"]) == 0
    assert "kota-binjai\tBKPSDM Binjai" in capsys.readouterr().out
    assert main(["keys", "create", "--agency", "kota-binjai", "--role", "admin"]) == 0
    agency_key = capsys.readouterr().out.splitlines()[-1]
    assert main(["keys", "create", "--platform", "--role", "admin"]) == 0
    platform_key = capsys.readouterr().out.splitlines()[-1]
    assert main(["keys", "create", "--platform", "--role", "viewer"]) == 2
    with Store(on_database) as store:
        own, root = store.keys.authenticate(agency_key), store.keys.authenticate(platform_key)
        assert own is not None and own.agency == "kota-binjai"
        assert root is not None and root.agency is None
    assert main(["audit", "verify", "--agency", "kota-binjai"]) == 0
    assert capsys.readouterr().out.startswith("OK: 1 audit record(s) of agency kota-binjai")
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: 3 ")
