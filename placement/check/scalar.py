"""The reference checker: re-verifies every rule and recomputes every score of a plan, row by row.

It shares no code with the optimiser on purpose: it is plain scalar Python over the plan's rows
with dictionary lookups, written straight from CONTRACT §3–§5, so that a bug in the vectorised
rules or in a solver back-end cannot hide behind the same bug here. It is also the reference
the vectorised checker (:mod:`placement.check.vectorised`) is tested against. The cost is
linear in the number of employees and of their requirements; the one loop over positions is
G06's search for an allowed move, done only for overdue employees who do not move.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import NamedTuple

import pandas as pd

from placement.check.report import (
    PLAN,
    X01,
    CheckReport,
    Violation,
    cell_text,
    require_plan_columns,
    sort_key,
)
from placement.contract.calendar import (
    months_between,
    retirement_date,
    retirement_date_at_age,
    to_date,
)
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


class _Row(NamedTuple):
    nip: str
    from_position: str
    to_position: str
    from_unit: str
    to_unit: str
    moved: str
    score: str
    jpm: str
    preference_rank: str


@dataclass(frozen=True, slots=True)
class _Employee:
    nip: str
    status: str
    grade: str
    education: str
    education_field: str
    birth_date: dt.date | None
    position_id: str
    position_since: dt.date | None
    performance: str
    discipline: bool
    on_leave: bool


@dataclass(frozen=True, slots=True)
class _Position:
    position_id: str
    unit: str
    job_class: str
    min_grade: str
    max_grade: str
    min_education: str
    education_fields: frozenset[str]
    education_fields_text: str
    capacity: int
    state: str


@dataclass(frozen=True, slots=True)
class _Placement:
    score: int
    jpm: str
    preference_rank: int | None


def check(dataset: Dataset, policy: Policy, plan: pd.DataFrame) -> CheckReport:
    """Check ``plan`` against every rule of CONTRACT §3 and recompute its scores (§4).

    Parameters
    ----------
    dataset
        The validated dataset the plan was made for.
    policy
        The resolved policy the plan was made under.
    plan
        The plan in the columns of CONTRACT §5, either as read from plan.csv (text cells,
        ``""`` for empty) or as an engine builds it (bool ``moved``, integer ``score``, …).

    Returns
    -------
    CheckReport
        Every violation with the rule it breaks, and the recomputed scores and objective.

    Raises
    ------
    PlanFormatError
        When a plan column is missing.
    """
    require_plan_columns(plan, where="plan")
    return _Checker(dataset, policy).run(_plan_rows(plan))


def alternative_violations(
    dataset: Dataset, policy: Policy, final: Mapping[str, str]
) -> list[Violation]:
    """G06 and X01 over the final positions (nip → position_id, ``""`` unplaced) of a plan.

    These two rules ask which positions a person could have taken instead: a search over
    positions by employee profile that the vectorised checker takes from here rather than
    repeating it; they apply only under ``force_rotation`` and ``no_justified_envy``.
    """
    checker = _Checker(dataset, policy)
    found: list[Violation] = []
    final = dict(final)
    if policy.force_rotation:
        checker.g06(final, found)
    if policy.no_justified_envy:
        checker.x01(final, found)
    return found


def expected_plan(dataset: Dataset, policy: Policy, placements: Mapping[str, str]) -> pd.DataFrame:
    """The plan.csv rows (text cells) for the given final positions, as the checker computes them.

    Every derived column (units, ``moved``, ``score``, ``jpm``, ``preference_rank``) is
    recomputed; employees missing from ``placements`` (or mapped to ``""``) are unplaced. No
    rule is checked: pass the result to :func:`check` for that.

    Raises
    ------
    KeyError
        When ``placements`` names an unknown employee or position.
    """
    return _Checker(dataset, policy).expected_rows(placements)


def _plan_rows(plan: pd.DataFrame) -> list[_Row]:
    columns = [[cell_text(v, c) for v in plan[c].tolist()] for c in PLAN_COLUMNS]
    return [_Row(*values) for values in zip(*columns, strict=True)]


def _parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


class _Checker:
    """Lookups of one dataset and policy, and the rule checks over them."""

    def __init__(self, dataset: Dataset, policy: Policy) -> None:
        self.policy = policy
        self.ref = policy.reference_date
        self.jpm_floor = Fraction(policy.jpm_floor)
        self.pins = dict(policy.pins)
        self.forbid = frozenset(policy.forbid)
        self.weights = {term: policy.weight_milli(term) for term in policy.weights}
        self.employees = self._employees(dataset.employees)
        self.positions = self._positions(dataset.positions)
        self.competencies: dict[str, dict[str, int]] = {}
        comp = dataset.competencies
        for nip, code, level in zip(
            comp["nip"].tolist(), comp["competency"].tolist(), comp["level"].tolist(), strict=True
        ):
            self.competencies.setdefault(nip, {})[code] = int(level)
        self.requirements: dict[str, list[tuple[str, int, int]]] = {}
        req = dataset.requirements
        for pid, code, level, weight in zip(
            req["position_id"].tolist(),
            req["competency"].tolist(),
            req["level"].tolist(),
            req["weight"].tolist(),
            strict=True,
        ):
            self.requirements.setdefault(pid, []).append((code, int(level), int(weight)))
        self.preferences: dict[str, list[tuple[str, int]]] = {}
        pref = dataset.preferences
        for nip, target, rank in zip(
            pref["nip"].tolist(), pref["target"].tolist(), pref["rank"].tolist(), strict=True
        ):
            self.preferences.setdefault(nip, []).append((target, int(rank)))
        rel = dataset.relations
        separate = set(policy.separate_relations)
        pairs: dict[tuple[str, str], str] = {}
        for a, b, kind in zip(
            rel["nip_a"].tolist(), rel["nip_b"].tolist(), rel["kind"].tolist(), strict=True
        ):
            if kind in separate:
                pairs.setdefault((a, b), kind)
        self.relations = pairs

    @staticmethod
    def _employees(frame: pd.DataFrame) -> dict[str, _Employee]:
        names = [f.name for f in fields(_Employee)]
        columns = {name: frame[name].tolist() for name in names}
        for name in ("birth_date", "position_since"):
            columns[name] = [to_date(v) for v in columns[name]]
        for name in ("discipline", "on_leave"):
            columns[name] = [bool(v) for v in columns[name]]
        rows = zip(*(columns[name] for name in names), strict=True)
        return {values[0]: _Employee(*values) for values in rows}

    @staticmethod
    def _positions(frame: pd.DataFrame) -> dict[str, _Position]:
        cols = (
            "position_id", "unit", "job_class", "eselon", "min_grade", "max_grade",
            "min_education", "education_fields", "capacity", "state",
        )  # fmt: skip
        out: dict[str, _Position] = {}
        for values in zip(*(frame[c].tolist() for c in cols), strict=True):
            rec = dict(zip(cols, values, strict=True))
            band = ESELON_BAND.get(rec["eselon"], ("", ""))
            fields_text = rec["education_fields"]
            out[rec["position_id"]] = _Position(
                position_id=rec["position_id"],
                unit=rec["unit"],
                job_class=rec["job_class"],
                min_grade=rec["min_grade"] or band[0],
                max_grade=rec["max_grade"] or band[1],
                min_education=rec["min_education"],
                education_fields=frozenset(
                    f.strip().casefold() for f in fields_text.split(";") if f.strip()
                ),
                education_fields_text=fields_text,
                capacity=int(rec["capacity"]),
                state=rec["state"],
            )
        return out

    def expected_rows(self, placements: Mapping[str, str]) -> pd.DataFrame:
        """Plan rows with every derived column recomputed (see :func:`expected_plan`)."""
        unknown = sorted(set(placements) - set(self.employees))
        if unknown:
            raise KeyError(f"unknown employee(s): {', '.join(unknown)}")
        rows: list[_Row] = []
        for nip in sorted(self.employees):
            e = self.employees[nip]
            to = placements.get(nip, "")
            p = self.positions[to] if to else None
            placement = self._score(e, p) if p else _Placement(0, "", None)
            is_move = p is not None and bool(e.position_id) and to != e.position_id
            rows.append(
                _Row(
                    nip=nip,
                    from_position=e.position_id,
                    to_position=to,
                    from_unit=self._unit_of(e.position_id),
                    to_unit=p.unit if p else "",
                    moved="true" if is_move else "false",
                    score=str(placement.score),
                    jpm=placement.jpm,
                    preference_rank=""
                    if placement.preference_rank is None
                    else str(placement.preference_rank),
                )
            )
        return pd.DataFrame(rows, columns=list(PLAN_COLUMNS), dtype=str)

    # -- the whole plan ------------------------------------------------------------------------

    def run(self, rows: list[_Row]) -> CheckReport:
        """Check every row, then the G rules over the rows' final positions."""
        found: list[Violation] = []
        scores: dict[str, int] = {}
        final: dict[str, str] = {}
        seen: set[str] = set()
        self._check_order(rows, found)
        for row in rows:
            if row.nip not in self.employees:
                found.append(
                    Violation(PLAN, row.nip, None, t("check.plan.unknown_employee", nip=row.nip))
                )
            elif row.nip in seen:
                self._duplicate(row, final, found)
            else:
                seen.add(row.nip)
                score = self._check_row(row, found)
                if score is not None:
                    scores[row.nip] = score
                    final[row.nip] = row.to_position
        for nip in self.employees:
            if nip not in seen:
                found.append(Violation(PLAN, nip, None, t("check.plan.missing_row", nip=nip)))
        self._global_rules(final, found)
        found.sort(key=sort_key)
        return CheckReport(tuple(found), scores, sum(scores.values()))

    @staticmethod
    def _check_order(rows: list[_Row], found: list[Violation]) -> None:
        for before, after in pairwise(rows):
            if after.nip < before.nip:
                found.append(
                    Violation(
                        PLAN,
                        None,
                        None,
                        t("check.plan.unsorted", before=before.nip, after=after.nip),
                    )
                )
                return

    def _duplicate(self, row: _Row, final: dict[str, str], found: list[Violation]) -> None:
        found.append(Violation(PLAN, row.nip, None, t("check.plan.duplicate_row", nip=row.nip)))
        first = final.get(row.nip, "")
        if row.to_position and first and row.to_position != first:
            found.append(
                Violation(
                    "G01",
                    row.nip,
                    row.to_position,
                    t("check.G01.holds_both", first=first, second=row.to_position),
                )
            )

    # -- one row -------------------------------------------------------------------------------

    def _check_row(self, row: _Row, found: list[Violation]) -> int | None:
        """Check one employee's row; its recomputed score, or None if the row names an
        unknown position."""
        e = self.employees[row.nip]
        nip = e.nip
        current = self.positions.get(e.position_id)
        from_unit = current.unit if current else ""
        if row.from_position != e.position_id:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    None,
                    t(
                        "check.plan.from_position",
                        given=repr(row.from_position),
                        expected=repr(e.position_id),
                    ),
                )
            )
        if row.from_unit != from_unit:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    None,
                    t("check.plan.from_unit", given=repr(row.from_unit), expected=repr(from_unit)),
                )
            )
        to = row.to_position
        if to and to not in self.positions:
            found.append(Violation(PLAN, nip, to, t("check.plan.unknown_position", position_id=to)))
            return None
        p = self.positions.get(to)
        to_unit = p.unit if p else ""
        if row.to_unit != to_unit:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    to or None,
                    t("check.plan.to_unit", given=repr(row.to_unit), expected=repr(to_unit)),
                )
            )
        is_move = p is not None and current is not None and to != e.position_id
        expected_moved = "true" if is_move else "false"
        if row.moved.lower() != expected_moved:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    to or None,
                    t("check.plan.moved", given=repr(row.moved), expected=expected_moved),
                )
            )
        if p is None:
            placement = _Placement(0, "", None)
        else:
            found.extend(self._placement_violations(e, p))
            placement = self._score(e, p)
        self._compare_reported(row, placement, found)
        return placement.score

    def _compare_reported(self, row: _Row, placement: _Placement, found: list[Violation]) -> None:
        nip, to = row.nip, row.to_position or None
        if _parse_int(row.score) != placement.score:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    to,
                    t("check.plan.score", given=repr(row.score), expected=placement.score),
                )
            )
        if row.jpm != placement.jpm:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    to,
                    t("check.plan.jpm", given=repr(row.jpm), expected=repr(placement.jpm)),
                )
            )
        rank = "" if placement.preference_rank is None else str(placement.preference_rank)
        if row.preference_rank != rank:
            found.append(
                Violation(
                    PLAN,
                    nip,
                    to,
                    t("check.plan.rank", given=repr(row.preference_rank), expected=repr(rank)),
                )
            )

    def _placement_violations(self, e: _Employee, p: _Position) -> list[Violation]:
        """R-rule violations of placing ``e`` in ``p`` (a pin overrides them all)."""
        if self.pins.get(e.nip) == p.position_id:
            return []
        if p.position_id == e.position_id:
            failures: list[tuple[str, str]] = []
            if p.state == "abolished":
                failures.append(("R09", t("check.R09.stay_abolished", position_id=p.position_id)))
            if (e.nip, p.position_id) in self.forbid:
                failures.append(("R11", t("check.R11.forbidden", position_id=p.position_id)))
        else:
            failures = [*self._employee_failures(e), *self._position_failures(e, p)]
        return [Violation(rule, e.nip, p.position_id, msg) for rule, msg in failures]

    # -- R rules -------------------------------------------------------------------------------

    def _employee_failures(self, e: _Employee) -> Iterator[tuple[str, str]]:
        """R01–R04 for a move or new placement of ``e`` (they do not depend on the target)."""
        current = self.positions.get(e.position_id)
        if current is not None and not (
            e.status == "PNS" or (e.status == "PPPK" and self.policy.allow_pppk_moves)
        ):
            yield "R01", t("check.R01.status", status=e.status)
        if e.discipline:
            yield "R02", t("check.R02.discipline")
        if e.on_leave:
            yield "R03", t("check.R03.on_leave")
        if current is not None and current.state != "abolished":
            if e.position_since is None:
                yield "R04", t("check.R04.tenure_unknown", position_id=current.position_id)
            else:
                tenure = months_between(e.position_since, self.ref)
                if tenure < self.policy.min_tenure_months:
                    minimum = self.policy.min_tenure_months
                    yield "R04", t("check.R04.tenure_short", months=tenure, minimum=minimum)

    def _position_failures(self, e: _Employee, p: _Position) -> Iterator[tuple[str, str]]:
        """R05–R11 for placing ``e`` in another position ``p``, cheapest first."""
        pid = p.position_id
        if p.state != "open":
            yield "R09", t("check.R09.state", position_id=pid, state=p.state)
        if p.job_class in JPT_CLASSES and not self.policy.allow_jpt:
            yield "R10", t("check.R10.jpt", position_id=pid, job_class=p.job_class)
        if (e.nip, pid) in self.forbid:
            yield "R11", t("check.R11.forbidden", position_id=pid)
        yield from self.profile_failures(e, p)

    def profile_failures(self, e: _Employee, p: _Position) -> Iterator[tuple[str, str]]:
        """R05–R08: the rules that read the employee's grade, education, age and competencies."""
        pid = p.position_id
        yield from self.grade_failures(e.grade, p)
        yield from self._education_failures(e, p)
        if e.birth_date is not None:
            retires = retirement_date(e.birth_date, p.job_class)
            left = months_between(self.ref, retires)
            if left < self.policy.retirement_buffer_months:
                yield (
                    "R08",
                    t(
                        "check.R08.retirement",
                        months=left,
                        retires=retires,
                        buffer=self.policy.retirement_buffer_months,
                        position_id=pid,
                    ),
                )
        num, den = self._jpm(e.nip, pid)
        if 100 * num < self.jpm_floor * den:
            yield (
                "R07",
                t(
                    "check.R07.jpm_floor",
                    jpm=Decimal(_render_jpm(num, den)),
                    floor=self.policy.jpm_floor,
                    position_id=pid,
                ),
            )

    @staticmethod
    def grade_failures(grade: str, p: _Position) -> Iterator[tuple[str, str]]:
        """R05: the failures of ``grade`` against the grade range that ``p`` admits."""
        pid = p.position_id
        if not grade:
            if p.job_class in GRADED_ONLY_CLASSES:
                yield "R05", t("check.R05.no_grade", position_id=pid, job_class=p.job_class)
            return
        rank = GRADE_INDEX[grade]
        if p.min_grade and rank < GRADE_INDEX[p.min_grade]:
            yield (
                "R05",
                t("check.R05.grade_below", grade=grade, minimum=p.min_grade, position_id=pid),
            )
        if p.max_grade and rank > GRADE_INDEX[p.max_grade]:
            yield (
                "R05",
                t("check.R05.grade_above", grade=grade, maximum=p.max_grade, position_id=pid),
            )

    @staticmethod
    def _education_failures(e: _Employee, p: _Position) -> Iterator[tuple[str, str]]:
        pid = p.position_id
        if p.min_education and (
            not e.education or EDUCATION_RANK[e.education] < EDUCATION_RANK[p.min_education]
        ):
            yield (
                "R06",
                t(
                    "check.R06.education_below",
                    education=e.education or Message("check.none"),
                    minimum=p.min_education,
                    position_id=pid,
                ),
            )
        if p.education_fields and e.education_field.strip().casefold() not in p.education_fields:
            yield (
                "R06",
                t(
                    "check.R06.field",
                    field=e.education_field or Message("check.none"),
                    fields=p.education_fields_text,
                    position_id=pid,
                ),
            )

    # -- scores --------------------------------------------------------------------------------

    def _jpm(self, nip: str, pid: str) -> tuple[int, int]:
        """JPM as N, D with JPM = 100·N/D; (1, 1) for a position without requirements."""
        reqs = self.requirements.get(pid)
        if not reqs:
            return 1, 1
        attained = self.competencies.get(nip, {})
        num = sum(w * min(attained.get(code, 0), level) for code, level, w in reqs)
        den = sum(w * level for _, level, w in reqs)
        return num, den

    def _effective_rank(self, nip: str, p: _Position) -> int | None:
        ranks = [
            rank
            for target, rank in self.preferences.get(nip, ())
            if target == p.position_id or (target == p.unit and target not in self.positions)
        ]
        return min(ranks) if ranks else None

    def _score(self, e: _Employee, p: _Position) -> _Placement:
        num, den = self._jpm(e.nip, p.position_id)
        rank = self._effective_rank(e.nip, p)
        current = self.positions.get(e.position_id)
        terms = {
            "preference": 0 if rank is None else 20 * (6 - rank),
            "stay": 0,
            "performance": 0,
            "fill": 100,
            "displaced": 100 if current is not None and current.state == "abolished" else 0,
        }
        if p.position_id == e.position_id:
            terms["stay"] = 100 if self._overdue(e) is None else -100
        else:
            terms["performance"] = PERFORMANCE_SCORE[e.performance]
        other = sum(self.weights[t] * value for t, value in terms.items())
        score = (10_000 * self.weights["jpm"] * num + 100 * den * other + 500 * den) // (1000 * den)
        return _Placement(score, _render_jpm(num, den), rank)

    def _overdue(self, e: _Employee) -> int | None:
        """Months in post when past max_tenure_months, else None (unknown tenure is within)."""
        if e.position_since is None or not e.position_id:
            return None
        tenure = months_between(e.position_since, self.ref)
        return tenure if tenure > self.policy.max_tenure_months else None

    # -- G rules -------------------------------------------------------------------------------

    def _global_rules(self, final: dict[str, str], found: list[Violation]) -> None:
        """G01–G07 over the final position of every employee row with a known position."""
        for nip, pin in self.pins.items():
            if nip in final and final[nip] != pin:
                found.append(
                    Violation(
                        "G01",
                        nip,
                        pin,
                        t(
                            "check.G01.pinned",
                            position_id=pin,
                            holds=final[nip] or Message("check.nothing"),
                        ),
                    )
                )
        for pid, held in sorted(Counter(to for to in final.values() if to).items()):
            if held > self.positions[pid].capacity:
                found.append(
                    Violation(
                        "G02",
                        None,
                        pid,
                        t(
                            "check.G02.capacity",
                            position_id=pid,
                            held=held,
                            capacity=self.positions[pid].capacity,
                        ),
                    )
                )
        self._g03(final, found)
        moves = sum(
            1
            for nip, to in final.items()
            if to and self.employees[nip].position_id and to != self.employees[nip].position_id
        )
        if self.policy.max_moves is not None and moves > self.policy.max_moves:
            found.append(
                Violation(
                    "G04",
                    None,
                    None,
                    t("check.G04.budget", moves=moves, limit=self.policy.max_moves),
                )
            )
        if self.policy.max_unit_outflow is not None:
            self._g05(final, self.policy.max_unit_outflow, found)
        if self.policy.force_rotation:
            self.g06(final, found)
        if self.policy.no_justified_envy:
            self.x01(final, found)
        for nip, to in final.items():
            current = self.positions.get(self.employees[nip].position_id)
            if not to and current is not None and current.state != "abolished":
                found.append(
                    Violation(
                        "G07",
                        nip,
                        current.position_id,
                        t(
                            "check.G07.unplaced",
                            position_id=current.position_id,
                            state=current.state,
                        ),
                    )
                )

    def _unit_of(self, pid: str) -> str:
        position = self.positions.get(pid)
        return position.unit if position else ""

    def _g03(self, final: dict[str, str], found: list[Violation]) -> None:
        for (a, b), kind in sorted(self.relations.items()):
            if a not in final or b not in final:
                continue
            unit = self._unit_of(final[a])
            if not unit or unit != self._unit_of(final[b]):
                continue
            before_a = self._unit_of(self.employees[a].position_id)
            before_b = self._unit_of(self.employees[b].position_id)
            if before_a != unit or before_b != unit:
                found.append(
                    Violation(
                        "G03",
                        a,
                        None,
                        t(
                            "check.G03.together",
                            a=a,
                            b=b,
                            kind=kind,
                            unit=unit,
                            from_a=before_a or Message("check.no_unit"),
                            from_b=before_b or Message("check.no_unit"),
                        ),
                    )
                )

    def _g05(self, final: dict[str, str], outflow: Decimal, found: list[Violation]) -> None:
        headcount: Counter[str] = Counter()
        leaving: Counter[str] = Counter()
        for nip, e in self.employees.items():
            current = self.positions.get(e.position_id)
            if current is None:
                continue
            headcount[current.unit] += 1
            if (
                current.state != "abolished"
                and nip in final
                and self._unit_of(final[nip]) != current.unit
            ):
                leaving[current.unit] += 1
        for unit in sorted(leaving):
            limit = math.floor(Fraction(outflow) * headcount[unit])
            if leaving[unit] > limit:
                found.append(
                    Violation(
                        "G05",
                        None,
                        None,
                        t(
                            "check.G05.outflow",
                            leaving=leaving[unit],
                            unit=unit,
                            outflow=outflow,
                            headcount=headcount[unit],
                            limit=limit,
                        ),
                    )
                )

    def g06(self, final: dict[str, str], found: list[Violation]) -> None:
        """G06: an overdue employee who stays or ends unplaced while a move was allowed."""
        search = _MoveSearch(self)
        for nip, to in final.items():
            e = self.employees[nip]
            tenure = self._overdue(e)
            if tenure is None or (to and to != e.position_id):
                continue
            if next(self._employee_failures(e), None) is not None:
                continue
            target = search.first_allowed(e)
            if target is not None:
                outcome = t("check.G06.stays", position_id=to) if to else t("check.G06.unplaced")
                found.append(
                    Violation(
                        "G06",
                        nip,
                        e.position_id,
                        t(
                            "check.G06.must_move",
                            months=tenure,
                            position_id=e.position_id,
                            limit=self.policy.max_tenure_months,
                            target=target,
                            outcome=outcome,
                        ),
                    )
                )

    # -- extension rules ---------------------------------------------------------------------

    def x01(self, final: dict[str, str], found: list[Violation]) -> None:
        """X01: nobody may prefer an allowed position to their outcome while it has a free seat
        or a holder who scores less there, unless that holder is pinned to it or cannot be
        anywhere else (may not move and must keep the post)."""
        search = _MoveSearch(self)
        units: dict[str, list[str]] = {}
        for pid, p in self.positions.items():
            units.setdefault(p.unit, []).append(pid)
        holders: dict[str, list[str]] = {}
        for nip, to in final.items():
            if to:
                holders.setdefault(to, []).append(nip)
        for nip in sorted(final):
            if nip in self.pins or nip not in self.preferences:
                continue
            e = self.employees[nip]
            to = final[nip]
            got = self._effective_rank(nip, self.positions[to]) if to else None
            for pid in sorted(self._preferred(nip, units)):
                p = self.positions[pid]
                rank = self._effective_rank(nip, p)
                if rank is None or (got is not None and got <= rank):
                    continue
                if not self._may_take(e, p, search):
                    continue
                mine = self._score(e, p).score
                held = holders.get(pid, [])
                if len(held) < p.capacity:
                    against = t("check.X01.free", seats=p.capacity - len(held))
                else:
                    below = sorted(
                        (self._score(self.employees[h], p).score, h)
                        for h in held
                        if not self._fixed_at(self.employees[h], pid, search)
                    )
                    if not below or below[0][0] >= mine:
                        continue
                    against = t("check.X01.holder", holder=below[0][1], score=below[0][0])
                outcome = (
                    t("check.X01.ranked", position_id=to, rank=got)
                    if to and got
                    else (to or t("check.X01.no_position"))
                )
                found.append(
                    Violation(
                        X01,
                        nip,
                        pid,
                        t(
                            "check.X01.envy",
                            position_id=pid,
                            rank=rank,
                            score=mine,
                            outcome=outcome,
                            against=against,
                        ),
                    )
                )

    def _preferred(self, nip: str, units: dict[str, list[str]]) -> set[str]:
        """Every position a preference of ``nip`` names, directly or through its unit."""
        out: set[str] = set()
        for target, _rank in self.preferences.get(nip, ()):
            if target in self.positions:
                out.add(target)
            else:
                out.update(units.get(target, ()))
        return out

    def _may_take(self, e: _Employee, p: _Position, search: _MoveSearch) -> bool:
        """The R rules (and G06's duty to move) allow ``e`` to end in ``p``."""
        if p.position_id != e.position_id:
            return next(self._employee_failures(e), None) is None and (
                next(self._position_failures(e, p), None) is None
            )
        if p.state == "abolished" or (e.nip, p.position_id) in self.forbid:
            return False
        must_move = (
            self.policy.force_rotation
            and self._overdue(e) is not None
            and next(self._employee_failures(e), None) is None
            and search.first_allowed(e) is not None
        )
        return not must_move

    def _fixed_at(self, h: _Employee, pid: str, search: _MoveSearch) -> bool:
        """``h`` is pinned to ``pid``, or holds it, must keep a post and may move nowhere."""
        if self.pins.get(h.nip) == pid:
            return True
        if h.position_id != pid or self.positions[pid].state == "abolished":
            return False
        return next(self._employee_failures(h), None) is not None or search.first_allowed(h) is None


