"""The vectorised rules and scores agree with the independent checker, pair by pair.

On a generated city, sampled (employee, position) placements are judged twice: by
``Context.rule_masks``/``score_pairs`` (the optimiser's vectorised code) and by
``placement.check`` on a plan where only that employee changes post. The failing rule ids and
the score must be identical, and the candidate generator must list exactly the pairs that pass.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from placement.check import check, expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.model.compile import candidate_moves
from placement.model.rules import MOVE, NEW, R_RULES, build_context
from placement.model.scoring import score_pairs
from placement.synthetic.city import generate
from tests.placement.builders import make_dataset, make_nip, make_policy


@cache
def city() -> Dataset:
    """A generated 300-employee city."""
    return dataset_from_tables(generate(300, 5))


POLICIES = {
    "defaults": {},
    "lenient": {"jpm_floor": 50, "allow_pppk_moves": True, "allow_jpt": True,
                "retirement_buffer_months": 6, "min_tenure_months": 12},
    "strict": {"jpm_floor": 85, "retirement_buffer_months": 60, "min_tenure_months": 36,
               "weights": {"preference": 1.5, "performance": 0.333, "jpm": 0.7}},
}  # fmt: skip


def _policy(dataset: Dataset, extra: dict[str, object]) -> Policy:
    forbid = [
        {"nip": n, "position_id": p}
        for n, p in zip(
            dataset.employees["nip"][:5], dataset.positions["position_id"][:5], strict=True
        )
    ]
    return load_policy({"reference_date": "2026-07-01", "forbid": forbid, **extra}, dataset)


def _sample_pairs(dataset: Dataset, n: int) -> list[tuple[int, int]]:
    ctx = build_context(dataset, _policy(dataset, {}))
    rng = np.random.default_rng(42)
    me, mp = candidate_moves(ctx)
    picks = rng.choice(len(me), size=min(n, len(me)), replace=False)
    pairs = {(int(me[i]), int(mp[i])) for i in picks}
    while len(pairs) < 2 * n:
        e, p = int(rng.integers(ctx.n_employees)), int(rng.integers(ctx.n_positions))
        if ctx.cur[e] != p:
            pairs.add((e, p))
    # The first five employees are forbidden from the first five positions.
    pairs |= {(i, i) for i in range(5) if ctx.cur[i] != i}
    # Discipline cases and leave are rare: add a placement for each such employee.
    for i in np.flatnonzero(ctx.discipline | ctx.on_leave).tolist():
        pairs.add((i, (int(ctx.cur[i]) + 1) % ctx.n_positions))
    return sorted(pairs)


#: Rules a policy switches off, so the sample cannot see them fail.
SWITCHED_OFF = {"lenient": {"R01", "R10"}}


@pytest.mark.parametrize("name", POLICIES)
def test_rules_and_scores_match_the_checker_on_sampled_placements(name: str) -> None:
    dataset = city()
    policy = _policy(dataset, POLICIES[name])
    ctx = build_context(dataset, policy)
    pairs = _sample_pairs(dataset, 60)
    e = np.array([a for a, _ in pairs], dtype=np.int64)
    p = np.array([b for _, b in pairs], dtype=np.int64)
    masks = ctx.rule_masks(e, p)
    kind = np.where(ctx.cur[e] >= 0, MOVE, NEW).astype(np.int64)
    scores = score_pairs(ctx, e, p, kind).score
    current = dict(zip(dataset.employees["nip"], dataset.employees["position_id"], strict=True))
    me, mp = candidate_moves(ctx)
    candidates = set(zip(me.tolist(), mp.tolist(), strict=True))
    seen: set[str] = set()
    for i, (ei, pi) in enumerate(pairs):
        nip, pid = str(ctx.nip[ei]), str(ctx.position_id[pi])
        plan = expected_plan(dataset, policy, current | {nip: pid})
        report = check(dataset, policy, plan)
        checker_fails = {v.rule for v in report.violations if v.nip == nip and v.rule[0] == "R"}
        vector_fails = {r for r in R_RULES if not masks[r][i]}
        assert vector_fails == checker_fails, (nip, pid)
        assert int(scores[i]) == report.scores[nip], (nip, pid)
        assert ((ei, pi) in candidates) == (not vector_fails), (nip, pid)
        seen |= vector_fails
    assert seen == set(R_RULES) - SWITCHED_OFF.get(name, set()), "every rule is exercised"


def test_candidate_moves_never_include_a_stay_or_a_forbidden_pair() -> None:
    dataset = city()
    ctx = build_context(dataset, _policy(dataset, {"jpm_floor": 0}))
    e, p = candidate_moves(ctx)
    assert not np.any(ctx.cur[e] == p)
    assert not np.isin(ctx.key(e, p), ctx.forbid_keys).any()
    keys = ctx.key(e, p)
    assert np.all(np.diff(keys) > 0), "sorted by (employee, position), no duplicates"


def test_preference_ranks_are_the_best_of_each_position_and_unit_target() -> None:
    dataset = city()
    ctx = build_context(dataset, load_policy({"reference_date": "2026-07-01"}, dataset))
    nip_at = {n: i for i, n in enumerate(ctx.nip.tolist())}
    pos_at = {p: i for i, p in enumerate(ctx.position_id.tolist())}
    members: dict[str, list[int]] = {}
    for p, u in enumerate(ctx.unit_names[ctx.unit].tolist()):
        members.setdefault(u, []).append(p)
    best: dict[tuple[int, int], int] = {}
    prefs = dataset.preferences
    units = 0
    for nip, target, rank in zip(prefs["nip"], prefs["target"], prefs["rank"], strict=True):
        units += target not in pos_at
        for p in [pos_at[target]] if target in pos_at else members.get(target, []):
            key = (nip_at[nip], p)
            best[key] = min(best.get(key, 6), int(rank))
    assert units and best
    e = np.array([k[0] for k in best], dtype=np.int64)
    p = np.array([k[1] for k in best], dtype=np.int64)
    assert ctx.preference_rank(e, p).tolist() == list(best.values())
    assert len(ctx.pref_keys) == len(best)


def test_pairs_pass_exactly_when_every_pair_rule_holds() -> None:
    dataset = city()
    policy = load_policy(
        {"reference_date": "2026-07-01", "jpm_floor": 40, "retirement_buffer_months": 60},
        dataset,
    )
    ctx = build_context(dataset, policy)
    rng = np.random.default_rng(3)
    e = rng.integers(0, ctx.n_employees, 4_000)
    p = rng.integers(0, ctx.n_positions, 4_000)
    masks = ctx.pair_rules(e, p)
    assert not all(m.all() for m in masks.values())
    assert not masks["R07"].all()
    assert np.array_equal(ctx.pairs_pass(e, p), np.logical_and.reduce(list(masks.values())))


def test_jpm_reads_the_required_competencies_among_others_nobody_requires() -> None:
    dataset = make_dataset(
        employees=[{"nip": make_nip(1), "position_id": "A-01"}],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
        competencies={make_nip(1): {"K01": 5, "M01": 2, "T09": 4}},
        requirements={"B-01": {"M01": (3, 2), "T10": 1}},
    )
    ctx = build_context(dataset, make_policy())
    num, den = ctx.jpm_parts(np.array([0, 0]), np.array([0, 1]))
    assert (num.tolist(), den.tolist()) == ([1, 4], [1, 7])
