"""Compile a dataset and a policy into the neutral assignment model of ``solvers``.

Rows are employees, columns positions, pairs the placements the R rules allow (plus stays and
pins), weighted by their exact integer score. The G rules become the model's generic parts:

* G01 — a row takes at most one pair; a pin is a fixed pair (and the pinned row's only pair);
* G02 — column capacities;
* G03 — per related couple and shared unit: at most one of them ends there (side constraint);
  the model merges the couples of a unit that are all related to one another (a household)
  into one constraint per clique, which says the same for integer plans and more for the LP;
* G04 — at most ``max_moves`` move pairs (side constraint);
* G05 — per unit, at most ⌊f·headcount⌋ of its counted members take a pair outside it;
* G06 — an overdue employee who can move loses the stay pair and must be placed;
* G07 — holders of non-abolished positions must be placed;
* X01 (extension, policy ``no_justified_envy``) — no justified envy over allowed pairs
  (:mod:`placement.model.envy`).

Side constraints that can never bind are left out, so a model without binding G03–G05 rules
stays a pure assignment that min-cost flow solves exactly.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from placement.errors import PlacementError
from placement.i18n import t
from placement.model.envy import envy_constraints
from placement.model.rules import (
    ABOLISHED,
    I64,
    MOVE,
    NEW,
    STAY,
    B,
    Context,
    index_of,
    jpm_at_least,
)
from placement.model.scoring import Terms, score_pairs, with_moves
from placement.model.space import MoveSpace, build_space
from solvers.model import AssignmentModel, SideConstraint

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Compiled:
    """A compiled model and the meaning of its pairs.

    ``e``, ``p``, ``kind`` and ``terms`` have one entry per model pair. ``conflicts`` lists
    contradictions found while compiling (a pin the G rules forbid); when it is not empty the
    model is infeasible and is not handed to a solver.
    """

    ctx: Context
    model: AssignmentModel
    e: I64
    p: I64
    kind: I64
    terms: Terms
    must_move: B
    conflicts: tuple[str, ...]
    #: per employee, the previous plan's position (-1 unplaced there, -2 not in it or its
    #: position no longer exists); None without a previous plan.
    previous: I64 | None = None
    #: for a restricted model (the pairs are some of the allowed ones), the implicit space of
    #: every allowed move, to price the rest against the model's duals; None when the model
    #: holds every allowed pair.
    space: MoveSpace | None = None
    #: for a restricted model, each pair's membership in ``space`` (-1: not a space pair).
    mem: I64 | None = None
    #: for a restricted model, the number of pairs of the whole model.
    all_pairs: int | None = None
    #: with the fewest-changes tie-break (see :func:`fewest_changes_weights`), the factor the
    #: primary weights are multiplied by and the least tie-break total a plan can have; a model
    #: objective W reads back as the primary objective ``(W - tie_offset) // tie_scale``.
    tie_scale: int = 1
    tie_offset: int = 0

    def primary(self, value: int | None) -> int | None:
        """A model objective or bound read back on the primary objective (see ``tie_scale``)."""
        if value is None or self.tie_scale == 1:
            return value
        return (value - self.tie_offset) // self.tie_scale


def candidate_moves(ctx: Context) -> tuple[I64, I64]:
    """Every move and new placement (e, p) that passes R01–R11, sorted by (e, p).

    Positions that agree on every attribute R05, R06 and R08 read form a group, tested once
    against the employees who pass R01–R04; within a group, the survivors are tested for R07
    once per requirement profile, then expanded to that profile's positions.
    """
    movers, targets = _movers_targets(ctx)
    if not len(movers) or not len(targets):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    retire_ok = {
        int(b): ctx.retirement_ok(movers, np.full(len(movers), b)) for b in np.unique(ctx.bup)
    }
    floor = ctx.jpm_floor_milli
    es: list[I64] = []
    ps: list[I64] = []
    for members in _groups(ctx, targets):
        rep = np.full(len(movers), members[0], dtype=np.int64)
        ok = ctx.grade_ok(movers, rep) & ctx.education_ok(movers, rep)
        ok &= retire_ok[int(ctx.bup[members[0]])]
        sel = movers[ok]
        if not len(sel):
            continue
        prof = ctx.profile[members]
        for k in np.unique(prof).tolist():
            positions = members[prof == k]
            chosen = sel
            if k >= 0:
                num = ctx.profile_num(k, sel)
                chosen = sel[jpm_at_least(num, np.full_like(num, ctx.profile_den[k]), floor)]
            if len(chosen):
                es.append(np.repeat(chosen, len(positions)))
                ps.append(np.tile(positions, len(chosen)))
    if not es:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e = np.concatenate(es)
    p = np.concatenate(ps)
    keep = (p != ctx.cur[e]) & ~np.isin(ctx.key(e, p), ctx.forbid_keys)
    e, p = e[keep], p[keep]
    order = np.argsort(ctx.key(e, p), kind="stable")
    return e[order], p[order]


def _movers_targets(ctx: Context) -> tuple[I64, I64]:
    """Employees passing R01–R04 and positions passing R09–R10."""
    all_e = np.arange(ctx.n_employees, dtype=np.int64)
    all_p = np.arange(ctx.n_positions, dtype=np.int64)
    emp_ok = np.logical_and.reduce(list(ctx.employee_rules(all_e).values()))
    pos_ok = np.logical_and.reduce(list(ctx.position_rules(all_p).values()))
    return all_e[emp_ok], all_p[pos_ok]


def _groups(ctx: Context, targets: I64) -> list[I64]:
    """Positions of ``targets`` grouped by the attributes R05, R06 and R08 read."""
    attrs = np.stack(
        [
            ctx.gmin[targets],
            ctx.gmax[targets],
            ctx.graded_only[targets].astype(np.int64),
            ctx.min_edu[targets],
            ctx.fields_id[targets],
            ctx.bup[targets],
        ],
        axis=1,
    )
    # Rows in lexicographic order, equal rows in target order (a stable sort of the rows, as
    # numbering them by np.unique would give, without its structured-row sort).
    order = np.lexsort(attrs.T[::-1])
    bounds = np.flatnonzero((np.diff(attrs[order], axis=0) != 0).any(axis=1)) + 1
    return np.split(targets[order], bounds)


#: Moves per employee (best scores first) and positions per cell in a first restricted model,
#: and the most moves per employee one pricing round adds.
FIRST_MOVES = 4
FIRST_POSITIONS = 1
PRICED_MOVES = 64


def is_pure(ctx: Context, previous: Mapping[str, str] | None = None) -> bool:
    """True when the policy can give no side constraint, there is no previous plan to compare
    with, and the model's weights are the scores."""
    pol = ctx.policy
    rel = ctx.dataset.relations
    return (
        pol.max_moves is None
        and pol.max_unit_outflow is None
        and not (pol.separate_relations and bool(rel["kind"].isin(pol.separate_relations).any()))
        and not pol.no_justified_envy
        and previous is None
    )


