"""Stored datasets: their metadata and their compressed canonical payload, per agency.

Every read takes the caller's agency: a dataset of another agency is not found, exactly as one
that does not exist. ``agency=None`` (the workers, the command line) reads across agencies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from api.db import credentials as keys
from api.db.engine import (
    Database,
    capped,
    compress,
    decode_cursor,
    decompress,
    encode_cursor,
    utc_now,
)
from api.db.errors import Conflict
from api.db.models import Dataset, Run, Sweep
from api.db.records import ACTIVE_STATUSES, DEFAULT_AGENCY, DatasetRecord
from placement.i18n import t


def new_dataset_row(
    *,
    payload: bytes,
    sha256: str,
    counts: dict[str, int],
    created_by: str,
    agency: str = DEFAULT_AGENCY,
) -> Dataset:
    """The row of a newly stored dataset (not added to any session yet)."""
    return Dataset(
        id=keys.new_id(),
        agency=agency,
        sha256=sha256,
        counts={str(k): int(v) for k, v in counts.items()},
        payload=compress(payload),
        payload_size=len(payload),
        created_at=utc_now(),
        created_by=created_by,
        deleted_at=None,
    )


def dataset_record(row: Dataset) -> DatasetRecord:
    """The frozen record of a dataset row."""
    return DatasetRecord(
        id=row.id,
        sha256=row.sha256,
        counts={str(k): int(v) for k, v in row.counts.items()},
        created_at=row.created_at,
        created_by=row.created_by,
        agency=row.agency,
        payload_size=row.payload_size,
    )


def owned(query: Select[Any], column: Any, agency: str | None) -> Select[Any]:
    """``query`` limited to the rows of ``agency`` (all rows when None)."""
    return query if agency is None else query.where(column == agency)


def after_cursor(query: Select[Any], at: Any, key: Any, cursor: str | None) -> Select[Any]:
    """``query`` newest first by (``at``, ``key``), continued after ``cursor`` when given.

    Raises
    ------
    ValueError
        If the cursor is not one :func:`~api.db.engine.encode_cursor` made.
    """
    query = query.order_by(at.desc(), key.desc())
    if cursor is None:
        return query
    when, last = decode_cursor(cursor)
    return query.where(or_(at < when, and_(at == when, key < last)))


def next_cursor(records: list[Any], limit: int) -> str | None:
    """The cursor after the last of ``records``, or None when this page is the last."""
    if len(records) < capped(limit) or not records:
        return None
    return encode_cursor(records[-1].created_at, records[-1].id)


class DatasetRepository:
    """Datasets of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self,
        *,
        payload: bytes,
        sha256: str,
        counts: dict[str, int],
        created_by: str,
        agency: str = DEFAULT_AGENCY,
    ) -> DatasetRecord:
        """Store a validated dataset (compressed) of ``agency`` and return its metadata."""
        row = new_dataset_row(
            payload=payload, sha256=sha256, counts=counts, created_by=created_by, agency=agency
        )
        with self._db.session(write=True) as session:
            session.add(row)
        return dataset_record(row)

    def get(self, dataset_id: str, *, agency: str | None = None) -> DatasetRecord | None:
        """Return a dataset's metadata, or None if unknown, deleted or of another agency."""
        with self._db.session(write=False) as session:
            row = session.get(Dataset, dataset_id)
            if row is None or row.deleted_at is not None:
                return None
            if agency is not None and row.agency != agency:
                return None
            return dataset_record(row)

    def page(
        self, *, agency: str | None = None, cursor: str | None = None, limit: int = 100
    ) -> tuple[list[DatasetRecord], str | None]:
        """Datasets of ``agency``, newest first, after ``cursor``; and the next page's cursor.

        Raises
        ------
        ValueError
            If the cursor is malformed.
        """
        query = owned(select(Dataset), Dataset.agency, agency).where(Dataset.deleted_at.is_(None))
        query = after_cursor(query, Dataset.created_at, Dataset.id, cursor).limit(capped(limit))
        with self._db.session(write=False) as session:
            records = [dataset_record(row) for row in session.execute(query).scalars()]
        return records, next_cursor(records, limit)

    def payload(self, dataset_id: str, *, agency: str | None = None) -> bytes | None:
        """Return the stored payload, or None if unknown, deleted or of another agency."""
        query = select(Dataset.payload).where(
            Dataset.id == dataset_id, Dataset.deleted_at.is_(None)
        )
        with self._db.session(write=False) as session:
            data = session.execute(owned(query, Dataset.agency, agency)).scalar_one_or_none()
        return decompress(data)

    def delete(self, dataset_id: str, *, agency: str | None = None) -> bool:
        """Erase a dataset's payload and hide it; its runs and sweeps keep their history.

        Returns
        -------
        bool
            False if the dataset is unknown, already deleted or of another agency.

        Raises
        ------
        Conflict
            If a queued or running run or sweep uses it (naming how many of each).
        """
        with self._db.session(write=True) as session:
            query = select(Dataset).where(Dataset.id == dataset_id).with_for_update()
            row = session.execute(owned(query, Dataset.agency, agency)).scalar_one_or_none()
            if row is None or row.deleted_at is not None:
                return False
            # A queued job would fail later for want of its dataset: refuse now instead. The
            # row lock above makes a job queued at the same time wait, then count here.
            runs, sweeps = (
                session.execute(
                    select(func.count())
                    .select_from(job)
                    .where(job.dataset_id == dataset_id, job.status.in_(ACTIVE_STATUSES))
                ).scalar_one()
                for job in (Run, Sweep)
            )
            if runs or sweeps:
                raise Conflict(t("api.dataset.in_use", id=dataset_id, runs=runs, sweeps=sweeps))
            row.payload = None
            row.deleted_at = utc_now()
        return True
