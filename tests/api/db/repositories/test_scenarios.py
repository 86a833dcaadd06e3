"""Scenarios: the changed dataset, its queued run and the scenario are stored at once."""

from __future__ import annotations

from api.db.store import Store
from tests.api.db.helpers import add_dataset, new_run


def create(store: Store, base_run_id: str | None, base_dataset_id: str) -> str:
    """Store a scenario of one change; return its id (its run's)."""
    _, run, scenario = store.scenarios.create(
        payload=b'{"employees": []}',
        sha256="ab" * 32,
        counts={"employees": 0},
        policy={"solver": "auto"},
        base_run_id=base_run_id,
        base_dataset_id=base_dataset_id,
        changes=[{"op": "close", "position_id": "P1"}],
        created_by="key-1",
    )
    assert scenario.run_id == run.id
    return scenario.run_id


def test_a_scenario_stores_its_dataset_and_queues_its_run_in_one_go(store: Store) -> None:
    base = new_run(store)
    base_record = store.runs.get(base)
    assert base_record is not None
    scenario_id = create(store, base, base_record.dataset_id)
    scenario = store.scenarios.get(scenario_id)
    run = store.runs.get(scenario_id)
    assert scenario is not None and run is not None
    assert (scenario.base_run_id, scenario.base_dataset_id) == (base, base_record.dataset_id)
    assert scenario.changes == [{"op": "close", "position_id": "P1"}]
    assert run.status == "queued" and run.created_at == scenario.created_at
    assert store.datasets.payload(run.dataset_id) == b'{"employees": []}'


def test_scenarios_are_listed_newest_first_and_a_plain_run_is_no_scenario(store: Store) -> None:
    dataset_id = add_dataset(store)
    first = create(store, None, dataset_id)
    second = create(store, None, dataset_id)
    assert [s.run_id for s in store.scenarios.latest(limit=10)] == [second, first]
    assert [s.run_id for s in store.scenarios.latest(limit=1)] == [second]
    assert store.scenarios.get(new_run(store)) is None
