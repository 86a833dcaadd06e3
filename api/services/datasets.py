"""Datasets as the service receives and stores them.

A dataset arrives in one of the contract's three forms (JSON body, CSV files, one xlsx
workbook), is validated by :mod:`placement.contract.readers`, and is stored in its canonical
form (CONTRACT §5, :mod:`placement.contract.canonical`). Reloading that payload through the
loader gives back a dataset with the same sha256.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

import pandas as pd

from api.core.problems import ApiError
from api.db.records import DatasetRecord
from api.db.store import Store
from api.schemas.datasets import DatasetOut
from placement.contract.canonical import matches
from placement.contract.dataset import OPTIONAL_TABLES, TABLES, Dataset
from placement.contract.history import HISTORY_TABLES
from placement.contract.readers import (
    MAX_ROWS,
    canonical_of,
    dataset_from_json,
    dataset_from_tables,
    load_dataset,
)
from placement.errors import DatasetError, Problem
from placement.i18n import t

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Where problems about the upload as a whole are reported.
DATASET = "dataset"


class Upload:
    """One uploaded file: its name and content."""

    def __init__(self, filename: str, content: bytes) -> None:
        self.filename = filename
        self.content = content


def parse_json_bytes(body: bytes) -> Any:
    """A JSON body, with numbers kept exact (integers as ints, decimals as Decimal).

    Raises
    ------
    DatasetError
        When the body is not UTF-8 JSON.
    """
    try:
        return json.loads(
            body.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_not_json_constant
        )
    except UnicodeDecodeError as exc:
        message = t("api.dataset.not_utf8", byte=exc.start)
    except json.JSONDecodeError as exc:
        message = t("api.dataset.not_json", line=exc.lineno, column=exc.colno, reason=exc.msg)
    except _NotJsonError as exc:
        message = t("api.dataset.not_json_value", name=str(exc))
    except RecursionError:
        message = t("api.dataset.too_deep")
    raise DatasetError([Problem(DATASET, None, None, message)])


class _NotJsonError(Exception):
    pass


def _not_json_constant(name: str) -> Any:
    # Python's parser accepts NaN, Infinity and -Infinity; JSON (RFC 8259) has no such values.
    raise _NotJsonError(name)


def dataset_from_body(body: bytes, max_rows: int = MAX_ROWS) -> Dataset:
    """Validate a dataset sent as the contract's JSON form."""
    return dataset_from_json(parse_json_bytes(body), max_rows=max_rows)


def dataset_from_xlsx(content: bytes, max_rows: int = MAX_ROWS) -> Dataset:
    """Validate a dataset sent as one xlsx workbook."""
    with tempfile.TemporaryDirectory(prefix="placement-upload-") as folder:
        path = Path(folder) / "dataset.xlsx"
        path.write_bytes(content)
        return load_dataset(path, max_rows=max_rows)


def check_pairs(dataset: Dataset, max_pairs: int) -> None:
    """Refuse (413) a dataset with more employee × position pairs than ``max_pairs``."""
    pairs = dataset.n_employees * len(dataset.positions)
    if pairs > max_pairs:
        raise ApiError(
            413,
            t("api.dataset.too_many_pairs", pairs=pairs, max=max_pairs),
            kind="too-large",
        )


