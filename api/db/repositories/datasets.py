"""Stored datasets: their metadata and their compressed canonical payload."""

from __future__ import annotations

from sqlalchemy import func, select

from api.db import credentials as keys
from api.db.engine import Database, compress, decompress, utc_now
from api.db.errors import Conflict
from api.db.models import Dataset, Run
from api.db.records import ACTIVE_STATUSES, DatasetRecord


def new_dataset_row(
    *, payload: bytes, sha256: str, counts: dict[str, int], created_by: str
) -> Dataset:
    """The row of a newly stored dataset (not added to any session yet)."""
    return Dataset(
        id=keys.new_id(),
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
    )


class DatasetRepository:
    """Datasets of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self, *, payload: bytes, sha256: str, counts: dict[str, int], created_by: str
    ) -> DatasetRecord:
        """Store a validated dataset (compressed) and return its metadata."""
        row = new_dataset_row(payload=payload, sha256=sha256, counts=counts, created_by=created_by)
        with self._db.session(write=True) as session:
            session.add(row)
        return dataset_record(row)

    def get(self, dataset_id: str) -> DatasetRecord | None:
        """Return a dataset's metadata, or None if unknown or deleted."""
        with self._db.session(write=False) as session:
            row = session.get(Dataset, dataset_id)
            if row is None or row.deleted_at is not None:
                return None
            return dataset_record(row)

    def payload(self, dataset_id: str) -> bytes | None:
        """Return the stored payload, or None if unknown or deleted."""
        with self._db.session(write=False) as session:
            data = session.execute(
                select(Dataset.payload).where(
                    Dataset.id == dataset_id, Dataset.deleted_at.is_(None)
                )
            ).scalar_one_or_none()
        return decompress(data)

    def delete(self, dataset_id: str) -> bool:
        """Erase a dataset's payload and hide it; its runs keep their history.

        Returns
        -------
        bool
            False if the dataset is unknown or already deleted.

        Raises
        ------
        Conflict
            If a queued or running run uses it.
        """
        with self._db.session(write=True) as session:
            row = session.execute(
                select(Dataset).where(Dataset.id == dataset_id).with_for_update()
            ).scalar_one_or_none()
            if row is None or row.deleted_at is not None:
                return False
            active = session.execute(
                select(func.count())
                .select_from(Run)
                .where(Run.dataset_id == dataset_id, Run.status.in_(ACTIVE_STATUSES))
            ).scalar_one()
            if active:
                raise Conflict(f"dataset {dataset_id} is used by {active} queued or running run(s)")
            row.payload = None
            row.deleted_at = utc_now()
        return True
