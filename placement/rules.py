"""Hard rules R01–R11 and the score terms, vectorised over candidate pairs.

Everything here works on integer-coded numpy arrays prepared once per (dataset, policy) in a
:class:`Context`. Candidate pairs are generated sparsely: positions that share every attribute a
rule looks at form a group, each group is tested against the employees in one vectorised pass,
and only the pairs that pass become candidates. No employee × position matrix is ever built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.dataset import Dataset
from placement.enums import (
    DEFAULT_RETIREMENT_AGE,
    EDUCATION_RANK,
    ESELON_BAND,
    GRADE_INDEX,
    GRADED_ONLY_CLASSES,
    JPT_CLASSES,
    PERFORMANCE_SCORE,
    RETIREMENT_AGE,
)
from placement.policy import Policy

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
Obj = npt.NDArray[np.object_]

#: Rule ids that apply to a move or new placement, in contract order.
R_RULES: Final[tuple[str, ...]] = (
    "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R11",
)  # fmt: skip

STATUS_CODE: Final[dict[str, int]] = {"PNS": 0, "PPPK": 1, "CPNS": 2}
STATE_CODE: Final[dict[str, int]] = {"open": 0, "closed": 1, "abolished": 2}
OPEN, CLOSED, ABOLISHED = 0, 1, 2

#: Pair kinds.
STAY, MOVE, NEW = 0, 1, 2


def months_between(y1: I64, m1: I64, d1: I64, y2: I64, m2: I64, d2: I64) -> I64:
    """Whole calendar months from date 1 to date 2 (CONTRACT §2), elementwise."""
    return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1).astype(np.int64)


def ints(values: object) -> I64:
    """An int64 array of a Series, list or array."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    return np.asarray(values, dtype=np.int64)


def index_of(index: pd.Index, values: pd.Series | Obj | list[str]) -> I64:
    """Position of each value in ``index`` (-1 when absent)."""
    return ints(index.get_indexer(pd.Index(np.asarray(values, dtype=object))))


def _date_parts(s: pd.Series) -> tuple[I64, I64, I64, B]:
    known = s.notna().to_numpy()
    y = s.dt.year.fillna(0).to_numpy(dtype=np.int64)
    m = s.dt.month.fillna(0).to_numpy(dtype=np.int64)
    d = s.dt.day.fillna(0).to_numpy(dtype=np.int64)
    return y, m, d, known


