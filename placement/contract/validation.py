"""Validating raw text tables into a :class:`~placement.contract.dataset.Dataset` (CONTRACT §1).

One validation pass over all tables builds the normalised frames described in
:mod:`placement.contract.dataset`: cells are trimmed, checked against each column's spec
(required, enumeration, integer range, date, boolean, field list), enumerations mapped to their
canonical spelling, defaults filled in, and ``birth_date`` and ``gender`` derived from a valid
NIP (18 ASCII digits whose first 8 form a real date) when empty; keys must be unique and
references must name a known employee, position or unit.

Every problem found is collected; if there is any, one :class:`~placement.errors.DatasetError`
lists them all and nothing is returned. Rows whose cells are all empty are skipped but keep
their number.

Problem locations, where a choice had to be made: a duplicate key is reported on every row that
repeats an earlier one, in the key's last column (``nip``, ``position_id``, ``competency``); an
unknown reference in the column naming it (a unit's ``parent`` must be a unit of the
``units`` table or of a position); a relation of someone with themselves in ``nip_b``; a
``min_grade`` above ``max_grade`` in ``max_grade``; a required column or table that is missing
with row ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from placement.contract.canonical import canonical_json, sha256_of
from placement.contract.dataset import COLUMNS, OPTIONAL_TABLES, TABLES, Dataset
from placement.contract.enums import (
    EDUCATION_LEVELS,
    GENDERS,
    GRADE_INDEX,
    GRADES,
    JOB_CLASSES,
    PERFORMANCES,
    POTENTIALS,
    RELATION_KINDS,
    STATES,
    STATUSES,
)
from placement.contract.history import validate_history
from placement.errors import DatasetError, Problem
from placement.i18n import t

_BOOLEANS: dict[str, bool] = {
    "true": True, "1": True, "yes": True, "ya": True,
    "false": False, "0": False, "no": False, "tidak": False,
}  # fmt: skip
_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_NIP_RE = re.compile(r"[0-9]{18}")
#: A date with the year last: day, month, year, one separator throughout.
_DAY_FIRST_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_SHORT_YEAR_RE = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}")
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")
#: An integer cell: optional sign, at most 9 digits, optionally ``.0`` (as spreadsheets write).
_INT_RE = re.compile(r"([+-]?[0-9]{1,9})(?:\.0*)?")


@dataclass(frozen=True)
class _Column:
    """How one contract column is read: a kind, whether required, and its parameters."""

    kind: str  # text, enum, int, date, bool, fields
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | int = ""
    low: int = 1
    high: int | None = None


_SPEC: dict[str, dict[str, _Column]] = {
    "employees": {
        "nip": _Column("text", required=True),
        "name": _Column("text"),
        "status": _Column("enum", choices=STATUSES, default="PNS"),
        "grade": _Column("enum", choices=GRADES),
        "education": _Column("enum", choices=EDUCATION_LEVELS),
        "education_field": _Column("text"),
        "birth_date": _Column("date"),
        "gender": _Column("enum", choices=GENDERS),
        "position_id": _Column("text"),
        "position_since": _Column("date"),
        "performance": _Column("enum", choices=PERFORMANCES),
        "potential": _Column("enum", choices=POTENTIALS),
        "discipline": _Column("bool"),
        "on_leave": _Column("bool"),
    },
    "positions": {
        "position_id": _Column("text", required=True),
        "title": _Column("text"),
        "unit": _Column("text", required=True),
        "job_class": _Column("enum", required=True, choices=JOB_CLASSES),
        "eselon": _Column("enum", choices=("II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b")),
        "min_grade": _Column("enum", choices=GRADES),
        "max_grade": _Column("enum", choices=GRADES),
        "min_education": _Column("enum", choices=EDUCATION_LEVELS),
        "education_fields": _Column("fields"),
        "capacity": _Column("int", default=1, low=1),
        "state": _Column("enum", choices=STATES, default="open"),
    },
    "competencies": {
        "nip": _Column("text", required=True),
        "competency": _Column("text", required=True),
        "level": _Column("int", required=True, low=1, high=5),
    },
    "requirements": {
        "position_id": _Column("text", required=True),
        "competency": _Column("text", required=True),
        "level": _Column("int", required=True, low=1, high=5),
        "weight": _Column("int", default=1, low=1, high=10),
    },
    "preferences": {
        "nip": _Column("text", required=True),
        "target": _Column("text", required=True),
        "rank": _Column("int", required=True, low=1, high=5),
    },
    "relations": {
        "nip_a": _Column("text", required=True),
        "nip_b": _Column("text", required=True),
        "kind": _Column("enum", required=True, choices=RELATION_KINDS),
    },
    "units": {
        "unit": _Column("text", required=True),
        "name": _Column("text"),
        "parent": _Column("text"),
    },
}

_REQUIRED_TABLES = ("employees", "positions")


class _Table:
    """One table being validated: trimmed text cells in, typed columns out, problems noted."""

    def __init__(self, name: str, raw: pd.DataFrame | None, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        self.given = raw is not None
        frame = raw if raw is not None else pd.DataFrame(index=pd.RangeIndex(1, 1))
        self.present = set(frame.columns)
        text = {c: _strip(frame[c]) for c in frame.columns}
        # Rows with every cell empty are skipped (they keep their number for the others).
        filled = np.zeros(len(frame), dtype=bool)
        for cells in text.values():
            filled |= cells != ""
        index = frame.index[filled]
        # Text is kept as object arrays while validating: much faster than the str dtype.
        self.text: dict[str, pd.Series] = {
            c: pd.Series(text[c][filled] if c in text else "", index=index, dtype=object)
            for c in COLUMNS[name]
        }
        self.bad: dict[str, pd.Series] = {}
        self.out: dict[str, pd.Series] = {}
        for column, spec in _SPEC[name].items():
            if spec.required and column not in self.present and self.given:
                self.note_table(column, t("input.required_column_missing"))
            self.out[column] = self._parse(column, spec)

    def note_table(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, None, column, message))

    def note(self, mask: pd.Series, column: str, message: str | Callable[[str], str]) -> None:
        """Report every row where ``mask`` holds; ``message`` may format the cell's text."""
        if not mask.any():
            return
        cells = self.text[column][mask]
        for row, cell in zip(cells.index.tolist(), cells.tolist(), strict=True):
            text = message if isinstance(message, str) else message(cell)
            self.problems.append(Problem(self.name, int(row), column, text))

    def _parse(self, column: str, spec: _Column) -> pd.Series:
        text = self.text[column]
        blank = text.eq("")
        if spec.required and column in self.present:
            self.note(blank, column, t("input.required_value_missing"))
        if spec.kind == "text":
            return text.astype(str)
        if spec.kind == "fields":
            return _on_uniques(text, _tidy_fields).astype(str)
        if spec.kind == "enum":
            spelling = {c.lower(): c for c in spec.choices}
            canon = _on_uniques(text, lambda v: spelling.get(v.lower()))
            bad = ~blank & canon.isna()
            self.bad[column] = bad
            choices = ", ".join(spec.choices)
            self.note(
                bad,
                column,
                lambda v: t("input.unknown_choice", column=column, value=repr(v), choices=choices),
            )
            return canon.fillna(str(spec.default)).astype(str)
        if spec.kind == "bool":
            flags = _on_uniques(text, lambda v: _BOOLEANS.get(v.lower()))
            bad = ~blank & flags.isna()
            self.note(bad, column, lambda v: t("input.not_boolean", column=column, value=repr(v)))
            return flags.fillna(False).astype(bool)
        if spec.kind == "date":
            return self._date(column, text, blank)
        numbers = _on_uniques(text, _integer).astype("float64")
        bad = ~blank & (numbers.isna() | numbers.lt(spec.low))
        if spec.high is not None:
            bad |= numbers.gt(spec.high)
        high = spec.high
        if high is None:
            self.note(bad, column, lambda v: _integer_problem(column, v, spec.low))
        else:
            self.note(bad, column, lambda v: _integer_problem(column, v, spec.low, high))
        fill = spec.default if isinstance(spec.default, int) else 0
        return numbers.mask(blank | bad, fill).astype("int64")

    def _date(self, column: str, text: pd.Series, blank: pd.Series) -> pd.Series:
        """Dates ``YYYY-MM-DD`` (the contract's form) or day first, ``DD/MM/YYYY`` (the form an
        Indonesian spreadsheet writes; ``-`` and ``.`` separate too): a date with the year last
        is always read day first, never month first, so ``03/12/1998`` is 3 December."""
        iso = _on_uniques(text, _day_first_iso)
        dates = _dates(iso.where(iso.notna(), text), _DATE_PATTERN, "%Y-%m-%d")
        bad = ~blank & dates.isna()
        self.note(bad, column, lambda v: _date_problem(column, v))
        return dates

    def frame(self, order: Sequence[str]) -> pd.DataFrame:
        frame = pd.DataFrame({c: self.out[c] for c in COLUMNS[self.name]})
        return _sorted(frame, order)

    def canonical_cells(self) -> dict[str, pd.Series]:
        """Every contract column's given cells in the canonical form's normal text (CONTRACT
        §5), ``""`` where not given: no default filled in, nothing derived from the NIP."""
        cells: dict[str, pd.Series] = {}
        for column, spec in _SPEC[self.name].items():
            text = self.text[column]
            given = text.ne("")
            if spec.kind in ("text", "fields"):
                cells[column] = text
                continue
            out = self.out[column]
            if spec.kind == "bool":
                normal = out.map({True: "true", False: "false"})
            elif spec.kind == "date":
                normal = out.dt.strftime("%Y-%m-%d")
            else:  # enumerations in their contract spelling, integers in plain decimal
                normal = out.astype(str)
            cells[column] = normal.where(given, "").astype(object)
        return cells


