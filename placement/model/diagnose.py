"""Diagnose an infeasible placement problem: a minimal set of conflicting rule instances.

The G rules of a dataset and policy are split into *instances* a planner can act on: each pin
(G01), each position's capacity (G02), each related couple in a unit (G03), the move budget
(G04), each unit's outflow limit (G05), each employee's rotation duty (G06), each holder's
right to a post (G07) and each forbid (R11). Relaxing an instance drops it (a capacity becomes
the number of employees; a dropped forbid opens its pair when the other R rules allow it, and
leaves the rotation duties as they were). A deletion filter over these instances, keeping
relaxed whatever leaves the problem infeasible, ends with an irreducible conflict: the kept
instances cannot hold together, and relaxing any one of them (with the others relaxed)
removes it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

import solvers
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.i18n import t
from placement.model.compile import (
    Compiled,
    candidate_moves,
    compile_model,
    side_constraints,
)
from placement.model.rules import ABOLISHED, MOVE, NEW, STAY, B, Context, build_context, index_of

log = logging.getLogger(__name__)

#: Relaxation order of the deletion filter: earlier kinds are dropped first when several
#: conflicts exist, so the conflict reported favours the planner's own choices (pins, limits).
_ORDER: tuple[str, ...] = ("G02", "G07", "G03", "G06", "G05", "G04", "R11", "G01")

#: Rule instances spelled out in the text; the rest are counted (all are in ``conflict``).
_MAX_PHRASES = 12


@dataclass(frozen=True)
class Diagnosis:
    """A set of rule instances that cannot all hold.

    ``conflict`` holds one dict per instance (``{"rule": "G02", "position_id": ...}`` and so
    on); ``text`` says the same in words; ``minimal`` is false when the time limit ran out
    before every instance was tested, so some may not be needed.
    """

    conflict: tuple[dict[str, Any], ...]
    text: str
    minimal: bool

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as the ``diagnosis`` object of summary.json."""
        return {
            "conflict": [dict(c) for c in self.conflict],
            "text": self.text,
            "minimal": self.minimal,
        }


@dataclass(frozen=True, eq=False)
class _Group:
    """One rule instance: its kind, the index it relaxes and its description."""

    rule: str
    index: int
    instance: dict[str, Any]


