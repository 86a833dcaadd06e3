"""Fairness of a finished plan: justified envy, and who gains and loses by group.

Justified envy (the terms of :mod:`placement.model.envy`): employee e envies position p when e
prefers p (effective rank, CONTRACT §1) strictly more than where e ends — e ends unplaced, in a
position it does not prefer, or in one it ranks worse — and the envy is *justified* when p has
a free seat after the plan or a holder h of p scores less there than e would,
score(h, p) < score(e, p), both exact plan scores. Every such pair (e, p) is reported once,
against the free seat when p has one, else against the lowest-scoring holder below e, with the
rule that explains why e did not get p:

* an R rule that forbids the placement, with the failing values (for a stay R09, R11, or G06
  when force_rotation takes the stay away); G01 when e is pinned elsewhere;
* G01 or G07 when every holder below e is pinned to p or cannot be anywhere else (the holder
  may not move and must keep a post) and p has no free seat: rule X01 exempts such seats;
* otherwise the pair is allowed and p could go to e: the problem is solved again with e
  pinned to p (at most ``max_explained`` times). A plan there gives ``objective``: the plan is
  better by ``objective_loss`` points (the compiled model is solved with the pair fixed,
  which is what a pin does to an allowed pair). No plan there names the G rule in the way: a
  full move budget (G04), a unit at its outflow limit (G05), a separated relative in p's unit
  (G03), or the first rule of the pinned problem's diagnosis.

Pairs are split in two. *Justified envy* proper: the pair is allowed and no pinned or
immovable holder sits in the way, so only the objective or a G rule on the whole plan (G03–G05)
kept e out. *Blocked wishes*: a legal rule forbids the placement itself (an R rule, a pin, G06)
or the seat belongs to a holder who is pinned or must keep it (G01, G07), which rule X01 exempts
too. Reports lead with the first and count the second by rule.

The outcome distribution counts, per unit, grade, gender (when any is given) and job class, who
moved, stayed, was newly placed or ended unplaced, with mean JPM before and after, preferences
met and mean score. Unit and job class are those of the position held before, or, for a
newcomer, of the position taken.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from placement.analysis.whatif import (
    Failure,
    g_notes,
    moved,
    objective_with_pin,
    plan_of,
    planned_positions,
    rule_failures,
    with_pin,
)
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution
from placement.i18n import current_locale, format_decimal, format_integer, t
from placement.model.compile import Compiled, compile_model
from placement.model.diagnose import diagnose
from placement.model.envy import X01
from placement.model.rules import ABOLISHED, MOVE, NEW, STAY, Context, build_context
from placement.model.scoring import score_pairs
from placement.reports.text import text_table

#: Default number of envy pairs explained by re-solving (each costs about one solve).
MAX_EXPLAINED = 10
#: Time the diagnosis of one infeasible pin may take.
_DIAGNOSIS_S = 10.0
#: Groupings of the outcome distribution, in output order.
GROUPINGS: tuple[str, ...] = ("unit", "grade", "gender", "job_class")
#: Label of an empty group value (no unit, grade, gender or job class).
NONE = "(none)"
#: G rules an allowed envy pair is checked against, in note order (the first names the rule
#: when the pinned problem has no plan).
_ENVY_NOTES = ("G04", "G05", "G03")


@dataclass(frozen=True)
class EnvyPair:
    """A justified-envy pair: ``nip`` prefers ``position_id`` to its outcome and outscores a
    holder there (``holder``), or the position has a free seat (``holder`` is ``None``).

    ``rule`` explains why the employee did not get it: an R or G rule id, ``"objective"``
    (``objective_loss`` points lost by pinning the employee there), or ``None`` when the pair
    was not re-solved. ``reason`` says the same with values. ``blocked`` marks a wish a legal
    rule forbids (see the module docstring), as opposed to justified envy proper.
    """

    nip: str
    position_id: str
    preference_rank: int
    outcome: str
    outcome_rank: int | None
    score: int
    holder: str | None
    holder_score: int | None
    allowed: bool
    rule: str | None
    reason: str
    objective_loss: int | None = None
    notes: tuple[str, ...] = ()
    blocked: bool = False

    @property
    def difference(self) -> int | None:
        """score(e, p) − score(holder, p); ``None`` against a free seat."""
        return None if self.holder_score is None else self.score - self.holder_score

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "nip": self.nip,
            "position_id": self.position_id,
            "preference_rank": self.preference_rank,
            "outcome": self.outcome,
            "outcome_rank": self.outcome_rank,
            "score": self.score,
            "holder": self.holder,
            "holder_score": self.holder_score,
            "difference": self.difference,
            "allowed": self.allowed,
            "rule": self.rule,
            "reason": self.reason,
            "objective_loss": self.objective_loss,
            "notes": list(self.notes),
            "blocked": self.blocked,
        }


@dataclass(frozen=True)
class GroupOutcome:
    """Outcomes of the employees of one group (one unit, grade, gender or job class)."""

    group: str
    employees: int
    moved: int
    stayed: int
    new_placements: int
    unplaced: int
    mean_jpm_before: float | None
    mean_jpm_after: float | None
    preferences_met: int
    mean_score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "group": self.group,
            "employees": self.employees,
            "moved": self.moved,
            "stayed": self.stayed,
            "new_placements": self.new_placements,
            "unplaced": self.unplaced,
            "mean_jpm_before": self.mean_jpm_before,
            "mean_jpm_after": self.mean_jpm_after,
            "preferences_met": self.preferences_met,
            "mean_score": self.mean_score,
        }


@dataclass(frozen=True)
class Fairness:
    """The fairness report of a plan (see :func:`fairness`)."""

    status: str
    objective: int
    no_justified_envy: bool
    envy: tuple[EnvyPair, ...]
    resolved: int
    unexplained: int
    max_explained: int
    distribution: dict[str, tuple[GroupOutcome, ...]]

    @property
    def justified(self) -> tuple[EnvyPair, ...]:
        """Justified envy proper: allowed wishes with no legal rule in the way."""
        return tuple(p for p in self.envy if not p.blocked)

    @property
    def blocked(self) -> tuple[EnvyPair, ...]:
        """Wishes a legal rule forbids."""
        return tuple(p for p in self.envy if p.blocked)

    def blocked_by_rule(self) -> dict[str, int]:
        """How many wishes each rule blocks, most first (then by rule id)."""
        counts: dict[str, int] = {}
        for p in self.blocked:
            counts[str(p.rule)] = counts.get(str(p.rule), 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``envy`` and ``envy_pairs`` hold both kinds of pairs,
        ``justified_envy`` and ``blocked_wishes`` count each."""
        return {
            "status": self.status,
            "objective": self.objective,
            "no_justified_envy": self.no_justified_envy,
            "envy_pairs": len(self.envy),
            "justified_envy": len(self.justified),
            "blocked_wishes": len(self.blocked),
            "blocked_by_rule": self.blocked_by_rule(),
            "resolved": self.resolved,
            "unexplained": self.unexplained,
            "max_explained": self.max_explained,
            "envy": [p.to_dict() for p in self.envy],
            "distribution": {k: [g.to_dict() for g in v] for k, v in self.distribution.items()},
        }

    def text(self) -> str:
        """A readable report: justified envy, the blocked wishes, then one table per grouping."""
        status, objective = str(self.status), self.objective
        lines = [
            t("analysis.fairness.head_x01", status=status, objective=objective, rule=X01)
            if self.no_justified_envy
            else t("analysis.fairness.head", status=status, objective=objective),
            t(
                "analysis.fairness.justified",
                pairs=len(self.justified),
                resolved=self.resolved,
                unexplained=self.unexplained,
                limit=self.max_explained,
            ),
        ]
        lines += [_envy_line(p) for p in self.justified]
        by_rule = ", ".join(f"{r} {n}" for r, n in self.blocked_by_rule().items())
        lines += [
            "",
            t("analysis.fairness.blocked_by", wishes=len(self.blocked), rules=by_rule)
            if by_rule
            else t("analysis.fairness.blocked", wishes=len(self.blocked)),
        ]
        lines += [_envy_line(p) for p in self.blocked]
        for grouping, groups in self.distribution.items():
            lines += ["", t("analysis.fairness.by", grouping=grouping)]
            head = [
                t("analysis.fairness.column.group"),
                t("analysis.fairness.column.employees"),
                t("analysis.fairness.column.moved"),
                t("analysis.fairness.column.stayed"),
                t("analysis.fairness.column.new"),
                t("analysis.fairness.column.unplaced"),
                t("analysis.fairness.column.jpm_before"),
                t("analysis.fairness.column.jpm_after"),
                t("analysis.fairness.column.preferences_met"),
                t("analysis.fairness.column.mean_score"),
            ]
            rows = [
                [
                    g.group,
                    _count(g.employees),
                    _count(g.moved),
                    _count(g.stayed),
                    _count(g.new_placements),
                    _count(g.unplaced),
                    _num(g.mean_jpm_before),
                    _num(g.mean_jpm_after),
                    _count(g.preferences_met),
                    _num(g.mean_score),
                ]
                for g in groups
            ]
            lines += text_table(head, rows)
        return "\n".join(lines) + "\n"


