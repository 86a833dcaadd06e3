"""G03 in the compiled model: the couples of a household become one constraint per unit."""

from __future__ import annotations

import numpy as np
import pytest

from placement.contract.policy import load_policy
from placement.engine import solve
from placement.model.compile import (
    candidate_moves,
    compile_model,
    relation_cliques,
    side_constraints,
)
from placement.model.rules import I64, MOVE, NEW, STAY, Context, build_context
from placement.model.scoring import score_pairs
from tests.placement.builders import make_dataset, make_nip, make_policy
from tests.placement.test_optimality import brute_force


def test_a_triangle_of_couples_is_one_clique_and_a_path_two_couples() -> None:
    assert relation_cliques([(1, 2), (1, 3), (2, 3)]) == [(1, 2, 3)]
    assert relation_cliques([(1, 2), (2, 3)]) == [(1, 2), (2, 3)]


def test_every_couple_is_covered_once_and_cliques_are_all_related() -> None:
    couples = [(1, 2), (1, 3), (2, 3), (3, 4), (2, 4), (4, 5), (1, 4)]
    cliques = relation_cliques(couples)
    seen = [(x, y) for c in cliques for i, x in enumerate(c) for y in c[i + 1 :]]
    assert sorted(seen) == sorted(couples)
    assert cliques[0] == (1, 2, 3, 4)


@pytest.fixture
def household() -> tuple[object, object]:
    """Four relatives, each in a unit of their own (A, B, C, D), and vacancies in a fifth (E):
    each would gain by moving to E, where only one of them may end."""
    people = [make_nip(i) for i in range(4)]
    units = "ABCD"
    dataset = make_dataset(
        employees=[
            {"nip": nip, "position_id": f"{u}-01"} for nip, u in zip(people, units, strict=True)
        ],
        positions=[{"position_id": f"{u}-01"} for u in units]
        + [{"position_id": "E-01", "capacity": 4}],
        preferences={nip: {"E-01": 1} for nip in people},
        relations=[(a, b, "family") for i, a in enumerate(people) for b in people[i + 1 :]],
    )
    policy = make_policy(separate_relations=["family"])
    return dataset, policy


def test_a_household_is_one_g03_constraint_per_unit_in_the_model(household: tuple) -> None:
    dataset, policy = household
    ctx = build_context(dataset, policy)
    compiled = compile_model(ctx)
    pairwise = side_constraints(ctx, compiled.e, compiled.p, compiled.kind)
    g03 = [s for s in compiled.model.side if s.name.startswith("G03")]
    # Pairwise: 6 couples, each in E and in the home unit of one of them (the other moves in).
    assert len([s for s in pairwise if s.name.startswith("G03")]) > len(g03)
    assert any(s.name.count(":") == 5 for s in g03)  # G03:a:b:c:d:u, the household in E


def test_the_household_optimum_is_that_of_every_checked_plan(household: tuple) -> None:
    dataset, policy = household
    solution = solve(dataset, policy)
    assert solution.status == "OPTIMAL"
    assert solution.objective == brute_force(dataset, policy)
    assert (solution.plan["to_position"] == "E-01").sum() == 1


def _g03_by_couple(ctx: Context, e: I64, p: I64) -> list[tuple[str, list[int]]]:
    """G03 rows the plain way: per separated couple, per unit both have a pair in, unless both
    are there already, the pairs of the two in that unit."""
    import numpy as np
    import pandas as pd

    from placement.model.rules import index_of

    rel = ctx.dataset.relations
    rel = rel[rel["kind"].isin(ctx.policy.separate_relations)]
    nips = pd.Index(ctx.nip)
    unit_of = ctx.unit[p]
    cur = ctx.cur
    home = np.where(cur >= 0, ctx.unit[np.maximum(cur, 0)], -1)
    rows = []
    for a, b in zip(index_of(nips, rel["nip_a"]), index_of(nips, rel["nip_b"]), strict=True):
        both = sorted(set(unit_of[e == a].tolist()) & set(unit_of[e == b].tolist()))
        for u in both:
            if home[a] == u and home[b] == u:
                continue
            pairs = np.flatnonzero(((e == a) | (e == b)) & (unit_of == u))
            rows.append((f"G03:{a}:{b}:{u}", pairs.tolist()))
    return rows


def test_g03_rows_of_a_dense_city_are_those_of_each_couple_and_unit() -> None:
    from benchmarks.cities import CITIES, generate, side_policy
    from placement.contract.readers import dataset_from_tables

    tables = generate(400, CITIES["dense"], seed=3)
    dataset = dataset_from_tables({k: v.astype(str) for k, v in tables.items()})
    ctx = build_context(dataset, side_policy(dataset))
    compiled = compile_model(ctx)
    pairwise = side_constraints(ctx, compiled.e, compiled.p, compiled.kind)
    g03 = [(s.name, s.pairs.tolist()) for s in pairwise if s.name.startswith("G03")]
    assert len(g03) > 100
    assert g03 == _g03_by_couple(ctx, compiled.e, compiled.p)
    # The cliques cover the same couples and units, and each holds its members' pairs.
    cliques = [s for s in compiled.model.side if s.name.startswith("G03")]
    covered = set()
    for s in cliques:
        *people, unit = (int(x) for x in s.name.split(":")[1:])
        for i, a in enumerate(people):
            covered |= {(a, b, unit) for b in people[i + 1 :]}
        members = set(compiled.e[s.pairs].tolist())
        assert members <= set(people)
    expected = set()
    for name, _ in g03:
        a, b, unit = (int(x) for x in name.split(":")[1:])
        expected.add((min(a, b), max(a, b), unit))
    assert covered == expected