#: Largest magnitude a model objective may reach: every back-end, including those that compute
#: in floating point, represents integers up to 2**53 exactly.
EXACT_LIMIT = 2**53


def fewest_changes_weights(weight: I64, e: I64, p: I64, prev: I64) -> tuple[I64, int, int]:
    """Weights whose optimum is lexicographic: the best ``weight`` total first, then the fewest
    employees placed differently from ``prev`` (per employee, -1 unplaced, -2 not counted).

    Returns ``(weight · M + keep, M, K_min)``. ``keep`` is +1 on the pair that keeps an
    employee's previous position and −1 on every pair of someone previously unplaced, so a
    plan's keep total is K = (unchanged employees) − u, u the number previously unplaced. K
    ranges over [−u, k] with k the number previously placed, so any two plans' K differ by at
    most u + k = n, the employees with a previous placement, and M = n + 1.

    Why exact: let a plan x have primary total S(x) and tie total K(x), both integers, and
    W(x) = M·S(x) + K(x). If S(x) > S(y) then S(x) ≥ S(y) + 1, so W(x) − W(y) ≥ M − n = 1 > 0:
    no gain in K ever buys a point of S, and a plan maximising W has the optimal S. Among plans
    with that S, W orders them by K, that is by the fewest changes. Read back, the primary
    total is S = ⌊(W − K_min)/M⌋ with K_min = −u, because 0 ≤ K − K_min ≤ n < M (and the same
    formula turns a bound on W into a bound on S).

    Raises
    ------
    PlacementError
        When the scaled objective could exceed :data:`EXACT_LIMIT`.
    """
    counted = prev != -2
    scale = int(counted.sum()) + 1
    offset = -int((prev == -1).sum())
    keep = np.where(prev[e] == p, 1, 0) - np.where(prev[e] == -1, 1, 0)
    largest = int(np.abs(weight).max(initial=0)) * scale + 1
    if largest * max(len(prev), 1) >= EXACT_LIMIT:
        raise PlacementError(t("rule.weights_too_large"))
    return (weight * scale + keep).astype(np.int64), scale, offset


