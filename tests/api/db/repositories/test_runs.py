"""Runs: creation, status transitions, progress, outputs, leases and their expiry."""

from __future__ import annotations

import threading
from datetime import UTC

import pytest

from api.db.store import Store
from tests.api.db.helpers import add_dataset, new_run, running_run


def test_a_run_goes_from_queued_to_running_to_succeeded_with_its_outputs(store: Store) -> None:
    dataset_id = add_dataset(store)
    created = store.runs.create(
        dataset_id=dataset_id, policy={"solver": "cpsat", "weights": [1, 2]}, created_by="k"
    )
    assert created.status == "queued"
    assert created.started_at is None
    assert created.policy == {"solver": "cpsat", "weights": [1, 2]}
    assert store.runs.start(created.id)
    store.runs.update_progress(created.id, objective=90, bound=120, elapsed_s=1.5)
    running = store.runs.get(created.id)
    assert running is not None
    assert (running.status, running.best_objective, running.best_bound, running.elapsed_s) == (
        "running",
        90,
        120,
        1.5,
    )
    plan = b"nip,position_id\n" + b"1,2\n" * 100_000
    assert store.runs.finish(
        created.id,
        status="succeeded",
        summary={"objective": 100, "assigned": 1},
        plan_csv=plan,
        gaps_csv=b"position_id\n",
        error=None,
    )
    done = store.runs.get(created.id)
    assert done is not None
    assert done.status == "succeeded"
    assert done.summary == {"objective": 100, "assigned": 1}
    assert done.error is None
    assert done.started_at is not None and done.finished_at is not None
    assert done.created_at <= done.started_at <= done.finished_at
    assert done.finished_at.tzinfo is UTC
    assert store.runs.outputs(created.id) == (plan, b"position_id\n")


def test_a_failed_run_keeps_its_error_and_no_outputs(store: Store) -> None:
    run_id = running_run(store)
    assert store.runs.finish(
        run_id, status="failed", summary=None, plan_csv=None, gaps_csv=None, error="boom"
    )
    run = store.runs.get(run_id)
    assert run is not None
    assert (run.status, run.error, run.summary) == ("failed", "boom", None)
    assert store.runs.outputs(run_id) == (None, None)


def test_start_run_succeeds_only_from_queued(store: Store) -> None:
    run_id = new_run(store)
    assert store.runs.start(run_id) is True
    assert store.runs.start(run_id) is False
    cancelled = new_run(store)
    store.runs.cancel(cancelled)
    assert store.runs.start(cancelled) is False
    assert store.runs.start("nope") is False


def test_a_cancelled_run_cannot_be_finished_and_keeps_no_outputs(store: Store) -> None:
    run_id = running_run(store)
    assert store.runs.cancel(run_id) is True
    assert not store.runs.finish(
        run_id, status="succeeded", summary={"x": 1}, plan_csv=b"p", gaps_csv=b"g", error=None
    )
    run = store.runs.get(run_id)
    assert run is not None
    assert (run.status, run.summary) == ("cancelled", None)
    assert run.finished_at is not None
    assert store.runs.outputs(run_id) == (None, None)


def test_a_queued_run_cannot_be_finished_before_it_starts(store: Store) -> None:
    run_id = new_run(store)
    assert not store.runs.finish(
        run_id, status="failed", summary=None, plan_csv=None, gaps_csv=None, error="x"
    )
    run = store.runs.get(run_id)
    assert run is not None and run.status == "queued"


def test_only_queued_or_running_runs_can_be_cancelled(store: Store) -> None:
    queued = new_run(store)
    finished = running_run(store)
    store.runs.finish(
        finished, status="succeeded", summary={}, plan_csv=b"", gaps_csv=b"", error=None
    )
    assert store.runs.cancel(queued) is True
    assert store.runs.cancel(queued) is False
    assert store.runs.cancel(finished) is False
    assert store.runs.cancel("nope") is False


def test_a_run_finishes_only_as_succeeded_or_failed(store: Store) -> None:
    run_id = running_run(store)
    with pytest.raises(ValueError, match="succeeded or failed"):
        store.runs.finish(
            run_id, status="cancelled", summary=None, plan_csv=None, gaps_csv=None, error=None
        )


def test_progress_is_recorded_only_while_running(store: Store) -> None:
    run_id = new_run(store)
    store.runs.update_progress(run_id, objective=1, bound=2, elapsed_s=0.1)
    store.runs.update_progress("nope", objective=1, bound=2, elapsed_s=0.1)
    run = store.runs.get(run_id)
    assert run is not None
    assert (run.best_objective, run.best_bound, run.elapsed_s) == (None, None, None)


