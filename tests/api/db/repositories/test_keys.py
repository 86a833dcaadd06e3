"""API keys: creation, authentication and revocation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from api.db.store import Store
from placement.i18n import use_locale
from tests.api.db.helpers import TABLES, sql


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_a_new_key_authenticates_with_its_role(store: Store, role: str) -> None:
    record, plaintext = store.keys.create(role=role, name="portal")
    assert (record.role, record.name, record.revoked_at) == (role, "portal", None)
    assert store.keys.authenticate(plaintext) == record


def test_a_key_is_stored_only_as_its_hash(store: Store, database_url: str, tmp_path: Path) -> None:
    _, plaintext = store.keys.create(role="admin")
    # prefix_keyid_secret, where the url-safe secret may itself contain "_"
    secret = plaintext.split("_", 2)[2]
    assert len(secret) >= 40
    with sql(database_url) as connection:
        dumped = "\n".join(
            repr(tuple(row))
            for table in sorted(TABLES)
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    assert hashlib.sha256(plaintext.encode()).hexdigest() in dumped
    assert plaintext not in dumped
    assert secret not in dumped
    if store.dialect == "sqlite":
        store.close()
        files = list((tmp_path / "placement-data").iterdir())
        assert files
        for path in files:
            assert secret.encode() not in path.read_bytes()


def test_a_revoked_key_is_rejected_and_still_listed(store: Store) -> None:
    record, plaintext = store.keys.create(role="planner", name="e-kinerja")
    other, other_plaintext = store.keys.create(role="viewer")
    assert store.keys.revoke(record.id) is True
    assert store.keys.authenticate(plaintext) is None
    assert store.keys.authenticate(other_plaintext) == other
    first_revocation = {k.id: k.revoked_at for k in store.keys.all()}[record.id]
    assert first_revocation is not None
    assert store.keys.revoke(record.id) is True
    listed = store.keys.all()
    assert [k.id for k in listed] == [record.id, other.id]
    assert listed[0].revoked_at == first_revocation


def test_revoking_an_unknown_key_returns_false(store: Store) -> None:
    assert store.keys.revoke("nope") is False


def test_malformed_unknown_or_altered_keys_are_rejected(store: Store) -> None:
    record, plaintext = store.keys.create(role="admin")
    altered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    wrong_id = plaintext.replace(record.id, "0" * 32)
    for attempt in ("", "Bearer x", "pen_", "pen_abc_def", altered, wrong_id, plaintext + "x"):
        assert store.keys.authenticate(attempt) is None


def test_an_unknown_role_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="tidak dikenal"):
        store.keys.create(role="root")
    with use_locale("en"), pytest.raises(ValueError, match="unknown role"):
        store.keys.create(role="root")
