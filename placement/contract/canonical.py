"""The canonical form of a dataset (CONTRACT §5) and its sha256, ``input_sha256``.

A JSON object with one key per table of §1 — the six of the engine always, an absent one as
``[]`` — plus each of ``units`` and the §6 history tables that the dataset contains. Each table
is an array with one object per data row holding exactly the cells of that row that are given
(not empty after trimming) for the contract's columns: unknown columns left out, defaults not
filled in, duplicates not merged. Values are text in normal form (enumerations in the
contract's spelling, booleans ``true``/``false``, dates ``YYYY-MM-DD``, integers in decimal
without sign or leading zeros, anything else as its trimmed text); the validators of
:mod:`placement.contract.validation` and :mod:`placement.contract.history` produce those texts.
Rows are sorted by the
table's key compared as text, then by the row's own serialisation; the whole is serialised with
sorted keys, separators ``,`` and ``:`` and non-ASCII characters as themselves, as UTF-8 with no
trailing newline. Any two engines that follow the contract agree on the bytes, and the CSV,
xlsx and JSON forms of the same data give the same bytes.

The bytes are also a dataset: loading them as JSON gives back the same dataset and the same
hash, which is how run records and the service store their input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from placement.contract.dataset import COLUMNS, TABLES, Dataset

__all__ = ["SORT_KEYS", "canonical_json", "legacy_sha256", "matches", "sha256_of"]

#: The key each table's rows are sorted by (a missing key cell counts as empty text).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "employees": ("nip",),
    "positions": ("position_id",),
    "competencies": ("nip", "competency"),
    "requirements": ("position_id", "competency"),
    "preferences": ("nip", "target", "rank"),
    "relations": ("nip_a", "nip_b", "kind"),
    "units": ("unit",),
    "placement_history": ("nip", "start_date"),
    "performance_history": ("nip", "year"),
    "training_history": ("nip", "end_date", "competency"),
}


def _encoded(values: np.ndarray) -> np.ndarray:
    """JSON string literals of text cells, each distinct value encoded once."""
    codes, uniques = pd.factorize(values)
    literals = np.array(
        [json.dumps(str(v), ensure_ascii=False) for v in uniques.tolist()], dtype=object
    )
    out: np.ndarray = literals[codes]
    return out


def _text_ranks(values: np.ndarray) -> np.ndarray:
    """Each cell's rank among the column's distinct texts compared as text (Python's order of
    ``str``, i.e. by code point): an integer sort key, so that a million rows sort in numpy."""
    codes, uniques = pd.factorize(values)
    texts = [str(v) for v in uniques.tolist()]
    rank = np.empty(len(texts), dtype=np.int64)
    rank[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    out: np.ndarray = rank[codes]
    return out


def _table(columns: Mapping[str, pd.Series], keys: tuple[str, ...]) -> str:
    """One table's JSON array: row objects of the given cells, in canonical order."""
    names = sorted(columns)
    n = len(columns[names[0]]) if names else 0
    if n == 0:
        return "[]"
    fragments = []
    for name in names:
        values = columns[name].to_numpy(dtype=object)
        given = values != ""
        fragment = np.full(n, "", dtype=object)
        fragment[given] = f'"{name}":' + _encoded(values[given])
        fragments.append(fragment.tolist())
    # filter(None, …) drops the cells not given at C speed: a national dataset has a million
    # competency rows.
    rows = np.array(
        ["{" + ",".join(filter(None, parts)) + "}" for parts in zip(*fragments, strict=True)],
        dtype=object,
    )
    sort_keys = [_text_ranks(columns[k].to_numpy(dtype=object)) for k in keys]
    order = np.lexsort(sort_keys[::-1]) if sort_keys else np.arange(n)
    ordered = rows[order]
    # Rows whose keys tie are ordered by their own serialisation.
    if sort_keys:
        stacked = np.stack([k[order] for k in sort_keys], axis=1)
        tied = np.flatnonzero((stacked[1:] == stacked[:-1]).all(axis=1))
    else:
        tied = np.arange(n - 1)
    if len(tied):
        starts = tied[np.r_[True, np.diff(tied) > 1]]
        ends = np.r_[tied[np.flatnonzero(np.diff(tied) > 1)], tied[-1]] + 2
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            ordered[a:b] = sorted(ordered[a:b].tolist())
    return "[" + ",".join(ordered.tolist()) + "]"


def canonical_json(tables: Mapping[str, Mapping[str, pd.Series]]) -> bytes:
    """The canonical form of a dataset's given cells.

    Parameters
    ----------
    tables
        Per table name, per contract column, the column's cells in normal-form text (``""``
        where not given), every column of a table aligned on the same rows. The six engine
        tables must all be present (empty when the dataset lacks them); ``units`` and the
        history tables only when the dataset contains them.
    """
    parts = [
        f"{json.dumps(name)}:{_table(tables[name], SORT_KEYS[name])}" for name in sorted(tables)
    ]
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def sha256_of(canonical: bytes) -> str:
    """Hex sha256 of canonical bytes: the dataset's ``input_sha256``."""
    return hashlib.sha256(canonical).hexdigest()


def legacy_sha256(dataset: Dataset) -> str:
    """The hash this engine gave ``dataset`` before it followed the contract's canonical form.

    Column-oriented JSON of the six normalised tables (defaults filled in). Kept only so that
    run directories and service databases written then still match their runs to their inputs
    (:func:`matches`); nothing new is hashed this way.
    """

    def cells(column: pd.Series) -> list[object]:
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            days = np.datetime_as_string(column.to_numpy().astype("datetime64[D]"), unit="D")
            return [None if d == "NaT" else d for d in days.tolist()]
        return list(column.tolist())

    data = {
        table: {column: cells(getattr(dataset, table)[column]) for column in COLUMNS[table]}
        for table in TABLES
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def matches(dataset: Dataset, recorded_sha256: object) -> bool:
    """Whether ``dataset`` is the input a run recorded as ``recorded_sha256`` (its canonical hash,
    or for a run recorded before the canonical form, the hash of that time)."""
    if dataset.sha256 == recorded_sha256:
        return True
    return bool(dataset.history == {} and legacy_sha256(dataset) == recorded_sha256)
