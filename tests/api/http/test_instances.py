"""Two instances on one PostgreSQL: runs are claimed through the database under a lease. Eight
runs are queued through both; the instance holding some of them mid-solve is killed (SIGKILL);
the other claims them once their lease expires and solves them from the start. All eight end
``succeeded`` with plans that pass the independent checker, each solved to completion exactly
once (one ``run.succeeded`` in the audit trail, by the instance that held the run's lease),
within the lease time plus the solve time."""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from api.db.store import Store
from benchmarks.load_service import plan_frame
from placement.check import check
from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_json
from tests.api.conftest import fresh_postgres_database
from tests.api.fixtures import bearer, generated_json, make_key, slow_policy
from tests.api.http.processes import kill, server_process

RUNS = 8
WORKERS = 2
EMPLOYEES = 1500
TIME_LIMIT_S = 6.0
LEASE_S = 3.0
SETTINGS = {
    "PLACEMENT_WORKERS": str(WORKERS),
    "PLACEMENT_LEASE_S": str(LEASE_S),
    "PLACEMENT_POLL_S": "0.2",
    "PLACEMENT_MAX_ACTIVE_RUNS_PER_KEY": str(RUNS),
}


@pytest.fixture
def postgres_database(postgres_admin: Engine) -> Iterator[str]:
    """A new, empty PostgreSQL database shared by the two instances."""
    yield from fresh_postgres_database(postgres_admin)


def starts(database_url: str) -> list[tuple[str, str]]:
    """(run id, instance) of every ``run.start`` in the audit trail, in order."""
    with Store(database_url) as store:
        return [
            (str(r.target), str(r.details["instance"]))
            for r in store.audit.after(limit=1000)
            if r.action == "run.start"
        ]


def test_runs_of_a_killed_instance_are_solved_once_by_the_other(postgres_database: str) -> None:
    url_db = postgres_database
    key = bearer(make_key(url_db, "planner"))
    data = generated_json(EMPLOYEES)
    policy = slow_policy(EMPLOYEES, time_limit_s=TIME_LIMIT_S)
    with contextlib.ExitStack() as stack:
        first, url_a = stack.enter_context(server_process(url_db, **SETTINGS))
        _, url_b = stack.enter_context(server_process(url_db, **SETTINGS))
        a = stack.enter_context(httpx.Client(base_url=url_a, timeout=60, headers=key))
        b = stack.enter_context(httpx.Client(base_url=url_b, timeout=60, headers=key))
        dataset_id = a.post(
            "/v1/datasets", content=data, headers={"Content-Type": "application/json"}
        ).json()["id"]
        run_ids = []
        for i in range(RUNS):
            client = a if i % 2 == 0 else b
            answer = client.post("/v1/runs", json={"dataset_id": dataset_id, "policy": policy})
            assert answer.status_code == 202, answer.text
            run_ids.append(answer.json()["id"])

        # Kill the first instance while it solves at least one run.
        marker = f"-{first.pid}-"
        deadline = time.monotonic() + 60
        while True:
            held = [run for run, instance in starts(url_db) if marker in instance]
            running = [
                run for run in held if b.get(f"/v1/runs/{run}").json()["status"] == "running"
            ]
            if running:
                break
            assert time.monotonic() < deadline, (first.pid, starts(url_db))
            time.sleep(0.1)
        kill(first)
        killed_at = time.monotonic()

        # The survivor ends every run; cancellation and progress are served by it too.
        bound = LEASE_S + TIME_LIMIT_S * math.ceil(RUNS / WORKERS) + 60
        final = {}
        while len(final) < RUNS:
            assert time.monotonic() - killed_at < bound, f"not all runs ended: {final}"
            for run_id in run_ids:
                state = b.get(f"/v1/runs/{run_id}").json()
                if state["status"] not in ("queued", "running"):
                    final[run_id] = state
            time.sleep(0.2)
        elapsed = time.monotonic() - killed_at
        plans = {run_id: b.get(f"/v1/runs/{run_id}/plan").json()["rows"] for run_id in run_ids}
        ready = b.get("/readyz").json()

    assert ready == {"status": "ok", "database": "ok", "workers": "ok"}
    assert {state["status"] for state in final.values()} == {"succeeded"}, final
    local = dataset_from_json(json.loads(data))
    for run_id in run_ids:
        run_policy = load_policy(final[run_id]["policy"], local)
        assert check(local, run_policy, plan_frame(plans[run_id])).ok, run_id

    with Store(url_db) as store:
        trail = store.audit.after(limit=1000)
        assert store.audit.verify().ok
        records = {run_id: store.runs.get(run_id) for run_id in run_ids}
    succeeded = [r for r in trail if r.action == "run.succeeded"]
    assert sorted(str(r.target) for r in succeeded) == sorted(run_ids)  # each exactly once
    taken_over = [run for run in run_ids if [t for t, _ in starts(url_db)].count(run) > 1]
    assert taken_over, "no run of the killed instance was solved again"
    for run_id in taken_over:
        record = records[run_id]
        assert record is not None and record.attempts >= 2
        done = next(r for r in succeeded if r.target == run_id)
        assert marker not in done.details["instance"]
        assert done.details["attempt"] == record.attempts
    assert elapsed < bound
