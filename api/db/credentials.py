"""API keys and record ids: generation, parsing and hashing.

A key reads ``pen_<id>_<secret>``: the id (32 hex digits) finds the stored row, the secret
(256 random bits) is what proves possession. Only the SHA-256 of the whole key is stored; a slow
password hash buys nothing for a secret of that entropy. Comparison is in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from placement.i18n import t

PREFIX = "pen"
ROLES = ("viewer", "planner", "admin")


def new_id() -> str:
    """Return a random URL-safe identifier (32 hex digits).

    Returns
    -------
    str
        ``uuid4().hex``.
    """
    return uuid.uuid4().hex


def generate_key() -> tuple[str, str]:
    """Create a new key.

    Returns
    -------
    tuple of str
        ``(key_id, plaintext)``; the plaintext is shown once and never stored.
    """
    key_id = new_id()
    return key_id, f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(plaintext: str) -> str | None:
    """Return the id inside a key, or None if the text is not shaped like a key.

    Parameters
    ----------
    plaintext
        The key as sent by a client.
    """
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[2]:
        return None
    key_id = parts[1]
    if len(key_id) != 32 or any(c not in "0123456789abcdef" for c in key_id):
        return None
    return key_id


def hash_key(plaintext: str) -> str:
    """Return the stored form of a key: the hex SHA-256 of its UTF-8 text."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def key_matches(plaintext: str, stored_hash: str) -> bool:
    """Compare a presented key with a stored hash in constant time."""
    return hmac.compare_digest(hash_key(plaintext), stored_hash)


def check_role(role: str) -> str:
    """Return ``role`` if it is one of :data:`ROLES`, else raise ValueError."""
    if role not in ROLES:
        raise ValueError(t("api.keys.unknown_role", role=repr(role), roles=", ".join(ROLES)))
    return role
