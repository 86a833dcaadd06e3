"""Idempotent replies: the first response to a key is kept."""

from __future__ import annotations

from api.db.store import Store


def test_an_idempotent_response_round_trips_and_the_first_one_stays(store: Store) -> None:
    assert store.idempotency.get(actor="k1", key="abc") is None
    store.idempotency.put(
        actor="k1",
        key="abc",
        request_hash="h1",
        status_code=202,
        body=b'{"id": "r1"}',
        headers={"Location": "/v1/runs/r1", "Content-Type": "application/json"},
    )
    store.idempotency.put(
        actor="k1", key="abc", request_hash="h2", status_code=500, body=b"", headers={}
    )
    stored = store.idempotency.get(actor="k1", key="abc")
    assert stored is not None
    assert (stored.request_hash, stored.status_code, stored.body) == ("h1", 202, b'{"id": "r1"}')
    assert stored.headers == {"Location": "/v1/runs/r1", "Content-Type": "application/json"}
    assert store.idempotency.get(actor="k2", key="abc") is None