def compile_model(
    ctx: Context,
    previous: Mapping[str, str] | None = None,
    *,
    restrict_above: int | None = None,
    fewest_changes: bool = False,
) -> Compiled:
    """Build the assignment model of ``ctx`` (see the module docstring).

    With ``restrict_above``, a pure assignment (:func:`is_pure`) is compiled from its move
    space (:mod:`placement.model.space`): whole when it has at most that many allowed moves (the
    same pairs as without it), otherwise *restricted* to stays, pins, preferred moves and
    each employee's best moves, with the space attached to price the rest; solve that with
    :func:`placement.engine.solve`.

    With a ``previous`` plan (nip → position_id, "" for unplaced) and a positive
    ``disruption_weight``, every employee whose placement differs from the previous plan costs
    ⌊10⁴·weight⌋ points in the model's weights (never in the scores): a bonus on the pair that
    keeps the previous placement, or a penalty on every pair of someone previously unplaced.

    With ``fewest_changes`` (and a ``previous`` plan), ties between optimal plans are broken
    by the fewest employees placed differently from it, exactly (:func:`fewest_changes_weights`):
    the optimum of the model weights is unchanged.
    """
    n, m = ctx.n_employees, ctx.n_positions
    pol = ctx.policy
    if restrict_above is not None and is_pure(ctx, previous):
        return _compile_restricted(ctx, restrict_above)
    # Every allowed pair, from the move space: its matrix products test R07 and give the JPM
    # of every move at once, where listing the moves group by group and scoring them again
    # took most of a large city's compile time.
    whole = _compile_restricted(ctx, None)
    e, p, kind, terms = whole.e, whole.p, whole.kind, whole.terms
    must_move, conflicts = whole.must_move, list(whole.conflicts)
    fixed = whole.model.fixed
    pinned = np.zeros(n, dtype=bool)
    pinned[e[fixed]] = True
    row_must = whole.model.row_must
    col_cap = whole.model.col_cap

    side = side_constraints(ctx, e, p, kind, cliques=True)
    if pol.no_justified_envy:
        side += envy_constraints(ctx, e, p, terms.rank, terms.score, pinned, col_cap)
    prev = None if previous is None else _previous_positions(ctx, previous)
    weight = terms.score
    if prev is not None and pol.disruption_weight > 0:
        penalty = int(pol.disruption_weight * 10_000)
        weight = weight + np.where(prev[e] == p, penalty, 0) - np.where(prev[e] == -1, penalty, 0)
    scale, offset = 1, 0
    if prev is not None and fewest_changes:
        weight, scale, offset = fewest_changes_weights(weight, e, p, prev)
    model = AssignmentModel(
        n_rows=n,
        n_cols=m,
        pair_row=e,
        pair_col=p,
        weight=weight,
        row_must=row_must,
        col_cap=col_cap,
        fixed=fixed,
        side=tuple(side),
    )
    log.debug("compiled %d pairs, %d side constraints", model.n_pairs, len(side))
    return Compiled(
        ctx, model, e, p, kind, terms, must_move, tuple(conflicts), prev,
        tie_scale=scale, tie_offset=offset,
    )  # fmt: skip


