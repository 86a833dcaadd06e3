"""Stored datasets: metadata, payloads and deletion."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC

import pytest
from sqlalchemy import text

from api.db.errors import Conflict, NotFound
from api.db.store import Store
from placement.i18n import translate, use_locale
from tests.api.db.helpers import add_dataset, new_run, sql


def test_a_dataset_keeps_its_metadata_and_its_payload_of_several_megabytes(store: Store) -> None:
    rng = random.Random(7)
    payload = bytes(rng.getrandbits(8) for _ in range(1 << 16)) * 64  # 4 MiB
    digest = hashlib.sha256(payload).hexdigest()
    record = store.datasets.add(
        payload=payload, sha256=digest, counts={"employees": 200, "positions": 80}, created_by="k"
    )
    assert store.datasets.get(record.id) == record
    assert record.counts == {"employees": 200, "positions": 80}
    assert record.created_at.tzinfo is UTC
    assert store.datasets.payload(record.id) == payload


def test_an_unknown_dataset_has_no_metadata_and_no_payload(store: Store) -> None:
    assert store.datasets.get("nope") is None
    assert store.datasets.payload("nope") is None
    assert store.datasets.delete("nope") is False


def test_deleting_a_dataset_erases_its_payload_and_keeps_its_finished_runs(
    store: Store, database_url: str
) -> None:
    dataset_id = add_dataset(store, b"secret civil servant data")
    run_id = new_run(store, dataset_id)
    assert store.runs.cancel(run_id)
    assert store.datasets.delete(dataset_id) is True
    assert store.datasets.get(dataset_id) is None
    assert store.datasets.payload(dataset_id) is None
    assert store.datasets.delete(dataset_id) is False
    run = store.runs.get(run_id)
    assert run is not None
    assert run.dataset_id == dataset_id
    with sql(database_url) as connection:
        assert connection.execute(text("SELECT payload FROM datasets")).scalar_one() is None


@pytest.mark.parametrize("start", [False, True], ids=["queued", "running"])
def test_deleting_a_dataset_of_an_active_run_is_refused(store: Store, start: bool) -> None:
    dataset_id = add_dataset(store)
    run_id = new_run(store, dataset_id)
    if start:
        store.runs.start(run_id)
    with pytest.raises(Conflict):
        store.datasets.delete(dataset_id)
    assert store.datasets.payload(dataset_id) is not None


@pytest.mark.parametrize("claim", [False, True], ids=["queued", "running"])
def test_deleting_a_dataset_of_an_active_sweep_is_refused_naming_the_runs_and_sweeps(
    store: Store, claim: bool
) -> None:
    dataset_id = add_dataset(store)
    for _ in range(2):
        store.sweeps.create(
            dataset_id=dataset_id, policy={}, spec={"grid": {"max_moves": [1]}}, total=1,
            executor="service", created_by="key-1",
        )  # fmt: skip
    if claim:
        assert store.sweeps.claim(owner="instance-1", lease_s=60) is not None
    with use_locale("en"), pytest.raises(Conflict) as refused:
        store.datasets.delete(dataset_id)
    assert str(refused.value) == translate("api.dataset.in_use", "en", id=dataset_id, runs=0,
                                           sweeps=2)  # fmt: skip
    assert store.datasets.payload(dataset_id) is not None
    new_run(store, dataset_id)
    with pytest.raises(Conflict) as refused:
        store.datasets.delete(dataset_id)
    assert str(refused.value) == translate("api.dataset.in_use", "id", id=dataset_id, runs=1,
                                           sweeps=2)  # fmt: skip
    assert store.datasets.get(dataset_id) is not None


def test_finished_sweeps_do_not_keep_their_dataset(store: Store) -> None:
    dataset_id = add_dataset(store)
    sweep = store.sweeps.create(
        dataset_id=dataset_id, policy={}, spec={"grid": {"max_moves": [1]}}, total=1,
        executor="service", created_by="key-1",
    )  # fmt: skip
    assert store.sweeps.cancel(sweep.id)
    assert store.datasets.delete(dataset_id) is True
    assert store.sweeps.get(sweep.id) is not None


def test_a_run_needs_a_dataset_that_exists_and_is_not_deleted(store: Store) -> None:
    with pytest.raises(NotFound):
        store.runs.create(dataset_id="nope", policy={}, created_by="k")
    dataset_id = add_dataset(store)
    store.datasets.delete(dataset_id)
    with pytest.raises(NotFound):
        store.runs.create(dataset_id=dataset_id, policy={}, created_by="k")
