"""The optional history tables of CONTRACT §6: their columns, validation and canonical cells.

``placement_history``, ``performance_history`` and ``training_history`` are read by the same
loader as the other tables (all three forms) and arrive here as text frames indexed by their
1-based data row. :func:`validate_history` reports every problem with table, row and column into
the loader's list, so that a refused dataset lists history problems together with the others.

Normalised form (only the tables the dataset gives; every frame with a fresh ``RangeIndex``):

``placement_history`` sorted by (nip, start_date): nip, position_id, unit ("" = from
    ``positions``), job_class ("" = from ``positions``), reason (default ``other``) str;
    start_date, end_date datetime64[ns] (end NaT = held until the next spell, or now);
    jpm float64 (NaN = not recorded).
``performance_history`` sorted by (nip, year): nip str, year int64, rating str, score float64.
``training_history`` sorted by (nip, end_date, competency): nip, competency str,
    end_date datetime64[ns], hours float64 (NaN = not given; whole numbers otherwise).

History rows may name people and posts that are gone, so ``nip`` and ``position_id`` are not
checked against ``employees`` and ``positions``; a post missing from ``positions`` needs its unit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from placement.contract.enums import JOB_CLASSES, PERFORMANCES
from placement.errors import Problem
from placement.i18n import t

__all__ = [
    "HISTORY_COLUMNS",
    "HISTORY_TABLES",
    "RATING_POINTS",
    "REASONS",
    "number_text",
    "validate_history",
]

HISTORY_TABLES: Final[tuple[str, ...]] = (
    "placement_history",
    "performance_history",
    "training_history",
)

HISTORY_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "placement_history": (
        "nip", "position_id", "unit", "job_class", "start_date", "end_date", "reason", "jpm",
    ),
    "performance_history": ("nip", "year", "rating", "score"),
    "training_history": ("nip", "competency", "end_date", "hours"),
}  # fmt: skip

#: Why a spell began; ``first`` is the first post after recruitment, never a move.
REASONS: Final[tuple[str, ...]] = (
    "first",
    "rotation",
    "promotion",
    "request",
    "reorganisation",
    "other",
)

#: The outcome scale of the evaluation: SKP predicates as points.
RATING_POINTS: Final[dict[str, int]] = {"SK": 1, "K": 2, "BP": 3, "B": 4, "SB": 5}

_SORT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "placement_history": ("nip", "start_date"),
    "performance_history": ("nip", "year"),
    "training_history": ("nip", "end_date", "competency"),
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT = re.compile(r"\+?0*([0-9]+)")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True)
class _Spec:
    """How one history column is read."""

    kind: str  # text, enum, date, int, decimal
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str = ""
    low: float = 0
    high: float = math.inf


#: The message of a number out of its range, by kind and whether the range has an upper end
#: (literal keys, see the catalogs).
_RANGE_PROBLEM: Final[dict[tuple[str, bool], str]] = {
    ("int", True): "input.integer_range",
    ("int", False): "input.integer_at_least",
    ("decimal", True): "input.number_range",
    ("decimal", False): "input.number_at_least",
}

_SPECS: Final[dict[str, dict[str, _Spec]]] = {
    "placement_history": {
        "nip": _Spec("text", required=True),
        "position_id": _Spec("text", required=True),
        "unit": _Spec("text"),
        "job_class": _Spec("enum", choices=JOB_CLASSES),
        "start_date": _Spec("date", required=True),
        "end_date": _Spec("date"),
        "reason": _Spec("enum", choices=REASONS, default="other"),
        "jpm": _Spec("decimal", low=0, high=100),
    },
    "performance_history": {
        "nip": _Spec("text", required=True),
        "year": _Spec("int", required=True, low=2000, high=2100),
        "rating": _Spec("enum", required=True, choices=PERFORMANCES),
        "score": _Spec("decimal", low=0, high=120),
    },
    "training_history": {
        "nip": _Spec("text", required=True),
        "competency": _Spec("text"),
        "end_date": _Spec("date", required=True),
        "hours": _Spec("int", low=0),
    },
}


class _Reader:
    """One history table being validated: trimmed text in, typed columns out."""

    def __init__(self, name: str, raw: pd.DataFrame, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        text = {
            c: pd.Series([str(v).strip() for v in raw[c].tolist()], index=raw.index, dtype=object)
            for c in raw.columns
        }
        filled = np.zeros(len(raw), dtype=bool)
        for cells in text.values():
            filled |= cells.to_numpy() != ""
        index = raw.index[filled]
        self.text = {
            c: text[c][filled] if c in text else pd.Series("", index=index, dtype=object)
            for c in HISTORY_COLUMNS[name]
        }
        self.out: dict[str, pd.Series] = {}
        for column, spec in _SPECS[name].items():
            if spec.required and column not in raw.columns:
                problems.append(Problem(name, None, column, t("input.required_column_missing")))
            self.out[column] = self._parse(column, spec, column in raw.columns)

    def note(self, mask: pd.Series, column: str, message: str | Callable[[str], str]) -> None:
        """Report every row where ``mask`` holds; ``message`` may format the cell's text."""
        cells = self.text[column][mask.to_numpy(dtype=bool)]
        for row, cell in zip(cells.index.tolist(), cells.tolist(), strict=True):
            text = message if isinstance(message, str) else message(cell)
            self.problems.append(Problem(self.name, int(row), column, text))

    def _parse(self, column: str, spec: _Spec, present: bool) -> pd.Series:
        text = self.text[column]
        blank = text.eq("")
        if spec.required and present:
            self.note(blank, column, t("input.required_value_missing"))
        if spec.kind == "text":
            return text.astype(str)
        if spec.kind == "enum":
            spelling = {c.lower(): c for c in spec.choices}
            canon = text.map(lambda v: spelling.get(v.lower()))
            choices = ", ".join(spec.choices)
            self.note(
                ~blank & canon.isna(),
                column,
                lambda v: t("input.unknown_choice", column=column, value=repr(v), choices=choices),
            )
            return canon.fillna(spec.default).astype(str)
        if spec.kind == "date":
            shaped = text.where(text.map(lambda v: _DATE.fullmatch(v) is not None).astype(bool))
            dates = pd.to_datetime(shaped, format="%Y-%m-%d", errors="coerce")
            dates = dates.astype("datetime64[ns]")
            self.note(
                ~blank & dates.isna(),
                column,
                lambda v: t("input.date_not_iso", column=column, value=repr(v)),
            )
            return dates
        pattern = _INT if spec.kind == "int" else _DECIMAL
        numbers = text.map(lambda v: float(v) if pattern.fullmatch(v) else math.nan)
        numbers = numbers.astype("float64")
        bad = ~blank & (numbers.isna() | numbers.lt(spec.low) | numbers.gt(spec.high))
        key = _RANGE_PROBLEM[spec.kind, spec.high < math.inf]
        low, high = f"{spec.low:g}", f"{spec.high:g}"
        self.note(bad, column, lambda v: t(key, column=column, value=repr(v), low=low, high=high))
        return numbers.mask(bad)

    def canonical_cells(self) -> dict[str, pd.Series]:
        """Every column's given cells in the canonical form's normal text (CONTRACT §5), ``""``
        where not given: enumerations in their contract spelling, dates ``YYYY-MM-DD``,
        integers in plain decimal, decimals as their trimmed text."""
        cells: dict[str, pd.Series] = {}
        for column, spec in _SPECS[self.name].items():
            text = self.text[column]
            given = text.ne("")
            out = self.out[column]
            if spec.kind in ("text", "decimal"):
                normal = text
            elif spec.kind == "date":
                normal = out.dt.strftime("%Y-%m-%d")
            elif spec.kind == "int":
                normal = out.map(lambda v: "" if math.isnan(v) else str(int(v)))
            else:
                normal = out.astype(str)
            cells[column] = normal.where(given, "").astype(object)
        return cells

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.out)
        if "year" in frame:
            frame["year"] = frame["year"].fillna(0).astype("int64")
        # Ties on the key are ordered by the rest of the row, so row order never changes the hash.
        keys = list(_SORT_KEYS[self.name])
        rest = [c for c in HISTORY_COLUMNS[self.name] if c not in keys]
        rows = frame.sort_values(keys + rest, kind="stable", na_position="first").index
        return frame.loc[rows].reset_index(drop=True)


