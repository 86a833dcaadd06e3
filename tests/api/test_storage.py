"""The storage layer on SQLite and PostgreSQL: every method, transitions, keys, audit, failures."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from api.audit import GENESIS
from api.models import Base
from api.storage import Conflict, NotFound, StorageError, Store, Unavailable
from tests.api.conftest import fresh_postgres_database, sqlite_url
from tests.api.fixtures import free_port

TABLES = {
    "alembic_version",
    "api_keys",
    "audit_log",
    "datasets",
    "idempotency",
    "runs",
    "scenarios",
}


@contextmanager
def sql(database_url: str) -> Iterator[Connection]:
    """A raw connection in a transaction, outside the store (to inspect or tamper)."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def add_dataset(store: Store, payload: bytes = b'{"employees": []}') -> str:
    digest = hashlib.sha256(payload).hexdigest()
    record = store.add_dataset(
        payload=payload, sha256=digest, counts={"employees": 0}, created_by="key-1"
    )
    return record.id


def new_run(store: Store, dataset_id: str | None = None) -> str:
    dataset_id = dataset_id or add_dataset(store)
    return store.create_run(dataset_id=dataset_id, policy={"solver": "auto"}, created_by="key-1").id


def running_run(store: Store) -> str:
    run_id = new_run(store)
    assert store.start_run(run_id)
    return run_id


# -- schema ------------------------------------------------------------------------------------


def test_migrate_creates_every_table_and_is_idempotent(database_url: str) -> None:
    with Store(database_url) as store:
        store.migrate()
        store.migrate()
        assert store.ping()
    with sql(database_url) as connection:
        assert set(inspect(connection).get_table_names()) == TABLES
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("0002",)
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


# -- datasets ----------------------------------------------------------------------------------


def test_a_dataset_keeps_its_metadata_and_its_payload_of_several_megabytes(store: Store) -> None:
    rng = random.Random(7)
    payload = bytes(rng.getrandbits(8) for _ in range(1 << 16)) * 64  # 4 MiB
    digest = hashlib.sha256(payload).hexdigest()
    record = store.add_dataset(
        payload=payload, sha256=digest, counts={"employees": 200, "positions": 80}, created_by="k"
    )
    assert store.get_dataset(record.id) == record
    assert record.counts == {"employees": 200, "positions": 80}
    assert record.created_at.tzinfo is UTC
    assert store.dataset_payload(record.id) == payload


def test_an_unknown_dataset_has_no_metadata_and_no_payload(store: Store) -> None:
    assert store.get_dataset("nope") is None
    assert store.dataset_payload("nope") is None
    assert store.delete_dataset("nope") is False


def test_deleting_a_dataset_erases_its_payload_and_keeps_its_finished_runs(
    store: Store, database_url: str
) -> None:
    dataset_id = add_dataset(store, b"secret civil servant data")
    run_id = new_run(store, dataset_id)
    assert store.cancel_run(run_id)
    assert store.delete_dataset(dataset_id) is True
    assert store.get_dataset(dataset_id) is None
    assert store.dataset_payload(dataset_id) is None
    assert store.delete_dataset(dataset_id) is False
    run = store.get_run(run_id)
    assert run is not None
    assert run.dataset_id == dataset_id
    with sql(database_url) as connection:
        assert connection.execute(text("SELECT payload FROM datasets")).scalar_one() is None


@pytest.mark.parametrize("start", [False, True], ids=["queued", "running"])
def test_deleting_a_dataset_of_an_active_run_is_refused(store: Store, start: bool) -> None:
    dataset_id = add_dataset(store)
    run_id = new_run(store, dataset_id)
    if start:
        store.start_run(run_id)
    with pytest.raises(Conflict):
        store.delete_dataset(dataset_id)
    assert store.dataset_payload(dataset_id) is not None


def test_a_run_needs_a_dataset_that_exists_and_is_not_deleted(store: Store) -> None:
    with pytest.raises(NotFound):
        store.create_run(dataset_id="nope", policy={}, created_by="k")
    dataset_id = add_dataset(store)
    store.delete_dataset(dataset_id)
    with pytest.raises(NotFound):
        store.create_run(dataset_id=dataset_id, policy={}, created_by="k")


# -- runs --------------------------------------------------------------------------------------


