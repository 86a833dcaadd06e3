"""The move space's group fit (R05, R06 and R08 of every mover against every group) and its
JPM numerators."""

from __future__ import annotations

import numpy as np
import pytest

from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_tables
from placement.model import space
from placement.model.compile import compile_moves
from placement.model.rules import I64, B, Context, build_context
from placement.model.space import MoveSpace, group_fit, indicator_matrices
from placement.synthetic.city import DEFAULT_REFERENCE_DATE, generate
from tests.placement.builders import example_dataset, example_policy


def _direct(ctx: Context, movers: I64, reps: I64) -> B:
    e, p = movers[:, None], reps[None, :]
    return (
        ctx.grade_ok(e, p)
        & ctx.education_ok(e, p)
        & ctx.retirement_ok(np.broadcast_to(e, (len(movers), len(reps))), ctx.bup[p])
    )


@pytest.mark.parametrize("seed", [3, 11])
def test_group_fit_is_the_rules_of_each_mover_and_position(seed: int) -> None:
    dataset = dataset_from_tables(dict(generate(400, seed)))
    policy = load_policy({"reference_date": DEFAULT_REFERENCE_DATE.isoformat()}, dataset)
    ctx = build_context(dataset, policy)
    movers = np.arange(ctx.n_employees, dtype=np.int64)
    reps = np.arange(ctx.n_positions, dtype=np.int64)
    fit = group_fit(ctx, movers, reps)
    assert fit.any() and not fit.all()
    assert np.array_equal(fit, _direct(ctx, movers, reps))


def test_group_fit_of_the_example_tells_alike_employees_apart_by_every_attribute() -> None:
    ctx = build_context(example_dataset(), example_policy())
    movers = np.arange(ctx.n_employees, dtype=np.int64)[::-1].copy()
    reps = np.arange(ctx.n_positions, dtype=np.int64)
    assert np.array_equal(group_fit(ctx, movers, reps), _direct(ctx, movers, reps))


def test_indicator_matrix_b_holds_each_level_step_and_a_column_of_ones() -> None:
    dataset = dataset_from_tables(dict(generate(300, 5)))
    policy = load_policy({"reference_date": DEFAULT_REFERENCE_DATE.isoformat()}, dataset)
    ctx = build_context(dataset, policy)
    employees = np.arange(0, ctx.n_employees, 3, dtype=np.int64)
    b, _m = indicator_matrices(ctx, employees)
    levels = ctx.comp_levels[employees].astype(np.int64)
    assert set(np.unique(levels).tolist()) == {0, 1, 2, 3, 4, 5}
    expected = (levels[:, :, None] >= np.arange(1, 6)).reshape(len(employees), -1)
    assert np.array_equal(b[:, :-1], expected.astype(np.float32))
    assert (b[:, -1] == 1).all()


def _space(ctx: Context) -> MoveSpace:
    compiled = compile_moves(ctx, 0)
    assert compiled.space is not None
    return compiled.space


@pytest.mark.parametrize("seed", [2, 7, 13])
def test_narrow_products_over_the_required_competencies_give_the_same_space(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B and M built per product over the competencies its cells require (as for a city of
    many competencies) give the memberships, numerators and scores of B and M whole."""
    dataset = dataset_from_tables(dict(generate(600, seed)))
    policy = load_policy({"reference_date": DEFAULT_REFERENCE_DATE.isoformat()}, dataset)
    ctx = build_context(dataset, policy)
    whole = _space(ctx)
    monkeypatch.setattr(space, "_WIDE", 0)
    narrow = _space(ctx)
    assert len(whole.mem_e) > 1000
    for name in ("cell_ptr", "cell_pos", "cell_den", "mem_cell", "mem_e", "mem_num", "mem_score"):
        assert np.array_equal(getattr(whole, name), getattr(narrow, name)), name