def _pins(ctx: Context) -> tuple[I64, I64]:
    """Employee and position index of every pin."""
    pins = ctx.policy.pins
    if not pins:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pe = index_of(pd.Index(ctx.nip), [a for a, _ in pins])
    pp = index_of(pd.Index(ctx.position_id), [b for _, b in pins])
    return pe, pp


def _compile_restricted(ctx: Context, restrict_above: int | None) -> Compiled:
    """The model of a pure assignment from its move space: restricted when it has more than
    ``restrict_above`` moves (``None``: never), else whole (every allowed pair, the same pairs
    as :func:`candidate_moves` with the stays and pins, JPM computed once)."""
    n = ctx.n_employees
    pe, pp = _pins(ctx)
    pinned = np.zeros(n, dtype=bool)
    pinned[pe] = True
    movers, targets = _movers_targets(ctx)
    # Sorted and deduplicated by one sort: numpy's hash-based unique is far slower on keys.
    excluded = np.sort(np.concatenate([ctx.forbid_keys, ctx.pref_keys]))
    excluded = excluded[np.r_[True, excluded[1:] != excluded[:-1]]] if len(excluded) else excluded
    space = build_space(
        ctx, movers, _groups(ctx, targets) if len(targets) else [], excluded, pinned
    )
    counts = space.move_counts()
    all_moves = int(counts[~pinned].sum())
    # Preferred moves keep their own (higher) score: always in the model.
    fe, fp = np.divmod(ctx.pref_keys, ctx.n_positions)
    ok = (fp != ctx.cur[fe]) & ~pinned[fe]
    if len(fe):
        # The employee and position rules first: the pair rules (JPM among them) are then
        # computed only for the preferences that pass them.
        ok &= np.logical_and.reduce(list(ctx.employee_rules(fe).values()))
        ok &= np.logical_and.reduce(list(ctx.position_rules(fp).values()))
    fe, fp = fe[ok], fp[ok]
    if len(fe):
        ok = ctx.pairs_pass(fe, fp)
        fe, fp = fe[ok], fp[ok]
    has_move = counts > 0
    must_move = (ctx.overdue() & has_move) if ctx.policy.force_rotation else np.zeros(n, dtype=bool)
    conflicts = [
        t("rule.G06.pinned_overdue", nip=str(ctx.nip[e]), position_id=str(ctx.position_id[p]))
        for e, p in zip(pe.tolist(), pp.tolist(), strict=True)
        if must_move[e] and ctx.cur[e] == p
    ]
    se = np.flatnonzero(ctx.stay_allowed() & ~must_move & ~pinned).astype(np.int64)
    complete = restrict_above is None or all_moves <= restrict_above
    if complete:
        ie, ip, imem = space.expand(np.arange(len(space.mem_e), dtype=np.int64))
    else:
        ie, ip, imem = space.initial(FIRST_MOVES, FIRST_POSITIONS)
    e = np.concatenate([ie, fe, se, pe])
    p = np.concatenate([ip, fp, ctx.cur[se], pp])
    mem = np.concatenate([imem, np.full(len(fe) + len(se) + len(pe), -1, dtype=np.int64)])
    compiled = assemble(ctx, space, e, p, mem, pinned, must_move, tuple(conflicts))
    if complete:
        return replace(compiled, space=None, mem=None)
    return replace(compiled, all_pairs=all_moves + len(se) + len(pe))