def test_a_run_goes_from_queued_to_running_to_succeeded_with_its_outputs(store: Store) -> None:
    dataset_id = add_dataset(store)
    created = store.create_run(
        dataset_id=dataset_id, policy={"solver": "cpsat", "weights": [1, 2]}, created_by="k"
    )
    assert created.status == "queued"
    assert created.started_at is None
    assert created.policy == {"solver": "cpsat", "weights": [1, 2]}
    assert store.start_run(created.id)
    store.update_progress(created.id, objective=90, bound=120, elapsed_s=1.5)
    running = store.get_run(created.id)
    assert running is not None
    assert (running.status, running.best_objective, running.best_bound, running.elapsed_s) == (
        "running",
        90,
        120,
        1.5,
    )
    plan = b"nip,position_id\n" + b"1,2\n" * 100_000
    assert store.finish_run(
        created.id,
        status="succeeded",
        summary={"objective": 100, "assigned": 1},
        plan_csv=plan,
        gaps_csv=b"position_id\n",
        error=None,
    )
    done = store.get_run(created.id)
    assert done is not None
    assert done.status == "succeeded"
    assert done.summary == {"objective": 100, "assigned": 1}
    assert done.error is None
    assert done.started_at is not None and done.finished_at is not None
    assert done.created_at <= done.started_at <= done.finished_at
    assert done.finished_at.tzinfo is UTC
    assert store.run_outputs(created.id) == (plan, b"position_id\n")


def test_a_failed_run_keeps_its_error_and_no_outputs(store: Store) -> None:
    run_id = running_run(store)
    assert store.finish_run(
        run_id, status="failed", summary=None, plan_csv=None, gaps_csv=None, error="boom"
    )
    run = store.get_run(run_id)
    assert run is not None
    assert (run.status, run.error, run.summary) == ("failed", "boom", None)
    assert store.run_outputs(run_id) == (None, None)


def test_start_run_succeeds_only_from_queued(store: Store) -> None:
    run_id = new_run(store)
    assert store.start_run(run_id) is True
    assert store.start_run(run_id) is False
    cancelled = new_run(store)
    store.cancel_run(cancelled)
    assert store.start_run(cancelled) is False
    assert store.start_run("nope") is False


def test_a_cancelled_run_cannot_be_finished_and_keeps_no_outputs(store: Store) -> None:
    run_id = running_run(store)
    assert store.cancel_run(run_id) is True
    assert not store.finish_run(
        run_id, status="succeeded", summary={"x": 1}, plan_csv=b"p", gaps_csv=b"g", error=None
    )
    run = store.get_run(run_id)
    assert run is not None
    assert (run.status, run.summary) == ("cancelled", None)
    assert run.finished_at is not None
    assert store.run_outputs(run_id) == (None, None)


def test_a_queued_run_cannot_be_finished_before_it_starts(store: Store) -> None:
    run_id = new_run(store)
    assert not store.finish_run(
        run_id, status="failed", summary=None, plan_csv=None, gaps_csv=None, error="x"
    )
    run = store.get_run(run_id)
    assert run is not None and run.status == "queued"


def test_only_queued_or_running_runs_can_be_cancelled(store: Store) -> None:
    queued = new_run(store)
    finished = running_run(store)
    store.finish_run(
        finished, status="succeeded", summary={}, plan_csv=b"", gaps_csv=b"", error=None
    )
    assert store.cancel_run(queued) is True
    assert store.cancel_run(queued) is False
    assert store.cancel_run(finished) is False
    assert store.cancel_run("nope") is False


def test_a_run_finishes_only_as_succeeded_or_failed(store: Store) -> None:
    run_id = running_run(store)
    with pytest.raises(ValueError, match="succeeded or failed"):
        store.finish_run(
            run_id, status="cancelled", summary=None, plan_csv=None, gaps_csv=None, error=None
        )


def test_progress_is_recorded_only_while_running(store: Store) -> None:
    run_id = new_run(store)
    store.update_progress(run_id, objective=1, bound=2, elapsed_s=0.1)
    store.update_progress("nope", objective=1, bound=2, elapsed_s=0.1)
    run = store.get_run(run_id)
    assert run is not None
    assert (run.best_objective, run.best_bound, run.elapsed_s) == (None, None, None)


def test_runs_are_listed_newest_first_by_status_and_limit(store: Store) -> None:
    dataset_id = add_dataset(store)
    ids = [new_run(store, dataset_id) for _ in range(5)]
    store.start_run(ids[1])
    assert [r.id for r in store.list_runs()] == ids[::-1]
    assert [r.id for r in store.list_runs(status="running")] == [ids[1]]
    assert [r.id for r in store.list_runs(status="queued", limit=2)] == [ids[4], ids[3]]
    assert len(store.list_runs(limit=0)) == 1
    assert store.list_runs(status="succeeded") == []
    with pytest.raises(ValueError, match="unknown run status"):
        store.list_runs(status="done")


def test_an_unknown_run_has_no_record_and_no_outputs(store: Store) -> None:
    assert store.get_run("nope") is None
    assert store.run_outputs("nope") == (None, None)


