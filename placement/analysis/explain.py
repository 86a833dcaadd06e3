"""Explanations of a finished plan: why a person got a placement, and who a position could take.

Every claim is a rule id with the values that failed, or a number found by re-solving: "the
plan is better by N points" is the plan objective minus the objective of the same problem with
the person pinned to that position, and a counterfactual is a single change to the data or the
policy after which a re-solve gives the person a better-scoring position.

Only what a question needs is solved again: the problem is compiled once per explanation (or
the solved run's model is reused) and each pinned alternative is that model with one pair fixed,
not a new solve from the data. Counterfactuals change the data or the policy, so each is a whole
solve: they are computed on request (``counterfactuals=True``), and the explanation says whether
they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import numpy as np
import pandas as pd

from placement.analysis.whatif import (
    Failure,
    g_notes,
    objective_with_pin,
    plan_of,
    planned_positions,
    rule_failures,
    with_pin,
)
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.contract.readers import dataset_from_tables
from placement.engine import Solution, solve
from placement.errors import PlacementError
from placement.i18n import Message, t
from placement.model.compile import Compiled, compile_model
from placement.model.rules import ABOLISHED, MOVE, NEW, R_RULES, STAY, Context, build_context
from placement.model.scoring import jpm_text, score_pairs
from placement.runs.record import dataset_rows

#: Statuses that carry a plan.
_SOLVED = ("OPTIMAL", "FEASIBLE")
#: Weight changes tried as counterfactuals, in order: (term, factor).
_WEIGHT_CHANGES: tuple[tuple[str, Decimal], ...] = (
    ("preference", Decimal(2)),
    ("performance", Decimal(2)),
    ("jpm", Decimal(2)),
)
_KIND_NAME = {STAY: "stay", MOVE: "move", NEW: "new"}
#: How a kind of placement reads (literal keys, see the catalogs).
_KIND_KEY = {
    "stay": "explain.kind.stay",
    "move": "explain.kind.move",
    "new": "explain.kind.new",
    "unplaced": "explain.kind.unplaced",
}
#: G rules an allowed alternative is checked against, in note order.
_ALTERNATIVE_NOTES = ("G02", "G03")


@dataclass(frozen=True)
class Alternative:
    """A position the person did not get, and why.

    ``blocked_by`` lists the rules that make it impossible. When it is empty, the placement is
    allowed: ``holders`` hold it in the plan, and re-solving with the person pinned there gives
    ``pinned_status`` and ``pinned_objective``; ``better_by`` is the plan objective minus the
    pinned one (``None`` when the pinned problem has no plan). ``notes`` name G rules involved.
    """

    position_id: str
    kind: str
    preference_rank: int | None
    score: int
    jpm: str
    blocked_by: tuple[Failure, ...]
    holders: tuple[str, ...] = ()
    pinned_status: str | None = None
    pinned_objective: int | None = None
    better_by: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """No R rule blocks the placement."""
        return not self.blocked_by

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "position_id": self.position_id,
            "kind": self.kind,
            "preference_rank": self.preference_rank,
            "score": self.score,
            "jpm": self.jpm,
            "allowed": self.allowed,
            "blocked_by": [f.to_dict() for f in self.blocked_by],
            "holders": list(self.holders),
            "pinned_status": self.pinned_status,
            "pinned_objective": self.pinned_objective,
            "better_by": self.better_by,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Counterfactual:
    """A single verified change after which the person gets a better-scoring position."""

    change: str
    detail: dict[str, Any]
    position_id: str
    score: int
    objective: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "change": self.change,
            "detail": dict(self.detail),
            "position_id": self.position_id,
            "score": self.score,
            "objective": self.objective,
        }


@dataclass(frozen=True)
class PersonExplanation:
    """Why an employee got their placement (see :func:`explain_person`)."""

    nip: str
    name: str
    from_position: str
    to_position: str
    kind: str
    terms: dict[str, Any]
    objective: int
    alternatives: tuple[Alternative, ...]
    counterfactual: Counterfactual | None
    counterfactuals_tried: int
    counterfactuals_computed: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "nip": self.nip,
            "name": self.name,
            "from_position": self.from_position,
            "to_position": self.to_position,
            "kind": self.kind,
            "terms": dict(self.terms),
            "objective": self.objective,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "counterfactual": self.counterfactual.to_dict() if self.counterfactual else None,
            "counterfactuals_tried": self.counterfactuals_tried,
            "counterfactuals_computed": self.counterfactuals_computed,
        }

    def text(self) -> str:
        """A readable account."""
        who = f"{self.name} ({self.nip})" if self.name else self.nip
        terms = self.terms
        origin = self.from_position or "—"
        if self.kind == "unplaced":
            head = t("explain.person.unplaced", who=who, origin=origin)
        else:
            head = t(
                "explain.person.head",
                who=who,
                kind=Message(_KIND_KEY[self.kind]),
                origin=origin,
                to=self.to_position,
                score=terms["score"],
                jpm=Decimal(terms["jpm"]),
                preference=terms["preference"],
                stay=terms["stay"],
                performance=terms["performance"],
                fill=terms["fill"],
                displaced=terms["displaced"],
            )
        lines = [head]
        for a in self.alternatives:
            kind = Message(_KIND_KEY[a.kind])
            lead = "  " + (
                t("explain.alternative.ranked", position_id=a.position_id, kind=kind,
                  rank=a.preference_rank, score=a.score)
                if a.preference_rank
                else t("explain.alternative.lead", position_id=a.position_id, kind=kind,
                       score=a.score)
            )  # fmt: skip
            if a.blocked_by:
                lines.append(lead + "; ".join(f"{f.rule} {f.text}" for f in a.blocked_by))
                continue
            holders = ", ".join(a.holders) or t("explain.nobody")
            if a.better_by is None:
                verdict = t("explain.alternative.pinned_status", status=str(a.pinned_status))
            else:
                verdict = t("explain.alternative.better_by", points=a.better_by)
            notes = f" ({'; '.join(a.notes)})" if a.notes else ""
            lines.append(lead + t("explain.alternative.allowed", holders=holders, verdict=verdict))
            lines[-1] += notes
        cf = self.counterfactual
        if not self.counterfactuals_computed:
            lines.append("  " + t("explain.counterfactual.not_computed"))
        elif cf is None:
            lines.append("  " + t("explain.counterfactual.none", tried=self.counterfactuals_tried))
        else:
            lines.append(
                "  "
                + t(
                    "explain.counterfactual.found",
                    change=cf.change,
                    position_id=cf.position_id,
                    score=cf.score,
                    objective=cf.objective,
                )
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Candidate:
    """An eligible employee for a position, with the score of that placement."""

    nip: str
    name: str
    kind: str
    score: int
    jpm: str
    preference_rank: int | None
    placed_there: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PositionExplanation:
    """Who holds a position and who could (see :func:`explain_position`)."""

    position_id: str
    title: str
    unit: str
    state: str
    capacity: int
    holders_before: tuple[str, ...]
    holders_after: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    excluded: dict[str, int]
    excluded_nips: dict[str, tuple[str, ...]]
    shortlist: bool
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "position_id": self.position_id,
            "title": self.title,
            "unit": self.unit,
            "state": self.state,
            "capacity": self.capacity,
            "holders_before": list(self.holders_before),
            "holders_after": list(self.holders_after),
            "candidates": [c.to_dict() for c in self.candidates],
            "excluded": dict(self.excluded),
            "excluded_nips": {k: list(v) for k, v in self.excluded_nips.items()},
            "shortlist": self.shortlist,
            "note": self.note,
        }

    def text(self) -> str:
        """A readable account."""
        lines = [
            t(
                "explain.position.head",
                position_id=self.position_id,
                title=self.title,
                unit=self.unit,
                state=self.state,
                capacity=self.capacity,
            ),
            "  " + t("explain.position.before", holders=", ".join(self.holders_before) or "—"),
            "  " + t("explain.position.after", holders=", ".join(self.holders_after) or "—"),
        ]
        if self.note:
            lines.append(f"  {self.note}")
        lines.append(
            "  " + t("explain.position.shortlist" if self.shortlist else "explain.position.top")
        )
        for i, c in enumerate(self.candidates, 1):
            mark = " *" if c.placed_there else ""
            fields = {
                "name": c.name or c.nip,
                "nip": c.nip,
                "kind": Message(_KIND_KEY[c.kind]),
                "score": c.score,
                "jpm": Decimal(c.jpm),
            }
            line = (
                t("explain.position.candidate_ranked", rank=c.preference_rank, **fields)
                if c.preference_rank
                else t("explain.position.candidate", **fields)
            )
            lines.append(f"  {i:>3}. {line}{mark}")
        excl = ", ".join(f"{r} {n}" for r, n in self.excluded.items() if n)
        lines.append("  " + t("explain.position.excluded", rules=excl or Message("rule.none")))
        return "\n".join(lines)


# --- helpers ------------------------------------------------------------------------------


def _context(dataset: Dataset, policy: Policy, solution: Solution) -> Context:
    if solution.compiled is not None:
        return solution.compiled.ctx
    return build_context(dataset, policy)


def _index(values: np.ndarray, key: str, what: str) -> int:
    hits = np.flatnonzero(values == key)
    if not len(hits):
        raise PlacementError(t(what, value=repr(key)))
    return int(hits[0])


def _arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _score_of(plan: pd.DataFrame, nip: str) -> tuple[str, int]:
    row = plan.loc[plan["nip"] == nip].iloc[0]
    return str(row["to_position"]), int(row["score"])


def _months_before(date: dt.date, months: int) -> dt.date:
    """The latest start date that gives at least ``months`` whole months at ``date``."""
    total = date.year * 12 + date.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, min(date.day, 28))


# --- explain a person ------------------------------------------------------------------


def explain_person(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    nip: str,
    *,
    top: int = 5,
    counterfactuals: bool = True,
) -> PersonExplanation:
    """Explain the placement of employee ``nip`` in ``solution``.

    Parameters
    ----------
    dataset, policy, solution
        The problem and its solved plan.
    nip
        The employee.
    top
        How many of the best-scoring positions the employee did not get to explain, besides
        every preferred position (unit targets expand to their positions).
    counterfactuals
        Search for the first single change that gives the employee a better position (one
        whole solve per change tried); without it the explanation says they were not computed.
    """
    plan = plan_of(solution)
    objective = int(solution.objective or 0)
    ctx = _context(dataset, policy, solution)
    e = _index(ctx.nip, nip, "explain.unknown_nip")
    to_pid, score_now = _score_of(plan, nip)
    cur = int(ctx.cur[e])
    from_pid = str(ctx.position_id[cur]) if cur >= 0 else ""
    m = ctx.n_positions
    all_p = np.arange(m, dtype=np.int64)
    es = np.full(m, e, dtype=np.int64)
    kinds = np.where(all_p == cur, STAY, MOVE if cur >= 0 else NEW).astype(np.int64)
    terms = score_pairs(ctx, es, all_p, kinds)
    jpms = jpm_text(terms.num, terms.den)

    to = _index(ctx.position_id, to_pid, "explain.unknown_position") if to_pid else -1
    if to >= 0:
        kind = _KIND_NAME[int(kinds[to])]
        held = {
            "score": int(terms.score[to]),
            "jpm": jpms[to],
            "jpm_num": int(terms.num[to]),
            "jpm_den": int(terms.den[to]),
            "preference": int(terms.preference[to]),
            "preference_rank": int(terms.rank[to]) or None,
            "stay": int(terms.stay[to]),
            "performance": int(terms.performance[to]),
            "fill": int(terms.fill[to]),
            "displaced": int(terms.displaced[to]),
        }
    else:
        kind, held = "unplaced", {"score": 0}

    preferred = all_p[terms.rank > 0]
    preferred = preferred[np.lexsort((preferred, terms.rank[preferred]))]
    others = all_p[(all_p != to) & (terms.rank == 0)]
    others = others[np.lexsort((others, -terms.score[others]))][:top]
    chosen = [int(p) for p in preferred if p != to] + [int(p) for p in others]
    ps = np.array(chosen, dtype=np.int64)
    fails = rule_failures(ctx, e, ps)
    pinned_to = dict(policy.pins).get(nip)
    to_index = planned_positions(ctx, plan)

    alternatives = []
    compiled: Compiled | None = None
    for p, blocked in zip(chosen, fails, strict=True):
        pid = str(ctx.position_id[p])
        if pinned_to is not None and pinned_to != pid:
            blocked = [Failure("G01", t("rule.G01.pinned", position_id=pinned_to)), *blocked]
        base = Alternative(
            position_id=pid,
            kind=_KIND_NAME[int(kinds[p])],
            preference_rank=int(terms.rank[p]) or None,
            score=int(terms.score[p]),
            jpm=jpms[p],
            blocked_by=tuple(blocked),
        )
        if blocked:
            alternatives.append(base)
            continue
        compiled = compiled or _whole_model(ctx, solution)
        pinned_status, pinned_objective = _pinned(dataset, policy, compiled, e, p)
        better = objective - pinned_objective if pinned_objective is not None else None
        alternatives.append(
            dataclasses.replace(
                base,
                holders=tuple(plan.loc[plan["to_position"] == pid, "nip"].tolist()),
                pinned_status=pinned_status,
                pinned_objective=pinned_objective,
                better_by=better,
                notes=tuple(g_notes(ctx, ctx.policy, to_index, e, p, _ALTERNATIVE_NOTES)),
            )
        )

    cf, tried = None, 0
    if counterfactuals:
        cf, tried = _counterfactual(dataset, policy, solution, ctx, e, score_now, ps)
    return PersonExplanation(
        nip=nip,
        name=str(dataset.employees["name"].iat[e]),
        from_position=from_pid,
        to_position=to_pid,
        kind=kind,
        terms=held,
        objective=objective,
        alternatives=tuple(alternatives),
        counterfactual=cf,
        counterfactuals_tried=tried,
        counterfactuals_computed=counterfactuals,
    )


def _whole_model(ctx: Context, solution: Solution) -> Compiled:
    """The model of the problem with every allowed pair: the solved run's own when it has one
    (and no previous plan weighs on it), else compiled once from the context."""
    known = solution.compiled
    if known is not None and known.space is None and known.previous is None:
        return known
    return compile_model(ctx)


def _pinned(
    dataset: Dataset, policy: Policy, compiled: Compiled, e: int, p: int
) -> tuple[str, int | None]:
    """Status and objective of the problem with employee e pinned to position p.

    When the pair is in the model, pinning it is fixing it there (the model is not compiled
    again); a pair the model leaves out (a stay that forced rotation removes) is solved whole
    under the policy with the pin.
    """
    if np.any((compiled.e == e) & (compiled.p == p)):
        return objective_with_pin(compiled, policy, e, p)
    ctx = compiled.ctx
    solution = solve(dataset, with_pin(policy, str(ctx.nip[e]), str(ctx.position_id[p])))
    return str(solution.status), solution.objective


def _counterfactual(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    ctx: Context,
    e: int,
    score_now: int,
    ps: np.ndarray,
) -> tuple[Counterfactual | None, int]:
    """The first single change, in a fixed order, that gives e another, better-scoring position.

    "Better-scoring" compares e's score in the re-solved plan with e's score now.
    """
    nip = str(ctx.nip[e])
    to_pid = _score_of(plan_of(solution), nip)[0]
    tried = 0
    for change, detail, ds, pol in _changes(dataset, policy, ctx, e, ps):
        tried += 1
        sol = solve(ds, pol)
        if sol.plan is None or sol.objective is None:
            continue
        pid, score = _score_of(sol.plan, nip)
        if pid and pid != to_pid and score > score_now:
            return Counterfactual(change, detail, pid, score, int(sol.objective)), tried
    return None, tried


def _changes(
    dataset: Dataset, policy: Policy, ctx: Context, e: int, ps: np.ndarray
) -> list[tuple[str, dict[str, Any], Dataset, Policy]]:
    """Candidate single changes, smallest first: competency +1, tenure, jpm_floor, a weight."""
    nip = str(ctx.nip[e])
    out: list[tuple[str, dict[str, Any], Dataset, Policy]] = []
    pids = set(ctx.position_id[ps].tolist())
    req = dataset.requirements[dataset.requirements["position_id"].isin(pids)]
    comp = dataset.competencies
    mine = comp[comp["nip"] == nip]
    have = dict(zip(mine["competency"], mine["level"], strict=True))
    need: dict[str, int] = {}
    for c, lv in zip(req["competency"], req["level"], strict=True):
        need[c] = max(need.get(c, 0), int(lv))
    for c in sorted(need):
        level = int(have.get(c, 0))
        if level >= need[c]:
            continue
        tables = dataset_rows(dataset)
        rows = [r for r in tables["competencies"] if not (r["nip"] == nip and r["competency"] == c)]
        tables["competencies"] = [*rows, {"nip": nip, "competency": c, "level": str(level + 1)}]
        detail = {"competency": c, "from": level, "to": level + 1}
        change = t("explain.change.competency", competency=c, level=level, to=level + 1)
        out.append((change, detail, _rebuild(tables), policy))

    if ctx.cur[e] >= 0 and not ctx.employee_rules(_arr(e))["R04"][0]:
        since = _months_before(policy.reference_date, policy.min_tenure_months)
        tables = dataset_rows(dataset)
        for row in tables["employees"]:
            if row["nip"] == nip:
                row["position_since"] = since.isoformat()
        change = t("explain.change.position_since", since=since)
        out.append((change, {"position_since": since.isoformat()}, _rebuild(tables), policy))

    es = np.full(len(ps), e, dtype=np.int64)
    masks = ctx.rule_masks(es, ps)
    num, den = ctx.jpm_parts(es, ps)
    floors = set()
    for i in np.flatnonzero(~masks["R07"]):
        jpm = (Decimal(100) * int(num[i]) / Decimal(int(den[i]))).quantize(
            Decimal("0.001"), rounding=ROUND_FLOOR
        )
        floors.add(jpm)
    for floor in sorted(floors, reverse=True):
        pol = dataclasses.replace(policy, jpm_floor=floor)
        text = f"{floor.normalize():f}"
        change = t("explain.change.jpm_floor", floor=policy.jpm_floor, to=Decimal(text))
        out.append((change, {"jpm_floor": text}, dataset, pol))

    for term, factor in _WEIGHT_CHANGES:
        weights = dict(policy.weights)
        weights[term] = weights[term] * factor
        pol = dataclasses.replace(policy, weights=weights)
        detail = {"weight": term, "from": str(policy.weights[term]), "to": str(weights[term])}
        change = t("explain.change.weight", term=term, weight=policy.weights[term],
                   to=weights[term])  # fmt: skip
        out.append((change, detail, dataset, pol))
    return out


def _rebuild(tables: dict[str, list[dict[str, Any]]]) -> Dataset:
    return dataset_from_tables(tables)  # validated again like any input


# --- explain a position -----------------------------------------------------------------


def explain_position(
    dataset: Dataset, policy: Policy, solution: Solution, position_id: str, *, top: int = 10
) -> PositionExplanation:
    """Explain position ``position_id``: holders, top eligible candidates, rule exclusions.

    A candidate is an employee whose stay there, or whose move or new placement there, is
    allowed by the R rules (R09/R11 for a stay). For a ``JPT_*`` position the top candidates
    are the shortlist of the open selection, scored as if R10 did not apply.
    """
    plan = plan_of(solution)
    ctx = _context(dataset, policy, solution)
    p = _index(ctx.position_id, position_id, "explain.unknown_position")
    n = ctx.n_employees
    es = np.arange(n, dtype=np.int64)
    ps = np.full(n, p, dtype=np.int64)
    stay = ctx.cur == p
    kinds = np.where(stay, STAY, np.where(ctx.cur >= 0, MOVE, NEW)).astype(np.int64)
    masks = ctx.rule_masks(es, ps)
    jpt = bool(ctx.is_jpt[p])
    considered = [r for r in R_RULES if not (jpt and r == "R10")]
    ok = np.ones(n, dtype=bool)
    for r in considered:
        ok &= masks[r]
    forbidden = np.isin(ctx.key(es, ps), ctx.forbid_keys)
    stay_ok = stay & (ctx.state[p] != ABOLISHED) & ~forbidden
    eligible = np.where(stay, stay_ok, ok)
    pinned = {a: b for a, b in policy.pins}
    for i, nip in enumerate(ctx.nip.tolist()):
        if nip in pinned:
            eligible[i] = pinned[nip] == position_id

    terms = score_pairs(ctx, es, ps, kinds)
    jpms = jpm_text(terms.num, terms.den)
    cand = np.flatnonzero(eligible)
    cand = cand[np.lexsort((ctx.nip[cand], -terms.score[cand]))][:top]
    after = plan.loc[plan["to_position"] == position_id, "nip"].tolist()
    names = dataset.employees["name"].to_numpy(dtype=object)
    candidates = tuple(
        Candidate(
            nip=str(ctx.nip[i]),
            name=str(names[i]),
            kind=_KIND_NAME[int(kinds[i])],
            score=int(terms.score[i]),
            jpm=jpms[i],
            preference_rank=int(terms.rank[i]) or None,
            placed_there=str(ctx.nip[i]) in after,
        )
        for i in cand
    )
    movers = ~stay
    excluded = {r: int((movers & ~masks[r]).sum()) for r in R_RULES}
    excluded_nips = {r: tuple(ctx.nip[movers & ~masks[r]].tolist()) for r in R_RULES if excluded[r]}
    note = ""
    if jpt:
        job_class = str(ctx.job_class[p])
        note = (
            t("explain.position.jpt", job_class=job_class)
            if policy.allow_jpt
            else t("explain.position.jpt_closed", job_class=job_class)
        )
    row = dataset.positions.iloc[p]
    return PositionExplanation(
        position_id=position_id,
        title=str(row["title"]),
        unit=str(row["unit"]),
        state=str(row["state"]),
        capacity=int(row["capacity"]),
        holders_before=tuple(ctx.nip[stay].tolist()),
        holders_after=tuple(after),
        candidates=candidates,
        excluded=excluded,
        excluded_nips=excluded_nips,
        shortlist=jpt,
        note=note,
    )
