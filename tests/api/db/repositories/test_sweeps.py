"""Sweeps in the database (SQLite and PostgreSQL): a point is stored only while its sweep runs
under the storing worker's lease, rows come back exactly as they were stored, a cancel keeps
the points done, and a sweep claimed again keeps them too."""

from __future__ import annotations

import pytest

from api.db.errors import NotFound
from api.db.records import SweepPointRecord
from api.db.store import Store
from tests.api.db.helpers import add_dataset

SPEC = {"grid": {"weights.preference": [0.3, 1.0], "max_moves": [2, 3]}}


def new_sweep(store: Store, total: int = 4, agency: str | None = None) -> str:
    """Queue a sweep of a new dataset; return its id."""
    scoped = store if agency is None else store.for_agency(agency)
    return scoped.sweeps.create(
        dataset_id=add_dataset(scoped), policy={"time_limit_s": 20.0}, spec=SPEC, total=total,
        executor="service", created_by="key-1",
    ).id  # fmt: skip


def point(sweep_id: str, number: int, status: str = "OPTIMAL") -> SweepPointRecord:
    """A point's result with the awkward values a table row holds."""
    return SweepPointRecord(
        sweep_id=sweep_id,
        number=number,
        label=f"weights.preference=0.3, max_moves={number}",
        settings={"weights.preference": 0.3, "max_moves": number, "changes": [{"op": "x"}]},
        row={"objective": 287692, "status": status, "mean_jpm_after": 96.69000000000001,
             "expected_skp_effect": None, "runtime_s": 0.028, "error": None},
        status=status,
        error=None if status == "OPTIMAL" else "the rules admit no plan",
    )  # fmt: skip


def test_points_are_stored_once_only_under_the_worker_s_lease_and_read_back_as_stored(
    store: Store,
) -> None:
    sweep_id = new_sweep(store)
    assert not store.sweeps.add_point(point(sweep_id, 1), owner="a")  # still queued
    claimed = store.sweeps.claim(owner="a", lease_s=30)
    assert claimed is not None and claimed.id == sweep_id and claimed.attempts == 1
    assert not store.sweeps.add_point(point(sweep_id, 1), owner="b")
    assert store.sweeps.add_point(point(sweep_id, 2), owner="a")
    assert store.sweeps.add_point(point(sweep_id, 1, "INFEASIBLE"), owner="a")
    assert not store.sweeps.add_point(point(sweep_id, 1), owner="a")  # already there
    stored = store.sweeps.points([sweep_id])
    assert stored == [point(sweep_id, 1, "INFEASIBLE"), point(sweep_id, 2)]
    assert list(stored[0].settings) == ["weights.preference", "max_moves", "changes"]
    assert store.sweeps.points([sweep_id], without_plan=True) == [stored[0]]
    record = store.sweeps.get(sweep_id)
    assert record is not None
    assert (record.status, record.done, record.without_plan, record.total) == ("running", 2, 1, 4)
    assert record.spec == SPEC and record.policy == {"time_limit_s": 20.0}
    assert store.sweeps.finish(sweep_id, status="succeeded", error=None, owner="a")
    assert not store.sweeps.cancel(sweep_id)


def test_a_cancelled_sweep_keeps_its_points_and_takes_no_more(store: Store) -> None:
    sweep_id = new_sweep(store)
    store.sweeps.claim(owner="a", lease_s=30)
    assert store.sweeps.add_point(point(sweep_id, 1), owner="a")
    assert store.sweeps.cancel(sweep_id)
    assert not store.sweeps.add_point(point(sweep_id, 2), owner="a")
    assert not store.sweeps.finish(sweep_id, status="succeeded", error=None, owner="a")
    assert store.sweeps.renew([sweep_id], owner="a", lease_s=30) == set()
    record = store.sweeps.get(sweep_id)
    assert record is not None and (record.status, record.done) == ("cancelled", 1)
    assert [p.number for p in store.sweeps.points([sweep_id])] == [1]


def test_a_sweep_given_back_or_whose_lease_expired_is_claimed_again_with_its_points(
    store: Store,
) -> None:
    sweep_id = new_sweep(store)
    store.sweeps.claim(owner="a", lease_s=30)
    assert store.sweeps.add_point(point(sweep_id, 1), owner="a")
    assert store.sweeps.release(sweep_id, owner="a")
    again = store.sweeps.claim(owner="b", lease_s=0.0)
    assert again is not None and again.id == sweep_id and again.done == 1 and again.attempts == 2
    taken = store.sweeps.claim(owner="c", lease_s=30)  # b's lease expired at once
    assert taken is not None and taken.attempts == 3
    assert not store.sweeps.add_point(point(sweep_id, 2), owner="b")
    assert store.sweeps.add_point(point(sweep_id, 2), owner="c")
    assert store.sweeps.claim(owner="d", lease_s=30) is None


def test_another_agency_neither_finds_lists_nor_cancels_a_sweep(store: Store) -> None:
    store.agencies.create(code="kota-a", name="A")
    store.agencies.create(code="kota-b", name="B")
    sweep_id = new_sweep(store, agency="kota-a")
    a, b = store.for_agency("kota-a"), store.for_agency("kota-b")
    assert a.sweeps.get(sweep_id) is not None and b.sweeps.get(sweep_id) is None
    assert [s.id for s in a.sweeps.page()[0]] == [sweep_id] and b.sweeps.page()[0] == []
    assert not b.sweeps.cancel(sweep_id)
    with pytest.raises(NotFound):
        b.sweeps.create(
            dataset_id=a.sweeps.get(sweep_id).dataset_id,  # type: ignore[union-attr]
            policy={}, spec=SPEC, total=4, executor="service", created_by="key-2",
        )  # fmt: skip


def test_sweeps_are_paged_newest_first_with_a_cursor(store: Store) -> None:
    ids = [new_sweep(store) for _ in range(3)]
    first, after = store.sweeps.page(limit=2)
    assert [s.id for s in first] == ids[::-1][:2] and after is not None
    rest, end = store.sweeps.page(limit=2, cursor=after)
    assert [s.id for s in rest] == [ids[0]] and end is None
    with pytest.raises(ValueError, match="status"):
        store.sweeps.page(status="lost")
