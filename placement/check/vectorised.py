"""The independent checker over whole columns: every rule of a plan at once, in numpy and pandas.

Written from CONTRACT §3–§5 like the scalar reference (:mod:`placement.check.scalar`) and
sharing no code with the rules and scoring it checks (:mod:`placement.model`): the plan's rows
become index arrays into the dataset's tables, and each rule is one boolean mask over them, so
the cost grows with the rows and the requirements they name, without a Python step per row.
Python runs only to word the violations found (few, or none for a solver's plan) and for the two
rules that search the positions a person could have taken instead (G06 under
``force_rotation``, X01 under ``no_justified_envy``), which come from the scalar checker.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.check.report import (
    BOOL_TEXT,
    PLAN,
    CheckReport,
    Violation,
    column_text,
    integer_text,
    require_plan_columns,
    sort_key,
)
from placement.check.scalar import alternative_violations
from placement.contract.dataset import Dataset
from placement.contract.enums import (
    DEFAULT_RETIREMENT_AGE,
    EDUCATION_RANK,
    ESELON_BAND,
    GRADE_INDEX,
    GRADED_ONLY_CLASSES,
    JPT_CLASSES,
    PERFORMANCE_SCORE,
    RETIREMENT_AGE,
)
from placement.contract.plan import PLAN_COLUMNS
from placement.contract.policy import Policy
from placement.i18n import Message, t

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
Obj = npt.NDArray[np.object_]

#: Score terms other than ``jpm``, in the order the weights apply to them.
_TERMS = ("preference", "stay", "performance", "fill", "displaced")


def check(dataset: Dataset, policy: Policy, plan: pd.DataFrame) -> CheckReport:
    """Check ``plan`` against every rule of CONTRACT §3 and recompute its scores (§4).

    The same verdict as :func:`placement.check.scalar.check` (the same violations, word for
    word, and the same scores), computed column-wise.

    Raises
    ------
    PlanFormatError
        When a plan column is missing.
    """
    require_plan_columns(plan, where="plan")
    cells = {c: column_text(plan[c], c) for c in PLAN_COLUMNS}
    return _Check(dataset, policy, cells).run()


def _date_parts(series: pd.Series) -> tuple[I64, I64, I64, B]:
    """Year, month and day columns of a datetime column (0, 1, 1 where it is not given), and
    where it is given: by numpy's calendar units, without pandas' per-field accessors."""
    days = series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    known = ~np.isnat(days)
    days = np.where(known, days, np.datetime64("1970-01-01", "D"))
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return np.where(known, year, 0), month, day, known


def _each(values: pd.Series | Obj, of: Callable[[Any], Any], dtype: type = np.int64) -> Any:
    """``of`` of every cell of a text column, called once per distinct text (codes and
    spellings repeat down an employee column)."""
    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([of(t) for t in distinct], dtype=dtype)[codes]


def _runs_indexer(index: pd.Index, values: Obj) -> I64:
    """``index.get_indexer(values)`` for values that come in runs of equal ones (a table
    sorted by them), one lookup per run."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    heads = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    found = index.get_indexer(pd.Index(values[heads])).astype(np.int64)
    return np.repeat(found, np.diff(np.r_[heads, len(values)]))


def _months(y1: I64, m1: I64, d1: I64, y2: I64, m2: I64, d2: I64) -> I64:
    """Whole calendar months from date 1 to date 2 (CONTRACT §2), elementwise."""
    months: I64 = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1).astype(np.int64)
    return months


def _keys(first: I64, second: I64, width: int) -> I64:
    key: I64 = first * width + second
    return key


