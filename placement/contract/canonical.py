"""Canonical form of a normalised dataset, and its sha256.

The canonical form is the UTF-8 encoding of one JSON text written with sorted keys, no
whitespace (``separators=(",", ":")``) and non-ASCII characters as themselves
(``ensure_ascii=False``). It is column-oriented, so that it is cheap to build for large tables:
an object with one key per table of the contract (all six, also when empty), each value an
object with one key per normalised column, each value the array of that column's cells in the
normalised row order of :mod:`placement.contract.dataset`:

- text as a string, ``""`` when not given;
- dates as ``"YYYY-MM-DD"``, ``null`` when unknown;
- integers as JSON integers, booleans as ``true``/``false``.

For example ``{"competencies":{"competency":["M01"],"level":[2],"nip":["1990…"]},…}``.
Because it is computed from the normalised frames, every spelling the loader accepts (CSV text,
xlsx cells, JSON numbers and ``null``, case variants of enumerations) gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from placement.contract.dataset import COLUMNS, TABLES
from placement.contract.history import history_cells

__all__ = ["canonical_bytes", "dataset_sha256"]


def _cells(column: pd.Series) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        days = np.datetime_as_string(column.to_numpy().astype("datetime64[D]"), unit="D")
        return [None if d == "NaT" else d for d in days.tolist()]
    return column.tolist()


def canonical_bytes(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The canonical form (see the module docstring) of the normalised tables ``frames``.

    Parameters
    ----------
    frames
        One normalised frame per table name of :data:`placement.contract.dataset.TABLES`, plus
        the history tables the dataset gives (CONTRACT §6), which only then appear in the form.
    """
    data = {
        table: {column: _cells(frames[table][column]) for column in COLUMNS[table]}
        for table in TABLES
    }
    data.update(history_cells(frames))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def dataset_sha256(frames: Mapping[str, pd.DataFrame]) -> str:
    """Hex sha256 of :func:`canonical_bytes`, equal for the CSV, xlsx and JSON forms of the data."""
    return hashlib.sha256(canonical_bytes(frames)).hexdigest()