def test_interrupted_runs_are_failed_at_start_up_and_queued_and_finished_ones_are_left_alone(
    store: Store,
) -> None:
    queued = new_run(store)
    running = running_run(store)
    succeeded = running_run(store)
    store.finish_run(
        succeeded, status="succeeded", summary={}, plan_csv=b"", gaps_csv=b"", error=None
    )
    failed_ids = store.fail_interrupted_runs("server restarted")
    assert failed_ids == [running]
    run = store.get_run(running)
    assert run is not None
    assert (run.status, run.error) == ("failed", "server restarted")
    assert run.finished_at is not None
    waiting = store.get_run(queued)
    assert waiting is not None and (waiting.status, waiting.error) == ("queued", None)
    done = store.get_run(succeeded)
    assert done is not None and done.status == "succeeded"
    assert store.fail_interrupted_runs("again") == []


def test_only_one_of_many_threads_starts_a_run(store: Store) -> None:
    run_id = new_run(store)
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        results.append(store.start_run(run_id))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


# -- API keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_a_new_key_authenticates_with_its_role(store: Store, role: str) -> None:
    record, plaintext = store.create_key(role=role, name="portal")
    assert (record.role, record.name, record.revoked_at) == (role, "portal", None)
    assert store.authenticate(plaintext) == record


def test_a_key_is_stored_only_as_its_hash(store: Store, database_url: str, tmp_path: Path) -> None:
    _, plaintext = store.create_key(role="admin")
    # prefix_keyid_secret, where the url-safe secret may itself contain "_"
    secret = plaintext.split("_", 2)[2]
    assert len(secret) >= 40
    with sql(database_url) as connection:
        dumped = "\n".join(
            repr(tuple(row))
            for table in sorted(TABLES)
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    assert hashlib.sha256(plaintext.encode()).hexdigest() in dumped
    assert plaintext not in dumped
    assert secret not in dumped
    if store.dialect == "sqlite":
        store.close()
        files = list((tmp_path / "placement-data").iterdir())
        assert files
        for path in files:
            assert secret.encode() not in path.read_bytes()


def test_a_revoked_key_is_rejected_and_still_listed(store: Store) -> None:
    record, plaintext = store.create_key(role="planner", name="e-kinerja")
    other, other_plaintext = store.create_key(role="viewer")
    assert store.revoke_key(record.id) is True
    assert store.authenticate(plaintext) is None
    assert store.authenticate(other_plaintext) == other
    first_revocation = {k.id: k.revoked_at for k in store.list_keys()}[record.id]
    assert first_revocation is not None
    assert store.revoke_key(record.id) is True
    listed = store.list_keys()
    assert [k.id for k in listed] == [record.id, other.id]
    assert listed[0].revoked_at == first_revocation


def test_revoking_an_unknown_key_returns_false(store: Store) -> None:
    assert store.revoke_key("nope") is False


def test_malformed_unknown_or_altered_keys_are_rejected(store: Store) -> None:
    record, plaintext = store.create_key(role="admin")
    altered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    wrong_id = plaintext.replace(record.id, "0" * 32)
    for attempt in ("", "Bearer x", "pen_", "pen_abc_def", altered, wrong_id, plaintext + "x"):
        assert store.authenticate(attempt) is None


def test_an_unknown_role_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        store.create_key(role="root")


# -- audit -------------------------------------------------------------------------------------


def audit_some(store: Store, n: int) -> None:
    for i in range(n):
        store.append_audit(
            actor=f"key-{i % 2}",
            action="run.create",
            target=f"run-{i}",
            details={"i": i, "sha256": "ab" * 32, "objective": 1.5 * i, "nama": "Siti Nurhaliza"},
        )


def test_an_empty_audit_trail_verifies(store: Store) -> None:
    verification = store.verify_audit()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (True, 0, None)
    assert store.list_audit() == []


def test_audit_records_form_a_chain_that_verifies(store: Store) -> None:
    first = store.append_audit(actor="admin", action="key.create", target=None, details={})
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    audit_some(store, 4)
    records = store.list_audit()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0] == first
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    assert records[3].details["nama"] == "Siti Nurhaliza"
    assert all(r.at.tzinfo is UTC for r in records)
    verification = store.verify_audit()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (True, 5, None)


def test_the_audit_hash_follows_the_documented_formula(store: Store) -> None:
    record = store.append_audit(
        actor="a", action="dataset.create", target="d1", details={"b": [1, 2], "a": "é"}
    )
    body = json.dumps(
        {
            "seq": 1,
            "at": record.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": "a",
            "action": "dataset.create",
            "target": "d1",
            "details": {"a": "é", "b": [1, 2]},
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    assert record.hash == hashlib.sha256((GENESIS + body).encode()).hexdigest()


def test_the_audit_trail_is_read_in_pages_after_a_seq(store: Store) -> None:
    audit_some(store, 7)
    assert [r.seq for r in store.list_audit(after_seq=2, limit=3)] == [3, 4, 5]
    assert [r.seq for r in store.list_audit(after_seq=5)] == [6, 7]
    assert store.list_audit(after_seq=7) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("details", '{"i":99}'),
        ("actor", "someone-else"),
        ("target", None),
        ("hash", "f" * 64),
    ],
    ids=["details", "actor", "target", "hash"],
)
def test_tampering_with_a_stored_audit_record_is_detected_at_its_seq(
    store: Store, database_url: str, column: str, value: str | None
) -> None:
    audit_some(store, 6)
    with sql(database_url) as connection:
        connection.execute(
            text(f"UPDATE audit_log SET {column} = :value WHERE seq = 4"), {"value": value}
        )
    verification = store.verify_audit()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (False, 6, 4)


