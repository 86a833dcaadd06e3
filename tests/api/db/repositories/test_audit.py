"""The audit trail: the hash chain, pages, tampering and concurrent appends."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from api.db.chain import GENESIS
from api.db.store import Store
from tests.api.db.helpers import sql


def audit_some(store: Store, n: int) -> None:
    for i in range(n):
        store.audit.append(
            actor=f"key-{i % 2}",
            action="run.create",
            target=f"run-{i}",
            details={"i": i, "sha256": "ab" * 32, "objective": 1.5 * i, "nama": "Siti Nurhaliza"},
        )


def test_an_empty_audit_trail_verifies(store: Store) -> None:
    verification = store.audit.verify()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (True, 0, None)
    assert store.audit.after() == []


def test_audit_records_form_a_chain_that_verifies(store: Store) -> None:
    first = store.audit.append(actor="admin", action="key.create", target=None, details={})
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    audit_some(store, 4)
    records = store.audit.after()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0] == first
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    assert records[3].details["nama"] == "Siti Nurhaliza"
    assert all(r.at.tzinfo is UTC for r in records)
    verification = store.audit.verify()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (True, 5, None)


def test_the_audit_hash_follows_the_documented_formula(store: Store) -> None:
    record = store.audit.append(
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
    assert [r.seq for r in store.audit.after(after_seq=2, limit=3)] == [3, 4, 5]
    assert [r.seq for r in store.audit.after(after_seq=5)] == [6, 7]
    assert store.audit.after(after_seq=7) == []


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
    verification = store.audit.verify()
    assert (verification.ok, verification.checked, verification.first_bad_seq) == (False, 6, 4)


def test_a_deleted_audit_record_breaks_the_chain_where_it_was(
    store: Store, database_url: str
) -> None:
    audit_some(store, 5)
    with sql(database_url) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    verification = store.audit.verify()
    assert (verification.ok, verification.first_bad_seq) == (False, 4)


def test_unparseable_audit_details_fail_verification(store: Store, database_url: str) -> None:
    audit_some(store, 2)
    with sql(database_url) as connection:
        connection.execute(text("UPDATE audit_log SET details = 'not json' WHERE seq = 2"))
    assert store.audit.verify().first_bad_seq == 2


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
                    target.audit.append(
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
    verification = store.audit.verify()
    assert (verification.ok, verification.checked) == (True, threads_n * per_thread)
    assert [r.seq for r in store.audit.after(limit=1000)] == list(
        range(1, threads_n * per_thread + 1)
    )


def test_audit_details_must_be_json(store: Store) -> None:
    with pytest.raises((TypeError, ValueError)):
        store.audit.append(actor="a", action="x", target=None, details={"t": datetime.now(UTC)})
    with pytest.raises(ValueError):
        store.audit.append(actor="a", action="x", target=None, details={"x": float("nan")})
    assert store.audit.verify().checked == 0


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
    record = store.audit.append(actor="a", action="x", target=None, details=details)
    assert store.audit.after(after_seq=record.seq - 1, limit=1) == [record]
    assert record.details == details
    assert store.audit.verify().ok
