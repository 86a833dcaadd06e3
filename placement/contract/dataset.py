"""The validated, immutable dataset the engine works on.

A :class:`Dataset` is only ever made by :func:`placement.contract.readers.load_dataset` (or
:func:`placement.contract.readers.dataset_from_tables`), which validates everything first; nothing
downstream re-checks the shapes and types listed here.

Normalised form (every frame has a fresh ``RangeIndex``):

``employees`` sorted by ``nip`` (as text):
    nip str; name str ("" when not given); status str (PNS|PPPK|CPNS);
    grade str ("" or canonical like "III/b"); education str ("" or canonical like "D4");
    education_field str ("" or as given, trimmed); birth_date datetime64[ns] (NaT when unknown,
    filled from a valid NIP when empty); gender str ("", M or F; filled from a valid NIP);
    position_id str ("" = unplaced); position_since datetime64[ns] (NaT = unknown);
    performance str ("" or SB|B|BP|K|SK); potential str ("" or low|medium|high);
    discipline bool; on_leave bool.
``positions`` sorted by ``position_id``:
    position_id str; title str; unit str; job_class str (canonical); eselon str ("" or canonical
    like "IV.a"); min_grade, max_grade str ("" = no bound; as given, eselon fallback is applied by
    the rules); min_education str; education_fields str ("" = any; the ``;``-separated fields as
    given, each trimmed); capacity int64; state str (open|closed|abolished).
``competencies`` sorted by (nip, competency): nip str, competency str, level int64.
``requirements`` sorted by (position_id, competency): position_id, competency str,
    level int64, weight int64.
``preferences`` sorted by (nip, target, rank): nip str, target str, rank int64.
``relations`` sorted by (nip_a, nip_b, kind), merged, with nip_a < nip_b: nip_a, nip_b str,
    kind str (spouse|family|other).
``units`` (``None`` when the dataset does not give the table) sorted by ``unit``: unit str,
    name str, parent str ("" when not given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.contract.history import HISTORY_COLUMNS, number_text

TABLES: tuple[str, ...] = (
    "employees",
    "positions",
    "competencies",
    "requirements",
    "preferences",
    "relations",
)

#: Optional tables that are part of a dataset, and of its canonical form, only when given.
OPTIONAL_TABLES: tuple[str, ...] = ("units",)

#: Columns of each normalised table, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": (
        "nip", "name", "status", "grade", "education", "education_field", "birth_date",
        "gender", "position_id", "position_since", "performance", "potential", "discipline",
        "on_leave",
    ),
    "positions": (
        "position_id", "title", "unit", "job_class", "eselon", "min_grade", "max_grade",
        "min_education", "education_fields", "capacity", "state",
    ),
    "competencies": ("nip", "competency", "level"),
    "requirements": ("position_id", "competency", "level", "weight"),
    "preferences": ("nip", "target", "rank"),
    "relations": ("nip_a", "nip_b", "kind"),
    "units": ("unit", "name", "parent"),
    **HISTORY_COLUMNS,
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated HR dataset (see the module docstring for the normalised form).

    The frames are private copies; treat them as read-only.
    """

    employees: pd.DataFrame
    positions: pd.DataFrame
    competencies: pd.DataFrame
    requirements: pd.DataFrame
    preferences: pd.DataFrame
    relations: pd.DataFrame
    #: sha256 of the canonical form: equal for the CSV, xlsx and JSON forms of the same data.
    sha256: str
    #: The organisational units by code, or ``None`` when the dataset has no ``units`` table.
    units: pd.DataFrame | None = None
    #: What the readers noticed and a person should be told (e.g. a ``;``-separated CSV file);
    #: never part of the data or its hash.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def tables(self) -> tuple[str, ...]:
        """Names of the tables this dataset holds: the six of the contract, then the optional
        ones it gives."""
        return (*TABLES, *(t for t in OPTIONAL_TABLES if getattr(self, t) is not None))

    def unit_names(self) -> dict[str, str]:
        """The name of every unit the ``units`` table names (empty names left out): a unit
        missing here is printed as its code (CONTRACT §1), ``names.get(code, code)``."""
        if self.units is None:
            return {}
        return {
            code: name
            for code, name in zip(self.units["unit"], self.units["name"], strict=True)
            if name
        }

    #: The §6 history tables the dataset gives (see :mod:`placement.contract.history`).
    history: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    #: The canonical form (CONTRACT §5) the sha256 is taken of; loading it gives this dataset.
    canonical: bytes = b""

    @property
    def n_employees(self) -> int:
        """Number of employees."""
        return len(self.employees)

    @property
    def n_positions(self) -> int:
        """Number of positions."""
        return len(self.positions)

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {t: len(getattr(self, t)) for t in self.tables()}

    def contract_rows(self) -> dict[str, list[dict[str, str]]]:
        """The tables as contract text rows: dates ``YYYY-MM-DD``, booleans ``true``/``false``,
        numbers as digits, "" for empty cells; the history tables too, when given. Loading
        them gives back this dataset."""
        out: dict[str, list[dict[str, str]]] = {}
        for table in (*self.tables(), *self.history):
            frame: pd.DataFrame = (
                self.history[table] if table in self.history else getattr(self, table)
            )
            columns: dict[str, list[str]] = {}
            for column in COLUMNS[table]:
                series = frame[column]
                if pd.api.types.is_datetime64_any_dtype(series.dtype):
                    days = np.datetime_as_string(
                        series.to_numpy().astype("datetime64[D]"), unit="D"
                    )
                    columns[column] = ["" if d == "NaT" else str(d) for d in days.tolist()]
                elif pd.api.types.is_bool_dtype(series.dtype):
                    columns[column] = ["true" if v else "false" for v in series.tolist()]
                elif pd.api.types.is_float_dtype(series.dtype):
                    columns[column] = [number_text(v) for v in series.tolist()]
                else:
                    columns[column] = [str(v) for v in series.tolist()]
            rows = zip(*columns.values(), strict=True)
            out[table] = [dict(zip(columns, cells, strict=True)) for cells in rows]
        return out