@dataclass(frozen=True, eq=False)
class Context:
    """Integer-coded arrays of a dataset under a policy; built once, read by every rule.

    Employee arrays have one entry per employee (dataset order, i.e. sorted by nip); position
    arrays one per position (sorted by position_id). ``-1`` means "not given" in codes.
    """

    dataset: Dataset
    policy: Policy
    nip: Obj
    position_id: Obj
    # employees
    status: I64
    grade: I64
    edu: I64
    field: Obj
    has_birth: B
    birth_y: I64
    birth_m: I64
    cur: I64
    has_tenure: B
    tenure: I64
    perf_term: I64
    discipline: B
    on_leave: B
    # positions
    unit: I64
    unit_names: Obj
    job_class: Obj
    state: I64
    capacity: I64
    gmin: I64
    gmax: I64
    graded_only: B
    is_jpt: B
    min_edu: I64
    fields_id: I64
    fields: tuple[frozenset[str], ...]
    bup: I64
    profile: I64
    # requirement profiles: competency matrix columns, per-profile (codes, levels, weights)
    comp_codes: tuple[str, ...]
    comp_levels: npt.NDArray[np.int16]
    profiles: tuple[tuple[I64, I64, I64], ...]
    profile_den: I64
    # pairs
    forbid_keys: I64
    pref_keys: I64
    pref_rank: I64

    @property
    def n_employees(self) -> int:
        """Number of employees."""
        return len(self.nip)

    @property
    def n_positions(self) -> int:
        """Number of positions."""
        return len(self.position_id)

    def key(self, e: I64, p: I64) -> I64:
        """Integer key of pairs, ordered like (employee, position)."""
        return e.astype(np.int64) * self.n_positions + p

    # --- employee-level facts ---------------------------------------------------------------
    def cur_state(self) -> I64:
        """State code of each employee's current position, -1 when unplaced."""
        out = np.full(self.n_employees, -1, dtype=np.int64)
        placed = self.cur >= 0
        out[placed] = self.state[self.cur[placed]]
        return out

    def overdue(self) -> B:
        """Employees past max_tenure_months in their current post (known tenure only)."""
        return (self.cur >= 0) & self.has_tenure & (self.tenure > self.policy.max_tenure_months)

    def months_to_retirement(self, e: I64, bup: I64) -> I64:
        """Whole months from the reference date to the retirement date for BUP ``bup``."""
        ry = self.birth_y[e] + bup + (self.birth_m[e] == 12)
        rm = self.birth_m[e] % 12 + 1
        ref = self.policy.reference_date
        one = np.ones_like(ry)
        return months_between(
            np.full_like(ry, ref.year), np.full_like(ry, ref.month), np.full_like(ry, ref.day),
            ry, rm, one,
        )  # fmt: skip

    # --- rules ----------------------------------------------------------------------------
    def rule_masks(self, e: I64, p: I64) -> dict[str, B]:
        """For each R rule, whether the move or new placement e→p passes it (elementwise).

        ``e`` and ``p`` are equal-length index arrays. Pins and stays are not special here:
        this is the test a move or new placement must pass.
        """
        masks = {**self.employee_rules(e), **self.position_rules(p), **self.pair_rules(e, p)}
        return {r: masks[r] for r in R_RULES}

    def employee_rules(self, e: I64) -> dict[str, B]:
        """R01–R04: the rules that depend on the employee alone."""
        pol = self.policy
        cur = self.cur[e]
        new = cur < 0
        from_abolished = ~new & (self.state[np.maximum(cur, 0)] == ABOLISHED)
        status = self.status[e]
        tenure_ok = self.has_tenure[e] & (self.tenure[e] >= pol.min_tenure_months)
        return {
            "R01": new | (status == 0) | ((status == 1) & pol.allow_pppk_moves),
            "R02": ~self.discipline[e],
            "R03": ~self.on_leave[e],
            "R04": new | from_abolished | tenure_ok,
        }

    def position_rules(self, p: I64) -> dict[str, B]:
        """R09–R10: the rules that depend on the position alone."""
        return {
            "R09": self.state[p] == OPEN,
            "R10": ~self.is_jpt[p] | self.policy.allow_jpt,
        }

    def pair_rules(self, e: I64, p: I64, *, with_forbid: bool = True) -> dict[str, B]:
        """R05–R08 and R11: the rules that depend on both (R11 left out when asked)."""
        pol = self.policy
        grade = self.grade[e]
        lo, hi = self.gmin[p], self.gmax[p]
        r05 = np.where(
            grade >= 0,
            ((lo < 0) | (grade >= lo)) & ((hi < 0) | (grade <= hi)),
            ~self.graded_only[p],
        )
        r06 = ((self.min_edu[p] < 0) | (self.edu[e] >= self.min_edu[p])) & self._field_ok(e, p)
        num, den = self.jpm_parts(e, p)
        r08 = ~self.has_birth[e] | (
            self.months_to_retirement(e, self.bup[p]) >= pol.retirement_buffer_months
        )
        out = {
            "R05": r05,
            "R06": r06,
            "R07": jpm_at_least(num, den, int(pol.jpm_floor * 1000)),
            "R08": r08,
        }
        if with_forbid:
            out["R11"] = ~np.isin(self.key(e, p), self.forbid_keys)
        return out

    def _field_ok(self, e: I64, p: I64) -> B:
        out = np.ones(len(e), dtype=bool)
        fid = self.fields_id[p]
        for f in np.unique(fid[fid >= 0]):
            sel = fid == f
            out[sel] = np.isin(self.field[e[sel]], list(self.fields[f]))
        return out

    def jpm_parts(self, e: I64, p: I64) -> tuple[I64, I64]:
        """JPM of pairs as integers (N, D) with JPM = 100·N/D; (1, 1) without requirements."""
        num = np.ones(len(e), dtype=np.int64)
        den = np.ones(len(e), dtype=np.int64)
        prof = self.profile[p]
        for k in np.unique(prof[prof >= 0]):
            sel = np.flatnonzero(prof == k)
            num[sel] = self._profile_num(int(k), e[sel])
            den[sel] = self.profile_den[k]
        return num, den

    def _profile_num(self, k: int, e: I64) -> I64:
        cols, levels, weights = self.profiles[k]
        attained = self.comp_levels[np.ix_(e, cols)].astype(np.int64)
        return (np.minimum(attained, levels[None, :]) * weights[None, :]).sum(axis=1)

    def stay_allowed(self) -> B:
        """Per employee: a stay is possible (placed, post not abolished, stay not forbidden)."""
        e = np.flatnonzero(self.cur >= 0)
        ok = np.zeros(self.n_employees, dtype=bool)
        p = self.cur[e]
        ok[e] = (self.state[p] != ABOLISHED) & ~np.isin(self.key(e, p), self.forbid_keys)
        return ok

    def preference_rank(self, e: I64, p: I64) -> I64:
        """Effective preference rank of pairs (1–5), 0 when p is not preferred by e."""
        keys = self.key(e, p)
        idx = np.searchsorted(self.pref_keys, keys)
        idx = np.minimum(idx, max(len(self.pref_keys) - 1, 0))
        hit = (self.pref_keys[idx] == keys) if len(self.pref_keys) else np.zeros(len(e), dtype=bool)
        return np.where(hit, self.pref_rank[idx] if len(self.pref_rank) else 0, 0)