def assemble(
    ctx: Context,
    space: MoveSpace,
    e: I64,
    p: I64,
    mem: I64,
    pinned: B,
    must_move: B,
    conflicts: tuple[str, ...],
) -> Compiled:
    """A restricted pure model over the pairs (e, p) (``mem`` their memberships in ``space``,
    -1 for the others), sorted by (e, p)."""
    # Each (e, p) is listed once, so any sort gives the same order: numpy's default sort of
    # the keys took a third of the stable one's time on a 5,000-person city.
    order = np.argsort(ctx.key(e, p))
    e, p, mem = e[order], p[order], mem[order]
    cur = ctx.cur[e]
    kind = np.where(cur >= 0, MOVE, NEW)
    kind[p == cur] = STAY
    # The space already scored its memberships (unranked moves): only the other pairs
    # (stays, preferred moves, pins) are scored here.
    in_space = mem >= 0
    # Read for every pair at once (the others' entries, read at membership 0, are replaced):
    # cheaper than gathering the memberships' pairs out and scattering them back.
    if len(space.mem_e):
        held = np.maximum(mem, 0)
        (num, den), score = space.jpm(held), space.mem_score[held]
    else:  # no memberships: every pair is one of the others
        num = den = score = np.zeros(len(mem), dtype=np.int64)
    oe, op = e[~in_space], p[~in_space]
    others = score_pairs(ctx, oe, op, kind[~in_space], jpm=ctx.jpm_parts(oe, op))
    terms = with_moves(ctx, e, kind, in_space, num, den, score, others)
    col_cap = np.where(ctx.state == ABOLISHED, 0, ctx.capacity).astype(np.int64)
    row_must = ((ctx.cur >= 0) & (ctx.cur_state() != ABOLISHED)) | must_move | pinned
    model = AssignmentModel(
        n_rows=ctx.n_employees,
        n_cols=ctx.n_positions,
        pair_row=e,
        pair_col=p,
        weight=terms.score,
        row_must=row_must,
        col_cap=col_cap,
        fixed=np.flatnonzero(pinned[e]).astype(np.int64),
    )
    return Compiled(ctx, model, e, p, kind, terms, must_move, conflicts, None, space, mem)


def _previous_positions(ctx: Context, previous: Mapping[str, str]) -> I64:
    """Previous position index per employee: -1 unplaced, -2 unknown or not in the plan."""
    text = [previous.get(str(nip)) for nip in ctx.nip]
    found = index_of(pd.Index(ctx.position_id), [t or "" for t in text])
    given = np.array([t is not None for t in text], dtype=bool)
    unplaced = np.array([t == "" for t in text], dtype=bool)
    return np.where(found >= 0, found, np.where(given & unplaced, -1, -2)).astype(np.int64)


def side_constraints(
    ctx: Context, e: I64, p: I64, kind: I64, *, cliques: bool = False
) -> list[SideConstraint]:
    """G04, G05 and G03 over the pairs (e, p) of the given kinds, in that order.

    G03 gives one constraint per couple and unit (each an instance a diagnosis can name), or
    with ``cliques`` one per clique of couples in a unit (see :func:`relation_cliques`).
    """
    return _max_moves(ctx, e, kind) + _unit_outflow(ctx, e, p) + _relations(ctx, e, p, cliques)


def _max_moves(ctx: Context, e: I64, kind: I64) -> list[SideConstraint]:
    """G04: at most max_moves move pairs, unless fewer employees could move at all."""
    limit = ctx.policy.max_moves
    if limit is None:
        return []
    moves = np.flatnonzero(kind == MOVE).astype(np.int64)
    if len(np.unique(e[moves])) <= limit:
        return []
    return [SideConstraint(pairs=moves, rhs=limit, name="G04")]


def _unit_outflow(ctx: Context, e: I64, p: I64) -> list[SideConstraint]:
    """G05: per unit, counted members ending outside it ≤ ⌊f·headcount⌋.

    Counted members hold a non-abolished position of the unit, so G07 keeps them placed and
    "ending outside" is exactly taking a pair in another unit.
    """
    f = ctx.policy.max_unit_outflow
    if f is None:
        return []
    home, counted = outflow_homes(ctx)
    headcount = np.bincount(home[home >= 0], minlength=len(ctx.unit_names))
    leaving = np.flatnonzero(counted[e] & (ctx.unit[p] != home[e]))
    out: list[SideConstraint] = []
    if not len(leaving):
        return out
    units = home[e[leaving]]
    order = np.argsort(units, kind="stable")
    bounds = np.flatnonzero(np.diff(units[order])) + 1
    for chunk in np.split(leaving[order], bounds):
        u = int(home[e[chunk[0]]])
        limit = math.floor(f * int(headcount[u]))
        if len(np.unique(e[chunk])) > limit:
            out.append(SideConstraint(pairs=chunk.astype(np.int64), rhs=limit, name=f"G05:{u}"))
    return out