class _Universe:
    """Every pair any relaxation can allow, with what each rule instance does to it."""

    def __init__(self, ctx: Context, must_move: B) -> None:
        self.ctx = ctx
        pol = ctx.policy
        # The same encoding without forbids: its pairs include the forbidden ones.
        open_ctx = build_context(ctx.dataset, replace(pol, forbid=()))
        me, mp = candidate_moves(open_ctx)
        stayers = np.flatnonzero(open_ctx.stay_allowed()).astype(np.int64)
        pe = index_of(pd.Index(ctx.nip), [a for a, _ in pol.pins])
        pp = index_of(pd.Index(ctx.position_id), [b for _, b in pol.pins])
        e = np.concatenate([me, stayers, pe])
        p = np.concatenate([mp, ctx.cur[stayers], pp])
        keys, first = np.unique(ctx.key(e, p), return_index=True)
        self.e, self.p = e[first], p[first]
        self.kind = np.where(
            ctx.cur[self.e] == self.p, STAY, np.where(ctx.cur[self.e] >= 0, MOVE, NEW)
        ).astype(np.int64)
        # Pairs the R rules allow; the others exist only through a pin or without a forbid.
        n_open = len(me) + len(stayers)
        self.allowed = np.isin(keys, ctx.key(e[:n_open], p[:n_open])) & ~np.isin(
            keys, ctx.forbid_keys
        )
        fe = index_of(pd.Index(ctx.nip), [a for a, _ in pol.forbid])
        fp = index_of(pd.Index(ctx.position_id), [b for _, b in pol.forbid])
        fkeys = ctx.key(fe, fp)
        self.forbid_e = fe
        self.forbid_pair = np.searchsorted(keys, fkeys).astype(np.int64)
        self.forbid_opens = np.isin(fkeys, keys)
        self.pin_e = pe
        self.pin_pair = np.searchsorted(keys, ctx.key(pe, pp)).astype(np.int64)
        self.must_move = must_move
        self.holder = (ctx.cur >= 0) & (ctx.cur_state() != ABOLISHED)
        self.side = tuple(side_constraints(ctx, self.e, self.p, self.kind))

    @cached_property
    def forbids(self) -> list[_Group]:
        """The R11 instances among :meth:`groups`."""
        return [g for g in self.groups if g.rule == "R11"]

    @cached_property
    def groups(self) -> list[_Group]:
        """Every rule instance that can matter, in the deletion filter's order."""
        ctx = self.ctx
        out: list[_Group] = []
        # Pairs are unique, so a column's pair count is the number of employees who could hold it.
        demand = np.bincount(self.p, minlength=ctx.n_positions)
        for j in np.flatnonzero((demand > ctx.capacity) & (ctx.state != ABOLISHED)).tolist():
            out.append(_Group("G02", j, {"rule": "G02", "position_id": str(ctx.position_id[j])}))
        for i in np.flatnonzero(self.holder).tolist():
            out.append(_Group("G07", i, {"rule": "G07", "nip": str(ctx.nip[i])}))
        for k, s in enumerate(self.side):
            out.append(_Group(s.name.split(":")[0], k, self._side_instance(s.name)))
        for i in np.flatnonzero(self.must_move).tolist():
            out.append(_Group("G06", i, {"rule": "G06", "nip": str(ctx.nip[i])}))
        for k, (nip, pid) in enumerate(ctx.policy.forbid):
            if self.forbid_opens[k]:
                out.append(_Group("R11", k, {"rule": "R11", "nip": nip, "position_id": pid}))
        for k, (nip, pid) in enumerate(ctx.policy.pins):
            out.append(_Group("G01", k, {"rule": "G01", "nip": nip, "position_id": pid}))
        return sorted(out, key=lambda g: _ORDER.index(g.rule))

    def _side_instance(self, name: str) -> dict[str, Any]:
        ctx = self.ctx
        parts = name.split(":")
        if parts[0] == "G04":
            return {"rule": "G04", "max_moves": ctx.policy.max_moves}
        if parts[0] == "G05":
            u = int(parts[1])
            return {"rule": "G05", "unit": str(ctx.unit_names[u]), "limit": self._limit(u)}
        a, b, u = (int(x) for x in parts[1:])
        return {
            "rule": "G03",
            "nip_a": str(ctx.nip[a]),
            "nip_b": str(ctx.nip[b]),
            "unit": str(ctx.unit_names[u]),
        }

    def _limit(self, u: int) -> int:
        f = self.ctx.policy.max_unit_outflow
        assert f is not None
        return math.floor(f * self.headcount(u))

    def headcount(self, u: int) -> int:
        """Employees whose current position is in unit ``u``."""
        placed = self.ctx.cur >= 0
        return int((self.ctx.unit[self.ctx.cur[placed]] == u).sum())

    def model(self, active: set[_Group]) -> solvers.AssignmentModel | None:
        """The model with only ``active`` instances; ``None`` when trivially infeasible."""
        ctx = self.ctx
        n, m = ctx.n_employees, ctx.n_positions
        pins = [g.index for g in active if g.rule == "G01"]
        pinned = np.zeros(n, dtype=bool)
        pinned[self.pin_e[pins]] = True
        must_move = np.zeros(n, dtype=bool)
        holder = np.zeros(n, dtype=bool)
        cap = np.full(m, n, dtype=np.int64)
        side_on: list[int] = []
        allowed = self.allowed.copy()
        opened = [g.index for g in self.forbids if g not in active]
        allowed[self.forbid_pair[opened]] = True
        for g in active:
            if g.rule == "G06":
                must_move[g.index] = True
            elif g.rule == "G07":
                holder[g.index] = True
            elif g.rule == "G02":
                cap[g.index] = ctx.capacity[g.index]
            elif g.rule in ("G03", "G04", "G05"):
                side_on.append(g.index)
        cap[ctx.state == ABOLISHED] = 0
        keep = allowed & ~pinned[self.e] & ~(must_move[self.e] & (self.kind == STAY))
        fixed_pairs = self.pin_pair[pins]
        # A pin to a pair another instance removes (a stay under G06) cannot hold.
        if (must_move[self.e[fixed_pairs]] & (self.kind[fixed_pairs] == STAY)).any():
            return None
        keep[fixed_pairs] = True
        new_index = np.cumsum(keep) - 1
        sides = []
        for k in sorted(side_on):
            s = self.side[k]
            sel = s.pairs[keep[s.pairs]]
            sides.append(solvers.SideConstraint(pairs=new_index[sel], rhs=s.rhs, name=s.name))
        idx = np.flatnonzero(keep)
        return solvers.AssignmentModel(
            n_rows=n,
            n_cols=m,
            pair_row=self.e[idx],
            pair_col=self.p[idx],
            weight=np.zeros(len(idx), dtype=np.int64),
            row_must=pinned | must_move | holder,
            col_cap=cap,
            fixed=np.sort(new_index[fixed_pairs]).astype(np.int64),
            side=tuple(sides),
        )


