"""The allowed moves of a pure assignment, kept implicit, and the ones that improve on flow duals.

Positions that agree on every attribute R05, R06 and R08 read and on their requirement profile
form a *cell*; an employee who may move passes R01–R10 for every position of a cell or for
none, and scores the same on all of them unless one is a preference (CONTRACT §4). So the
allowed moves are stored as *memberships* (employee, cell) with one JPM and one score each,
never as the product with the cell's positions. JPM numerators come from matrix products
over runs of groups of cells: with a_ec ≤ 5, min(a, r) = Σ_{t=1..5} [a ≥ t]·[r ≥ t], so
N = B·M with B the 0/1 indicators [a_ec ≥ t] per employee and M the weights Σ w_c·[r_c ≥ t]
per profile (small integers, exact in float32).

:meth:`MoveSpace.improving_moves` returns the moves that could improve a restricted optimum:
(e, p) with score − u_e − v_p > 0 for the row and column duals (u, v). Preferred pairs, stays
and pins are not searched here: the restricted model always holds them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from placement.model.rules import ABOLISHED, I64, B, Context
from placement.model.scoring import exact_score

#: Memberships per chunk when searching improving moves.
_CHUNK: Final[int] = 1 << 22
_LEVELS: Final[int] = 5
#: Most (mover, cell) numerators computed by one matrix product (bounds its temporaries).
_DENSE: Final[int] = 1 << 23
#: Up to this many numerators, one product over groups is cheaper than a product per group
#: even when most of its movers fit only some groups; beyond it, groups share a product only
#: while it computes at most twice the numerators their own movers need. Small: every
#: numerator computed for nothing is also compared and filtered, which costs more than the
#: few extra products (one product over a 5,000-person city's groups took 40 % longer).
_SMALL: Final[int] = 1 << 16
#: Above this many indicator columns (five per required competency, and one), B and M are
#: built for each product over the competencies its cells require, never whole: a city of
#: 20,000 whose 23,000 positions required 612 competencies between them, about six each, had a
#: B of 245 MB and an M of 283 MB, and products 3,061 columns wide of which a cell reads 30.
_WIDE: Final[int] = 1024

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class MoveSpace:
    """Every allowed non-preferred move, as memberships (employee, cell) in cell order.

    ``cell_ptr``/``cell_pos`` list each cell's positions (CSR); ``mem_cell``, ``mem_e``,
    ``mem_num`` and ``mem_score`` give each membership's cell, employee, JPM numerator and
    score (the denominator is the cell's, ``cell_den``). The pairs of a membership are its
    cell's positions except the employee's current one and forbidden or preferred pairs.
    """

    ctx: Context
    cell_ptr: I64
    cell_pos: I64
    cell_den: I64
    mem_cell: npt.NDArray[np.int32]
    mem_e: npt.NDArray[np.int32]
    mem_num: npt.NDArray[np.int32]
    mem_score: npt.NDArray[np.int32]
    #: sorted keys of the pairs the restricted model always holds, or that are not moves.
    excluded: I64
    #: per employee: never offered a move here (a pinned employee has only the pin).
    blocked: B

    def move_counts(self) -> I64:
        """Per employee, the number of allowed moves (or new placements)."""
        ctx = self.ctx
        n = ctx.n_employees
        sizes = np.diff(self.cell_ptr)[self.mem_cell]
        cell_of = np.full(ctx.n_positions, -1, dtype=np.int64)
        cell_of[self.cell_pos] = np.repeat(np.arange(len(self.cell_den)), np.diff(self.cell_ptr))
        e = self.mem_e.astype(np.int64)
        cur = ctx.cur[e]
        own = (cur >= 0) & (cell_of[np.maximum(cur, 0)] == self.mem_cell)
        count = np.bincount(e, weights=sizes - own, minlength=n)
        # Forbidden moves are few: take off those the space counted (allowed but for R11).
        fe, fp = np.divmod(ctx.forbid_keys, ctx.n_positions)
        if len(fe):
            masks = ctx.rule_masks(fe, fp)
            counted = np.logical_and.reduce([masks[r] for r in masks if r != "R11"])
            counted &= (fp != ctx.cur[fe]) & (cell_of[fp] >= 0)
            np.subtract.at(count, fe[counted], 1)
        return np.rint(count).astype(np.int64)

    def expand(self, mem: I64, limit: int | None = None) -> tuple[I64, I64, I64]:
        """The move pairs (e, p, membership) of memberships ``mem``, at most ``limit`` per
        membership (a cell's first positions), without stays, forbidden or excluded pairs."""
        e, p, rep = self._pairs(mem, limit)
        keep = self._moves(e, p)
        return e[keep], p[keep], rep[keep]

    def _pairs(self, mem: I64, limit: int | None = None) -> tuple[I64, I64, I64]:
        """Every (e, p, membership) of memberships ``mem`` (at most ``limit`` per membership),
        unfiltered."""
        cells = self.mem_cell[mem].astype(np.int64)
        sizes = self.cell_ptr[cells + 1] - self.cell_ptr[cells]
        if limit is not None:
            sizes = np.minimum(sizes, limit)
        rep = np.repeat(mem, sizes)
        # The k-th pair overall is its cell's (k − first pair of its membership)-th position:
        # the shift from k to its index in ``cell_pos`` is one per membership, repeated once.
        shift = self.cell_ptr[cells] - (np.cumsum(sizes) - sizes)
        p = self.cell_pos[np.repeat(shift, sizes) + np.arange(len(rep), dtype=np.int64)]
        return self.mem_e[rep].astype(np.int64), p, rep

    def _moves(self, e: I64, p: I64) -> B:
        """Which pairs are moves of this space: not a stay, a blocked employee or excluded."""
        ctx = self.ctx
        keep = (p != ctx.cur[e]) & ~self.blocked[e]
        # Excluded pairs (preferences, forbids) belong to few employees: only their pairs are
        # searched, a fraction of the 100k keys a city's space lists.
        has_excluded = np.zeros(ctx.n_employees, dtype=bool)
        has_excluded[self.excluded // ctx.n_positions] = True
        ask = np.flatnonzero(keep & has_excluded[e])
        keep[ask] = ~_member(ctx.key(e[ask], p[ask]), self.excluded)
        return keep

    def initial(self, per_employee: int, per_cell: int) -> tuple[I64, I64, I64]:
        """Each employee's ``per_employee`` best memberships by score, ``per_cell`` positions
        each: the first restricted set of moves (e, p, membership)."""
        top = int(np.abs(self.mem_score).max(initial=0)) + 1
        key = self.mem_e.astype(np.int64) * (2 * top + 1) + (top - self.mem_score.astype(np.int64))
        order = np.argsort(key, kind="stable")
        e_sorted = self.mem_e[order]
        starts = np.flatnonzero(np.r_[True, e_sorted[1:] != e_sorted[:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        return self.expand(np.sort(order[rank < per_employee]).astype(np.int64), per_cell)

    def improving_moves(self, u: I64, v: I64, held: I64, per_employee: int) -> tuple[I64, I64, I64]:
        """Moves (e, p, membership) not in ``held`` (sorted pair keys) with score − u_e − v_p
        > 0, at most ``per_employee`` per employee (those of largest reduced cost)."""
        ctx = self.ctx
        vmin = self._least_column_duals(v)
        # The scan reads every membership each round: in int32 when the values allow (exact,
        # and half the memory traffic of int64).
        top = max(_peak(u), _peak(vmin), _peak(self.mem_score))
        narrow: type[np.signedinteger[Any]] = np.int32 if top < 1 << 29 else np.int64
        u_n: npt.NDArray[np.signedinteger[Any]] = u.astype(narrow)
        score: npt.NDArray[np.signedinteger[Any]] = self.mem_score.astype(narrow, copy=False)

        def reduced(e: I64, p: I64, mem: I64) -> I64:
            out: I64 = self.mem_score[mem].astype(np.int64) - u[e] - v[p]
            return out

        e, p, mem, rc = self._scan(
            lambda lo, hi: score[lo:hi] - u_n[self.mem_e[lo:hi]],
            vmin.astype(narrow), reduced, 0, held,
        )  # fmt: skip
        if not len(e):
            return e, p, mem
        # Sorted by (employee, reduced cost descending, position): as one int64 key when
        # n_employees · (max rc + 1) · n_positions fits, which is cheaper than three keys.
        span = int(rc.max(initial=0)) + 1
        if ctx.n_employees * span * ctx.n_positions < 1 << 62:
            order = np.argsort((e * span + (span - 1 - rc)) * ctx.n_positions + p)
        else:
            order = np.lexsort((p, -rc, e))
        e, p, mem = e[order], p[order], mem[order]
        starts = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
        rank = np.arange(len(e)) - np.repeat(starts, np.diff(np.r_[starts, len(e)]))
        keep = rank < per_employee
        return e[keep], p[keep], mem[keep]

    def priced_moves(
        self,
        u: I64,
        v: I64,
        scale: int,
        side_cost: Callable[[I64, I64], I64],
        held: I64,
        above: int = 0,
    ) -> tuple[I64, I64, I64, I64]:
        """Moves (e, p, membership, reduced cost) not in ``held`` (sorted pair keys) whose
        reduced cost ``scale · score − u_e − v_p − side_cost(e, p)`` exceeds ``above``, sorted
        by pair.

        ``side_cost`` must be ≥ 0 (the multipliers of the side constraints a pair would join,
        beyond any share every move of its employee pays, which belongs in ``u``): the scan
        finds every membership whose best position could pass without it, and the exact
        reduced cost then decides each of their pairs, so no move passing is missed.
        """
        ctx = self.ctx

        def reduced(e: I64, p: I64, mem: I64) -> I64:
            rc: I64 = self.mem_score[mem].astype(np.int64) * scale - u[e] - v[p]
            # The side cost only lowers a reduced cost: it is read where it could matter.
            pos = np.flatnonzero(rc > above)
            rc[pos] -= side_cost(e[pos], p[pos])
            return rc

        e, p, mem, rc = self._scan(
            lambda lo, hi: self.mem_score[lo:hi].astype(np.int64) * scale - u[self.mem_e[lo:hi]],
            self._least_column_duals(v), reduced, above, held,
        )  # fmt: skip
        order = np.argsort(ctx.key(e, p), kind="stable")
        return e[order], p[order], mem[order], rc[order]

    def _least_column_duals(self, v: I64) -> I64:
        """Per cell, the least column dual of its positions."""
        v_at = v[self.cell_pos]
        out: I64 = np.minimum.reduceat(v_at, self.cell_ptr[:-1]) if len(v_at) else v_at
        return out

    def _scan(
        self,
        slack: Callable[[int, int], npt.NDArray[np.signedinteger[Any]]],
        vmin: npt.NDArray[np.signedinteger[Any]],
        reduced: Callable[[I64, I64, I64], I64],
        above: int,
        held: I64,
    ) -> tuple[I64, I64, I64, I64]:
        """Moves (e, p, membership, reduced cost) not in ``held`` whose ``reduced`` cost exceeds
        ``above``, in membership order. Memberships are read in chunks: ``slack(lo, hi)`` bounds
        the reduced cost of memberships lo…hi before their cell's least column dual ``vmin``
        is taken off, and only those above ``above`` are expanded to pairs."""
        ctx = self.ctx
        es: list[I64] = []
        ps: list[I64] = []
        ms: list[I64] = []
        rcs: list[I64] = []
        for lo in range(0, len(self.mem_e), _CHUNK):
            hi = min(lo + _CHUNK, len(self.mem_e))
            hit = np.flatnonzero(slack(lo, hi) - vmin[self.mem_cell[lo:hi]] > above) + lo
            if not len(hit):
                continue
            # Reduced costs first: the membership tests below then search far fewer keys.
            e, p, mem = self._pairs(hit.astype(np.int64))
            rc = reduced(e, p, mem)
            pos = np.flatnonzero(rc > above)
            e, p, mem, rc = e[pos], p[pos], mem[pos], rc[pos]
            keep = self._moves(e, p) & ~_member(ctx.key(e, p), held)
            es.append(e[keep])
            ps.append(p[keep])
            ms.append(mem[keep])
            rcs.append(rc[keep])
        if not es:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        e, p, mem, rc = (np.concatenate(x) for x in (es, ps, ms, rcs))
        return e, p, mem, rc

    def jpm(self, mem: I64) -> tuple[I64, I64]:
        """JPM parts (N, D) of memberships ``mem``."""
        return (
            self.mem_num[mem].astype(np.int64),
            self.cell_den[self.mem_cell[mem].astype(np.int64)],
        )


def _peak(values: npt.NDArray[np.integer]) -> int:
    return int(np.abs(values).max(initial=0))


@functools.cache
def _thread_pools() -> ThreadpoolController:
    """The process's native thread pools, found once (finding them scans the loaded libraries,
    which costs more than a city's whole JPM products)."""
    return ThreadpoolController()


def _member(keys: I64, sorted_keys: I64) -> B:
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def indicator_matrices(ctx: Context, employees: I64 | None = None) -> tuple[F32, F32]:
    """B (``employees``, default all, × 5·competencies + 1) and M (profiles + 1 ×
    5·competencies + 1), see the module doc. B's last column is ones and M's last row reads
    only it, so that "profile" −1 (no requirements) gets N = 1 like :meth:`Context.jpm_parts`."""
    levels = ctx.comp_levels if employees is None else ctx.comp_levels[employees]
    n, c = levels.shape
    width = c * _LEVELS
    steps = np.arange(1, _LEVELS + 1, dtype=levels.dtype)
    # Each level's five indicators, looked up: one gather writes B, where comparing every
    # level with every step and converting the booleans took two passes over it.
    table = (np.arange(int(levels.max(initial=0)) + 1)[:, None] >= steps).astype(np.float32)
    b = np.empty((n, width + 1), dtype=np.float32)
    # Into a view of B (splitting its last axis keeps it one); levels index the table
    # within its bounds, so "clip" spares the buffered copy of bounds checking.
    np.take(table, levels, axis=0, out=b[:, :width].reshape(n, c, _LEVELS), mode="clip")
    b[:, width] = 1
    n_prof, n_req = ctx.prof_cols.shape
    m = np.zeros((n_prof + 1, width + 1), dtype=np.float32)
    m[n_prof, width] = 1
    if n_prof and n_req:
        _add_weights(m, np.arange(n_prof), ctx.prof_cols, ctx.prof_levels, ctx.prof_weights)
    return b, m


class _Numerators:
    """JPM numerators of blocks of (mover, cell) by one matrix product each, from B and M whole
    (:func:`indicator_matrices`) or, when they are wide, from the columns of the competencies
    the block's cells require (the same sums, so the same numbers)."""

    def __init__(self, ctx: Context, movers: I64, cell_prof: I64) -> None:
        self.ctx, self.cell_prof = ctx, cell_prof
        self.wide = ctx.comp_levels.shape[1] * _LEVELS + 1 > _WIDE
        if self.wide:
            self.levels = ctx.comp_levels[movers]
            top = int(self.levels.max(initial=0))
            self.table = (np.arange(top + 1)[:, None] >= np.arange(1, _LEVELS + 1)).astype(
                np.float32
            )
        else:
            self.b, self.m = indicator_matrices(ctx, movers)
            self.cell_row = np.where(cell_prof >= 0, cell_prof, len(self.m) - 1)

    def __call__(self, rows: I64, cells: I64) -> F32:
        """N for movers ``rows`` (indices into the movers) × ``cells``."""
        if not self.wide:
            nums: F32 = self.b[rows] @ self.m[self.cell_row[cells]].T
            return nums
        ctx = self.ctx
        prof = self.cell_prof[cells]
        has = prof >= 0
        cols, level = ctx.prof_cols[prof[has]], ctx.prof_levels[prof[has]]
        weight = ctx.prof_weights[prof[has]]
        used = np.unique(cols[weight > 0])
        width = len(used) * _LEVELS
        b = np.empty((len(rows), width + 1), dtype=np.float32)
        attained = self.levels[rows[:, None], used[None, :]]
        np.take(
            self.table,
            attained,
            axis=0,
            out=b[:, :width].reshape(len(rows), -1, _LEVELS),
            mode="clip",
        )
        b[:, width] = 1
        m = np.zeros((len(cells), width + 1), dtype=np.float32)
        m[~has, width] = 1  # no requirements: N = 1, as the context's JPM
        if len(used):
            # Padding (weight 0) may point past ``used``: clipped, it adds nothing.
            at = np.minimum(np.searchsorted(used, cols), len(used) - 1)
            _add_weights(m, np.flatnonzero(has), at, level, weight)
        nums = b @ m.T
        return nums


def _add_weights(m: F32, rows: I64, cols: I64, levels: I64, weights: I64) -> None:
    """Add to M's ``rows`` the weights Σ w·[r ≥ t] of requirement lists (competency column,
    level, weight; shape rows × widest list, padded with weight 0) in their level-step columns."""
    steps = np.arange(1, _LEVELS + 1)
    width = m.shape[1]
    at = np.repeat(rows, cols.shape[1] * _LEVELS)
    col = (cols[:, :, None] * _LEVELS + (steps - 1)).ravel()
    vals = (weights[:, :, None] * (levels[:, :, None] >= steps)).ravel()
    # Summed by one bincount (padding repeats a cell with weight 0): np.add.at is slow.
    sums = np.bincount(at * width + col, weights=vals, minlength=m.size)
    m += sums.reshape(m.shape).astype(np.float32)


def group_fit(ctx: Context, movers: I64, reps: I64) -> B:
    """R05, R06 and R08 of every mover against each group's representative position:
    shape (movers, groups)."""
    out = np.zeros((len(movers), len(reps)), dtype=bool)
    if not len(reps):
        return out
    bup = ctx.bup[reps]
    ages = np.unique(bup)
    # R05 and R06 read only an employee's grade, education and field: decided once per
    # distinct triple (a few hundred among thousands of movers), each mover then reads its row.
    triple = (ctx.grade[movers] + 1) * (int(ctx.edu.max(initial=-1)) + 2) + ctx.edu[movers] + 1
    triple = triple * (len(ctx.field_vocab) + 1) + ctx.field_code[movers]
    _, first, like = np.unique(triple, return_index=True, return_inverse=True)
    like = like.ravel()
    alike = movers[first, None]
    fits = ctx.grade_ok(alike, reps[None, :]) & ctx.education_ok(alike, reps[None, :])
    step = max(_DENSE // 16 // max(len(reps), 1), 1)
    for lo in range(0, len(movers), step):
        e = movers[lo : lo + step]
        retire = np.stack([ctx.retirement_ok(e, np.full(len(e), a)) for a in ages], axis=1)
        out[lo : lo + step] = fits[like[lo : lo + step]] & retire[:, np.searchsorted(ages, bup)]
    return out


def build_space(
    ctx: Context, movers: I64, groups: list[I64], excluded: I64, blocked: B
) -> MoveSpace:
    """The memberships of ``movers`` (employees passing R01–R04, sorted) in the cells of
    ``groups`` (positions passing R09–R10, grouped by what R05, R06 and R08 read).

    A cell is a group's positions of one requirement profile, cells in group then profile
    order; memberships come group by group, then by employee, then by cell. Consecutive groups
    share one matrix product over the movers that fit any of them while that computes few
    numerators for nothing (see :data:`_SMALL`): groups of like movers share one, and a large
    city, where a group's movers are a fraction of all, has about one per group.
    """
    n_groups = len(groups)
    members = np.concatenate(groups) if groups else np.zeros(0, np.int64)
    gid = np.repeat(np.arange(n_groups, dtype=np.int64), [len(g) for g in groups])
    prof = ctx.profile[members]
    order = np.lexsort((prof, gid))
    cell_pos, gid, prof = members[order], gid[order], prof[order]
    change = np.ones(len(cell_pos), dtype=bool)
    change[1:] = (gid[1:] != gid[:-1]) | (prof[1:] != prof[:-1])
    starts = np.flatnonzero(change)
    ptr = np.r_[starts, len(cell_pos)].astype(np.int64)
    cell_group, cell_prof = gid[starts], prof[starts]
    den = np.ones(len(starts), dtype=np.int64)
    den[cell_prof >= 0] = ctx.profile_den[cell_prof[cell_prof >= 0]]
    first_cell = np.searchsorted(cell_group, np.arange(n_groups + 1))

    numerators = _Numerators(ctx, movers, cell_prof)
    # The least N with 100·N/D ≥ floor, per cell (R07 as one comparison).
    least = (-((-ctx.jpm_floor_milli * den) // 100_000) - 0.5).astype(np.float32)
    fit = group_fit(ctx, movers, np.array([g[0] for g in groups], dtype=np.int64))
    group_of = cell_group.astype(np.int16 if n_groups < 1 << 15 else np.int64)
    mem_cell: list[npt.NDArray[np.int32]] = []
    mem_e: list[npt.NDArray[np.int32]] = []
    mem_num: list[npt.NDArray[np.int32]] = []
    fits = fit.sum(axis=0) * np.diff(first_cell)
    # Group by mover: each group's movers contiguous, for the unions below.
    by_group_fit = np.ascontiguousarray(fit.T)
    n_movers = len(movers)
    lo = 0
    # The products are many and small: BLAS threads cost more to wake than they save, and on
    # a shared machine their spinning afterwards slows the flow and the checker that follow.
    with _thread_pools().limit(limits=1, user_api="blas"):
        while lo < n_groups:
            union = by_group_fit[lo].copy()
            hi = lo + 1
            while hi < n_groups:
                wider = union | by_group_fit[hi]
                size = int(wider.sum()) * int(first_cell[hi + 1] - first_cell[lo])
                if size > _DENSE or size > max(_SMALL, 2 * int(fits[lo : hi + 1].sum())):
                    break
                union, hi = wider, hi + 1
            rows = np.flatnonzero(union)
            cells = np.arange(first_cell[lo], first_cell[hi])
            # Sums of small integers: exact in float32 (``least`` has a half-unit margin).
            nums = numerators(rows, cells)
            # R07 first, as one flat mask: it keeps far fewer entries than the group fit,
            # which is then read only at those (cheaper than spreading it over every cell).
            hit = np.flatnonzero(nums >= least[cells])
            r, col = np.divmod(hit, len(cells))
            ok = by_group_fit.ravel()[cell_group[cells[col]] * n_movers + rows[r]]
            hit, r, col = hit[ok], r[ok], col[ok]
            if hi - lo > 1:  # a product over one group has its memberships in order
                by_group = np.argsort(group_of[cells][col], kind="stable")
                hit, r, col = hit[by_group], r[by_group], col[by_group]
            mem_cell.append(cells[col].astype(np.int32))
            mem_e.append(movers[rows[r]].astype(np.int32))
            mem_num.append(np.rint(nums.ravel()[hit]).astype(np.int32))
            lo = hi
    cells_all = np.concatenate(mem_cell) if mem_cell else np.zeros(0, np.int32)
    emp = np.concatenate(mem_e) if mem_e else np.zeros(0, np.int32)
    num = np.concatenate(mem_num) if mem_num else np.zeros(0, np.int32)
    e64 = emp.astype(np.int64)
    n_mem = len(e64)
    displaced = np.where((ctx.cur >= 0) & (ctx.cur_state() == ABOLISHED), 100, 0)
    score = exact_score(
        ctx,
        num.astype(np.int64),
        den[cells_all.astype(np.int64)],
        np.zeros(n_mem, dtype=np.int64),
        np.zeros(n_mem, dtype=np.int64),
        ctx.perf_term[e64],
        displaced[e64].astype(np.int64),
    )
    return MoveSpace(
        ctx=ctx,
        cell_ptr=ptr,
        cell_pos=cell_pos.astype(np.int64),
        cell_den=den,
        mem_cell=cells_all,
        mem_e=emp,
        mem_num=num,
        mem_score=score.astype(np.int32),
        excluded=excluded,
        blocked=blocked,
    )