def _sorted(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``frame`` stably sorted by ``keys`` (text compared as text), with a fresh index.

    Ranks of the distinct values are sorted rather than the cells: much faster than sorting
    the text of every row.
    """
    ranks = []
    for key in keys:
        codes, uniques = pd.factorize(frame[key].to_numpy(dtype=object))
        order = sorted(range(len(uniques)), key=uniques.__getitem__)
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[order] = np.arange(len(uniques))
        ranks.append(rank[codes])
    rows = np.lexsort(ranks[::-1]) if ranks else np.arange(len(frame))
    return frame.iloc[rows].reset_index(drop=True)


def _strip(values: pd.Series) -> np.ndarray:
    """Every cell trimmed, each distinct text once (codes and levels repeat a million times)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    stripped = np.empty(len(uniques), dtype=object)
    stripped[:] = [v.strip() for v in uniques.tolist()]
    cells: np.ndarray = stripped[codes]
    return cells


def _on_uniques(values: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """``func`` applied to every cell, computed once per distinct value (columns repeat a lot)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _integer(text: str) -> int | None:
    match = _INT_RE.fullmatch(text)
    return int(match.group(1)) if match else None


def _tidy_fields(text: str) -> str:
    """``;``-separated fields, each trimmed, empty ones dropped."""
    return ";".join(f.strip() for f in text.split(";") if f.strip()) if ";" in text else text


def _dates(text: pd.Series, pattern: str, layout: str) -> pd.Series:
    """Cells matching ``pattern`` parsed with ``layout``; NaT where not a real date."""
    codes, uniques = pd.factorize(text.to_numpy(dtype=object))
    shaped = pd.Series(uniques, dtype=object)
    shaped = shaped.where(shaped.str.fullmatch(pattern).astype(bool))
    parsed = pd.to_datetime(shaped, format=layout, errors="coerce")
    # The normalised form holds nanosecond timestamps, which span 1677-09-22 … 2262-04-11.
    parsed = parsed.where(parsed.between(_FIRST_DAY, _LAST_DAY)).astype("datetime64[ns]")
    return pd.Series(parsed.to_numpy()[codes], index=text.index)


def _day_first_iso(text: str) -> str | None:
    """``YYYY-MM-DD`` text of a day-first date (``D/M/YYYY``, ``DD-MM-YYYY`` …), else ``None``.

    The text is only rearranged: whether it names a real day is decided with every other date.
    """
    match = _DAY_FIRST_RE.fullmatch(text)
    if match is None:
        return None
    day, month, year = match.group(1, 3, 4)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _date_problem(column: str, text: str) -> str:
    """Why a date cell was refused, in terms of the form it was written in."""
    if _DAY_FIRST_RE.fullmatch(text):
        return t("input.date_not_real_day_first", column=column, value=repr(text))
    if _SHORT_YEAR_RE.fullmatch(text):
        return t("input.date_two_digit_year", column=column, value=repr(text))
    return t("input.date_not_a_date", column=column, value=repr(text))


def _integer_problem(column: str, text: str, low: float, high: float | None = None) -> str:
    """Why an integer cell ``text`` of ``column`` was refused: it must lie in [low, high]
    (``high`` ``None``: at least ``low``)."""
    value, low_text = repr(text), f"{low:g}"
    if high is None:
        return t("input.integer_at_least", column=column, value=value, low=low_text)
    return t("input.integer_range", column=column, value=value, low=low_text, high=f"{high:g}")


def _duplicates(table: _Table, columns: Sequence[str], what: str) -> None:
    """Report rows repeating the key ``columns`` of an earlier row (all parts non-empty)."""
    keys = pd.DataFrame({c: table.text[c] for c in columns})
    keys = keys[np.logical_and.reduce([keys[c].to_numpy() != "" for c in columns])]
    dup = keys.duplicated(keep="first")
    if not dup.any():
        return
    repeated = keys[keys.duplicated(keep=False)]
    first = {tuple(k): int(r) for r, *k in reversed(list(repeated.itertuples(name=None)))}
    for row, *key in keys[dup].itertuples(name=None):
        message = _duplicate_problem(what, ", ".join(key), first[tuple(key)])
        table.problems.append(Problem(table.name, int(row), columns[-1], message))


def _duplicate_problem(what: str, key: str, first: int) -> str:
    """The problem of a row repeating the key ``what`` (column names) = ``key`` of row
    ``first``."""
    return t("input.duplicate_key", what=what, key=repr(key), first=str(first))


#: What a reference names → the message of an unknown one (literal keys, see the catalogs).
_UNKNOWN_REFERENCE: dict[str, str] = {
    "employee": "input.unknown_employee",
    "position": "input.unknown_position",
    "target": "input.unknown_target",
    "parent": "input.unknown_parent_unit",
}


def _references(table: _Table, column: str, known: pd.Index | None, what: str) -> None:
    """Report non-empty cells of ``column`` that are not in ``known`` (skipped when unknown);
    ``what`` is a key of ``_UNKNOWN_REFERENCE``."""
    if known is None or column not in table.present:
        return
    values = table.text[column]
    key = _UNKNOWN_REFERENCE[what]
    table.note(
        values.ne("") & ~values.isin(known),
        column,
        lambda v: t(key, value=repr(v)),
    )


def validate_tables(
    raw: Mapping[str, pd.DataFrame], problems: list[Problem], notes: Sequence[str] = ()
) -> Dataset:
    """The validated dataset of ``raw`` text tables (contract column names, cells as text,
    indexed by data row number), or one error listing ``problems`` and every problem found.

    ``problems`` holds what the readers already found; a required table missing from ``raw``
    is reported unless a problem about that whole table is already there. ``notes`` are what
    the readers want a person told about how they read the files; the dataset keeps them.

    Raises
    ------
    DatasetError
        Listing every problem, each with its table, row and column.
    """
    for name in _REQUIRED_TABLES:
        if name not in raw and not any(p.table == name and p.row is None for p in problems):
            problems.append(Problem(name, None, None, t("input.required_table_missing")))
    tables = {name: _Table(name, raw.get(name), problems) for name in TABLES}
    optional = {name: _Table(name, raw[name], problems) for name in OPTIONAL_TABLES if name in raw}
    emp, pos = tables["employees"], tables["positions"]

    # Keys known for reference checks; None when the table or key column is absent, so that a
    # missing table is reported once rather than once per referring row.
    nips = pd.Index(emp.text["nip"].unique()) if "nip" in emp.present else None
    pids = pd.Index(pos.text["position_id"].unique()) if "position_id" in pos.present else None
    codes = pd.Index(pos.text["unit"].unique()) if "unit" in pos.present else None

    _duplicates(emp, ["nip"], "nip")
    _duplicates(pos, ["position_id"], "position_id")
    _duplicates(tables["competencies"], ["nip", "competency"], "(nip, competency)")
    _duplicates(tables["requirements"], ["position_id", "competency"], "(position_id, competency)")

    _employees(emp, pids)
    _positions(pos)
    _references(tables["competencies"], "nip", nips, "employee")
    _references(tables["requirements"], "position_id", pids, "position")
    _references(tables["preferences"], "nip", nips, "employee")
    if pids is not None and codes is not None:
        _references(tables["preferences"], "target", pids.union(codes), "target")
    rel = tables["relations"]
    _references(rel, "nip_a", nips, "employee")
    _references(rel, "nip_b", nips, "employee")
    rel.note(
        rel.text["nip_a"].ne("") & rel.text["nip_a"].eq(rel.text["nip_b"]),
        "nip_b",
        t("input.self_relation"),
    )
    units = optional.get("units")
    if units is not None:
        _duplicates(units, ["unit"], "unit")
        if "unit" in units.present:
            named = pd.Index(units.text["unit"].unique())
            used = named if codes is None else named.union(codes)
            _references(units, "parent", used, "parent")
    history, history_cells = validate_history(raw, pids, problems)
    if problems:
        raise DatasetError(problems)

    frames = {
        "employees": emp.frame(["nip"]),
        "positions": pos.frame(["position_id"]),
        "competencies": tables["competencies"].frame(["nip", "competency"]),
        "requirements": tables["requirements"].frame(["position_id", "competency"]),
        "preferences": tables["preferences"].frame(["nip", "target", "rank"]),
        "relations": _merge_relations(rel.frame(["nip_a", "nip_b", "kind"])),
    }
    cells = {name: tables[name].canonical_cells() for name in TABLES}
    if units is not None:
        cells["units"] = units.canonical_cells()
    canonical = canonical_json({**cells, **history_cells})
    unit_frame = None if units is None else units.frame(["unit"])
    return Dataset(
        **frames,
        sha256=sha256_of(canonical),
        units=unit_frame,
        notes=tuple(notes),
        history=history,
        canonical=canonical,
    )


def _employees(emp: _Table, pids: pd.Index | None) -> None:
    out, text = emp.out, emp.text
    nip = text["nip"]
    eighteen = _on_uniques(nip, lambda v: _NIP_RE.fullmatch(v) is not None).astype(bool)
    born = _dates(nip.where(eighteen, "").str[:8], "[0-9]{8}", "%Y%m%d")
    out["birth_date"] = out["birth_date"].where(text["birth_date"].ne(""), born)
    digit = nip.where(eighteen & text["gender"].eq(""), "").str[14:15]
    from_nip = digit.map({"1": "M", "2": "F"})
    out["gender"] = out["gender"].mask(from_nip.notna(), from_nip).astype(str)

    graded = out["status"].isin(["PNS", "CPNS"]) & ~emp.bad["status"]
    if "grade" in emp.present:
        emp.note(graded & text["grade"].eq(""), "grade", t("input.grade_required"))
    elif graded.any():
        emp.note_table("grade", t("input.grade_column_required"))
    _references(emp, "position_id", pids, "position")


def _positions(pos: _Table) -> None:
    low = pos.out["min_grade"].map(GRADE_INDEX)
    high = pos.out["max_grade"].map(GRADE_INDEX)
    pos.note(
        low.gt(high),
        "max_grade",
        lambda v: t("input.max_grade_below_min", value=repr(v)),
    )


def _merge_relations(frame: pd.DataFrame) -> pd.DataFrame:
    """Unordered pairs with ``nip_a < nip_b``; the same pair and kind given twice is merged."""
    a, b = frame["nip_a"].to_numpy(dtype=object), frame["nip_b"].to_numpy(dtype=object)
    swap = a > b
    merged = pd.DataFrame(
        {"nip_a": np.where(swap, b, a), "nip_b": np.where(swap, a, b), "kind": frame["kind"]},
        dtype=str,
    )
    return _sorted(merged.drop_duplicates(), ["nip_a", "nip_b", "kind"])
