"""The extension rule X01 (policy ``no_justified_envy``): no justified envy over allowed pairs.

Employee e *envies* position p when e prefers p (effective rank, CONTRACT §1) strictly more than
where e ends: e ends unplaced, in a position it does not prefer, or in one it ranks worse. The
envy is *justified* when p has a free seat after the plan, or a holder h of p scores less there
than e would: score(h, p) < score(e, p) (both exact plan scores, CONTRACT §4). X01 forbids
justified envy for every pair (e, p) the model allows (the R rules pass, or it is an allowed
stay; a pinned employee has no pair but its pin). Two kinds of holder are exempt, because their
seat is not the optimiser's to give: one pinned to p (a person's decision), and one *fixed* at
p — p is its current post, it must keep a post (G07) and it may not move anywhere (its stay is
its only allowed pair). Without the second exemption, anyone who outscores a colleague who
cannot move (too short a tenure, a CPNS, a discipline case) at that colleague's own post would
make the whole problem infeasible.

Linear form, over the model's pairs x (binary). For an allowed pair (e, p) that e prefers, let

* ``y(e, p) = Σ x[e, q]`` over e's allowed pairs q that e ranks at least as well as p
  (p included): y = 1 exactly when e does not envy p;
* ``H`` the pairs (h, p), h ≠ e, h not exempt, with score(h, p) < score(e, p), and ``O`` every
  pair (h, p) with h ≠ e; ``c`` the capacity of p.

Two constraints per such (e, p), each a :class:`~solvers.model.SideConstraint` with negative
coefficients:

* lower-scoring holders: ``Σ_H x − k·y ≤ 0`` with ``k = min(c, |H|)`` — when e envies p,
  nobody in H holds p; otherwise the left side is at most ``|H ∩ chosen| − k ≤ 0`` because p
  holds at most c and H has |H| pairs (left out when H is empty);
* free seats: ``−Σ_O x − c·y ≤ −c`` — when e envies p, the others fill all c seats; otherwise
  it reads ``Σ_O x ≥ 0``.

Both are exact on integer points (the first is the aggregation of ``x[h, p] ≤ y`` over H, with
a weaker LP relaxation and far fewer rows). The side constraints are not packings, so
``solvers.solve`` in ``auto`` mode hands a model with them to HiGHS.
"""

from __future__ import annotations

import numpy as np

from placement.model.rules import I64, B, Context
from solvers.model import SideConstraint

#: Rule id of the extension (CONTRACT additions use their own ids, never G or R ones).
X01 = "X01"


def envy_constraints(
    ctx: Context, e: I64, p: I64, rank: I64, score: I64, pinned: B, col_cap: I64
) -> list[SideConstraint]:
    """The X01 side constraints over model pairs (e[i], p[i]) (see the module docstring).

    ``rank`` is the effective preference rank of each pair (0 when not preferred), ``score``
    its exact score, ``pinned`` per employee, ``col_cap`` per position.
    """
    n_pairs = len(e)
    if not n_pairs:
        return []
    idx = np.arange(n_pairs, dtype=np.int64)
    # Exempt holders: pinned, or whose one pair is a stay (a stay pair implies G07 holds).
    count = np.bincount(e, minlength=ctx.n_employees)
    fixed = pinned.copy()
    stays = p == ctx.cur[e]
    fixed[e[stays & (count[e] == 1)]] = True
    # Pairs of each position, lowest score first; exempt holders never count as below.
    by_col = np.lexsort((score, p))
    col_start = np.searchsorted(p[by_col], np.arange(ctx.n_positions + 1))
    free_col = by_col[~fixed[e[by_col]]]
    free_start = np.searchsorted(p[free_col], np.arange(ctx.n_positions + 1))
    # Preferred pairs of each employee, best rank first.
    preferred = idx[(rank > 0) & ~pinned[e]]
    by_emp = preferred[np.lexsort((rank[preferred], e[preferred]))]
    emp_keys = e[by_emp]

    out: list[SideConstraint] = []
    for i in by_emp.tolist():
        emp, col, r, s = int(e[i]), int(p[i]), int(rank[i]), int(score[i])
        lo = np.searchsorted(emp_keys, emp)
        hi = np.searchsorted(emp_keys, emp, side="right")
        mine = by_emp[lo:hi]
        better = mine[rank[mine] <= r]
        cap = int(col_cap[col])
        column = by_col[col_start[col] : col_start[col + 1]]
        others = column[e[column] != emp]
        cand = free_col[free_start[col] : free_start[col + 1]]
        below = cand[(score[cand] < s) & (e[cand] != emp)]
        name = f"{X01}:{ctx.nip[emp]}:{ctx.position_id[col]}"
        if len(below):
            k = min(cap, len(below))
            pairs = np.concatenate([below, better])
            coef = np.concatenate(
                [np.ones(len(below), dtype=np.int64), np.full(len(better), -k, dtype=np.int64)]
            )
            out.append(_sorted(pairs, coef, 0, name + ":below"))
        pairs = np.concatenate([others, better])
        coef = np.concatenate(
            [np.full(len(others), -1, dtype=np.int64), np.full(len(better), -cap, dtype=np.int64)]
        )
        out.append(_sorted(pairs, coef, -cap, name + ":free"))
    return out


def _sorted(pairs: I64, coef: I64, rhs: int, name: str) -> SideConstraint:
    order = np.argsort(pairs, kind="stable")
    return SideConstraint(
        pairs=pairs[order].astype(np.int64), rhs=rhs, coef=coef[order].astype(np.int64), name=name
    )
