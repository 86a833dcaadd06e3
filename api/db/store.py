"""The service's storage on one database: its life cycle and one repository per kind of record.

One :class:`Store` wraps one SQLAlchemy engine (SQLite or PostgreSQL) and is safe to share between
a web server's threads and a worker pool: every repository method opens its own short session,
runs its writes in one transaction and returns frozen records, never ORM objects. Database errors
that mean "cannot reach the database" surface as :class:`~api.db.errors.Unavailable`.

Migrations on PostgreSQL are serialised by an advisory lock, so several processes may start at
once.
"""

from __future__ import annotations

import copy
import functools
import inspect
from typing import Any, TypeVar, cast

from alembic import command
from alembic.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.db.engine import CONNECTION_ERRORS, WRITE, Database, unavailable
from api.db.errors import StorageError
from api.db.migrations import alembic_config
from api.db.repositories.agencies import AgencyRepository
from api.db.repositories.audit import AuditRepository
from api.db.repositories.datasets import DatasetRepository
from api.db.repositories.idempotency import IdempotencyRepository
from api.db.repositories.keys import KeyRepository
from api.db.repositories.runs import RunRepository
from api.db.repositories.scenarios import ScenarioRepository
from api.db.repositories.sweeps import SweepRepository

# Arbitrary constant naming the advisory lock that serialises migrations on PostgreSQL.
_MIGRATION_LOCK = 0x70656E656D
_R = TypeVar("_R")


class Scoped:
    """A repository seen by one agency: every method that takes ``agency`` gets that one.

    Reads then find only the agency's records, writes make records of the agency, and audit
    records join the agency's chain; the repositories themselves stay plain.
    """

    def __init__(self, repository: object, agency: str) -> None:
        self._repository = repository
        self._agency = agency

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._repository, name)
        if not callable(attribute) or "agency" not in inspect.signature(attribute).parameters:
            return attribute

        @functools.wraps(attribute)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if kwargs.setdefault("agency", self._agency) != self._agency:
                raise ValueError(f"this store is limited to agency {self._agency!r}")
            return attribute(*args, **kwargs)

        return limited


def scoped(repository: _R, agency: str) -> _R:
    """``repository`` as :class:`Scoped` to ``agency``, typed as the repository itself."""
    return cast(_R, Scoped(repository, agency))


class Store:
    """The service's storage on one database.

    Parameters
    ----------
    database_url
        SQLAlchemy URL: ``sqlite:///path/to/placement.db`` (the folder is created) or
        ``postgresql+psycopg://user:password@host:port/database`` (``postgresql://`` is read
        as psycopg). No connection is made until first use.
    busy_timeout_s
        How long a SQLite statement waits for another writer's lock before the store answers
        :class:`~api.db.errors.Unavailable`.

    Attributes
    ----------
    agencies, datasets, runs, scenarios, keys, audit, idempotency, sweeps
        The repositories of the eight kinds of record.
    """

    def __init__(self, database_url: str, *, busy_timeout_s: float = 30.0) -> None:
        self._db = Database(database_url, busy_timeout_s=busy_timeout_s)
        self.agencies = AgencyRepository(self._db)
        self.datasets = DatasetRepository(self._db)
        self.runs = RunRepository(self._db)
        self.scenarios = ScenarioRepository(self._db)
        self.keys = KeyRepository(self._db)
        self.audit = AuditRepository(self._db)
        self.idempotency = IdempotencyRepository(self._db)
        self.sweeps = SweepRepository(self._db)

    #: The agency this store is limited to (see :meth:`for_agency`); None sees every agency.
    agency: str | None = None

    def for_agency(self, agency: str) -> Store:
        """This store as ``agency`` sees it: the same database, every repository limited to the
        agency's records (another agency's are not found, as if they did not exist)."""
        view = copy.copy(self)
        view.agency = agency
        for name in ("datasets", "runs", "scenarios", "keys", "audit", "idempotency", "sweeps"):
            setattr(view, name, scoped(getattr(self, name), agency))
        return view

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """Name of the database back-end: ``sqlite`` or ``postgresql``."""
        return self._db.dialect

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when it is already there).

        Raises
        ------
        StorageError
            If the database carries a revision this code does not know (a newer release wrote it).
        Unavailable
            If the database cannot be reached.
        """
        config = alembic_config()
        sqlite = self.dialect == "sqlite"
        try:
            with self._db.engine.execution_options(**{WRITE: True}).connect() as connection:
                # SQLite alters a table by rebuilding it, which foreign keys would refuse; they
                # are switched off (outside any transaction) and the result checked after.
                raw: Any = connection.connection.dbapi_connection
                if sqlite:
                    raw.execute("PRAGMA foreign_keys=OFF")
                try:
                    with connection.begin():
                        if not sqlite:
                            connection.execute(
                                text("SELECT pg_advisory_xact_lock(:key)"),
                                {"key": _MIGRATION_LOCK},
                            )
                        before = MigrationContext.configure(connection).get_current_revision()
                        config.attributes["connection"] = connection
                        command.upgrade(config, "head")
                        after = MigrationContext.configure(connection).get_current_revision()
                    if sqlite and raw.execute("PRAGMA foreign_key_check").fetchall():
                        raise StorageError("the migrated database breaks a foreign key")
                    if sqlite and before != after:
                        # Give back the pages of the rebuilt tables, so that the file's size
                        # says how much the data takes.
                        raw.execute("VACUUM")
                finally:
                    if sqlite:
                        raw.execute("PRAGMA foreign_keys=ON")
        except CommandError as exc:
            raise StorageError(f"cannot migrate the database: {exc}") from exc
        except CONNECTION_ERRORS as exc:
            raise unavailable(exc) from exc

    def ping(self) -> bool:
        """Return True if the database answers a trivial query."""
        try:
            with self._db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        """Close every pooled connection."""
        self._db.engine.dispose()