def jpm_at_least(num: I64, den: I64, floor_milli: int) -> B:
    """Exactly 100·N/D ≥ floor, with the floor given in thousandths."""
    return num * 100_000 >= floor_milli * den


def build_context(dataset: Dataset, policy: Policy) -> Context:
    """Encode a validated dataset under a policy as integer arrays."""
    emp, pos = dataset.employees, dataset.positions
    pos_ids = pos["position_id"].to_numpy(dtype=object)
    pos_index = pd.Index(pos_ids)
    n, m = len(emp), len(pos)

    cur = index_of(pos_index, emp["position_id"])
    by, bm, _bd, has_birth = _date_parts(emp["birth_date"])
    ty, tm, td, has_tenure = _date_parts(emp["position_since"])
    ref = policy.reference_date
    tenure = months_between(
        ty, tm, td, np.full(n, ref.year), np.full(n, ref.month), np.full(n, ref.day)
    )

    grade_of = {"": -1, **GRADE_INDEX}
    edu_of = {"": -1, **EDUCATION_RANK}

    units, unit_codes = np.unique(pos["unit"].to_numpy(dtype=object), return_inverse=True)
    job_class = pos["job_class"].to_numpy(dtype=object)
    eselon = pos["eselon"].to_numpy(dtype=object)
    band_lo = np.array([GRADE_INDEX[ESELON_BAND[x][0]] if x else -1 for x in eselon], np.int64)
    band_hi = np.array([GRADE_INDEX[ESELON_BAND[x][1]] if x else -1 for x in eselon], np.int64)
    gmin = ints(pos["min_grade"].map(grade_of))
    gmax = ints(pos["max_grade"].map(grade_of))
    gmin = np.where(gmin >= 0, gmin, band_lo)
    gmax = np.where(gmax >= 0, gmax, band_hi)

    field_sets: dict[frozenset[str], int] = {}
    fields_id = np.full(m, -1, dtype=np.int64)
    for i, text in enumerate(pos["education_fields"].to_numpy(dtype=object)):
        parts = frozenset(f.strip().casefold() for f in str(text).split(";") if f.strip())
        if parts:
            fields_id[i] = field_sets.setdefault(parts, len(field_sets))
    bup = np.array([RETIREMENT_AGE.get(c, DEFAULT_RETIREMENT_AGE) for c in job_class], np.int64)

    comp_codes, comp_levels, profiles, profile_den, profile = _requirement_profiles(
        dataset, pos_index
    )

    forbid_keys = _pair_keys(policy.forbid, emp["nip"], pos_index, m)
    pref_keys, pref_rank = _effective_preferences(dataset, pos_index, unit_codes, units)

    return Context(
        dataset=dataset,
        policy=policy,
        nip=emp["nip"].to_numpy(dtype=object),
        position_id=pos_ids,
        status=ints(emp["status"].map(STATUS_CODE)),
        grade=ints(emp["grade"].map(grade_of)),
        edu=ints(emp["education"].map(edu_of)),
        field=emp["education_field"].str.casefold().to_numpy(dtype=object),
        has_birth=has_birth,
        birth_y=by,
        birth_m=bm,
        cur=cur,
        has_tenure=has_tenure,
        tenure=np.where(has_tenure, tenure, 0),
        perf_term=ints(emp["performance"].map(PERFORMANCE_SCORE)),
        discipline=emp["discipline"].to_numpy(dtype=bool),
        on_leave=emp["on_leave"].to_numpy(dtype=bool),
        unit=unit_codes.astype(np.int64),
        unit_names=units,
        job_class=job_class,
        state=ints(pos["state"].map(STATE_CODE)),
        capacity=ints(pos["capacity"]),
        gmin=gmin,
        gmax=gmax,
        graded_only=np.isin(job_class, list(GRADED_ONLY_CLASSES)),
        is_jpt=np.isin(job_class, list(JPT_CLASSES)),
        min_edu=ints(pos["min_education"].map(edu_of)),
        fields_id=fields_id,
        fields=tuple(sorted(field_sets, key=field_sets.__getitem__)),
        bup=bup,
        profile=profile,
        comp_codes=comp_codes,
        comp_levels=comp_levels,
        profiles=profiles,
        profile_den=profile_den,
        forbid_keys=forbid_keys,
        pref_keys=pref_keys,
        pref_rank=pref_rank,
    )