def _envy_line(p: EnvyPair) -> str:
    outcome = p.outcome or t("analysis.fairness.unplaced")
    if p.outcome_rank is not None:
        outcome = t("analysis.fairness.ranked", outcome=outcome, rank=p.outcome_rank)
    if p.holder is None:
        against = t("analysis.fairness.free_seat")
    else:
        against = t(
            "analysis.fairness.holder",
            holder=p.holder,
            score=p.holder_score,
            difference=p.difference,
        )
    return "  " + t(
        "analysis.fairness.wish",
        nip=p.nip,
        position_id=p.position_id,
        rank=p.preference_rank,
        score=p.score,
        outcome=outcome,
        against=against,
        reason=p.reason,
    )


def _num(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, 2, current_locale())


def _count(value: int) -> str:
    return format_integer(value, current_locale())


def fairness(
    dataset: Dataset, policy: Policy, solution: Solution, *, max_explained: int = MAX_EXPLAINED
) -> Fairness:
    """The fairness report of ``solution`` (see the module docstring).

    Parameters
    ----------
    dataset, policy, solution
        The problem and its solved plan.
    max_explained
        How many allowed envy pairs, in report order, are explained by solving again with the
        employee pinned to the position; the others are left unexplained.

    Raises
    ------
    PlacementError
        When the solution has no plan.
    """
    plan = plan_of(solution)
    compiled = solution.compiled
    if compiled is None or compiled.space is not None:
        # Which pairs are allowed is read off the whole model; a very large pure assignment is
        # solved over a restricted one (column generation), which lists only some of them.
        compiled = compile_model(build_context(dataset, policy))
    ctx = compiled.ctx
    to = planned_positions(ctx, plan)
    scores = plan["score"].to_numpy(dtype=np.int64)
    budget = max(max_explained, 0)
    envy, resolved = _envy(dataset, policy, solution, compiled, to, scores, budget)
    return Fairness(
        status=solution.status,
        objective=int(solution.objective or 0),
        no_justified_envy=policy.no_justified_envy,
        envy=tuple(envy),
        resolved=resolved,
        unexplained=sum(p.rule is None for p in envy),
        max_explained=max_explained,
        distribution=_distribution(ctx, plan, to, scores),
    )


