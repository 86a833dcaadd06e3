"""Tiny named models, a random-model strategy and a brute-force optimum for the solver tests."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from solvers import AssignmentModel, SideConstraint


def make(
    n_rows: int,
    n_cols: int,
    pairs: list[tuple[int, int, int]],
    *,
    must: tuple[int, ...] = (),
    cap: list[int] | None = None,
    fixed: tuple[int, ...] = (),
    side: tuple[SideConstraint, ...] = (),
) -> AssignmentModel:
    """A model from ``(row, col, weight)`` triples."""
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    row_must = np.zeros(n_rows, dtype=np.bool_)
    row_must[list(must)] = True
    return AssignmentModel(
        n_rows=n_rows,
        n_cols=n_cols,
        pair_row=arr[:, 0].copy(),
        pair_col=arr[:, 1].copy(),
        weight=arr[:, 2].copy(),
        row_must=row_must,
        col_cap=np.array(cap if cap is not None else [1] * n_cols, dtype=np.int64),
        fixed=np.array(fixed, dtype=np.int64),
        side=side,
    )


def at_most(pairs: list[int], rhs: int, coef: list[int] | None = None) -> SideConstraint:
    """``Σ coef · x[pairs] ≤ rhs``."""
    return SideConstraint(
        pairs=np.array(pairs, dtype=np.int64),
        rhs=rhs,
        coef=None if coef is None else np.array(coef, dtype=np.int64),
    )


def brute_force(model: AssignmentModel) -> int | None:
    """The optimum by enumerating every subset of pairs (``None`` when infeasible)."""
    best = None
    for bits in itertools.product((False, True), repeat=model.n_pairs):
        chosen = np.array(bits, dtype=np.bool_)
        if model.is_feasible(chosen):
            value = model.objective_of(chosen)
            best = value if best is None else max(best, value)
    return best


@st.composite
def small_models(draw: st.DrawFn, max_pairs: int = 9) -> AssignmentModel:
    """Random consistent models: weights of both signs, must-rows, capacities (0 to 2), fixed
    pairs, at-most-k side constraints (some weighted) and pairwise conflicts."""
    n_rows = draw(st.integers(1, 4))
    n_cols = draw(st.integers(1, 3))
    cells = list(itertools.product(range(n_rows), range(n_cols)))
    picked = draw(
        st.lists(
            st.sampled_from(cells), min_size=1, max_size=min(max_pairs, len(cells)), unique=True
        )
    )
    picked.sort()
    weights = draw(st.lists(st.integers(-5, 10), min_size=len(picked), max_size=len(picked)))
    must = draw(st.lists(st.integers(0, n_rows - 1), max_size=2, unique=True))
    cap = draw(st.lists(st.integers(0, 2), min_size=n_cols, max_size=n_cols))
    n = len(picked)
    fixed = draw(st.lists(st.integers(0, n - 1), max_size=1, unique=True))
    side: list[SideConstraint] = []
    for _ in range(draw(st.integers(0, 2))):
        members = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
        weighted = draw(st.booleans())
        coef = draw(st.lists(st.integers(1, 3), min_size=len(members), max_size=len(members)))
        side.append(at_most(sorted(members), draw(st.integers(0, 3)), coef if weighted else None))
    if n >= 2:
        for _ in range(draw(st.integers(0, 2))):
            a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            side.append(at_most(sorted([a, b]), 1))
    return make(
        n_rows,
        n_cols,
        [(r, c, w) for (r, c), w in zip(picked, weights, strict=True)],
        must=tuple(must),
        cap=cap,
        fixed=tuple(fixed),
        side=tuple(side),
    )


def random_gap(items: int, agents: int, seed: int, *, spread: int = 40) -> AssignmentModel:
    """A generalised assignment problem: every item must go to one agent, each agent holds a
    knapsack of 80 % of its fair share of the items' sizes (5 to 25); weights 10 to
    ``10 + spread``, so a small spread gives many optima."""
    rng = np.random.default_rng(seed)
    pair_row = np.repeat(np.arange(items, dtype=np.int64), agents)
    pair_col = np.tile(np.arange(agents, dtype=np.int64), items)
    size = rng.integers(5, 26, len(pair_row))
    side = tuple(
        SideConstraint(
            pairs=np.flatnonzero(pair_col == a),
            rhs=int(0.8 * size[pair_col == a].sum() / agents),
            coef=size[pair_col == a],
            name=f"knapsack {a}",
        )
        for a in range(agents)
    )
    return AssignmentModel(
        n_rows=items,
        n_cols=agents,
        pair_row=pair_row,
        pair_col=pair_col,
        weight=rng.integers(10, 11 + spread, len(pair_row)),
        row_must=np.ones(items, dtype=np.bool_),
        col_cap=np.full(agents, items, dtype=np.int64),
        side=side,
    )


def random_cardinality(seed: int) -> AssignmentModel:
    """A small assignment (8–24 rows, 4–9 columns of capacity 1–2, 2–5 pairs per row, about a
    third of the rows required) with one to four cardinality constraints, each over a random
    third of the pairs: models whose LP bound, when met, often needs pairs the LP left out."""
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(8, 25)), int(rng.integers(4, 10))
    rows: list[int] = []
    cols: list[int] = []
    for row in range(n_rows):
        for col in rng.choice(n_cols, size=min(n_cols, int(rng.integers(2, 6))), replace=False):
            rows.append(row)
            cols.append(int(col))
    pair_row, pair_col = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    side = []
    for _ in range(int(rng.integers(1, 5))):
        over = np.flatnonzero(rng.random(len(pair_row)) < 0.3).astype(np.int64)
        if len(over):
            rhs = int(rng.integers(1, max(2, len(over) // 3)))
            side.append(SideConstraint(pairs=over, rhs=rhs))
    return AssignmentModel(
        n_rows=n_rows,
        n_cols=n_cols,
        pair_row=pair_row,
        pair_col=pair_col,
        weight=rng.integers(1, 20, len(pair_row)).astype(np.int64),
        row_must=rng.random(n_rows) < 0.3,
        col_cap=rng.integers(1, 3, n_cols).astype(np.int64),
        side=tuple(side),
    )