def outflow_homes(ctx: Context) -> tuple[I64, B]:
    """Per employee, the unit of the current position (-1 unplaced), and whether G05 counts
    them (they hold a position that is not abolished)."""
    placed = ctx.cur >= 0
    home = np.full(ctx.n_employees, -1, dtype=np.int64)
    home[placed] = ctx.unit[ctx.cur[placed]]
    return home, placed & (ctx.cur_state() != ABOLISHED)


def relation_cliques(couples: list[tuple[int, int]]) -> list[tuple[int, ...]]:
    """Cover the couples (edges) of one unit by cliques of people all related to one another.

    Each couple is in exactly one clique; a clique of k people replaces its k·(k−1)/2 pairwise
    constraints by one, valid because each person ends in at most one position. Greedy and
    deterministic: couples in sorted order, each grown by the people related to every member
    whose couples with the members are all still uncovered.
    """
    neighbours: dict[int, set[int]] = {}
    for a, b in couples:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    covered: set[tuple[int, int]] = set()
    out: list[tuple[int, ...]] = []
    for a, b in sorted(couples):
        if (a, b) in covered:
            continue
        members = [a, b]
        for c in sorted(neighbours[a] & neighbours[b]):
            if all(c in neighbours[x] and (min(c, x), max(c, x)) not in covered for x in members):
                members.append(c)
        members.sort()
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                covered.add((x, y))
        out.append(tuple(members))
    return out


def _relations(ctx: Context, e: I64, p: I64, cliques: bool = False) -> list[SideConstraint]:
    """G03: per separated couple and unit both could end in (not both already there): ≤ 1;
    with ``cliques``, per clique of such couples in a unit.

    Vectorised over couples and units: a dense city has hundreds of thousands of such rows, and
    building them one by one took longer than solving the model.
    """
    rel = ctx.dataset.relations
    rel = rel[rel["kind"].isin(ctx.policy.separate_relations)]
    if not len(rel):
        return []
    nip_index = pd.Index(ctx.nip)
    ra = index_of(nip_index, rel["nip_a"])
    rb = index_of(nip_index, rel["nip_b"])
    n_units = len(ctx.unit_names)
    # Pairs grouped by (employee, unit): group k holds pairs order[first[k]:first[k + 1]].
    eu = e * n_units + ctx.unit[p]
    order = np.argsort(eu, kind="stable").astype(np.int64)
    keys, first = np.unique(eu[order], return_index=True)
    first = np.append(first, len(order)).astype(np.int64)
    # Each couple with every unit of its first member, kept where the second has a pair too.
    lo = np.searchsorted(keys, ra * n_units)
    hi = np.searchsorted(keys, (ra + 1) * n_units)
    couple = np.repeat(np.arange(len(ra), dtype=np.int64), hi - lo)
    key_a = _ranges(lo, hi)
    unit = keys[key_a] - ra[couple] * n_units
    want_b = rb[couple] * n_units + unit
    key_b = np.minimum(np.searchsorted(keys, want_b), max(len(keys) - 1, 0))
    home = np.where(ctx.cur >= 0, ctx.unit[np.maximum(ctx.cur, 0)], -1)
    a, b = ra[couple], rb[couple]
    keep = (keys[key_b] == want_b) & ~((home[a] == unit) & (home[b] == unit))
    a, b, unit, key_a, key_b = a[keep], b[keep], unit[keep], key_a[keep], key_b[keep]
    if cliques:
        members, unit = _unit_cliques(np.minimum(a, b), np.maximum(a, b), unit)
        sizes = np.array([len(m) for m in members], dtype=np.int64)
        people = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
        groups = np.searchsorted(keys, people * n_units + np.repeat(unit, sizes))
        names = [
            "G03:" + ":".join(map(str, m)) + f":{u}"
            for m, u in zip(members, unit.tolist(), strict=True)
        ]
    else:
        sizes = np.full(len(a), 2, dtype=np.int64)
        groups = np.stack([key_a, key_b], axis=1).ravel()
        names = [
            f"G03:{x}:{y}:{u}"
            for x, y, u in zip(a.tolist(), b.tolist(), unit.tolist(), strict=True)
        ]
    if not len(sizes):
        return []
    # Every row's pairs: its members' groups, sorted within the row.
    row = np.repeat(np.repeat(np.arange(len(sizes), dtype=np.int64), sizes), np.diff(first)[groups])
    pairs = order[_ranges(first[groups], first[groups + 1])]
    sort = np.lexsort((pairs, row))
    bounds = np.searchsorted(row[sort], np.arange(1, len(sizes)))
    return [
        SideConstraint(pairs=idx, rhs=1, name=name)
        for idx, name in zip(np.split(pairs[sort], bounds), names, strict=True)
    ]