# --- justified envy ----------------------------------------------------------------------


def _envy(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    compiled: Compiled,
    to: np.ndarray,
    scores: np.ndarray,
    budget: int,
) -> tuple[list[EnvyPair], int]:
    """The justified-envy pairs in report order, and how many were re-solved."""
    ctx = compiled.ctx
    n, m = ctx.n_employees, ctx.n_positions
    all_e = np.arange(n, dtype=np.int64)
    placed = to >= 0
    out_rank = np.zeros(n, dtype=np.int64)
    out_rank[placed] = ctx.preference_rank(all_e[placed], to[placed])

    pe, pp, rank = ctx.pref_keys // m, ctx.pref_keys % m, ctx.pref_rank
    envious = (out_rank[pe] == 0) | (rank < out_rank[pe])
    pe, pp, rank = pe[envious], pp[envious], rank[envious]
    kind = np.where(ctx.cur[pe] == pp, STAY, np.where(ctx.cur[pe] >= 0, MOVE, NEW))
    score = score_pairs(ctx, pe, pp, kind.astype(np.int64)).score

    held = np.bincount(to[placed], minlength=m)
    cap = np.where(ctx.state == ABOLISHED, 0, ctx.capacity)
    free = held < cap
    lowest = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, to[placed], scores[placed])
    justified = free[pp] | (lowest[pp] < score)
    pe, pp, rank, score = pe[justified], pp[justified], rank[justified], score[justified]
    order = np.lexsort((ctx.position_id[pp], rank, ctx.nip[pe]))
    pe, pp, rank, score = pe[order], pp[order], rank[order], score[order]

    allowed = np.isin(ctx.key(pe, pp), ctx.key(compiled.e, compiled.p))
    exempt = _exempt(compiled, to)
    holders = _holders(ctx, to, scores, pp)
    fails = {
        int(i): rule_failures(ctx, int(pe[i]), pp[i : i + 1])[0] for i in np.flatnonzero(~allowed)
    }
    pins = dict(policy.pins)
    budget_total = budget
    resolved = 0
    objective = int(solution.objective or 0)

    out: list[EnvyPair] = []
    for i in range(len(pe)):
        e, p = int(pe[i]), int(pp[i])
        nip, pid = str(ctx.nip[e]), str(ctx.position_id[p])
        below = [h for h in holders.get(p, []) if h[0] < int(score[i])]
        open_below = [h for h in below if not exempt[h[2]]]
        holder = None if free[p] else (open_below or below)[0]
        base = EnvyPair(
            nip=nip,
            position_id=pid,
            preference_rank=int(rank[i]),
            outcome=str(ctx.position_id[to[e]]) if to[e] >= 0 else "",
            outcome_rank=int(out_rank[e]) or None,
            score=int(score[i]),
            holder=None if holder is None else holder[1],
            holder_score=None if holder is None else holder[0],
            allowed=bool(allowed[i]),
            rule=None,
            reason="",
        )
        rule, reason = _static_reason(ctx, compiled, pins, e, p, fails.get(i))
        if rule is None and holder is not None and not open_below:
            if pins.get(holder[1]) == pid:
                rule, reason = "G01", t("rule.G01.holder_pinned", holder=holder[1], position_id=pid)
            else:
                rule, reason = "G07", t("rule.G07.holder_kept", holder=holder[1])
        if rule is not None:
            out.append(replace(_with(base, rule, reason), blocked=True))
            continue
        notes = tuple(g_notes(ctx, policy, to, e, p, _ENVY_NOTES))
        if budget <= 0:
            out.append(
                _with(
                    base,
                    None,
                    t("analysis.fairness.unexplained", limit=budget_total),
                    notes=notes,
                )
            )
            continue
        budget -= 1
        resolved += 1
        status, pinned = objective_with_pin(compiled, policy, e, p)
        if pinned is not None:
            loss = objective - pinned
            text = t("analysis.fairness.objective_loss", nip=nip, position_id=pid, loss=loss)
            out.append(_with(base, "objective", text, loss=loss, notes=notes))
            continue
        rule, reason = _infeasible_reason(dataset, policy, status, nip, pid, notes)
        out.append(_with(base, rule, reason, notes=notes))
    return out, resolved


