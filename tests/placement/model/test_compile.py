"""G03 in the compiled model: the couples of a household become one constraint per unit."""

from __future__ import annotations

import pytest

from placement.engine import solve
from placement.model.compile import compile_model, relation_cliques, side_constraints
from placement.model.rules import build_context
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
