"""A small bounded load: concurrent clients upload, queue, poll and check their plans; no run
is lost or duplicated and every plan passes the independent checker (``make load`` runs the
same workflow with 50 clients)."""

from __future__ import annotations

from pathlib import Path

from api.db.store import Store
from benchmarks.load_service import dataset_json, measure_workflow
from tests.api.conftest import sqlite_url
from tests.api.fixtures import bearer, serving
from tests.api.http.conftest import service_settings

CLIENTS = 6


def test_concurrent_clients_get_every_run_to_a_final_state_with_a_checked_plan(
    tmp_path: Path,
) -> None:
    database_url = sqlite_url(tmp_path)
    with Store(database_url) as store:
        store.migrate()
        keys = [bearer(store.keys.create(role="planner")[1]) for _ in range(CLIENTS)]
    with serving(service_settings(database_url)) as url:
        results = measure_workflow(url, keys, dataset_json(30), runs=1, seconds=60)
    assert results["errors"] == []
    assert results["runs_submitted"] == CLIENTS
    assert results["runs_final"] == results["runs_succeeded"] == CLIENTS
    assert results["plans_checked"] == CLIENTS
    assert results["runs_lost"] == results["duplicates"] == 0
    assert results["requests"] >= 4 * CLIENTS
