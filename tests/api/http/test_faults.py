"""Faults, bounded: a server killed mid-run, a database that is locked for a while, a disk
that is full, and a database that refuses the worker's writes for a moment. After each, no run
is lost, duplicated or left running, nothing partial is stored, and the audit chain verifies.
(Two instances on one database, one of them killed: test_instances.py.)"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.core.metrics import Metrics
from api.db.errors import Unavailable
from api.db.records import ACTIVE_STATUSES, RunRecord
from api.db.repositories.runs import RunRepository
from api.db.store import Store
from api.services.datasets import store_dataset
from api.services.runs import RunPool
from placement.contract.readers import dataset_from_json
from tests.api.conftest import sqlite_url
from tests.api.fixtures import (
    bearer,
    example_json,
    example_policy,
    generated_json,
    make_key,
    serving,
    slow_policy,
    wait_for_run,
)
from tests.api.http.conftest import service_settings
from tests.api.http.processes import kill, server_process

EMPLOYEES = 1500


def row_count(database_url: str, table: str) -> int:
    """Rows in ``table``."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def audit_verifies(database_url: str) -> bool:
    """True when the audit chain recomputes."""
    with Store(database_url) as store:
        return store.audit.verify().ok


def audit_actions(database_url: str, run_id: str) -> list[str]:
    """The audit trail's actions on ``run_id``, in order."""
    with Store(database_url) as store:
        return [r.action for r in store.audit.after(limit=1000) if r.target == run_id]


def test_a_killed_server_s_running_run_is_solved_again_and_its_queued_one_resumed(
    database_url: str,
) -> None:
    key = bearer(make_key(database_url, "planner"))
    lease = {"PLACEMENT_LEASE_S": "2", "PLACEMENT_POLL_S": "0.2"}
    with (
        server_process(database_url, PLACEMENT_WORKERS="1", **lease) as (proc, url),
        httpx.Client(base_url=url, timeout=60, headers=key) as client,
    ):
        json_body = {"Content-Type": "application/json"}
        big = client.post("/v1/datasets", content=generated_json(EMPLOYEES), headers=json_body)
        small = client.post("/v1/datasets", content=example_json(), headers=json_body)
        slow = client.post(
            "/v1/runs",
            json={
                "dataset_id": big.json()["id"],
                "policy": slow_policy(EMPLOYEES, time_limit_s=10),
            },
        ).json()
        deadline = time.monotonic() + 30
        while client.get(f"/v1/runs/{slow['id']}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        waiting = client.post(
            "/v1/runs", json={"dataset_id": small.json()["id"], "policy": example_policy()}
        ).json()
        assert client.get(f"/v1/runs/{waiting['id']}").json()["status"] == "queued"
        kill(proc)

    with (
        server_process(database_url, **lease) as (_, url),
        httpx.Client(base_url=url, timeout=60, headers=key) as client,
    ):
        resumed = wait_for_run(client, waiting["id"], key, timeout=90)
        solved_again = wait_for_run(client, slow["id"], key, timeout=90)
        listed = client.get("/v1/runs").json()["runs"]
    assert solved_again["status"] == "succeeded", solved_again
    assert resumed["status"] == "succeeded"
    assert sorted(r["id"] for r in listed) == sorted([slow["id"], waiting["id"]])
    assert all(r["status"] not in ("queued", "running") for r in listed)
    actions = audit_actions(database_url, slow["id"])
    assert actions == ["run.create", "run.start", "run.start", "run.succeeded"]
    assert audit_verifies(database_url)