def _listed_pairs(ctx: Context) -> tuple[I64, I64, I64]:
    """Every allowed pair listed rule by rule, as the side-rule models were built before they
    came from the move space: candidate moves, then stays (none for overdue employees who must
    move), the pins replacing every other pair of their employees; sorted by (e, p)."""
    me, mp = candidate_moves(ctx)
    has_move = np.zeros(ctx.n_employees, dtype=bool)
    has_move[me[ctx.cur[me] >= 0]] = True
    force = ctx.policy.force_rotation
    must_move = ctx.overdue() & has_move if force else np.zeros(ctx.n_employees, dtype=bool)
    se = np.flatnonzero(ctx.stay_allowed() & ~must_move).astype(np.int64)
    e, p = np.concatenate([me, se]), np.concatenate([mp, ctx.cur[se]])
    pinned = np.zeros(ctx.n_employees, dtype=bool)
    nip_at = {str(n): i for i, n in enumerate(ctx.nip)}
    pos_at = {str(q): i for i, q in enumerate(ctx.position_id)}
    pe = np.array([nip_at[a] for a, _ in ctx.policy.pins], dtype=np.int64)
    pp = np.array([pos_at[b] for _, b in ctx.policy.pins], dtype=np.int64)
    pinned[pe] = True
    e, p = np.concatenate([e[~pinned[e]], pe]), np.concatenate([p[~pinned[e]], pp])
    order = np.argsort(ctx.key(e, p))
    e, p = e[order], p[order]
    kind = np.where(ctx.cur[e] == p, STAY, np.where(ctx.cur[e] >= 0, MOVE, NEW))
    return e, p, score_pairs(ctx, e, p, kind.astype(np.int64)).score


@pytest.mark.parametrize("force_rotation", [False, True])
def test_a_side_rule_model_holds_every_allowed_pair_listed_rule_by_rule(
    force_rotation: bool,
) -> None:
    """A generated city under side rules, with preferences, forbidden pairs and pins (one a
    stay, one a move, one to a closed post): the model's pairs and weights are those of the
    rules applied pair by pair."""
    from benchmarks.cities import CITIES, generate, side_policy
    from placement.contract.readers import dataset_from_tables

    tables = generate(600, CITIES["small-units"], seed=5)
    dataset = dataset_from_tables({k: v.astype(str) for k, v in tables.items()})
    emp, pos = dataset.employees, dataset.positions
    closed = pos.loc[pos["state"] == "closed", "position_id"].iloc[0]
    pins = [
        {"nip": emp["nip"].iloc[0], "position_id": emp["position_id"].iloc[0]},
        {"nip": emp["nip"].iloc[1], "position_id": pos["position_id"].iloc[5]},
        {"nip": emp["nip"].iloc[2], "position_id": closed},
    ]
    forbid = [
        {"nip": n, "position_id": p}
        for n, p in zip(emp["nip"].iloc[10:40], pos["position_id"].iloc[10:40], strict=True)
    ]
    base = side_policy(dataset).to_dict()
    policy = load_policy(
        {**base, "pins": pins, "forbid": forbid, "force_rotation": force_rotation}, dataset
    )
    ctx = build_context(dataset, policy)
    compiled = compile_model(ctx)
    e, p, score = _listed_pairs(ctx)
    assert len(dataset.preferences) > 0 and compiled.model.n_pairs > 10_000
    assert np.array_equal(compiled.e, e)
    assert np.array_equal(compiled.p, p)
    assert np.array_equal(compiled.model.weight, score)


def test_a_model_without_any_allowed_move_scores_its_stays() -> None:
    """Neither may move (a CPNS, one on study leave): the move space has no membership and
    every pair is a stay, scored here."""
    dataset = make_dataset(
        employees=[
            {"nip": make_nip(1), "position_id": "A-01", "status": "CPNS"},
            {"nip": make_nip(2), "position_id": "A-02", "on_leave": True},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "A-02"}, {"position_id": "B-01"}],
        preferences={make_nip(2): {"B-01": 1}},
    )
    ctx = build_context(dataset, make_policy())
    compiled = compile_model(ctx, restrict_above=0)
    pairs = list(zip(compiled.e.tolist(), compiled.p.tolist(), strict=True))
    assert pairs == [(0, 0), (1, 1)]
    expected = score_pairs(ctx, compiled.e, compiled.p, compiled.kind)
    assert compiled.terms.score.tolist() == expected.score.tolist()
    assert compiled.terms.num.tolist() == expected.num.tolist()
