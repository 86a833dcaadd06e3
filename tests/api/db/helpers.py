"""Shared steps of the storage tests: raw SQL beside the store, and stored datasets and runs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine

from api.db.store import Store

#: Every table of a migrated database.
TABLES = {
    "agencies",
    "alembic_version",
    "api_keys",
    "audit_log",
    "datasets",
    "idempotency",
    "runs",
    "scenarios",
    "sweep_points",
    "sweeps",
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
    """Store a small dataset; return its id."""
    digest = hashlib.sha256(payload).hexdigest()
    record = store.datasets.add(
        payload=payload, sha256=digest, counts={"employees": 0}, created_by="key-1"
    )
    return record.id


def new_run(store: Store, dataset_id: str | None = None) -> str:
    """Queue a run (of a new dataset unless one is given); return its id."""
    dataset_id = dataset_id or add_dataset(store)
    return store.runs.create(
        dataset_id=dataset_id, policy={"solver": "auto"}, created_by="key-1"
    ).id


def running_run(store: Store) -> str:
    """Queue and start a run; return its id."""
    run_id = new_run(store)
    assert store.runs.start(run_id)
    return run_id