def _ranges(lo: I64, hi: I64) -> I64:
    """The concatenation of ``range(lo[i], hi[i])`` over ``i``."""
    lengths = hi - lo
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return (np.arange(total, dtype=np.int64) - np.repeat(offsets - lo, lengths)).astype(np.int64)


def _unit_cliques(a: I64, b: I64, unit: I64) -> tuple[list[I64], I64]:
    """The cliques of :func:`relation_cliques` of every unit's couples ``(a < b, unit)``, in
    the order of the units, then of each clique's first couple.

    A couple one of whose members has no other couple in the unit is a clique of its own, and
    no other clique can hold that member; only the rest go through the greedy cover.
    """
    cu = np.unique(np.stack([unit, a, b], axis=1), axis=0)
    unit, a, b = cu[:, 0], cu[:, 1], cu[:, 2]
    span = int(max(a.max(initial=0), b.max(initial=0))) + 1
    ends = np.concatenate([unit * span + a, unit * span + b])
    ids, counts = np.unique(ends, return_counts=True)
    degree = counts[np.searchsorted(ids, ends)]
    shared = (degree[: len(a)] > 1) & (degree[len(a) :] > 1)
    cliques: list[tuple[int, int, int, tuple[int, ...]]] = [
        (u, x, y, (x, y))
        for u, x, y in zip(
            unit[~shared].tolist(), a[~shared].tolist(), b[~shared].tolist(), strict=True
        )
    ]
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for u, x, y in zip(unit[shared].tolist(), a[shared].tolist(), b[shared].tolist(), strict=True):
        by_unit.setdefault(u, []).append((x, y))
    for u, couples in by_unit.items():
        cliques += [(u, m[0], m[1], m) for m in relation_cliques(couples)]
    cliques.sort(key=lambda c: c[:3])
    members = [np.array(c[3], dtype=np.int64) for c in cliques]
    return members, np.array([c[0] for c in cliques], dtype=np.int64)


def compile_moves(ctx: Context, restrict_above: int | None) -> Compiled:
    """The model of the moves alone, whatever the side rules: restricted to each employee's
    best moves (with the move space to price the rest) when there are more than
    ``restrict_above`` allowed moves, else every allowed pair; see :func:`with_side`."""
    return _compile_restricted(ctx, restrict_above)


def side_priceable(ctx: Context, previous: Mapping[str, str] | None = None) -> bool:
    """True when every side constraint the policy can give is one :func:`side_prices` prices
    (G03–G05: no justified-envy rows) and there is no previous plan to weigh."""
    return not ctx.policy.no_justified_envy and previous is None


def with_side(compiled: Compiled) -> Compiled:
    """``compiled`` (a model of moves, :func:`compile_moves`) with the side constraints
    G03–G05 over its pairs: for a restricted model, the whole model's constraints cut down to
    its pairs (less those that can no longer bind)."""
    side = side_constraints(compiled.ctx, compiled.e, compiled.p, compiled.kind, cliques=True)
    return replace(compiled, model=replace(compiled.model, side=tuple(side)))