def test_a_deleted_audit_record_breaks_the_chain_where_it_was(
    store: Store, database_url: str
) -> None:
    audit_some(store, 5)
    with sql(database_url) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    verification = store.verify_audit()
    assert (verification.ok, verification.first_bad_seq) == (False, 4)


def test_unparseable_audit_details_fail_verification(store: Store, database_url: str) -> None:
    audit_some(store, 2)
    with sql(database_url) as connection:
        connection.execute(text("UPDATE audit_log SET details = 'not json' WHERE seq = 2"))
    assert store.verify_audit().first_bad_seq == 2


def test_concurrent_appends_from_two_stores_keep_one_valid_chain(
    store: Store, database_url: str
) -> None:
    threads_n, per_thread = 8, 12
    errors: list[BaseException] = []
    with Store(database_url) as second:
        barrier = threading.Barrier(threads_n)

        def append(worker: int) -> None:
            target = store if worker % 2 else second
            barrier.wait()
            try:
                for i in range(per_thread):
                    target.append_audit(
                        actor=f"worker-{worker}",
                        action="run.progress",
                        target=None,
                        details={"i": i},
                    )
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=append, args=(w,)) for w in range(threads_n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    verification = store.verify_audit()
    assert (verification.ok, verification.checked) == (True, threads_n * per_thread)
    assert [r.seq for r in store.list_audit(limit=1000)] == list(
        range(1, threads_n * per_thread + 1)
    )


def test_audit_details_must_be_json(store: Store) -> None:
    with pytest.raises((TypeError, ValueError)):
        store.append_audit(actor="a", action="x", target=None, details={"t": datetime.now(UTC)})
    with pytest.raises(ValueError):
        store.append_audit(actor="a", action="x", target=None, details={"x": float("nan")})
    assert store.verify_audit().checked == 0


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(details=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5))
def test_any_json_details_are_returned_as_given_and_keep_the_chain_valid(
    store: Store, details: dict[str, Any]
) -> None:
    record = store.append_audit(actor="a", action="x", target=None, details=details)
    assert store.list_audit(after_seq=record.seq - 1, limit=1) == [record]
    assert record.details == details
    assert store.verify_audit().ok


# -- idempotency -------------------------------------------------------------------------------


def test_an_idempotent_response_round_trips_and_the_first_one_stays(store: Store) -> None:
    assert store.get_idempotent(actor="k1", key="abc") is None
    store.put_idempotent(
        actor="k1",
        key="abc",
        request_hash="h1",
        status_code=202,
        body=b'{"id": "r1"}',
        headers={"Location": "/v1/runs/r1", "Content-Type": "application/json"},
    )
    store.put_idempotent(
        actor="k1", key="abc", request_hash="h2", status_code=500, body=b"", headers={}
    )
    stored = store.get_idempotent(actor="k1", key="abc")
    assert stored is not None
    assert (stored.request_hash, stored.status_code, stored.body) == ("h1", 202, b'{"id": "r1"}')
    assert stored.headers == {"Location": "/v1/runs/r1", "Content-Type": "application/json"}
    assert store.get_idempotent(actor="k2", key="abc") is None


# -- failures ----------------------------------------------------------------------------------


def closed_port_url() -> str:
    return f"postgresql+psycopg://placement:x@127.0.0.1:{free_port()}/placement?connect_timeout=3"


CALLS: dict[str, Callable[[Store], object]] = {
    "migrate": lambda s: s.migrate(),
    "get_run": lambda s: s.get_run("x"),
    "add_dataset": lambda s: s.add_dataset(payload=b"", sha256="", counts={}, created_by="k"),
    "authenticate": lambda s: s.authenticate("pen_" + "0" * 32 + "_x"),
    "append_audit": lambda s: s.append_audit(actor="a", action="b", target=None, details={}),
    "verify_audit": lambda s: s.verify_audit(),
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
            store.get_run("x")


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
                store.get_run(run_id)
    finally:
        next(databases, None)


def test_unavailable_never_reports_the_password() -> None:
    url = closed_port_url().replace(":x@", ":hunter2@")
    with Store(url) as unreachable, pytest.raises(Unavailable) as caught:
        unreachable.get_run("x")
    assert "hunter2" not in str(caught.value)