def diagnose(
    dataset: Dataset,
    policy: Policy,
    *,
    time_limit_s: float = 30,
    compiled: Compiled | None = None,
) -> Diagnosis | None:
    """Why ``policy`` cannot be met on ``dataset``; ``None`` when the problem is feasible.

    Returns an irreducible set of conflicting rule instances (see the module docstring), or,
    when ``time_limit_s`` runs out first, the conflicting set found so far with
    ``minimal=False``. ``compiled`` is the model :func:`~placement.model.compile.compile_model`
    already built for this dataset and policy, when the caller has it.
    """
    if policy.no_justified_envy:
        return _diagnose_envy(dataset, policy, time_limit_s)
    deadline = time.perf_counter() + time_limit_s
    if compiled is None:
        compiled = compile_model(build_context(dataset, policy))
    ctx = compiled.ctx
    universe = _Universe(ctx, compiled.must_move)
    groups = universe.groups
    if not compiled.conflicts:
        feasible = _feasible(_without_weights(compiled.model), None)
        if feasible is not False:
            return None
    else:
        # A pin to the current post of an employee who must rotate: that pair alone conflicts.
        for g in groups:
            e = int(universe.pin_e[g.index]) if g.rule == "G01" else -1
            if (
                e >= 0
                and compiled.must_move[e]
                and universe.kind[universe.pin_pair[g.index]] == STAY
            ):
                duty = next(h for h in groups if h.rule == "G06" and h.index == e)
                return _diagnosis(universe, [duty, g], minimal=True)
    active, minimal = _deletion_filter(universe, groups, deadline)
    return _diagnosis(universe, active, minimal=minimal)


def _diagnose_envy(dataset: Dataset, policy: Policy, time_limit_s: float) -> Diagnosis | None:
    """Diagnosis under the extension rule X01, which is not one of the filter's instances.

    When the other rules conflict on their own, that conflict is the diagnosis; otherwise, if
    X01 makes the problem infeasible, the diagnosis names X01.
    """
    started = time.perf_counter()
    found = diagnose(dataset, replace(policy, no_justified_envy=False), time_limit_s=time_limit_s)
    if found is not None:
        return found
    compiled = compile_model(build_context(dataset, policy))
    deadline = started + time_limit_s
    if (
        not compiled.conflicts
        and _feasible(_without_weights(compiled.model), deadline) is not False
    ):
        return None
    return Diagnosis(conflict=({"rule": "X01"},), text=t("diagnose.X01"), minimal=False)


def _feasible(model: solvers.AssignmentModel | None, deadline: float | None) -> bool | None:
    """Whether ``model`` has a solution; ``None`` when the deadline has passed."""
    if model is None:
        return False
    if deadline is not None and time.perf_counter() >= deadline:
        return None
    # In-process (no child process per check); the deadline is checked between checks.
    # Zero weights make every solution optimal, so a back-end stops at the first it finds.
    result = solvers.solve(model, "auto")
    if result.status is solvers.Status.INFEASIBLE:
        return False
    if result.chosen is None:
        return None
    return True


def _without_weights(model: solvers.AssignmentModel) -> solvers.AssignmentModel:
    return replace(model, weight=np.zeros(model.n_pairs, dtype=np.int64))


def _deletion_filter(
    universe: _Universe, groups: list[_Group], deadline: float
) -> tuple[list[_Group], bool]:
    """Relax instances while the problem stays infeasible, in batches split on failure.

    A batch whose relaxation keeps the problem infeasible stays relaxed; otherwise it is split
    in halves, down to single instances, which are then needed. Returns the kept instances in
    ``groups`` order and whether every instance was decided.
    """
    active = set(groups)
    queue: list[list[_Group]] = [groups] if groups else []
    minimal = True
    solves = 0
    while queue:
        batch = queue.pop(0)
        trial = active - set(batch)
        solves += 1
        feasible = _feasible(universe.model(trial), deadline)
        if feasible is False:
            active = trial
        elif len(batch) > 1:
            half = len(batch) // 2
            queue[:0] = [batch[:half], batch[half:]]
        if feasible is None:
            minimal = False
            if time.perf_counter() >= deadline:
                break
    log.debug("diagnosis: %d solves, %d of %d instances kept", solves, len(active), len(groups))
    return [g for g in groups if g in active], minimal