def _pair_keys(
    pairs: tuple[tuple[str, str], ...], nips: pd.Series, pos_index: pd.Index, m: int
) -> I64:
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    e = index_of(pd.Index(nips), [a for a, _ in pairs])
    p = index_of(pos_index, [b for _, b in pairs])
    return np.unique(e * m + p)


def _requirement_profiles(
    dataset: Dataset, pos_index: pd.Index
) -> tuple[tuple[str, ...], npt.NDArray[np.int16], tuple[tuple[I64, I64, I64], ...], I64, I64]:
    """Group positions by identical requirement lists; encode attained levels densely.

    The dense matrix has one column per competency that some position requires (tens), not
    per position, so it stays small at any scale.
    """
    req = dataset.requirements
    m = len(pos_index)
    codes = tuple(sorted(set(req["competency"])))
    code_index = pd.Index(list(codes))
    emp_index = pd.Index(dataset.employees["nip"].to_numpy(dtype=object))
    levels = np.zeros((len(emp_index), len(codes)), dtype=np.int16)
    comp = dataset.competencies
    if len(codes) and len(comp):
        ci = index_of(code_index, comp["competency"])
        ei = index_of(emp_index, comp["nip"])
        keep = ci >= 0
        levels[ei[keep], ci[keep]] = comp["level"].to_numpy(dtype=np.int16)[keep]

    profile = np.full(m, -1, dtype=np.int64)
    profiles: list[tuple[I64, I64, I64]] = []
    dens: list[int] = []
    seen: dict[tuple[tuple[int, int, int], ...], int] = {}
    if len(req):
        cols = index_of(code_index, req["competency"])
        lv = req["level"].to_numpy(dtype=np.int64)
        wt = req["weight"].to_numpy(dtype=np.int64)
        pi = index_of(pos_index, req["position_id"])
        order = np.argsort(pi, kind="stable")
        bounds = np.flatnonzero(np.diff(pi[order])) + 1
        for chunk in np.split(order, bounds):
            sig = tuple(
                zip(cols[chunk].tolist(), lv[chunk].tolist(), wt[chunk].tolist(), strict=True)
            )
            k = seen.get(sig)
            if k is None:
                k = seen[sig] = len(profiles)
                profiles.append((cols[chunk], lv[chunk], wt[chunk]))
                dens.append(int((lv[chunk] * wt[chunk]).sum()))
            profile[pi[chunk[0]]] = k
    return codes, levels, tuple(profiles), np.array(dens, dtype=np.int64), profile


def _effective_preferences(
    dataset: Dataset, pos_index: pd.Index, unit_codes: I64, units: Obj
) -> tuple[I64, I64]:
    """Sorted pair keys and the best rank for every (employee, position) someone preferred."""
    prefs = dataset.preferences
    m = len(pos_index)
    if not len(prefs):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e = index_of(pd.Index(dataset.employees["nip"]), prefs["nip"])
    target = prefs["target"].to_numpy(dtype=object)
    rank = prefs["rank"].to_numpy(dtype=np.int64)
    p = index_of(pos_index, target)
    as_pos = p >= 0
    es, ps, rs = [e[as_pos]], [p[as_pos]], [rank[as_pos]]
    # A unit target ranks every position of that unit.
    unit_of_target = index_of(pd.Index(units), target[~as_pos])
    order = np.argsort(unit_codes, kind="stable")
    starts = np.searchsorted(unit_codes[order], np.arange(len(units)))
    ends = np.searchsorted(unit_codes[order], np.arange(len(units)), side="right")
    ue, ur = e[~as_pos], rank[~as_pos]
    for u in np.unique(unit_of_target[unit_of_target >= 0]):
        members = order[starts[u] : ends[u]]
        sel = unit_of_target == u
        es.append(np.repeat(ue[sel], len(members)))
        ps.append(np.tile(members, int(sel.sum())))
        rs.append(np.repeat(ur[sel], len(members)))
    keys = np.concatenate(es).astype(np.int64) * m + np.concatenate(ps)
    ranks = np.concatenate(rs)
    order2 = np.lexsort((ranks, keys))
    keys, ranks = keys[order2], ranks[order2]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], ranks[first]