def dataset_from_uploads(files: Sequence[Upload], max_rows: int = MAX_ROWS) -> Dataset:
    """Validate a dataset sent as files: CSV files named after their table, or one ``.xlsx``.

    Raises
    ------
    DatasetError
        When the files are not such a set, or the data has problems.
    """
    if not files:
        raise DatasetError([Problem(DATASET, None, None, t("api.dataset.no_files"))])
    names = [PurePath(f.filename.replace("\\", "/")).name for f in files]
    suffixes = [PurePath(n).suffix.lower() for n in names]
    if len(files) == 1 and suffixes[0] == ".xlsx":
        return dataset_from_xlsx(files[0].content, max_rows)
    problems = [
        Problem(DATASET, None, None, t("api.dataset.bad_file_name", name=repr(name)))
        for name, suffix in zip(names, suffixes, strict=True)
        if suffix != ".csv"
    ]
    stems = [PurePath(n).stem.strip().lower() for n in names]
    seen: set[str] = set()
    for stem, name in zip(stems, names, strict=True):
        if stem in seen:
            problems.append(
                Problem(DATASET, None, None, t("api.dataset.table_twice", name=repr(name)))
            )
        seen.add(stem)
    if problems:
        raise DatasetError(problems)
    with tempfile.TemporaryDirectory(prefix="placement-upload-") as folder:
        for stem, upload in zip(stems, files, strict=True):
            if stem in TABLES or stem in OPTIONAL_TABLES or stem in HISTORY_TABLES:
                (Path(folder) / f"{stem}.csv").write_bytes(upload.content)
        return load_dataset(folder, max_rows=max_rows)


def payload_of(dataset: Dataset) -> bytes:
    """The canonical form of ``dataset`` (CONTRACT §5), as stored."""
    return canonical_of(dataset)


def dataset_from_payload(payload: bytes) -> Dataset:
    """Reload a stored payload into a validated dataset.

    A payload is the dataset's canonical form (one array of row objects per table). A database
    written before the engine followed the contract's canonical form holds column-oriented
    payloads (one object of column arrays per table); those load too.
    """
    tables = json.loads(payload.decode("utf-8"))
    if any(isinstance(value, dict) for value in tables.values()):
        frames = {name: pd.DataFrame(columns, dtype=object) for name, columns in tables.items()}
        return dataset_from_tables(frames)
    return dataset_from_json(tables)


def store_dataset(store: Store, dataset: Dataset, *, actor: str) -> DatasetRecord:
    """Store ``dataset`` in canonical form and write an audit record."""
    record = store.datasets.add(
        payload=payload_of(dataset),
        sha256=dataset.sha256,
        counts=dataset.counts(),
        created_by=actor,
    )
    store.audit.append(
        actor=actor,
        action="dataset.create",
        target=record.id,
        details={"input_sha256": dataset.sha256, "counts": dataset.counts()},
    )
    return record


def load_stored(store: Store, dataset_id: str) -> Dataset:
    """The stored dataset ``dataset_id``, reloaded; 404 when there is none."""
    record = store.datasets.get(dataset_id)
    payload = store.datasets.payload(dataset_id) if record is not None else None
    if record is None or payload is None:
        raise ApiError(404, t("api.dataset.not_found", id=repr(dataset_id)), kind="not-found")
    dataset = dataset_from_payload(payload)
    if not matches(dataset, record.sha256):
        log.error("dataset %s does not reload to its recorded sha256", dataset_id)
        raise ApiError(500, t("api.dataset.not_reloadable"), kind="internal")
    return dataset


def get_dataset(store: Store, dataset_id: str) -> DatasetRecord:
    """The metadata of the stored dataset ``dataset_id``; 404 when there is none."""
    record = store.datasets.get(dataset_id)
    if record is None:
        raise ApiError(404, t("api.dataset.not_found", id=repr(dataset_id)), kind="not-found")
    return record


def delete_dataset(store: Store, dataset_id: str, *, actor: str) -> None:
    """Delete the dataset and audit it; 404 when there is none, 409 while queued or running
    runs or sweeps use it."""
    record = store.datasets.get(dataset_id)
    if record is None or not store.datasets.delete(dataset_id):
        raise ApiError(404, t("api.dataset.not_found", id=repr(dataset_id)), kind="not-found")
    removed = {
        "input_sha256": record.sha256,
        "counts": dict(record.counts),
        "payload_bytes": record.payload_size,
        "removed": ["payload"],
    }
    store.audit.append(actor=actor, action="dataset.delete", target=dataset_id, details=removed)


def dataset_out(record: DatasetRecord) -> DatasetOut:
    """The DTO of a stored dataset."""
    return DatasetOut(
        id=record.id,
        sha256=record.sha256,
        counts=dict(record.counts),
        created_at=record.created_at,
        created_by=record.created_by,
    )
