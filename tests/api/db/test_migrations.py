"""The migration to agencies: a database written before agencies existed moves into the agency
``default`` whole, and its audit trail verifies as a whole and as that agency's chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import create_engine, text

from api.db.chain import GENESIS, canonical_json, record_hash
from api.db.migrations import alembic_config
from api.db.records import DEFAULT_AGENCY
from api.db.store import Store
from placement.i18n import DEFAULT_LOCALE
from tests.api.db.helpers import sql


def migrate_to(database_url: str, revision: str) -> None:
    """Bring an empty database to ``revision``."""
    Store(database_url).close()  # creates a SQLite file's folder
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_records_written_before_agencies_move_into_the_default_agency(database_url: str) -> None:
    migrate_to(database_url, "0002")
    at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    with sql(database_url) as connection:
        connection.execute(
            text(
                "INSERT INTO datasets (id, sha256, counts, payload_size, created_at, created_by) "
                "VALUES ('d1', 'abc', '{}', 0, :at, 'key:k1')"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO runs (id, dataset_id, status, policy, created_at, created_by) "
                "VALUES ('r1', 'd1', 'queued', '{}', :at, 'key:k1')"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO api_keys (id, role, name, key_hash, created_at) "
                "VALUES ('k1', 'admin', 'old', :hash, :at)"
            ),
            {"at": at, "hash": "0" * 64},
        )
        prev = GENESIS
        for seq, action in enumerate(("key.create", "dataset.create", "run.create"), start=1):
            when = at + timedelta(seconds=seq)
            details = {"n": seq}
            digest = record_hash(
                prev, seq=seq, at=when, actor="cli", action=action, target=None, details=details
            )
            connection.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, "
                    "hash) VALUES (:seq, :at, 'cli', :action, NULL, :details, :prev, :hash)"
                ),
                {
                    "seq": seq, "at": when, "action": action, "details": canonical_json(details),
                    "prev": prev, "hash": digest,
                },
            )  # fmt: skip
            prev = digest

    with Store(database_url) as store:
        store.migrate()
        assert [a.code for a in store.agencies.all()] == [DEFAULT_AGENCY]
        dataset = store.datasets.get("d1", agency=DEFAULT_AGENCY)
        run = store.runs.get("r1", agency=DEFAULT_AGENCY)
        assert dataset is not None and run is not None
        assert store.datasets.get("d1", agency="elsewhere") is None
        assert [k.agency for k in store.keys.all()] == [DEFAULT_AGENCY]
        whole, own = store.audit.verify(), store.audit.verify(agency=DEFAULT_AGENCY)
        assert (whole.ok, whole.checked) == (True, 3)
        assert (own.ok, own.checked) == (True, 3)
        view = store.audit.after(agency=DEFAULT_AGENCY)
        assert [r.seq for r in view] == [1, 2, 3]
        assert [r.details for r in view] == [{"n": 1}, {"n": 2}, {"n": 3}]
        # New records continue both chains.
        store.audit.append(
            actor="x", action="run.delete", target="r1", details={}, agency=DEFAULT_AGENCY
        )
        assert store.audit.verify().checked == 4
        assert store.audit.verify(agency=DEFAULT_AGENCY).ok


def test_an_agency_chain_detects_a_record_moved_to_another_agency(database_url: str) -> None:
    with Store(database_url) as store:
        store.migrate()
        store.agencies.create(code="kota-a", name="A")
        for n in range(3):
            store.audit.append(
                actor="x", action="a", target=None, details={"n": n}, agency="kota-a"
            )
        store.audit.append(actor="x", action="b", target=None, details={}, agency=DEFAULT_AGENCY)
        with sql(database_url) as connection:
            connection.execute(text("UPDATE audit_log SET details = :d WHERE seq = 2"),
                               {"d": json.dumps({"n": 9})})  # fmt: skip
        assert store.audit.verify(agency="kota-a").first_bad_seq == 2
        assert store.audit.verify(agency=DEFAULT_AGENCY).ok
        assert store.audit.verify().first_bad_seq == 2


def test_sweeps_queued_before_they_kept_a_locale_are_rendered_in_indonesian(
    database_url: str,
) -> None:
    migrate_to(database_url, "0005")
    at = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    with sql(database_url) as connection:
        connection.execute(
            text(
                "INSERT INTO datasets (id, agency, sha256, counts, payload_size, created_at, "
                "created_by) VALUES ('d1', 'default', 'abc', '{}', 0, :at, 'key:k1')"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO sweeps (id, agency, dataset_id, status, policy, spec, total, "
                "executor, created_at, created_by) VALUES ('s1', 'default', 'd1', 'queued', "
                "'{}', '{}', 1, 'service', :at, 'key:k1')"
            ),
            {"at": at},
        )
    with Store(database_url) as store:
        store.migrate()
        old = store.sweeps.get("s1")
        assert old is not None and old.locale == DEFAULT_LOCALE == "id"
        new = store.sweeps.create(
            dataset_id="d1", policy={}, spec={}, total=1, executor="service",
            created_by="key:k1", locale="en",
        )  # fmt: skip
        assert store.sweeps.get(new.id) == new and new.locale == "en"
