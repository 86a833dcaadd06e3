"""The sweep workers: a sweep claimed again after its instance died continues with the points
that have no row yet (the stored ones are not solved again), and a point whose solve raises
twice is a FAILED row with the error, which fails the sweep without dropping any point."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from api.core.metrics import Metrics
from api.db.records import SweepPointRecord, SweepRecord
from api.db.store import Store
from api.services.datasets import payload_of
from api.services.sweeps import SweepPool, results_table
from api.settings import Settings
from placement import load_dataset
from placement.batch import sweep as batch_sweep
from placement.batch.runs import BatchRun
from placement.batch.sweep import read_grid, run_sweep
from placement.errors import PlacementError
from placement.executors import LocalPool
from placement.i18n import DEFAULT_LOCALE
from tests.api.conftest import sqlite_url
from tests.paths import EXAMPLE

POLICY = {**json.loads((EXAMPLE / "policy.json").read_text()), "time_limit_s": 20.0}
SPEC = {"grid": {"max_moves": [1, 2, 3]}}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file: the workers' logic does not depend on the database (the repository
    tests run on both)."""
    return sqlite_url(tmp_path)


def queued_sweep(store: Store, locale: str = DEFAULT_LOCALE) -> SweepRecord:
    """A sweep of the shared example over three values of max_moves, queued in ``locale``."""
    dataset = load_dataset(EXAMPLE)
    stored = store.datasets.add(
        payload=payload_of(dataset), sha256=dataset.sha256, counts=dataset.counts(),
        created_by="key-1",
    )  # fmt: skip
    return store.sweeps.create(
        dataset_id=stored.id, policy=POLICY, spec=SPEC, total=3, executor="service",
        created_by="key-1", locale=locale,
    )  # fmt: skip


def finish(store: Store, sweep_id: str, database_url: str) -> SweepRecord:
    """Let a sweep pool of its own work until the sweep has finished; return it."""
    settings = Settings(database_url=database_url, poll_s=0.05, lease_s=5)
    pool = SweepPool(store, settings, Metrics())
    pool.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            record = store.sweeps.get(sweep_id)
            assert record is not None
            if record.status not in ("queued", "running"):
                return record
            assert time.monotonic() < deadline, record
            time.sleep(0.05)
    finally:
        pool.shutdown()


def test_a_sweep_taken_over_continues_with_the_points_it_has_no_row_for(
    store: Store, database_url: str
) -> None:
    sweep = queued_sweep(store)
    # An instance claimed it, stored point 2 and died: its lease has already expired.
    assert store.sweeps.claim(owner="dead", lease_s=0.0) is not None
    marker = {"objective": -1, "status": "OPTIMAL", "moves": 0, "mean_jpm_after": 50.0}
    kept = SweepPointRecord(
        sweep_id=sweep.id, number=2, label="max_moves=2", settings={"max_moves": 2},
        row=marker, status="OPTIMAL", error=None,
    )  # fmt: skip
    assert store.sweeps.add_point(kept, owner="dead")
    done = finish(store, sweep.id, database_url)
    assert (done.status, done.done, done.attempts) == ("succeeded", 3, 2)
    table = results_table(store, done)
    assert table["point"].tolist() == [1, 2, 3]
    points = [p for p in read_grid(SPEC) if p.number != 2]
    solved = run_sweep(load_dataset(EXAMPLE), POLICY, points, LocalPool(1))
    first, third = (r.run.figures["objective"] for r in solved)
    assert table["objective"].tolist() == [first, -1, third]


def test_a_point_whose_solve_raises_twice_is_a_failed_row_with_its_error(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve_run = batch_sweep.solve_run

    def breaks_at_two(dataset: Any, policy: Any, skp_effect: Any) -> BatchRun:
        if policy.max_moves == 2:
            raise PlacementError("the back-end crashed")
        return solve_run(dataset, policy, skp_effect)

    monkeypatch.setattr(batch_sweep, "solve_run", breaks_at_two)
    sweep = queued_sweep(store, "en")
    done = finish(store, sweep.id, database_url)
    assert (done.status, done.done, done.without_plan) == ("failed", 3, 1)
    assert done.error == "1 point(s) failed with an error: [2]"
    # The sweep's error is in the language it was queued in: Indonesian by default.
    indonesian = finish(store, queued_sweep(store).id, database_url)
    assert indonesian.error == "1 titik gagal karena kesalahan: [2]"
    [failed] = store.sweeps.points([sweep.id], without_plan=True)
    assert (failed.number, failed.status) == (2, "FAILED")
    assert failed.error == "PlacementError: the back-end crashed"
    table = results_table(store, done)
    assert table["status"].tolist() == ["OPTIMAL", "FAILED", "OPTIMAL"]
    actions = [r.action for r in store.audit.after() if r.target == sweep.id]
    assert actions == ["sweep.start", "sweep.failed"]