class _MoveSearch:
    """G06's search for an allowed move, shared by employees who look alike to the R rules.

    Open (and, unless allowed, non-JPT) positions are grouped by the grades they admit. Two
    employees with the same grade, education, field, competencies and retirement outlook pass
    R05–R08 for the same positions, so that list is found once per such profile, lazily and in
    position order; R11 and the employee's own position are applied per employee.
    """

    def __init__(self, checker: _Checker) -> None:
        self.checker = checker
        allow_jpt = checker.policy.allow_jpt
        self.open = [
            p
            for p in checker.positions.values()
            if p.state == "open" and (allow_jpt or p.job_class not in JPT_CLASSES)
        ]
        self.by_grade: dict[str, list[_Position]] = {}
        self.allowed: dict[tuple[object, ...], tuple[list[str], Iterator[str]]] = {}
        self.forbidden: dict[str, set[str]] = {}
        for nip, pid in checker.policy.forbid:
            self.forbidden.setdefault(nip, set()).add(pid)
        self.ages = sorted({*RETIREMENT_AGE.values(), DEFAULT_RETIREMENT_AGE})

    def first_allowed(self, e: _Employee) -> str | None:
        """First position (by id) other than its own that ``e`` passes R05–R11 for, if any."""
        excluded = self.forbidden.get(e.nip, set()) | {e.position_id}
        seen, rest = self._allowed(e)
        for pid in seen:
            if pid not in excluded:
                return pid
        for pid in rest:
            seen.append(pid)
            if pid not in excluded:
                return pid
        return None

    def _allowed(self, e: _Employee) -> tuple[list[str], Iterator[str]]:
        checker = self.checker
        key = (
            e.grade,
            e.education,
            e.education_field.strip().casefold(),
            self._retirement_outlook(e.birth_date),
            tuple(sorted(checker.competencies.get(e.nip, {}).items())),
        )
        if key not in self.allowed:
            rest = (
                p.position_id
                for p in self._admitting(e.grade)
                if next(checker.profile_failures(e, p), None) is None
            )
            self.allowed[key] = ([], rest)
        return self.allowed[key]

    def _admitting(self, grade: str) -> list[_Position]:
        if grade not in self.by_grade:
            self.by_grade[grade] = [
                p for p in self.open if next(_Checker.grade_failures(grade, p), None) is None
            ]
        return self.by_grade[grade]

    def _retirement_outlook(self, birth_date: dt.date | None) -> tuple[bool, ...]:
        """Whether R08 passes at each retirement age (all pass without a birth date)."""
        if birth_date is None:
            return ()
        ref, buffer = self.checker.ref, self.checker.policy.retirement_buffer_months
        return tuple(
            months_between(ref, retirement_date_at_age(birth_date, age)) >= buffer
            for age in self.ages
        )


def _render_jpm(num: int, den: int) -> str:
    """100·num/den with 2 decimals, rounded half up, exactly."""
    hundredths = (20_000 * num + den) // (2 * den)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


__all__ = ["alternative_violations", "check", "expected_plan"]