@dataclass(frozen=True, eq=False)
class SideMembers:
    """Which side constraints of a model of moves (built by :func:`with_side`) a move left out of
    it would join, read back from the constraints' names: G04 every move (a new placement is
    not one), G05 of the home unit a move leaving it, G03 each clique holding the employee at
    the move's unit. A constraint the model does not hold is not joined: for an LP, a valid
    multiplier of 0.
    """

    ctx: Context
    #: the G04 constraint, or -1.
    moves_con: int
    #: per unit, its G05 constraint, or -1.
    outflow_con: I64
    #: sorted keys member · units + unit of the G03 cliques, and each key's constraint.
    clique_key: I64
    clique_con: I64
    home: I64
    counted: B

    @classmethod
    def of(cls, compiled: Compiled) -> SideMembers:
        """The constraints of ``compiled.model``."""
        ctx = compiled.ctx
        n_units = len(ctx.unit_names)
        moves_con = -1
        outflow_con = np.full(n_units, -1, dtype=np.int64)
        keys: list[int] = []
        cons: list[int] = []
        for k, constraint in enumerate(compiled.model.side):
            rule, *fields = constraint.name.split(":")
            if rule == "G04":
                moves_con = k
            elif rule == "G05":
                outflow_con[int(fields[0])] = k
            elif rule == "G03":
                unit = int(fields[-1])
                keys += [int(m) * n_units + unit for m in fields[:-1]]
                cons += [k] * (len(fields) - 1)
            else:
                raise ValueError(f"no rule to price side constraint {constraint.name!r}")
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        home, counted = outflow_homes(ctx)
        return cls(
            ctx, moves_con, outflow_con, np.array(keys, dtype=np.int64)[order],
            np.array(cons, dtype=np.int64)[order], home, counted,
        )  # fmt: skip

    def entries(self, e: I64, p: I64) -> tuple[I64, I64]:
        """The entries of the moves (e, p): (index of the move, constraint)."""
        ctx = self.ctx
        at: list[I64] = []
        con: list[I64] = []
        if self.moves_con >= 0:
            moving = np.flatnonzero(ctx.cur[e] >= 0)
            at.append(moving)
            con.append(np.full(len(moving), self.moves_con, dtype=np.int64))
        unit = ctx.unit[p]
        home = self.home[e]
        out = self.outflow_con[np.maximum(home, 0)]
        leaving = np.flatnonzero(self.counted[e] & (unit != home) & (out >= 0))
        at.append(leaving)
        con.append(out[leaving])
        key = e * len(ctx.unit_names) + unit
        lo = np.searchsorted(self.clique_key, key, side="left")
        hi = np.searchsorted(self.clique_key, key, side="right")
        at.append(np.repeat(np.arange(len(e), dtype=np.int64), hi - lo))
        con.append(self.clique_con[_ranges(lo, hi)])
        return np.concatenate(at).astype(np.int64), np.concatenate(con).astype(np.int64)

    def prices(self, mu: I64) -> tuple[I64, Callable[[I64, I64], I64]]:
        """What the multipliers ``mu`` (≥ 0, one per side constraint) charge a move: per
        employee the share every one of their moves pays (G04), and a function of (e, p)
        giving the rest (≥ 0)."""
        ctx = self.ctx
        share = np.zeros(ctx.n_employees, dtype=np.int64)
        if self.moves_con >= 0:
            share[ctx.cur >= 0] = mu[self.moves_con]
        outflow = np.where(self.outflow_con >= 0, mu[np.maximum(self.outflow_con, 0)], 0)
        priced = mu[self.clique_con] > 0
        keys, first = np.unique(self.clique_key[priced], return_index=True)
        per_key = np.add.reduceat(mu[self.clique_con[priced]], first) if len(keys) else keys
        n_units = len(ctx.unit_names)

        def cost(e: I64, p: I64) -> I64:
            unit = ctx.unit[p]
            home = self.home[e]
            out: I64 = np.where(
                self.counted[e] & (unit != home), outflow[np.maximum(home, 0)], 0
            ).astype(np.int64)
            if len(keys):
                key = e * n_units + unit
                at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
                out = out + np.where(keys[at] == key, per_key[at], 0)
            return out

        return share, cost