def test_a_locked_database_answers_503_then_recovers_with_nothing_partial(
    tmp_path: Path,
) -> None:
    database_url = sqlite_url(tmp_path)
    key = bearer(make_key(database_url, "planner"))
    settings = service_settings(database_url, database_busy_timeout_s=0.3)
    with serving(settings) as url, httpx.Client(base_url=url, timeout=60, headers=key) as client:
        json_body = {"Content-Type": "application/json"}
        before = row_count(database_url, "datasets")
        locker = sqlite3.connect(tmp_path / "placement-data" / "placement.db", isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")  # holds the write lock, as a stuck writer would
            refused = [
                client.post("/v1/datasets", content=example_json(), headers=json_body)
                for _ in range(3)
            ]
            readable = client.get("/v1/runs")  # WAL: readers are not blocked by the writer
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        accepted = client.post("/v1/datasets", content=example_json(), headers=json_body)
    for answer in refused:
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["Retry-After"] == "5"
        assert answer.json()["type"].endswith("/unavailable")
    assert readable.status_code == 200
    assert accepted.status_code == 201
    assert row_count(database_url, "datasets") == before + 1
    assert audit_verifies(database_url)


def test_a_full_disk_refuses_an_upload_with_503_and_stores_nothing(tmp_path: Path) -> None:
    database_url = sqlite_url(tmp_path)
    key = bearer(make_key(database_url, "planner"))
    with Store(database_url) as store:  # the WAL is folded into the database file
        store.migrate()
    folder = tmp_path / "placement-data"
    used = max(path.stat().st_size for path in folder.iterdir())
    before = row_count(database_url, "datasets")
    with server_process(database_url, file_size_limit=used + 8 * 1024) as (proc, url):
        with httpx.Client(base_url=url, timeout=60, headers=key) as client:
            # Its stored (compressed) form is larger than the room left on the "disk".
            answer = client.post(
                "/v1/datasets",
                content=generated_json(2 * EMPLOYEES),
                headers={"Content-Type": "application/json"},
            )
            alive = client.get("/readyz")
        assert proc.poll() is None
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert alive.status_code == 200
    assert row_count(database_url, "datasets") == before
    assert audit_verifies(database_url)


class FlakyRuns:
    """The runs of a :class:`FlakyStore`: its first writes of the given kinds fail."""

    def __init__(self, store: FlakyStore, runs: RunRepository) -> None:
        self._store = store
        self._runs = runs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runs, name)

    def claim(self, **kwargs: Any) -> RunRecord | None:
        self._store.maybe_fail("start_run")
        return self._runs.claim(**kwargs)

    def finish(self, run_id: str, **kwargs: Any) -> bool:
        self._store.maybe_fail("finish_run")
        if kwargs.get("plan_csv") is not None:
            self._store.maybe_fail("store_outputs")
        return self._runs.finish(run_id, **kwargs)

    def update_progress(self, run_id: str, **kwargs: Any) -> None:
        self._store.maybe_fail("update_progress")
        self._runs.update_progress(run_id, **kwargs)


class FlakyStore(Store):
    """A store whose first writes of the given kinds fail as if the database were away."""

    def __init__(self, database_url: str, failures: dict[str, int]) -> None:
        super().__init__(database_url)
        self.failures = dict(failures)
        self.runs = FlakyRuns(self, self.runs)  # type: ignore[assignment]

    def maybe_fail(self, name: str) -> None:
        if self.failures.get(name, 0) > 0:
            self.failures[name] -= 1
            raise Unavailable("database unavailable: simulated")


@pytest.mark.parametrize(
    ("failures", "status"),
    [
        ({"start_run": 2, "finish_run": 2, "update_progress": 1}, "succeeded"),
        ({"store_outputs": 10}, "failed"),
    ],
    ids=["a moment", "for good"],
)
def test_a_worker_rides_out_a_database_that_refuses_writes(
    tmp_path: Path, failures: dict[str, int], status: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A moment: the run still succeeds. For good (a full disk refusing the outputs): the run
    is failed with a reason, without outputs, never left running."""
    monkeypatch.setattr("api.services.workers.RETRY_DELAYS_S", (0.01, 0.02, 0.05))
    database_url = sqlite_url(tmp_path)
    store = FlakyStore(database_url, {})
    store.migrate()
    record = store_dataset(store, dataset_from_json(json.loads(example_json())), actor="test")
    # Queued in English: the worker writes the run's error in its run's language.
    run = store.runs.create(
        dataset_id=record.id, policy=example_policy(), created_by="test", locale="en"
    )
    store.failures = dict(failures)
    pool = RunPool(store, service_settings(database_url, poll_s=0.05), Metrics())
    pool.start()
    try:
        pool.submit(run.id)
        deadline = time.monotonic() + 60
        while (current := store.runs.get(run.id)) is None or current.status in ACTIVE_STATUSES:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        pool.shutdown()
    finished = store.runs.get(run.id)
    assert finished is not None and finished.status == status
    plan, _ = store.runs.outputs(run.id)
    if status == "failed":
        assert finished.error is not None and "could not be stored" in finished.error
        assert plan is None
    else:
        assert plan is not None and finished.error is None
    assert store.audit.verify().ok
    store.close()