def _with(
    base: EnvyPair,
    rule: str | None,
    reason: str,
    *,
    loss: int | None = None,
    notes: tuple[str, ...] = (),
) -> EnvyPair:
    return replace(base, rule=rule, reason=reason, objective_loss=loss, notes=notes)


def _exempt(compiled: Compiled, to: np.ndarray) -> np.ndarray:
    """Per employee: a holder whose seat rule X01 does not count (pinned, or fixed in place)."""
    n = compiled.ctx.n_employees
    pairs = np.bincount(compiled.e, minlength=n)
    stays = compiled.kind == STAY
    only_stay = np.zeros(n, dtype=bool)
    only_stay[compiled.e[stays]] = pairs[compiled.e[stays]] == 1
    pinned = np.zeros(n, dtype=bool)
    pinned[compiled.e[compiled.model.fixed]] = True
    return pinned | (only_stay & compiled.model.row_must & (to == compiled.ctx.cur))


def _holders(
    ctx: Context, to: np.ndarray, scores: np.ndarray, positions: np.ndarray
) -> dict[int, list[tuple[int, str, int]]]:
    """Holders (score, nip, index) of each of ``positions`` after the plan, lowest score first."""
    wanted = np.isin(to, positions)
    idx = np.flatnonzero(wanted)
    idx = idx[np.lexsort((ctx.nip[idx], scores[idx], to[idx]))]
    out: dict[int, list[tuple[int, str, int]]] = {}
    for h in idx.tolist():
        out.setdefault(int(to[h]), []).append((int(scores[h]), str(ctx.nip[h]), h))
    return out


