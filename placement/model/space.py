"""The allowed moves of a pure assignment, kept implicit, and the ones that improve on flow duals.

Positions that agree on every attribute R05, R06 and R08 read and on their requirement profile
form a *cell*; an employee who may move passes R01–R10 for every position of a cell or for
none, and scores the same on all of them unless one is a preference (CONTRACT §4). So the
allowed moves are stored as *memberships* (employee, cell) with one JPM and one score each,
never as the product with the cell's positions. JPM numerators come from one matrix product
per group of cells: with a_ec ≤ 5, min(a, r) = Σ_{t=1..5} [a ≥ t]·[r ≥ t], so N = B·M with B
the 0/1 indicators [a_ec ≥ t] per employee and M the weights Σ w_c·[r_c ≥ t] per profile
(small integers, exact in float32).

:meth:`MoveSpace.improving_moves` returns the moves that could improve a restricted optimum:
(e, p) with score − u_e − v_p > 0 for the row and column duals (u, v). Preferred pairs, stays
and pins are not searched here: the restricted model always holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from placement.model.rules import ABOLISHED, I64, B, Context, jpm_at_least
from placement.model.scoring import exact_score

#: Employees per block of the matrix products and of the improving-move search (bounds temporaries).
_BLOCK: Final[int] = 8192
#: Memberships per chunk when searching improving moves.
_CHUNK: Final[int] = 1 << 22
_LEVELS: Final[int] = 5

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
        ctx = self.ctx
        cells = self.mem_cell[mem].astype(np.int64)
        sizes = self.cell_ptr[cells + 1] - self.cell_ptr[cells]
        if limit is not None:
            sizes = np.minimum(sizes, limit)
        rep = np.repeat(mem, sizes)
        first = np.repeat(np.cumsum(sizes) - sizes, sizes)
        offset = np.arange(len(rep), dtype=np.int64) - first
        p = self.cell_pos[self.cell_ptr[np.repeat(cells, sizes)] + offset]
        e = self.mem_e[rep].astype(np.int64)
        keep = (p != ctx.cur[e]) & ~self.blocked[e] & ~_member(ctx.key(e, p), self.excluded)
        return e[keep], p[keep], rep[keep]

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
        v_at = v[self.cell_pos]
        vmin = np.minimum.reduceat(v_at, self.cell_ptr[:-1]) if len(v_at) else v_at
        es: list[I64] = []
        ps: list[I64] = []
        ms: list[I64] = []
        rcs: list[I64] = []
        for lo in range(0, len(self.mem_e), _CHUNK):
            hi = min(lo + _CHUNK, len(self.mem_e))
            slack = self.mem_score[lo:hi].astype(np.int64) - u[self.mem_e[lo:hi]]
            hit = np.flatnonzero(slack > vmin[self.mem_cell[lo:hi]]) + lo
            if not len(hit):
                continue
            e, p, mem = self.expand(hit.astype(np.int64))
            rc = self.mem_score[mem].astype(np.int64) - u[e] - v[p]
            keep = (rc > 0) & ~_member(ctx.key(e, p), held)
            es.append(e[keep])
            ps.append(p[keep])
            ms.append(mem[keep])
            rcs.append(rc[keep])
        if not es:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        e, p, mem, rc = (np.concatenate(x) for x in (es, ps, ms, rcs))
        order = np.lexsort((ctx.key(e, p), -rc, e))
        e, p, mem = e[order], p[order], mem[order]
        starts = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
        rank = np.arange(len(e)) - np.repeat(starts, np.diff(np.r_[starts, len(e)]))
        keep = rank < per_employee
        return e[keep], p[keep], mem[keep]

    def jpm(self, mem: I64) -> tuple[I64, I64]:
        """JPM parts (N, D) of memberships ``mem``."""
        return (
            self.mem_num[mem].astype(np.int64),
            self.cell_den[self.mem_cell[mem].astype(np.int64)],
        )


def _member(keys: I64, sorted_keys: I64) -> B:
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def indicator_matrices(ctx: Context) -> tuple[F32, F32]:
    """B (employees × 5·competencies) and M (profiles × 5·competencies), see the module doc."""
    levels = ctx.comp_levels.astype(np.int64)
    n, c = levels.shape
    steps = np.arange(1, _LEVELS + 1)
    b = (levels[:, :, None] >= steps).reshape(n, c * _LEVELS).astype(np.float32)
    n_prof, width = ctx.prof_cols.shape
    m = np.zeros((n_prof, c * _LEVELS), dtype=np.float32)
    if n_prof and width:
        rows = np.repeat(np.arange(n_prof), width * _LEVELS)
        cols = (ctx.prof_cols[:, :, None] * _LEVELS + (steps - 1)).ravel()
        vals = (ctx.prof_weights[:, :, None] * (ctx.prof_levels[:, :, None] >= steps)).ravel()
        np.add.at(m, (rows, cols), vals.astype(np.float32))
    return b, m


def build_space(
    ctx: Context, movers: I64, groups: list[I64], excluded: I64, blocked: B
) -> MoveSpace:
    """The memberships of ``movers`` (employees passing R01–R04, sorted) in the cells of
    ``groups`` (positions passing R09–R10, grouped by what R05, R06 and R08 read)."""
    b, m = indicator_matrices(ctx)
    floor = ctx.jpm_floor_milli
    retire_ok = {
        int(x): ctx.retirement_ok(movers, np.full(len(movers), x)) for x in np.unique(ctx.bup)
    }
    cur = ctx.cur
    displaced = np.zeros(ctx.n_employees, dtype=np.int64)
    placed = cur >= 0
    displaced[placed] = np.where(ctx.cur_state()[placed] == ABOLISHED, 100, 0)
    cell_pos: list[I64] = []
    cell_sizes: list[int] = []
    cell_den: list[int] = []
    mem_cell: list[npt.NDArray[np.int32]] = []
    mem_e: list[npt.NDArray[np.int32]] = []
    mem_num: list[npt.NDArray[np.int32]] = []
    for members in groups:
        rep = np.full(len(movers), members[0], dtype=np.int64)
        ok = ctx.grade_ok(movers, rep) & ctx.education_ok(movers, rep)
        ok &= retire_ok[int(ctx.bup[members[0]])]
        sel = movers[ok]
        prof = ctx.profile[members]
        ks = np.unique(prof)
        first_cell = len(cell_den)
        for k in ks.tolist():
            positions = members[prof == k]
            cell_pos.append(positions)
            cell_sizes.append(len(positions))
            cell_den.append(int(ctx.profile_den[k]) if k >= 0 else 1)
        if not len(sel):
            continue
        real = ks[ks >= 0]
        dens = ctx.profile_den[real]
        for lo in range(0, len(sel), _BLOCK):
            block = sel[lo : lo + _BLOCK]
            nums = np.empty((len(block), len(ks)), dtype=np.int64)
            if len(real):
                nums[:, ks >= 0] = np.rint(b[block] @ m[real].T).astype(np.int64)
            nums[:, ks < 0] = 1
            den_all = np.ones(len(ks), dtype=np.int64)
            den_all[ks >= 0] = dens
            ok2 = jpm_at_least(nums, den_all[None, :], floor)
            r, col = np.nonzero(ok2)
            mem_cell.append((first_cell + col).astype(np.int32))
            mem_e.append(block[r].astype(np.int32))
            mem_num.append(nums[r, col].astype(np.int32))
    ptr = np.zeros(len(cell_sizes) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(cell_sizes)
    cells = np.concatenate(mem_cell) if mem_cell else np.zeros(0, np.int32)
    emp = np.concatenate(mem_e) if mem_e else np.zeros(0, np.int32)
    num = np.concatenate(mem_num) if mem_num else np.zeros(0, np.int32)
    den = np.array(cell_den, dtype=np.int64)
    e64 = emp.astype(np.int64)
    n_mem = len(e64)
    score = exact_score(
        ctx,
        num.astype(np.int64),
        den[cells.astype(np.int64)] if n_mem else np.zeros(0, np.int64),
        np.zeros(n_mem, dtype=np.int64),
        np.zeros(n_mem, dtype=np.int64),
        ctx.perf_term[e64],
        displaced[e64],
    )
    return MoveSpace(
        ctx=ctx,
        cell_ptr=ptr,
        cell_pos=np.concatenate(cell_pos) if cell_pos else np.zeros(0, np.int64),
        cell_den=den,
        mem_cell=cells,
        mem_e=emp,
        mem_num=num,
        mem_score=score.astype(np.int32),
        excluded=excluded,
        blocked=blocked,
    )
