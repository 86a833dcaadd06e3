"""Hard rules R01–R11 and the score terms, vectorised over candidate pairs.

Everything here works on integer-coded numpy arrays prepared once per (dataset, policy) in a
:class:`Context`. Candidate pairs are generated sparsely: positions that share every attribute a
rule looks at form a group, each group is tested against the employees in one vectorised pass,
and only the pairs that pass become candidates. No employee × position matrix is ever built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.contract.calendar import months_between_arrays
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
from placement.contract.policy import Policy

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
Obj = npt.NDArray[np.object_]

#: Pairs per chunk when gathering competency levels (bounds temporary memory).
_CHUNK: Final[int] = 1 << 20

#: Rule ids that apply to a move or new placement, in contract order.
R_RULES: Final[tuple[str, ...]] = (
    "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R11",
)  # fmt: skip

STATUS_CODE: Final[dict[str, int]] = {"PNS": 0, "PPPK": 1, "CPNS": 2}
STATE_CODE: Final[dict[str, int]] = {"open": 0, "closed": 1, "abolished": 2}
OPEN, CLOSED, ABOLISHED = 0, 1, 2

#: Pair kinds.
STAY, MOVE, NEW = 0, 1, 2


def ints(values: object) -> I64:
    """An int64 array of a Series, list or array."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    return np.asarray(values, dtype=np.int64)


def index_of(index: pd.Index, values: pd.Series | Obj | list[str]) -> I64:
    """Position of each value in ``index`` (-1 when absent)."""
    return ints(index.get_indexer(pd.Index(np.asarray(values, dtype=object))))


