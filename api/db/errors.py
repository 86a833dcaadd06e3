"""The storage errors: one base class, and what the HTTP layer translates into statuses."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of the storage errors."""


class Conflict(StorageError):  # noqa: N818 (names of the agreed interface)
    """The operation contradicts the stored state (e.g. deleting a dataset in use)."""


class NotFound(StorageError):  # noqa: N818 (names of the agreed interface)
    """A record the operation depends on does not exist (e.g. a run on an unknown dataset)."""


class Unavailable(StorageError):  # noqa: N818 (names of the agreed interface)
    """The database cannot be reached or is too busy to answer."""