def _duplicates(table: _Reader, key: tuple[str, str], what: str) -> None:
    """Report rows repeating the key of an earlier row, in the key's last column."""
    keys = pd.DataFrame({c: table.text[c] for c in key})
    keys = keys[(keys != "").all(axis=1)]
    first = keys.reset_index().groupby(list(key), sort=False)["index"].transform("first")
    first.index = keys.index
    for row in keys.index[keys.duplicated(keep="first")]:
        cells = ", ".join(keys.loc[row].tolist())
        message = t("input.duplicate_key", what=what, key=repr(cells), first=str(first.loc[row]))
        table.problems.append(Problem(table.name, int(row), key[-1], message))


def _spells(table: _Reader, positions: pd.Index | None) -> None:
    """The §6 spell rules: end after start, no overlap within one person, units of lost posts."""
    start, end = table.out["start_date"], table.out["end_date"]
    table.note(end.lt(start), "end_date", t("input.end_before_start"))
    _duplicates(table, ("nip", "start_date"), "(nip, start_date)")
    if positions is not None:
        gone = table.text["position_id"].ne("") & ~table.text["position_id"].isin(positions)
        table.note(
            gone & table.text["unit"].eq(""),
            "unit",
            t("input.unit_required_for_lost_post"),
        )
    spells = pd.DataFrame({"nip": table.text["nip"], "start": start, "end": end})
    spells = spells[spells["nip"].ne("") & spells["start"].notna() & ~end.lt(start)]
    spells = spells.sort_values(["nip", "start"], kind="stable")
    # An open spell lasts until the next one starts, so only closed spells can overlap.
    reach = spells["end"].fillna(pd.Timestamp.min).groupby(spells["nip"]).cummax()
    before = reach.groupby(spells["nip"]).shift(1)
    same_start = spells["start"].eq(spells.groupby("nip")["start"].shift(1))
    overlap = before.ge(spells["start"]) & ~same_start
    table.note(
        pd.Series(overlap.reindex(table.text["nip"].index, fill_value=False)),
        "start_date",
        t("input.spell_overlap"),
    )


def validate_history(
    raw: Mapping[str, pd.DataFrame], positions: pd.Index | None, problems: list[Problem]
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, pd.Series]]]:
    """Validate the history tables present in ``raw``; return their normalised frames and
    their given cells in the canonical form's normal text.

    Parameters
    ----------
    raw
        Text frames by table name (other tables are ignored), indexed by 1-based data row.
    positions
        The ``position_id`` values of ``positions``; ``None`` when that table is unusable, in
        which case units of lost posts are not checked.
    problems
        Every problem found is appended here; the frames returned are meaningless when any is.
    """
    frames: dict[str, pd.DataFrame] = {}
    cells: dict[str, dict[str, pd.Series]] = {}
    for name in HISTORY_TABLES:
        if name not in raw:
            continue
        table = _Reader(name, raw[name], problems)
        cells[name] = table.canonical_cells()
        if name == "placement_history":
            _spells(table, positions)
        elif name == "performance_history":
            _duplicates(table, ("nip", "year"), "(nip, year)")
        frames[name] = table.frame()
    return frames, cells


def number_text(value: float) -> str:
    """A history number as contract text: "" when not given, whole numbers without ``.0``."""
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)