def _static_reason(
    ctx: Context,
    compiled: Compiled,
    pins: dict[str, str],
    e: int,
    p: int,
    failures: list[Failure] | None,
) -> tuple[str | None, str]:
    """The rule that makes (e, p) impossible without solving: a pin, an R rule or G06."""
    nip = str(ctx.nip[e])
    if nip in pins and pins[nip] != ctx.position_id[p]:
        return "G01", t("rule.G01.pinned_reason", position_id=pins[nip])
    if failures is None:
        return None, ""
    if failures:
        return failures[0].rule, "; ".join(f"{f.rule} {f.text}" for f in failures)
    if compiled.must_move[e] and int(ctx.cur[e]) == p:
        months = int(ctx.tenure[e])
        return "G06", t("rule.G06.must_move", months=months, limit=ctx.policy.max_tenure_months)
    return "G01", t("rule.G01.not_allowed")


def _infeasible_reason(
    dataset: Dataset, policy: Policy, status: str, nip: str, pid: str, notes: tuple[str, ...]
) -> tuple[str, str]:
    """The G rule when e pinned to p has no plan: a note's rule, else the diagnosis's first."""
    lead = t("analysis.fairness.pinned_status", nip=nip, position_id=pid, status=status)
    if notes:
        return notes[0].split()[0], f"{notes[0]} ({lead})"
    found = diagnose(dataset, with_pin(policy, nip, pid), time_limit_s=_DIAGNOSIS_S)
    others = [] if found is None else [c for c in found.conflict if c.get("nip") != nip]
    if found is not None and others:
        return str(others[0]["rule"]), f"{others[0]['rule']} {found.text} ({lead})"
    return "infeasible", lead


# --- outcome distribution ----------------------------------------------------------------


def _distribution(
    ctx: Context, plan: pd.DataFrame, to: np.ndarray, scores: np.ndarray
) -> dict[str, tuple[GroupOutcome, ...]]:
    n = ctx.n_employees
    all_e = np.arange(n, dtype=np.int64)
    cur = ctx.cur
    held = cur >= 0
    placed = to >= 0
    jpm_before = np.full(n, np.nan)
    num, den = ctx.jpm_parts(all_e[held], cur[held])
    jpm_before[held] = 100.0 * num / den
    jpm_after = np.full(n, np.nan)
    num, den = ctx.jpm_parts(all_e[placed], to[placed])
    jpm_after[placed] = 100.0 * num / den
    ref = np.where(held, cur, to)
    units = np.append(ctx.unit_names[ctx.unit], NONE)
    classes = np.append(ctx.job_class, NONE)
    emp = ctx.dataset.employees
    frame = pd.DataFrame(
        {
            "unit": units[ref],
            "grade": emp["grade"].replace("", NONE).to_numpy(dtype=object),
            "gender": emp["gender"].replace("", NONE).to_numpy(dtype=object),
            "job_class": classes[ref],
            "moved": moved(ctx, to),
            "stayed": placed & (to == cur),
            "new_placements": placed & ~held,
            "unplaced": ~placed,
            "jpm_before": jpm_before,
            "jpm_after": jpm_after,
            "preferences_met": plan["preference_rank"].notna().to_numpy(dtype=bool),
            "score": scores,
        }
    )
    groupings = [g for g in GROUPINGS if g != "gender" or (emp["gender"] != "").any()]
    out: dict[str, tuple[GroupOutcome, ...]] = {}
    for grouping in groupings:
        rows = []
        for key, part in frame.groupby(grouping, sort=True):
            rows.append(
                GroupOutcome(
                    group=str(key),
                    employees=len(part),
                    moved=int(part["moved"].sum()),
                    stayed=int(part["stayed"].sum()),
                    new_placements=int(part["new_placements"].sum()),
                    unplaced=int(part["unplaced"].sum()),
                    mean_jpm_before=_mean(part["jpm_before"]),
                    mean_jpm_after=_mean(part["jpm_after"]),
                    preferences_met=int(part["preferences_met"].sum()),
                    mean_score=round(float(part["score"].mean()), 2),
                )
            )
        out[grouping] = tuple(rows)
    return out


def _mean(values: pd.Series) -> float | None:
    known = values.dropna()
    return None if known.empty else round(float(known.mean()), 2)
