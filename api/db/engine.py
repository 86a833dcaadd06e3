"""One SQLAlchemy engine on SQLite or PostgreSQL, and the short sessions the repositories open.

SQLite writes start with ``BEGIN IMMEDIATE`` (one writer at a time, readers unhindered thanks to
WAL). Database errors that mean "cannot reach the database" surface as
:class:`~api.db.errors.Unavailable`.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from api.db.errors import Unavailable
from placement.i18n import t

#: Most records one listing returns.
MAX_LIMIT = 1000
#: Execution option that marks a connection as a writer's.
WRITE = "placement_write"
#: Driver errors that mean the database cannot be reached or is too busy.
CONNECTION_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
_WAL_ATTEMPTS = 40


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (as every stored time is)."""
    return datetime.now(UTC)


def compress(data: bytes | None) -> bytes | None:
    """``data`` as stored in a payload column (zlib), or None."""
    return None if data is None else zlib.compress(data, 6)


def decompress(data: bytes | None) -> bytes | None:
    """The bytes of a stored payload column, or None."""
    return None if data is None else zlib.decompress(data)


def capped(limit: int) -> int:
    """``limit`` within 1 … :data:`MAX_LIMIT`."""
    return max(1, min(int(limit), MAX_LIMIT))


def encode_cursor(at: datetime, record_id: str) -> str:
    """The opaque cursor of a listing that continues after the record (``at``, ``record_id``)."""
    text = f"{at.astimezone(UTC).isoformat(timespec='microseconds')}|{record_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (time, id) of a cursor made by :func:`encode_cursor`; ValueError if it is not one."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, record_id = text.split("|", 1)
        when = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(t("api.request.bad_cursor")) from exc
    if when.tzinfo is None or not record_id:
        raise ValueError(t("api.request.bad_cursor"))
    return when, record_id


def unavailable(exc: Exception) -> Unavailable:
    """The :class:`Unavailable` error of a driver's connection error (never its password)."""
    return Unavailable(f"database unavailable: {getattr(exc, 'orig', None) or exc}")


def normalise_url(database_url: str) -> URL:
    """``database_url`` parsed, ``postgresql://`` read as psycopg; other back-ends refused."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return url


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or url.query.get("uri") in ("true", "1"):
        return None
    return Path(database)


def _set_wal(cursor: Any) -> None:
    """Switch to WAL; retried because SQLite answers "database is locked" at once, without its
    busy timeout, when two connections switch a new database at the same moment."""
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _on_sqlite_begin); the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then writes
    # fails at once, without waiting, when another writer got in between.
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """An engine and its reading and writing sessions, shared by every repository.

    Parameters
    ----------
    database_url
        SQLAlchemy URL (see :class:`api.db.store.Store`).
    busy_timeout_s
        How long a SQLite statement waits for another writer's lock.
    """

    def __init__(self, database_url: str, *, busy_timeout_s: float) -> None:
        url = normalise_url(database_url)
        self.dialect = url.get_backend_name()
        connect_args: dict[str, Any] = {}
        if self.dialect == "sqlite":
            path = _sqlite_file(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            connect_args["timeout"] = busy_timeout_s
        elif "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = 10
        self.engine: Engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _on_sqlite_connect)
            event.listen(self.engine, "begin", _on_sqlite_begin)
        writer = self.engine.execution_options(**{WRITE: True})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        """A session in one transaction, committed on leaving; ``write`` takes the write lock."""
        maker = self._writer if write else self._reader
        try:
            with maker.begin() as session:
                yield session
        except CONNECTION_ERRORS as exc:
            raise unavailable(exc) from exc