def _lookup(sorted_keys: I64, values: I64, keys: I64, missing: int) -> I64:
    """``values`` at ``keys`` in ``sorted_keys``, ``missing`` where a key is absent."""
    if not len(sorted_keys):
        return np.full(len(keys), missing, dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    found = sorted_keys[at] == keys
    out: I64 = np.where(found, values[at], missing)
    return out


@dataclass
class _Rows:
    """The plan rows that name a known employee for the first time, and what they say."""

    row: I64  #: index of the row in the plan
    e: I64  #: employee index
    p: I64  #: final position index, the sentinel ``n_positions`` when unplaced
    placed: B


class _Check:
    """One dataset, policy and plan as arrays, and the rules as masks over them."""

    def __init__(self, dataset: Dataset, policy: Policy, cells: dict[str, Obj]) -> None:
        self.dataset, self.policy, self.cells = dataset, policy, cells
        self.found: list[Violation] = []
        emp, pos = dataset.employees, dataset.positions
        self.n_e, self.n_p = len(emp), len(pos)
        self.nip_index = pd.Index(emp["nip"])
        self.pos_index = pd.Index(pos["position_id"])
        none = self.n_p  # the sentinel position: no position
        # Positions, with one more entry for "no position".
        self.pid: Obj = np.append(pos["position_id"].to_numpy(dtype=object), "")
        self.unit_text: Obj = np.append(pos["unit"].to_numpy(dtype=object), "")
        units = pd.Index(pd.unique(pos["unit"]))
        self.unit: I64 = np.append(units.get_indexer(pd.Index(pos["unit"])), -1).astype(np.int64)
        self.unit_names = units
        self.state: Obj = np.append(pos["state"].to_numpy(dtype=object), "")
        self.job_class: Obj = np.append(pos["job_class"].to_numpy(dtype=object), "")
        self.capacity: I64 = pos["capacity"].to_numpy(dtype=np.int64)
        # A bound not given falls back to the eselon band's, each on its own.
        eselon = pos["eselon"]
        band_low = _each(eselon, lambda s: ESELON_BAND.get(s, ("", ""))[0], object)
        band_high = _each(eselon, lambda s: ESELON_BAND.get(s, ("", ""))[1], object)
        min_given = pos["min_grade"].to_numpy(dtype=object)
        max_given = pos["max_grade"].to_numpy(dtype=object)
        min_grade = np.where(min_given != "", min_given, band_low)
        max_grade = np.where(max_given != "", max_given, band_high)
        self.min_grade_text: Obj = np.append(min_grade, "")
        self.max_grade_text: Obj = np.append(max_grade, "")
        self.min_grade: I64 = np.append(_each(min_grade, lambda t: GRADE_INDEX.get(t, -1)), -1)
        self.max_grade: I64 = np.append(_each(max_grade, lambda t: GRADE_INDEX.get(t, -1)), -1)
        self.min_edu_text: Obj = np.append(pos["min_education"].to_numpy(dtype=object), "")
        self.min_edu: I64 = np.append(
            _each(pos["min_education"], lambda t: EDUCATION_RANK.get(t, -1)), -1
        )
        self.fields_text: Obj = np.append(pos["education_fields"].to_numpy(dtype=object), "")
        self.is_jpt: B = np.append(pos["job_class"].isin(JPT_CLASSES).to_numpy(), False)
        self.graded_only: B = np.append(
            pos["job_class"].isin(GRADED_ONLY_CLASSES).to_numpy(), False
        )
        self.bup: I64 = np.append(
            _each(pos["job_class"], lambda c: RETIREMENT_AGE.get(c, DEFAULT_RETIREMENT_AGE)), 0
        )
        # Employees.
        self.nip: Obj = emp["nip"].to_numpy(dtype=object)
        self.cur_text: Obj = emp["position_id"].to_numpy(dtype=object)
        cur = self.pos_index.get_indexer(emp["position_id"]).astype(np.int64)
        self.cur: I64 = np.where(cur < 0, none, cur)
        self.has_cur: B = cur >= 0
        self.status: Obj = emp["status"].to_numpy(dtype=object)
        self.grade_text: Obj = emp["grade"].to_numpy(dtype=object)
        self.grade: I64 = _each(emp["grade"], lambda t: GRADE_INDEX.get(t, -1))
        self.edu_text: Obj = emp["education"].to_numpy(dtype=object)
        self.edu: I64 = _each(emp["education"], lambda t: EDUCATION_RANK.get(t, -1))
        self.field_text: Obj = emp["education_field"].to_numpy(dtype=object)
        # Fields compared casefolded (R06), numbered by casefolded spelling: each distinct
        # text folded once, the folded spellings then numbered among themselves.
        raw, texts = pd.factorize(self.field_text, use_na_sentinel=False)
        folded = np.array(
            [t.strip().casefold() if isinstance(t, str) else t for t in texts], dtype=object
        )
        field_of_text, self.field_spelled = pd.factorize(folded, use_na_sentinel=False)
        self.field: I64 = field_of_text.astype(np.int64)[raw]
        self.birth = _date_parts(emp["birth_date"])
        self.since = _date_parts(emp["position_since"])
        self.perf: I64 = _each(emp["performance"], PERFORMANCE_SCORE.__getitem__)
        self.discipline: B = emp["discipline"].to_numpy(dtype=bool)
        self.on_leave: B = emp["on_leave"].to_numpy(dtype=bool)
        ref = policy.reference_date
        self.ref = (np.int64(ref.year), np.int64(ref.month), np.int64(ref.day))
        tenure = _months(*self.since[:3], *(np.full(self.n_e, r) for r in self.ref))
        self.tenure: I64 = tenure
        self.overdue: B = self.since[3] & self.has_cur & (tenure > policy.max_tenure_months)
        self.pin: I64 = np.full(self.n_e, -1, dtype=np.int64)
        if policy.pins:
            pe = self.nip_index.get_indexer([a for a, _ in policy.pins])
            self.pin[pe] = self.pos_index.get_indexer([b for _, b in policy.pins])
        fe = self.nip_index.get_indexer([a for a, _ in policy.forbid]).astype(np.int64)
        fp = self.pos_index.get_indexer([b for _, b in policy.forbid]).astype(np.int64)
        self.forbid_keys: I64 = np.sort(_keys(fe, fp, self.n_p + 1))

    # -- the plan ------------------------------------------------------------------------------

    def run(self) -> CheckReport:
        """Check the rows, then the G rules over the final positions."""
        rows = self._rows()
        scores = self._rows_rules(rows)
        self._global_rules(rows)
        self.found.sort(key=sort_key)
        valid = self.cells["nip"][rows.row]
        score_of = dict(zip(valid.tolist(), scores.tolist(), strict=True))
        return CheckReport(tuple(self.found), score_of, int(scores.sum()))

    def _add(self, mask: B, make: Callable[[int], Violation]) -> None:
        """A violation, worded by ``make``, for every index where ``mask`` holds."""
        self.found.extend(make(int(i)) for i in np.flatnonzero(mask))

    def _rows(self) -> _Rows:
        """PLAN problems of the rows as such; the rows the rules apply to."""
        nips = self.cells["nip"]
        n = len(nips)
        if n > 1:
            unsorted = np.flatnonzero(nips[1:] < nips[:-1])
            if len(unsorted):
                i = int(unsorted[0])
                self.found.append(
                    Violation(
                        PLAN,
                        None,
                        None,
                        t("check.plan.unsorted", before=nips[i], after=nips[i + 1]),
                    )
                )
        e = self.nip_index.get_indexer(nips).astype(np.int64)
        known = e >= 0
        self._add(
            ~known,
            lambda i: Violation(PLAN, nips[i], None, t("check.plan.unknown_employee", nip=nips[i])),
        )
        duplicate = known & pd.Series(e).duplicated().to_numpy()
        first = known & ~duplicate
        present = np.zeros(self.n_e, dtype=bool)
        present[e[first]] = True
        self._add(
            ~present,
            lambda i: Violation(
                PLAN, self.nip[i], None, t("check.plan.missing_row", nip=self.nip[i])
            ),
        )
        row = np.flatnonzero(first)
        e = e[row]
        c = self._cells_at(row)
        cur = self.cur[e]
        self._add(
            c["from_position"] != self.cur_text[e],
            lambda i: Violation(
                PLAN,
                c["nip"][i],
                None,
                t(
                    "check.plan.from_position",
                    given=repr(c["from_position"][i]),
                    expected=repr(self.cur_text[e[i]]),
                ),
            ),
        )
        self._add(
            c["from_unit"] != self.unit_text[cur],
            lambda i: Violation(
                PLAN,
                c["nip"][i],
                None,
                t(
                    "check.plan.from_unit",
                    given=repr(c["from_unit"][i]),
                    expected=repr(self.unit_text[cur[i]]),
                ),
            ),
        )
        to = c["to_position"]
        p = self.pos_index.get_indexer(to).astype(np.int64)
        unknown = (to != "") & (p < 0)
        self._add(
            unknown,
            lambda i: Violation(
                PLAN, c["nip"][i], to[i], t("check.plan.unknown_position", position_id=to[i])
            ),
        )
        keep = ~unknown
        duplicates = np.flatnonzero(duplicate)
        rows = _Rows(row[keep], e[keep], np.where(p[keep] < 0, self.n_p, p[keep]), p[keep] >= 0)
        self._duplicates(duplicates, rows)
        return rows

    def _cells_at(self, row: I64) -> dict[str, Obj]:
        """The plan's cells at rows ``row`` (increasing): the cells themselves when that is
        every row, as it is for any plan without stray rows."""
        if len(row) == len(self.cells["nip"]):
            return self.cells
        return {k: v[row] for k, v in self.cells.items()}

    def _duplicates(self, duplicates: I64, rows: _Rows) -> None:
        """A second row of an employee: PLAN, and G01 when it names another position."""
        if not len(duplicates):
            return
        nips, to = self.cells["nip"], self.cells["to_position"]
        final = dict(zip(nips[rows.row].tolist(), to[rows.row].tolist(), strict=True))
        for i in duplicates.tolist():
            nip = nips[i]
            self.found.append(Violation(PLAN, nip, None, t("check.plan.duplicate_row", nip=nip)))
            first = final.get(nip, "")
            if to[i] and first and to[i] != first:
                self.found.append(
                    Violation(
                        "G01", nip, to[i], t("check.G01.holds_both", first=first, second=to[i])
                    )
                )

    # -- each row ------------------------------------------------------------------------------

    def _rows_rules(self, rows: _Rows) -> I64:
        """The row-wise PLAN checks and R rules; the recomputed score of every row."""
        c = self._cells_at(rows.row)
        nip, e, p, placed = c["nip"], rows.e, rows.p, rows.placed
        to_or_none: Obj = self.pid[p].copy()
        to_or_none[~placed] = None
        self._add(
            c["to_unit"] != self.unit_text[p],
            lambda i: Violation(
                PLAN,
                nip[i],
                to_or_none[i],
                t(
                    "check.plan.to_unit",
                    given=repr(c["to_unit"][i]),
                    expected=repr(self.unit_text[p[i]]),
                ),
            ),
        )
        cur = self.cur[e]
        stay = placed & (p == cur)
        move = placed & ~stay  # a move or a new placement
        is_move = move & self.has_cur[e]
        expected = BOOL_TEXT[is_move.astype(np.intp)]
        # Lower-cased only where the text is not already the expected (lower-case) one.
        wrong = c["moved"] != expected
        asked = np.flatnonzero(wrong)
        wrong[asked] = _each(c["moved"][asked], str.lower, object) != expected[asked]
        self._add(
            wrong,
            lambda i: Violation(
                PLAN,
                nip[i],
                to_or_none[i],
                t("check.plan.moved", given=repr(c["moved"][i]), expected=expected[i]),
            ),
        )
        num, den = self._jpm(e, p, placed)
        free = self.pin[e] != p
        self._r_rules(nip, e, p, num, den, stay & free, move & free)
        score, rank = self._score(e, p, placed, stay, num, den)
        jpm = _jpm_text(num, den)
        jpm[~placed] = ""
        self._compare(c, to_or_none, score, jpm, rank)
        return score

    def _jpm(self, e: I64, p: I64, placed: B) -> tuple[I64, I64]:
        """JPM of every row as N, D with JPM = 100·N/D; 1, 1 without requirements or unplaced."""
        req, comp = self.dataset.requirements, self.dataset.competencies
        # Competency codes numbered in one pass over both tables.
        code, _ = pd.factorize(
            np.concatenate(
                [
                    req["competency"].to_numpy(dtype=object),
                    comp["competency"].to_numpy(dtype=object),
                ]
            )
        )
        rq_p = self.pos_index.get_indexer(req["position_id"]).astype(np.int64)
        rq_c = code[: len(req)].astype(np.int64)
        rq_level = req["level"].to_numpy(dtype=np.int64)
        rq_weight = req["weight"].to_numpy(dtype=np.int64)
        # Codes are numbered requirements first: those a position requires are the first
        # ``required``. Each employee's level of each, 0 when not attained, in one dense table
        # (levels are 1–5; a few tens of columns), read by one gather below.
        required = int(rq_c.max(initial=-1)) + 1
        ce = _runs_indexer(self.nip_index, comp["nip"].to_numpy(dtype=object))
        cc = code[len(req) :].astype(np.int64)
        level = comp["level"].to_numpy(dtype=np.int16)
        given = (ce >= 0) & (cc >= 0) & (cc < required)
        if not given.all():  # a competency no position requires (or not an employee's)
            ce, cc, level = ce[given], cc[given], level[given]
        attained_of = np.zeros((self.n_e, required), dtype=np.int16)
        attained_of[ce, cc] = level
        by_p = np.argsort(rq_p, kind="stable")
        rq_p, rq_c, rq_level, rq_weight = rq_p[by_p], rq_c[by_p], rq_level[by_p], rq_weight[by_p]
        starts = np.searchsorted(rq_p, np.arange(self.n_p + 2))
        den_p = np.bincount(rq_p, weights=rq_weight * rq_level, minlength=self.n_p + 1)
        rows = np.flatnonzero(placed)
        count = starts[p[rows] + 1] - starts[p[rows]]
        at = np.repeat(rows, count)
        offset = np.arange(len(at)) - np.repeat(np.cumsum(count) - count, count)
        r = np.repeat(starts[p[rows]], count) + offset
        attained = attained_of[e[at], rq_c[r]].astype(np.int64)
        got = rq_weight[r] * np.minimum(attained, rq_level[r])
        num = np.bincount(at, weights=got, minlength=len(e)).astype(np.int64)
        den = den_p[p].astype(np.int64)
        none = den == 0
        return np.where(none, 1, num), np.where(none, 1, den)

    def _r_rules(self, nip: Obj, e: I64, p: I64, num: I64, den: I64, stay: B, move: B) -> None:
        """R01–R11 for the rows whose placement no pin covers (a stay: R09 and R11 only)."""
        pol = self.policy
        pid, cur = self.pid[p], self.cur[e]
        forbidden = np.isin(_keys(e, p, self.n_p + 1), self.forbid_keys)

        def add(rule: str, mask: B, text: Callable[[int], str]) -> None:
            self._add(mask, lambda i: Violation(rule, nip[i], pid[i], text(i)))

        status = self.status[e]
        may_move = (status == "PNS") | ((status == "PPPK") & pol.allow_pppk_moves)
        add(
            "R01",
            move & self.has_cur[e] & ~may_move,
            lambda i: t("check.R01.status", status=status[i]),
        )
        add("R02", move & self.discipline[e], lambda i: t("check.R02.discipline"))
        add("R03", move & self.on_leave[e], lambda i: t("check.R03.on_leave"))
        held = move & self.has_cur[e] & (self.state[cur] != "abolished")
        add(
            "R04",
            held & ~self.since[3][e],
            lambda i: t("check.R04.tenure_unknown", position_id=self.pid[cur[i]]),
        )
        tenure = self.tenure[e]
        add(
            "R04",
            held & self.since[3][e] & (tenure < pol.min_tenure_months),
            lambda i: t(
                "check.R04.tenure_short", months=int(tenure[i]), minimum=pol.min_tenure_months
            ),
        )
        grade, state, job_class = self.grade[e], self.state[p], self.job_class[p]
        add(
            "R05",
            move & (grade < 0) & self.graded_only[p],
            lambda i: t("check.R05.no_grade", position_id=pid[i], job_class=job_class[i]),
        )
        graded = move & (grade >= 0)
        low, high = self.min_grade[p], self.max_grade[p]
        add(
            "R05",
            graded & (low >= 0) & (grade < low),
            lambda i: t(
                "check.R05.grade_below",
                grade=self.grade_text[e[i]],
                minimum=self.min_grade_text[p[i]],
                position_id=pid[i],
            ),
        )
        add(
            "R05",
            graded & (high >= 0) & (grade > high),
            lambda i: t(
                "check.R05.grade_above",
                grade=self.grade_text[e[i]],
                maximum=self.max_grade_text[p[i]],
                position_id=pid[i],
            ),
        )
        min_edu = self.min_edu[p]
        add(
            "R06",
            move & (min_edu >= 0) & (self.edu[e] < min_edu),
            lambda i: t(
                "check.R06.education_below",
                education=self.edu_text[e[i]] or Message("check.none"),
                minimum=self.min_edu_text[p[i]],
                position_id=pid[i],
            ),
        )
        add(
            "R06",
            move & ~self._field_allowed(e, p),
            lambda i: t(
                "check.R06.field",
                field=self.field_text[e[i]] or Message("check.none"),
                fields=self.fields_text[p[i]],
                position_id=pid[i],
            ),
        )
        ry, rm, left = self._retirement(e, p)
        add(
            "R08",
            move & self.birth[3][e] & (left < pol.retirement_buffer_months),
            lambda i: t(
                "check.R08.retirement",
                months=int(left[i]),
                retires=dt.date(int(ry[i]), int(rm[i]), 1),
                buffer=pol.retirement_buffer_months,
                position_id=pid[i],
            ),
        )
        floor = Fraction(pol.jpm_floor)
        low_jpm = 100 * num * floor.denominator < floor.numerator * den
        add(
            "R07",
            move & low_jpm,
            lambda i: t(
                "check.R07.jpm_floor",
                jpm=Decimal(_jpm_text(num[i : i + 1], den[i : i + 1])[0]),
                floor=pol.jpm_floor,
                position_id=pid[i],
            ),
        )
        add(
            "R09",
            move & (state != "open"),
            lambda i: t("check.R09.state", position_id=pid[i], state=state[i]),
        )
        add(
            "R09",
            stay & (state == "abolished"),
            lambda i: t("check.R09.stay_abolished", position_id=pid[i]),
        )
        add(
            "R10",
            move & self.is_jpt[p] & (not pol.allow_jpt),
            lambda i: t("check.R10.jpt", position_id=pid[i], job_class=job_class[i]),
        )
        add(
            "R11",
            (move | stay) & forbidden,
            lambda i: t("check.R11.forbidden", position_id=pid[i]),
        )

    def _field_allowed(self, e: I64, p: I64) -> B:
        """R06's field part: the position lists no fields, or the employee's field among them.

        Decided once per distinct (list of fields, field) the rows ask about: positions share a
        handful of lists and employees a handful of fields.
        """
        lists, texts = pd.factorize(self.fields_text, use_na_sentinel=False)
        allowed = [
            {f.strip().casefold() for f in t.split(";")} - {""} if isinstance(t, str) else set()
            for t in texts
        ]
        fields, spelled = self.field, self.field_spelled
        width = max(len(spelled), 1)
        asked, inverse = np.unique(lists[p] * width + fields[e], return_inverse=True)
        ok = [
            not allowed[k // width] or spelled[k % width] in allowed[k // width]
            for k in asked.tolist()
        ]
        result: B = np.array(ok, dtype=bool)[inverse.ravel()]
        return result

    def _retirement(self, e: I64, p: I64) -> tuple[I64, I64, I64]:
        """Year and month of the retirement date (the first of the month after the BUP
        birthday) for the target's class, and whole months from the reference date to it."""
        by, bm = self.birth[0][e], self.birth[1][e]
        year = by + self.bup[p] + (bm == 12)
        month = np.where(bm == 12, 1, bm + 1)
        ry, rm, rd = self.ref
        left = _months(
            np.full(len(e), ry), np.full(len(e), rm), np.full(len(e), rd), year, month,
            np.ones(len(e), dtype=np.int64),
        )  # fmt: skip
        return year, month, left

    # -- scores --------------------------------------------------------------------------------

    def _rank(self, e: I64, p: I64, placed: B) -> I64:
        """Effective preference rank of every row (0 for none): the best of the position's own
        rank and its unit's, a unit target being one that is not a position id."""
        pref = self.dataset.preferences
        pe = self.nip_index.get_indexer(pref["nip"]).astype(np.int64)
        rank = pref["rank"].to_numpy(dtype=np.int64)
        direct = self.pos_index.get_indexer(pref["target"]).astype(np.int64)
        unit = self.unit_names.get_indexer(pd.Index(pref["target"])).astype(np.int64)
        width = self.n_p + 1 + len(self.unit_names)
        keys = np.concatenate(
            [
                _keys(pe[direct >= 0], direct[direct >= 0], width),
                _keys(
                    pe[(direct < 0) & (unit >= 0)],
                    self.n_p + 1 + unit[(direct < 0) & (unit >= 0)],
                    width,
                ),
            ]
        )
        ranks = np.concatenate([rank[direct >= 0], rank[(direct < 0) & (unit >= 0)]])
        # The best (least) rank per key: sorted by key then rank, each key's first row.
        order = np.lexsort((ranks, keys))
        keys, ranks = keys[order], ranks[order]
        first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, dtype=bool)
        sorted_keys, values = keys[first].astype(np.int64), ranks[first].astype(np.int64)
        big = np.iinfo(np.int64).max
        own = _lookup(sorted_keys, values, _keys(e, p, width), big)
        via_unit = _lookup(sorted_keys, values, _keys(e, self.n_p + 1 + self.unit[p], width), big)
        via_unit = np.where(self.unit[p] >= 0, via_unit, big)
        out = np.minimum(own, via_unit)
        result: I64 = np.where(placed & (out != big), out, 0)
        return result

    def _score(self, e: I64, p: I64, placed: B, stay: B, num: I64, den: I64) -> tuple[I64, I64]:
        """Score (CONTRACT §4, exact integers) and effective rank of every row; 0 unplaced."""
        rank = self._rank(e, p, placed)
        terms = {
            "preference": np.where(rank > 0, 20 * (6 - rank), 0),
            "stay": np.where(stay, np.where(self.overdue[e], -100, 100), 0),
            "performance": np.where(placed & ~stay, self.perf[e], 0),
            "fill": np.full(len(e), 100, dtype=np.int64),
            "displaced": np.where(self.state[self.cur[e]] == "abolished", 100, 0),
        }
        weight = {t: self.policy.weight_milli(t) for t in ("jpm", *_TERMS)}
        bound = (
            max(abs(w) for w in weight.values()) * 100 * 10_000 * max(int(den.max(initial=1)), 1)
        )
        # Exact integers: int64 while the largest product fits, Python integers beyond.
        kind: type = np.int64 if bound < 2**60 else object
        other: npt.NDArray[Any] = sum(
            (weight[t] * terms[t].astype(kind) for t in _TERMS), np.zeros(len(e), dtype=kind)
        )
        n_: npt.NDArray[Any] = num.astype(kind)
        d_: npt.NDArray[Any] = den.astype(kind)
        score = (10_000 * weight["jpm"] * n_ + 100 * d_ * other + 500 * d_) // (1000 * d_)
        return np.where(placed, score, 0).astype(np.int64), rank

    def _compare(self, c: dict[str, Obj], to: Obj, score: I64, jpm: Obj, rank: I64) -> None:
        """The row's score, jpm and preference_rank against the recomputed ones."""
        nip = c["nip"]
        text = integer_text(score)
        differs = c["score"] != text
        for i in np.flatnonzero(differs).tolist():
            if _parse_int(c["score"][i]) != int(score[i]):
                self.found.append(
                    Violation(
                        PLAN,
                        nip[i],
                        to[i],
                        t(
                            "check.plan.score",
                            given=repr(c["score"][i]),
                            expected=int(score[i]),
                        ),
                    )
                )
        self._add(
            c["jpm"] != jpm,
            lambda i: Violation(
                PLAN,
                nip[i],
                to[i],
                t("check.plan.jpm", given=repr(c["jpm"][i]), expected=repr(jpm[i])),
            ),
        )
        rank_text = integer_text(rank)
        rank_text[rank <= 0] = ""
        self._add(
            c["preference_rank"] != rank_text,
            lambda i: Violation(
                PLAN,
                nip[i],
                to[i],
                t(
                    "check.plan.rank",
                    given=repr(c["preference_rank"][i]),
                    expected=repr(rank_text[i]),
                ),
            ),
        )

    # -- G rules -------------------------------------------------------------------------------

    def _global_rules(self, rows: _Rows) -> None:
        """G01–G07 over the final position of every row with a known position."""
        pol = self.policy
        final = np.full(self.n_e, -1, dtype=np.int64)  # -1: no row; n_p: unplaced
        final[rows.e] = rows.p
        in_final = final >= 0
        pe = np.flatnonzero(self.pin >= 0)
        holds = final[pe]
        self._add(
            (holds >= 0) & (holds != self.pin[pe]),
            lambda i: Violation(
                "G01",
                self.nip[pe[i]],
                self.pid[self.pin[pe[i]]],
                t(
                    "check.G01.pinned",
                    position_id=self.pid[self.pin[pe[i]]],
                    holds=self.pid[holds[i]] or Message("check.nothing"),
                ),
            ),
        )
        held = np.bincount(rows.p[rows.placed], minlength=self.n_p)[: self.n_p]
        self._add(
            held > self.capacity,
            lambda i: Violation(
                "G02",
                None,
                self.pid[i],
                t(
                    "check.G02.capacity",
                    position_id=self.pid[i],
                    held=int(held[i]),
                    capacity=int(self.capacity[i]),
                ),
            ),
        )
        self._g03(final)
        moves = int((rows.placed & self.has_cur[rows.e] & (rows.p != self.cur[rows.e])).sum())
        if pol.max_moves is not None and moves > pol.max_moves:
            self.found.append(
                Violation(
                    "G04", None, None, t("check.G04.budget", moves=moves, limit=pol.max_moves)
                )
            )
        if pol.max_unit_outflow is not None:
            self._g05(final, in_final)
        if pol.force_rotation or pol.no_justified_envy:
            nips = self.nip[rows.e].tolist()
            self.found.extend(
                alternative_violations(
                    self.dataset, pol, dict(zip(nips, self.pid[rows.p].tolist(), strict=True))
                )
            )
        live = self.has_cur & (self.state[self.cur] != "abolished")
        self._add(
            (final == self.n_p) & live,
            lambda i: Violation(
                "G07",
                self.nip[i],
                self.pid[self.cur[i]],
                t(
                    "check.G07.unplaced",
                    position_id=self.pid[self.cur[i]],
                    state=self.state[self.cur[i]],
                ),
            ),
        )

    def _g03(self, final: I64) -> None:
        if not self.policy.separate_relations:
            return
        rel = self.dataset.relations
        rel = rel[rel["kind"].isin(self.policy.separate_relations)]
        rel = rel.drop_duplicates(["nip_a", "nip_b"], keep="first")
        if not len(rel):
            return
        a = self.nip_index.get_indexer(rel["nip_a"]).astype(np.int64)
        b = self.nip_index.get_indexer(rel["nip_b"]).astype(np.int64)
        kind = rel["kind"].to_numpy(dtype=object)
        fa, fb = final[a], final[b]
        both = (fa >= 0) & (fb >= 0)
        ua = self.unit[np.where(both, fa, self.n_p)]
        ub = self.unit[np.where(both, fb, self.n_p)]
        ba, bb = self.unit[self.cur[a]], self.unit[self.cur[b]]
        together = both & (ua >= 0) & (ua == ub)
        name = self.unit_text
        self._add(
            together & ((ba != ua) | (bb != ua)),
            lambda i: Violation(
                "G03",
                self.nip[a[i]],
                None,
                t(
                    "check.G03.together",
                    a=self.nip[a[i]],
                    b=self.nip[b[i]],
                    kind=kind[i],
                    unit=name[fa[i]],
                    from_a=name[self.cur[a[i]]] or Message("check.no_unit"),
                    from_b=name[self.cur[b[i]]] or Message("check.no_unit"),
                ),
            ),
        )

    def _g05(self, final: I64, in_final: B) -> None:
        outflow = self.policy.max_unit_outflow
        assert outflow is not None
        n_units = len(self.unit_names)
        here = self.has_cur
        cur_unit = self.unit[self.cur]
        headcount = np.bincount(cur_unit[here], minlength=n_units)
        leaving = (
            here
            & (self.state[self.cur] != "abolished")
            & in_final
            & (self.unit[np.where(in_final, final, self.n_p)] != cur_unit)
        )
        left = np.bincount(cur_unit[leaving], minlength=n_units)
        share = Fraction(outflow)
        for u in np.flatnonzero(left).tolist():
            limit = math.floor(share * int(headcount[u]))
            if left[u] > limit:
                self.found.append(
                    Violation(
                        "G05",
                        None,
                        None,
                        t(
                            "check.G05.outflow",
                            leaving=int(left[u]),
                            unit=self.unit_names[u],
                            outflow=outflow,
                            headcount=int(headcount[u]),
                            limit=limit,
                        ),
                    )
                )


def _jpm_text(num: I64, den: I64) -> Obj:
    """100·num/den with 2 decimals, rounded half up, exactly."""
    hundredths = (20_000 * num + den) // (2 * den)
    # Spelled once per distinct value: at most 10,001 of them, however many rows.
    distinct, inverse = np.unique(hundredths, return_inverse=True)
    text = [f"{h // 100}.{h % 100:02d}" for h in distinct.tolist()]
    out: Obj = np.array(text, dtype=object)[inverse.ravel()]
    return out


def _parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


__all__ = ["check"]