def test_runs_are_listed_newest_first_by_status_and_limit(store: Store) -> None:
    dataset_id = add_dataset(store)
    ids = [new_run(store, dataset_id) for _ in range(5)]
    store.runs.start(ids[1])
    assert [r.id for r in store.runs.latest()] == ids[::-1]
    assert [r.id for r in store.runs.latest(status="running")] == [ids[1]]
    assert [r.id for r in store.runs.latest(status="queued", limit=2)] == [ids[4], ids[3]]
    assert len(store.runs.latest(limit=0)) == 1
    assert store.runs.latest(status="succeeded") == []
    with pytest.raises(ValueError, match="unknown run status"):
        store.runs.latest(status="done")


def test_an_unknown_run_has_no_record_and_no_outputs(store: Store) -> None:
    assert store.runs.get("nope") is None
    assert store.runs.outputs("nope") == (None, None)


def test_a_run_left_running_by_a_dead_instance_is_claimed_again_after_its_lease(
    store: Store,
) -> None:
    """The lease, not a restart, decides: a live lease keeps the run, an expired one frees it,
    and the claim starts it over; finished and queued runs are left alone."""
    first = new_run(store)
    claimed = store.runs.claim(owner="a", lease_s=60)
    assert claimed is not None and (claimed.id, claimed.attempts) == (first, 1)
    store.runs.update_progress(first, objective=5, bound=9, elapsed_s=1.0, owner="a")
    assert store.runs.claim(owner="b", lease_s=60) is None
    expired = store.runs.claim(owner="a", lease_s=-1)  # nothing else is queued
    assert expired is None
    assert store.runs.renew([first], owner="a", lease_s=-1) == {first}
    again = store.runs.claim(owner="b", lease_s=60)
    assert again is not None and (again.id, again.attempts, again.status) == (first, 2, "running")
    assert (again.best_objective, again.best_bound) == (None, None)
    assert store.runs.renew([first], owner="a", lease_s=60) == set()
    assert not store.runs.finish(
        first, status="succeeded", summary={}, plan_csv=b"p", gaps_csv=b"g", error=None, owner="a"
    )
    assert store.runs.finish(
        first, status="succeeded", summary={}, plan_csv=b"p", gaps_csv=b"g", error=None, owner="b"
    )
    done = store.runs.get(first)
    assert done is not None and done.status == "succeeded"
    assert store.runs.claim(owner="c", lease_s=60) is None


def test_runs_are_claimed_oldest_first_and_released_back_to_the_queue(store: Store) -> None:
    dataset_id = add_dataset(store)
    older, newer = new_run(store, dataset_id), new_run(store, dataset_id)
    first = store.runs.claim(owner="a", lease_s=60)
    assert first is not None and first.id == older
    assert store.runs.release(older, owner="b") is False
    assert store.runs.release(older, owner="a") is True
    waiting = store.runs.get(older)
    assert waiting is not None and waiting.status == "queued"
    assert store.runs.count_waiting() == 2
    second = store.runs.claim(owner="b", lease_s=60)
    assert second is not None and second.id == older
    third = store.runs.claim(owner="b", lease_s=60)
    assert third is not None and third.id == newer


def test_a_run_that_keeps_losing_its_instance_is_failed_after_max_attempts(store: Store) -> None:
    run_id = new_run(store)
    for _ in range(2):
        assert store.runs.claim(owner="a", lease_s=-1) is not None
    assert store.runs.fail_exhausted(max_attempts=3, reason="r") == []
    assert store.runs.claim(owner="a", lease_s=-1) is not None
    assert store.runs.fail_exhausted(max_attempts=3, reason="r") == [run_id]
    run = store.runs.get(run_id)
    assert run is not None and (run.status, run.error, run.attempts) == ("failed", "r", 3)
    assert store.runs.claim(owner="b", lease_s=60) is None


def test_many_threads_claiming_at_once_each_get_a_different_run(store: Store) -> None:
    dataset_id = add_dataset(store)
    ids = {new_run(store, dataset_id) for _ in range(6)}
    claimed: list[str | None] = []
    barrier = threading.Barrier(8)

    def claim(owner: str) -> None:
        barrier.wait()
        run = store.runs.claim(owner=owner, lease_s=60)
        claimed.append(None if run is None else run.id)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = [run_id for run_id in claimed if run_id is not None]
    assert sorted(got) == sorted(ids)
    assert claimed.count(None) == 2


def test_only_one_of_many_threads_starts_a_run(store: Store) -> None:
    run_id = new_run(store)
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        results.append(store.runs.start(run_id))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