def _diagnosis(universe: _Universe, kept: list[_Group], *, minimal: bool) -> Diagnosis:
    kept = sorted(kept, key=lambda g: (g.rule, g.index))
    return Diagnosis(
        conflict=tuple(g.instance for g in kept),
        text=_text(universe, kept, minimal=minimal),
        minimal=minimal,
    )


def _who(ctx: Context, e: int) -> str:
    name = str(ctx.dataset.employees["name"].iat[e])
    return f"{ctx.nip[e]} ({name})" if name else str(ctx.nip[e])


def _text(universe: _Universe, kept: list[_Group], *, minimal: bool) -> str:
    """The conflict in a planner's words."""
    ctx = universe.ctx
    pins = [g for g in kept if g.rule == "G01"]
    caps = [g for g in kept if g.rule == "G02"]
    if pins and len(caps) == 1 and len(kept) == len(pins) + 1:
        j = caps[0].index
        seated = {g.instance["position_id"] for g in pins}
        if seated == {ctx.position_id[j]}:
            pid = str(ctx.position_id[j])
            seats = [
                t("diagnose.pin", who=_who(ctx, int(universe.pin_e[g.index])), position_id=pid)
                for g in pins
            ]
            who = seats[0]
            for seat in seats[1:]:
                who = t("diagnose.and", left=who, right=seat)
            return t(
                "diagnose.pins_over_capacity",
                who=who,
                needed=len(pins),
                position_id=pid,
                capacity=int(ctx.capacity[j]),
            )
    lines = [_phrase(universe, g) for g in kept[:_MAX_PHRASES]]
    if len(kept) > _MAX_PHRASES:
        lines.append(t("diagnose.more", n=len(kept) - _MAX_PHRASES))
    conflict = "; ".join(lines)
    if minimal:
        return t("diagnose.conflict", conflict=conflict)
    return t("diagnose.conflict_not_minimal", conflict=conflict)


def _phrase(universe: _Universe, g: _Group) -> str:
    """One rule instance in words."""
    ctx = universe.ctx
    pol = ctx.policy
    inst = g.instance
    if g.rule == "G01":
        e = int(universe.pin_e[g.index])
        return t("diagnose.G01", who=_who(ctx, e), position_id=inst["position_id"])
    if g.rule == "R11":
        e = int(universe.forbid_e[g.index])
        pid = inst["position_id"]
        if ctx.cur[e] >= 0 and ctx.position_id[ctx.cur[e]] == pid:
            return t("diagnose.R11.stay", who=_who(ctx, e), position_id=pid)
        return t("diagnose.R11", who=_who(ctx, e), position_id=pid)
    if g.rule == "G02":
        cap = int(ctx.capacity[g.index])
        if cap == 1:
            return t("diagnose.G02.one", position_id=inst["position_id"])
        return t("diagnose.G02", position_id=inst["position_id"], seats=cap)
    if g.rule == "G03":
        a = int(index_of(pd.Index(ctx.nip), [inst["nip_a"]])[0])
        b = int(index_of(pd.Index(ctx.nip), [inst["nip_b"]])[0])
        return t("diagnose.G03", a=_who(ctx, a), b=_who(ctx, b), unit=inst["unit"])
    if g.rule == "G04":
        return t("diagnose.G04", limit=pol.max_moves)
    if g.rule == "G05":
        u = int(np.flatnonzero(ctx.unit_names == inst["unit"])[0])
        return t(
            "diagnose.G05",
            limit=inst["limit"],
            headcount=universe.headcount(u),
            unit=inst["unit"],
            outflow=pol.max_unit_outflow,
        )
    if g.rule == "G06":
        e = g.index
        post = ctx.position_id[ctx.cur[e]]
        return t(
            "diagnose.G06",
            who=_who(ctx, e),
            months=int(ctx.tenure[e]),
            position_id=post,
            limit=pol.max_tenure_months,
        )
    e = g.index
    return t("diagnose.G07", who=_who(ctx, e), position_id=ctx.position_id[ctx.cur[e]])
