"""What-if questions about a finished plan, shared by the explanations and the fairness report.

The plan of a solution as position indices, the policy with one more pin, the R rules that
block a placement (with the failing values), the G rules a change would strain, and the
objective of the problem with one pair fixed. Each G-rule note reads ``"<rule id> <values>"``,
one wording per rule, so the same fact reads the same in every report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

import solvers
from placement.contract.enums import EDUCATION_RANK, GRADE_INDEX
from placement.contract.policy import Policy
from placement.engine import Solution
from placement.errors import PlacementError
from placement.i18n import Message, t
from placement.model.compile import Compiled
from placement.model.rules import ABOLISHED, I64, R_RULES, B, Context, index_of
from placement.model.scoring import jpm_text

_GRADE_NAME = {v: k for k, v in GRADE_INDEX.items()}
_EDU_NAME = {v: k for k, v in sorted(EDUCATION_RANK.items(), key=lambda kv: kv[0] == "S1")}
_STATE_NAME = {0: "open", 1: "closed", 2: "abolished"}


@dataclass(frozen=True)
class Failure:
    """One rule that blocks a placement, with the values that failed."""

    rule: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"rule": self.rule, "text": self.text}


def plan_of(solution: Solution) -> pd.DataFrame:
    """The plan of ``solution``.

    Raises
    ------
    PlacementError
        When the solution has no plan (nothing to explain).
    """
    if solution.plan is None or solution.objective is None:
        raise PlacementError(t("rule.no_plan", status=str(solution.status)))
    return solution.plan


def planned_positions(ctx: Context, plan: pd.DataFrame) -> I64:
    """Per employee, the index of the position the plan gives it (-1 when unplaced)."""
    return index_of(pd.Index(ctx.position_id), plan["to_position"])


def moved(ctx: Context, to: I64) -> B:
    """Per employee: the plan moves it (it holds a position now and ends in another)."""
    out: B = (ctx.cur >= 0) & (to >= 0) & (to != ctx.cur)
    return out


def with_pin(policy: Policy, nip: str, position_id: str) -> Policy:
    """The policy with ``nip`` pinned to ``position_id`` (replacing any pin of ``nip``)."""
    pins = (*(x for x in policy.pins if x[0] != nip), (nip, position_id))
    forbid = tuple(x for x in policy.forbid if x != (nip, position_id))
    return dataclasses.replace(policy, pins=pins, forbid=forbid)


def objective_with_pin(
    compiled: Compiled, policy: Policy, e: int, p: int
) -> tuple[str, int | None]:
    """Status and objective of the compiled problem with the pair (e, p) fixed.

    Fixing an allowed pair of an employee who is not pinned is what pinning does in the policy
    (the pair becomes the only one the employee may take), without compiling again.
    """
    hit = np.flatnonzero((compiled.e == e) & (compiled.p == p))
    model = compiled.model
    fixed = np.union1d(model.fixed, hit).astype(np.int64)
    result = solvers.solve(
        dataclasses.replace(model, fixed=fixed),
        policy.solver or "auto",
        time_limit_s=policy.time_limit_s,
        seed=policy.seed,
    )
    if result.chosen is None:
        return str(result.status), None
    return str(result.status), int(compiled.terms.score[result.chosen].sum())


# --- R rules ------------------------------------------------------------------------------


def rule_failures(ctx: Context, e: int, ps: I64) -> list[list[Failure]]:
    """The R rules each placement e→p (p in ``ps``) fails, with the failing values.

    For e's current position (a stay) only R09 and R11 apply.
    """
    es = np.full(len(ps), e, dtype=np.int64)
    masks = ctx.rule_masks(es, ps)
    num, den = ctx.jpm_parts(es, ps)
    jpms = jpm_text(num, den)
    out: list[list[Failure]] = []
    for i, p in enumerate(ps.tolist()):
        if int(ctx.cur[e]) == p:
            out.append(_stay_failures(ctx, e, p))
            continue
        fails = [r for r in R_RULES if not masks[r][i]]
        out.append([Failure(r, _rule_text(ctx, e, p, r, jpms[i])) for r in fails])
    return out


def _arr(*values: int) -> I64:
    return np.array(values, dtype=np.int64)


def _grade(code: int) -> str | Message:
    return _GRADE_NAME.get(code) or Message("rule.none")


def _stay_failures(ctx: Context, e: int, p: int) -> list[Failure]:
    out = []
    if ctx.state[p] == ABOLISHED:
        out.append(Failure("R09", t("rule.R09.post_abolished")))
    if np.isin(ctx.key(_arr(e), _arr(p)), ctx.forbid_keys)[0]:
        out.append(Failure("R11", t("rule.R11.forbidden")))
    return out


def _rule_text(ctx: Context, e: int, p: int, rule: str, jpm: str) -> str:
    pol = ctx.policy
    if rule == "R01":
        status = {0: "PNS", 1: "PPPK", 2: "CPNS"}[int(ctx.status[e])]
        if status == "PPPK":
            return t("rule.R01.pppk", status=status)
        return t("rule.R01.status", status=status)
    if rule == "R02":
        return t("rule.R02.discipline")
    if rule == "R03":
        return t("rule.R03.on_leave")
    if rule == "R04":
        if not ctx.has_tenure[e]:
            return t("rule.R04.tenure_unknown")
        return t("rule.R04.tenure_short", months=int(ctx.tenure[e]), minimum=pol.min_tenure_months)
    if rule == "R05":
        g, lo, hi = int(ctx.grade[e]), int(ctx.gmin[p]), int(ctx.gmax[p])
        if g < 0:
            return t("rule.R05.no_grade", job_class=str(ctx.job_class[p]))
        if lo >= 0 and g < lo:
            return t("rule.R05.grade_below", grade=_grade(g), minimum=_grade(lo))
        return t("rule.R05.grade_above", grade=_grade(g), maximum=_grade(hi))
    if rule == "R06":
        edu, lo = int(ctx.edu[e]), int(ctx.min_edu[p])
        if lo >= 0 and edu < lo:
            education = _EDU_NAME.get(edu) or Message("rule.none")
            return t("rule.R06.education_below", education=education, minimum=_EDU_NAME[lo])
        field = str(ctx.dataset.employees["education_field"].iat[e]) or Message("rule.none")
        fields = str(ctx.dataset.positions["education_fields"].iat[p])
        return t("rule.R06.field", field=field, fields=fields)
    if rule == "R07":
        return t("rule.R07.jpm_floor", jpm=Decimal(jpm), floor=pol.jpm_floor)
    if rule == "R08":
        months = int(ctx.months_to_retirement(_arr(e), _arr(int(ctx.bup[p])))[0])
        return t(
            "rule.R08.retirement",
            months=months,
            bup=str(int(ctx.bup[p])),
            buffer=pol.retirement_buffer_months,
        )
    if rule == "R09":
        return t("rule.R09.state", state=_STATE_NAME[int(ctx.state[p])])
    if rule == "R10":
        return t("rule.R10.jpt", job_class=str(ctx.job_class[p]))
    return t("rule.R11.forbidden")


# --- G rules ------------------------------------------------------------------------------


def g_notes(
    ctx: Context, policy: Policy, to: I64, e: int, p: int, rules: Sequence[str]
) -> list[str]:
    """The G rules among ``rules`` (in that order) that giving position p to employee e would
    strain in the plan ``to`` (see :func:`planned_positions`).

    G02: p is full in the plan; G03: a relative of e the policy separates ends in p's unit,
    where e is not already; G04: the moves of the plan already use max_moves and e would make
    one more; G05: e's unit already loses as many employees as max_unit_outflow allows and e
    would be one more. Each note starts with the rule id.
    """
    notes: list[str] = []
    for rule in rules:
        notes += _G_NOTES[rule](ctx, policy, to, e, p)
    return notes


def _full(ctx: Context, policy: Policy, to: I64, e: int, p: int) -> list[str]:
    held = int((to == p).sum())
    if held >= int(ctx.capacity[p]):
        return [t("rule.G02.full", seats=int(ctx.capacity[p]))]
    return []


def _relatives(ctx: Context, policy: Policy, to: I64, e: int, p: int) -> list[str]:
    cur = int(ctx.cur[e])
    unit = int(ctx.unit[p])
    if cur >= 0 and int(ctx.unit[cur]) == unit:
        return []
    rel = ctx.dataset.relations
    rel = rel[rel["kind"].isin(policy.separate_relations)]
    nip = str(ctx.nip[e])
    end_unit = np.where(to >= 0, ctx.unit[np.maximum(to, 0)], -1)
    nip_index = pd.Index(ctx.nip)
    notes = []
    for a, b, kind in rel[["nip_a", "nip_b", "kind"]].itertuples(index=False):
        other = b if a == nip else a if b == nip else None
        if other is not None and end_unit[nip_index.get_loc(other)] == unit:
            notes.append(
                t(
                    "rule.G03.relative",
                    kind=kind,
                    other=other,
                    unit=str(ctx.unit_names[unit]),
                    nip=nip,
                )
            )
    return notes


def _budget(ctx: Context, policy: Policy, to: I64, e: int, p: int) -> list[str]:
    if policy.max_moves is None:
        return []
    cur = int(ctx.cur[e])
    moving_now = cur >= 0 and int(to[e]) != cur and int(to[e]) >= 0
    moves = int(moved(ctx, to).sum())
    if moves >= policy.max_moves and cur >= 0 and cur != p and not moving_now:
        return [t("rule.G04.budget", moves=moves, limit=policy.max_moves)]
    return []


def _outflow(ctx: Context, policy: Policy, to: I64, e: int, p: int) -> list[str]:
    cur = int(ctx.cur[e])
    if policy.max_unit_outflow is None or cur < 0 or ctx.state[cur] == ABOLISHED:
        return []
    home = int(ctx.unit[cur])
    if int(ctx.unit[p]) == home or (to[e] >= 0 and int(ctx.unit[to[e]]) != home):
        return []
    held = ctx.cur >= 0
    in_home = held & (ctx.unit[np.maximum(ctx.cur, 0)] == home)
    limit = math.floor(policy.max_unit_outflow * int(in_home.sum()))
    from_home = in_home & (ctx.cur_state() != ABOLISHED)
    ends_home = (to >= 0) & (ctx.unit[np.maximum(to, 0)] == home)
    leaving = int((from_home & ~ends_home).sum())
    if leaving >= limit:
        return [t("rule.G05.outflow", leaving=leaving, unit=str(ctx.unit_names[home]), limit=limit)]
    return []


_G_NOTES: dict[str, Callable[[Context, Policy, I64, int, int], list[str]]] = {
    "G02": _full,
    "G03": _relatives,
    "G04": _budget,
    "G05": _outflow,
}