def per_value(values: pd.Series | Obj, of: Callable[[Any], int]) -> I64:
    """``of(v)`` for every value as int64, computed once per distinct value: columns of codes
    repeat a handful of values over many rows."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([of(u) for u in uniques], dtype=np.int64)[codes]


def _date_parts(s: pd.Series) -> tuple[I64, I64, I64, B]:
    """Year, month, day (0 where not given) and where given, by numpy's calendar units
    (pandas' per-field accessors cost more than the whole conversion)."""
    days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    known = ~np.isnat(days)
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    d = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return np.where(known, y, 0), np.where(known, m, 0), np.where(known, d, 0), known


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
    field_vocab: Obj
    field_code: I64
    field_keys: I64
    bup: I64
    profile: I64
    # requirement profiles: competency matrix columns, per-profile (codes, levels, weights)
    comp_codes: tuple[str, ...]
    comp_levels: npt.NDArray[np.int16]
    prof_cols: I64
    prof_levels: I64
    prof_weights: I64
    profile_den: I64
    #: each requirement row's position index and competency column (rows in dataset order)
    req_position: I64
    req_column: I64
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
        return months_between_arrays(
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
        num, den = self.jpm_parts(e, p)
        out = {
            "R05": self.grade_ok(e, p),
            "R06": self.education_ok(e, p),
            "R07": jpm_at_least(num, den, self.jpm_floor_milli),
            "R08": self.retirement_ok(e, self.bup[p]),
        }
        if with_forbid:
            out["R11"] = ~np.isin(self.key(e, p), self.forbid_keys)
        return out

    def pairs_pass(self, e: I64, p: I64) -> B:
        """Whether each pair passes R05–R08 and R11, as the masks of :meth:`pair_rules` all
        holding: the rules read from attributes first, the JPM (R07, the costly one) then only
        for the pairs that passed them."""
        ok = self.grade_ok(e, p) & self.education_ok(e, p) & self.retirement_ok(e, self.bup[p])
        ok &= ~np.isin(self.key(e, p), self.forbid_keys)
        rest = np.flatnonzero(ok)
        num, den = self.jpm_parts(e[rest], p[rest])
        ok[rest] = jpm_at_least(num, den, self.jpm_floor_milli)
        return ok

    @property
    def jpm_floor_milli(self) -> int:
        """jpm_floor in thousandths (exact: at most three decimals)."""
        return int(self.policy.jpm_floor * 1000)

    def grade_ok(self, e: I64, p: I64) -> B:
        """R05: grade within the range (eselon band per missing bound); no grade, no managerial."""
        grade = self.grade[e]
        lo, hi = self.gmin[p], self.gmax[p]
        within = ((lo < 0) | (grade >= lo)) & ((hi < 0) | (grade <= hi))
        return np.where(grade >= 0, within, ~self.graded_only[p])

    def education_ok(self, e: I64, p: I64) -> B:
        """R06: education level and field (a missing value fails a stated requirement)."""
        level_ok = (self.min_edu[p] < 0) | (self.edu[e] >= self.min_edu[p])
        fid = self.fields_id[p]
        width = len(self.field_vocab) + 1
        # A lookup table of every (field set, field) key: sets × fields is small.
        allowed = np.zeros((int(self.fields_id.max(initial=-1)) + 1) * width, dtype=bool)
        if not len(allowed):
            return level_ok
        allowed[self.field_keys] = True
        return level_ok & ((fid < 0) | allowed[np.maximum(fid, 0) * width + self.field_code[e]])

    def retirement_ok(self, e: I64, bup: I64) -> B:
        """R08: enough months left before retirement at ``bup`` (skipped without birth date)."""
        months = self.months_to_retirement(e, bup)
        return ~self.has_birth[e] | (months >= self.policy.retirement_buffer_months)

    def jpm_parts(self, e: I64, p: I64) -> tuple[I64, I64]:
        """JPM of pairs as integers (N, D) with JPM = 100·N/D; (1, 1) without requirements.

        Requirement profiles are padded to one width (padding weight 0), so N is one gather
        and one weighted sum over all pairs, in chunks to bound memory.
        """
        num = np.ones(len(e), dtype=np.int64)
        den = np.ones(len(e), dtype=np.int64)
        prof = self.profile[p]
        has = np.flatnonzero(prof >= 0)
        for lo in range(0, len(has), _CHUNK):
            idx = has[lo : lo + _CHUNK]
            num[idx] = self._num(prof[idx], e[idx])
            den[idx] = self.profile_den[prof[idx]]
        return num, den

    def profile_num(self, k: int, e: I64) -> I64:
        """N of the JPM of employees ``e`` against requirement profile ``k``."""
        return self._num(np.full(len(e), k, dtype=np.int64), e)

    def _num(self, prof: I64, e: I64) -> I64:
        cols = self.prof_cols[prof]
        attained = self.comp_levels[e[:, None], cols].astype(np.int64)
        return (np.minimum(attained, self.prof_levels[prof]) * self.prof_weights[prof]).sum(axis=1)

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
    tenure = months_between_arrays(
        ty, tm, td, np.full(n, ref.year), np.full(n, ref.month), np.full(n, ref.day)
    )

    grade_of = {"": -1, **GRADE_INDEX}
    edu_of = {"": -1, **EDUCATION_RANK}

    units, unit_codes = np.unique(pos["unit"].to_numpy(dtype=object), return_inverse=True)
    job_class = pos["job_class"].to_numpy(dtype=object)
    eselon = pos["eselon"].to_numpy(dtype=object)
    band_lo = per_value(eselon, lambda x: GRADE_INDEX[ESELON_BAND[x][0]] if x else -1)
    band_hi = per_value(eselon, lambda x: GRADE_INDEX[ESELON_BAND[x][1]] if x else -1)
    gmin = per_value(pos["min_grade"], grade_of.__getitem__)
    gmax = per_value(pos["max_grade"], grade_of.__getitem__)
    gmin = np.where(gmin >= 0, gmin, band_lo)
    gmax = np.where(gmax >= 0, gmax, band_hi)

    nip_index = pd.Index(emp["nip"].to_numpy(dtype=object))
    fields_id, field_vocab, field_code, field_keys = _field_encoding(emp, pos)
    bup = per_value(job_class, lambda c: RETIREMENT_AGE.get(c, DEFAULT_RETIREMENT_AGE))

    comp_codes, comp_levels, padded, profile_den, profile, req_rows = _requirement_profiles(
        dataset, pos_index, nip_index
    )

    forbid_keys = _pair_keys(policy.forbid, nip_index, pos_index, m)
    pref_keys, pref_rank = _effective_preferences(dataset, nip_index, pos_index, unit_codes, units)

    return Context(
        dataset=dataset,
        policy=policy,
        nip=nip_index.to_numpy(),
        position_id=pos_ids,
        status=per_value(emp["status"], STATUS_CODE.__getitem__),
        grade=per_value(emp["grade"], grade_of.__getitem__),
        edu=per_value(emp["education"], edu_of.__getitem__),
        has_birth=has_birth,
        birth_y=by,
        birth_m=bm,
        cur=cur,
        has_tenure=has_tenure,
        tenure=np.where(has_tenure, tenure, 0),
        perf_term=per_value(emp["performance"], PERFORMANCE_SCORE.__getitem__),
        discipline=emp["discipline"].to_numpy(dtype=bool),
        on_leave=emp["on_leave"].to_numpy(dtype=bool),
        unit=unit_codes.astype(np.int64),
        unit_names=units,
        job_class=job_class,
        state=per_value(pos["state"], STATE_CODE.__getitem__),
        capacity=ints(pos["capacity"]),
        gmin=gmin,
        gmax=gmax,
        graded_only=per_value(job_class, lambda c: c in GRADED_ONLY_CLASSES).astype(bool),
        is_jpt=per_value(job_class, lambda c: c in JPT_CLASSES).astype(bool),
        min_edu=per_value(pos["min_education"], edu_of.__getitem__),
        fields_id=fields_id,
        field_vocab=field_vocab,
        field_code=field_code,
        field_keys=field_keys,
        bup=bup,
        profile=profile,
        comp_codes=comp_codes,
        comp_levels=comp_levels,
        prof_cols=padded[0],
        prof_levels=padded[1],
        prof_weights=padded[2],
        profile_den=profile_den,
        req_position=req_rows[0],
        req_column=req_rows[1],
        forbid_keys=forbid_keys,
        pref_keys=pref_keys,
        pref_rank=pref_rank,
    )


def _pair_keys(
    pairs: tuple[tuple[str, str], ...], nip_index: pd.Index, pos_index: pd.Index, m: int
) -> I64:
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    e = index_of(nip_index, [a for a, _ in pairs])
    p = index_of(pos_index, [b for _, b in pairs])
    return np.unique(e * m + p)


def _field_encoding(emp: pd.DataFrame, pos: pd.DataFrame) -> tuple[I64, Obj, I64, I64]:
    """Fields of study as integer codes, for a vectorised R06.

    Returns each position's field-set id (-1 = any field), the vocabulary of fields (casefolded),
    each employee's field code (len(vocab) when the field is not in it or not given), and the
    sorted keys ``set_id · (len(vocab) + 1) + code`` of every allowed (set, field).
    """
    sets: dict[frozenset[str], int] = {}
    # Parsed once per distinct text, in order of first appearance (so set ids are too).
    texts, distinct = pd.factorize(
        pos["education_fields"].to_numpy(dtype=object), use_na_sentinel=False
    )
    set_of_text = np.full(len(distinct), -1, dtype=np.int64)
    for i, text in enumerate(distinct):
        parts = frozenset(f.strip().casefold() for f in str(text).split(";") if f.strip())
        if parts:
            set_of_text[i] = sets.setdefault(parts, len(sets))
    fields_id = set_of_text[texts]
    vocab = np.array(sorted(set().union(*sets)), dtype=object) if sets else np.zeros(0, object)
    width = len(vocab) + 1
    given, spelled = pd.factorize(emp["education_field"].to_numpy(dtype=object))
    code = index_of(pd.Index(vocab), [str(f).casefold() for f in spelled])
    code = np.append(code, -1)[given]
    code = np.where(code >= 0, code, len(vocab))
    keys = [
        k * width + int(c)
        for parts, k in sets.items()
        for c in np.searchsorted(vocab, sorted(parts))
    ]
    return fields_id, vocab, code, np.unique(np.array(keys, dtype=np.int64))


def run_index(index: pd.Index, values: Obj) -> I64:
    """:func:`index_of` of values that come in runs of equal ones (a table sorted by them):
    one lookup per run."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    heads = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return np.repeat(index_of(index, values[heads]), np.diff(np.r_[heads, len(values)]))


def _requirement_profiles(
    dataset: Dataset, pos_index: pd.Index, emp_index: pd.Index
) -> tuple[tuple[str, ...], npt.NDArray[np.int16], tuple[I64, I64, I64], I64, I64, tuple[I64, I64]]:
    """Group positions by identical requirement lists; encode attained levels densely.

    The dense matrix has one column per competency that some position requires (tens), not
    per position, so it stays small at any scale. Profiles come back as three arrays
    (competency column, level, weight) of shape (profiles, widest profile), padded with
    weight 0, numbered in order of the first position (by position index) that has them.
    Last come each requirement row's position index and competency column.
    """
    req = dataset.requirements
    m = len(pos_index)
    codes = tuple(sorted(pd.unique(req["competency"].to_numpy(dtype=object))))
    code_index = pd.Index(list(codes))
    levels = np.zeros((len(emp_index), len(codes)), dtype=np.int16)
    comp = dataset.competencies
    if len(codes) and len(comp):
        # Hashed once per row by factorize; the few distinct codes are then looked up.
        spelled, distinct = pd.factorize(comp["competency"].to_numpy(dtype=object))
        ci = np.append(index_of(code_index, distinct), -1)[spelled]
        ei = run_index(emp_index, comp["nip"].to_numpy(dtype=object))
        level = comp["level"].to_numpy(dtype=np.int16)
        keep = ci >= 0
        if not keep.all():  # competencies no position requires
            ei, ci, level = ei[keep], ci[keep], level[keep]
        levels[ei, ci] = level

    profile = np.full(m, -1, dtype=np.int64)
    if not len(req):
        empty = np.zeros((0, 0), dtype=np.int64)
        none = np.zeros(0, np.int64)
        return codes, levels, (empty, empty.copy(), empty.copy()), none, profile, (none, none)
    # Requirements come sorted by position: one lookup per position.
    req_position = run_index(pos_index, req["position_id"].to_numpy(dtype=object))
    req_column = index_of(code_index, req["competency"])
    order = np.argsort(req_position, kind="stable")
    pi = req_position[order]
    parts = [
        req_column[order],
        req["level"].to_numpy(dtype=np.int64)[order],
        req["weight"].to_numpy(dtype=np.int64)[order],
    ]
    # One row per position: its list length, then its (column, level, weight) in input order.
    starts = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
    lengths = np.diff(np.r_[starts, len(pi)])
    width = int(lengths.max())
    row = np.repeat(np.arange(len(starts)), lengths)
    slot = np.arange(len(pi)) - starts[row]
    lists = np.zeros((len(starts), 1 + 3 * width), dtype=np.int64)
    lists[:, 0] = lengths
    for j, part in enumerate(parts):
        lists[row, 1 + 3 * slot + j] = part
    # Profiles numbered in order of first appearance, by one pass over the rows' bytes (a
    # row sort by np.unique costs more for the few hundred or thousand rows of a city).
    seen: dict[bytes, int] = {}
    number = np.array([seen.setdefault(row.tobytes(), len(seen)) for row in lists], np.int64)
    profile[pi[starts]] = number
    firsts = np.flatnonzero(np.r_[True, number[1:] > np.maximum.accumulate(number)[:-1]])
    padded = tuple(np.ascontiguousarray(lists[firsts, 1 + j :: 3]) for j in range(3))
    cols_, lv_, wt_ = padded
    den = (lv_ * wt_).sum(axis=1)
    return codes, levels, (cols_, lv_, wt_), den, profile, (req_position, req_column)


def _effective_preferences(
    dataset: Dataset, nip_index: pd.Index, pos_index: pd.Index, unit_codes: I64, units: Obj
) -> tuple[I64, I64]:
    """Sorted pair keys and the best rank for every (employee, position) someone preferred."""
    prefs = dataset.preferences
    m = len(pos_index)
    if not len(prefs):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e = index_of(nip_index, prefs["nip"])
    target = prefs["target"].to_numpy(dtype=object)
    rank = prefs["rank"].to_numpy(dtype=np.int64)
    p = index_of(pos_index, target)
    as_pos = p >= 0
    es, ps, rs = [e[as_pos]], [p[as_pos]], [rank[as_pos]]
    # A unit target ranks every position of that unit.
    unit_of_target = index_of(pd.Index(units), target[~as_pos])
    order = np.argsort(unit_codes, kind="stable")
    starts = np.searchsorted(unit_codes[order], np.arange(len(units)))
    sizes = np.bincount(unit_codes, minlength=len(units))
    # Every unit preference repeated once per member position of its unit, all at once (the
    # order of the pairs does not matter: they are sorted below).
    named = unit_of_target >= 0
    u = unit_of_target[named]
    count = sizes[u]
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    es.append(np.repeat(e[~as_pos][named], count))
    ps.append(order[np.repeat(starts[u], count) + offset])
    rs.append(np.repeat(rank[~as_pos][named], count))
    keys = np.concatenate(es).astype(np.int64) * m + np.concatenate(ps)
    ranks = np.concatenate(rs)
    order2 = np.lexsort((ranks, keys))
    keys, ranks = keys[order2], ranks[order2]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], ranks[first]
