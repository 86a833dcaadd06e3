"""The fairness report and the extension rule X01 (policy ``no_justified_envy``).

Scores used below (default weights, no requirements means JPM 100, performance not given = 60):
a stay within max_tenure scores 100 + 20 + 100 = 220 → 22000; a move to a first choice scores
JPM + 30 + 6 + 100; a move to a position not preferred JPM + 6 + 100. Every "loss" the code
claims is checked by solving the pinned problem again through the engine.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import placement
from placement import cli as placement_cli
from placement.analysis.fairness import EnvyPair, Fairness, fairness
from placement.check import check
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.engine import Solution, solve
from placement.errors import DatasetError
from tests.paths import EXAMPLE
from tests.placement.builders import make_dataset, make_policy

pytestmark = pytest.mark.usefixtures("english")

#: Tenure 42 months at the reference date 2026-07-01: may move, not overdue.
SETTLED = "2023-01-01"
#: Tenure 12 months: R04 forbids a move.
RECENT = "2025-07-01"


def _pairs(report: Fairness) -> dict[tuple[str, str], EnvyPair]:
    return {(p.nip, p.position_id): p for p in report.envy}


def _placed(solution: Solution) -> dict[str, str]:
    assert solution.plan is not None
    return dict(zip(solution.plan["nip"], solution.plan["to_position"], strict=True))


def _pinned(policy: Policy, nip: str, position_id: str) -> Policy:
    return dataclasses.replace(policy, pins=(*policy.pins, (nip, position_id)))


# --- an envy pair blocked by an R rule ----------------------------------------------------


@pytest.fixture(scope="module")
def blocked() -> Dataset:
    """e1 (A-01, 12 months in post) wants B-01, held by e2 (stay, 22000).

    e1 would score 100 + 30 + 6 + 100 → 23600 there, 1600 more than e2, but R04 (tenure 12 <
    24 months) forbids the move: both stay.
    """
    return make_dataset(
        employees=[
            {"nip": "e1", "position_id": "A-01", "position_since": RECENT},
            {"nip": "e2", "position_id": "B-01", "position_since": SETTLED},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
        preferences={"e1": {"B-01": 1}},
    )


def test_an_envy_pair_blocked_by_tenure_names_r04_with_the_values(blocked: Dataset) -> None:
    policy = make_policy()
    report = fairness(blocked, policy, solve(blocked, policy))
    assert list(_pairs(report)) == [("e1", "B-01")]
    pair = report.envy[0]
    assert (pair.holder, pair.score, pair.holder_score, pair.difference) == (
        "e2",
        23600,
        22000,
        1600,
    )
    assert pair.rule == "R04" and not pair.allowed
    assert "tenure 12 months < min 24" in pair.reason
    assert report.resolved == 0 and report.unexplained == 0


# --- envy explained by the objective, and X01 ----------------------------------------------


@pytest.fixture(scope="module")
def envious() -> Dataset:
    """Two allowed envy pairs the optimum leaves in place.

    * e1 (A-01, JPM 100 there) wants B-01, held by e2 (stay 22000); e1 would score 23600.
    * e3 (A-02, stay 22000) wants C-01, a free seat, where its JPM is 70: 70 + 30 + 6 + 100 →
      20600.

    The optimum keeps everyone in place: 66000. Giving B-01 to e1 forces e2 out (G07): to A-01
    (JPM 75 → 75 + 6 + 100 = 18100), or to A-02 (100 + 6 + 100 → 20600) once e3 takes C-01;
    the best is 23600 + 20600 + 20600 = 64800, a loss of 1200. Giving C-01 to e3 frees A-02,
    and the same plan is then the best one: a loss of 1200 too (e1, e2 staying gives 64600).
    With X01, e1 must get B-01 and e3 must take C-01, which is that plan: 64800.
    """
    return make_dataset(
        employees=[
            {"nip": "e1", "position_id": "A-01", "position_since": SETTLED},
            {"nip": "e2", "position_id": "B-01", "position_since": SETTLED},
            {"nip": "e3", "position_id": "A-02", "position_since": SETTLED},
        ],
        positions=[
            {"position_id": "A-01"},
            {"position_id": "A-02"},
            {"position_id": "B-01"},
            {"position_id": "C-01"},
        ],
        competencies={"e1": {"M01": 4}, "e2": {"M01": 3}, "e3": {"M01": 5, "M02": 2}},
        requirements={"A-01": {"M01": 4}, "C-01": {"M01": 5, "M02": 5}},
        preferences={"e1": {"B-01": 1}, "e3": {"C-01": 1}},
    )


@pytest.fixture(scope="module")
def envious_run(envious: Dataset) -> tuple[Policy, Solution, Fairness]:
    policy = make_policy()
    solution = solve(envious, policy)
    return policy, solution, fairness(envious, policy, solution)


def test_the_optimum_keeps_everyone_in_place(
    envious_run: tuple[Policy, Solution, Fairness],
) -> None:
    _, solution, _ = envious_run
    assert solution.objective == 66000
    assert _placed(solution) == {"e1": "A-01", "e2": "B-01", "e3": "A-02"}


def test_envy_the_objective_explains_reports_the_loss_a_resolve_confirms(
    envious: Dataset, envious_run: tuple[Policy, Solution, Fairness]
) -> None:
    policy, solution, report = envious_run
    pairs = _pairs(report)
    assert set(pairs) == {("e1", "B-01"), ("e3", "C-01")}
    e1, e3 = pairs[("e1", "B-01")], pairs[("e3", "C-01")]
    assert (e1.holder, e1.holder_score, e1.score, e1.difference) == ("e2", 22000, 23600, 1600)
    assert (e3.holder, e3.holder_score, e3.score) == (None, None, 20600)
    assert e1.rule == e3.rule == "objective"
    assert (e1.objective_loss, e3.objective_loss) == (1200, 1200)
    assert report.resolved == 2 and report.unexplained == 0
    for pair in (e1, e3):
        again = solve(envious, _pinned(policy, pair.nip, pair.position_id))
        assert again.objective is not None and solution.objective is not None
        assert solution.objective - again.objective == pair.objective_loss


def test_pairs_past_the_resolve_limit_are_counted_as_unexplained(
    envious: Dataset, envious_run: tuple[Policy, Solution, Fairness]
) -> None:
    policy, solution, _ = envious_run
    report = fairness(envious, policy, solution, max_explained=1)
    assert report.resolved == 1 and report.unexplained == 1
    assert [p.rule for p in report.envy] == ["objective", None]
    assert "unexplained" in report.text()


@pytest.fixture(scope="module")
def fair_run(envious: Dataset) -> tuple[Policy, Solution]:
    policy = make_policy(no_justified_envy=True)
    return policy, solve(envious, policy)


def test_no_justified_envy_removes_every_envy_pair_at_a_lower_objective(
    envious: Dataset,
    envious_run: tuple[Policy, Solution, Fairness],
    fair_run: tuple[Policy, Solution],
) -> None:
    policy, solution = fair_run
    assert solution.status == "OPTIMAL" and solution.objective == 64800
    assert envious_run[1].objective is not None and solution.objective <= envious_run[1].objective
    assert _placed(solution) == {"e1": "B-01", "e2": "A-02", "e3": "C-01"}
    assert fairness(envious, policy, solution).envy == ()
    assert solution.plan is not None and check(envious, policy, solution.plan).ok


def test_no_justified_envy_is_solved_by_highs_in_auto_mode(
    fair_run: tuple[Policy, Solution],
) -> None:
    _, solution = fair_run
    assert solution.summary["solver"] == "highs"
    assert solution.summary["policy"]["no_justified_envy"] is True


@pytest.mark.parametrize("backend", ["highs", "cpsat", "cbc"])
def test_the_exact_backends_agree_on_the_optimum_with_no_justified_envy(
    envious: Dataset, backend: str
) -> None:
    solution = solve(envious, make_policy(no_justified_envy=True, solver=backend))
    assert solution.status == "OPTIMAL" and solution.objective == 64800
    assert solution.summary["solver"] == backend


def test_the_checker_flags_a_plan_with_envy_when_no_justified_envy_is_on(
    envious: Dataset, envious_run: tuple[Policy, Solution, Fairness]
) -> None:
    _, solution, _ = envious_run
    assert solution.plan is not None
    assert check(envious, make_policy(), solution.plan).ok
    report = check(envious, make_policy(no_justified_envy=True), solution.plan)
    assert {(v.rule, v.nip, v.position_id) for v in report.violations} == {
        ("X01", "e1", "B-01"),
        ("X01", "e3", "C-01"),
    }
    messages = " | ".join(v.message for v in report.violations)
    assert "e2 holds it with score 22000" in messages and "1 free seat(s)" in messages


# --- envy explained by a G rule ------------------------------------------------------------


@pytest.fixture(scope="module")
def related() -> Dataset:
    """e1 (A-01) wants the free seat B-01; e1's spouse s holds B-02 and may not move (12 months).

    e1 in B-01 would put the couple in unit B, where e1 is not already: G03 forbids it, and
    pinning e1 there is infeasible.
    """
    return make_dataset(
        employees=[
            {"nip": "e1", "position_id": "A-01", "position_since": SETTLED},
            {"nip": "s", "position_id": "B-02", "position_since": RECENT},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}, {"position_id": "B-02"}],
        preferences={"e1": {"B-01": 1}},
        relations=[("e1", "s", "spouse")],
    )


def test_envy_a_relation_prevents_names_g03(related: Dataset) -> None:
    policy = make_policy()
    report = fairness(related, policy, solve(related, policy))
    (pair,) = report.envy
    assert (pair.nip, pair.position_id, pair.holder) == ("e1", "B-01", None)
    assert pair.allowed and pair.rule == "G03"
    assert "spouse s ends in B" in pair.reason and "INFEASIBLE" in pair.reason
    assert solve(related, _pinned(policy, "e1", "B-01")).status == "INFEASIBLE"


@pytest.fixture(scope="module")
def stuck_holder() -> Dataset:
    """e1 (A-01, may move) wants B-01, held by e2 who may not move (12 months) and must keep
    a post (G07). e1 outscores e2 there (23600 > 22000), but e2 has nowhere else to be: the
    seat is exempt from X01, the plan keeps both in place with the rule on, and the report
    names G07."""
    return make_dataset(
        employees=[
            {"nip": "e1", "position_id": "A-01", "position_since": SETTLED},
            {"nip": "e2", "position_id": "B-01", "position_since": RECENT},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
        preferences={"e1": {"B-01": 1}},
    )


def test_a_holder_who_cannot_be_elsewhere_keeps_the_seat_under_no_justified_envy(
    stuck_holder: Dataset,
) -> None:
    policy = make_policy(no_justified_envy=True)
    solution = solve(stuck_holder, policy)
    assert solution.status == "OPTIMAL" and solution.objective == 44000
    assert solution.plan is not None and check(stuck_holder, policy, solution.plan).ok
    (pair,) = fairness(stuck_holder, policy, solution).envy
    assert (pair.holder, pair.rule, pair.allowed) == ("e2", "G07", True)


# --- the policy key ----------------------------------------------------------------------


def test_no_justified_envy_defaults_to_false_and_must_be_a_boolean(blocked: Dataset) -> None:
    assert load_policy({}, blocked).no_justified_envy is False
    assert load_policy({"no_justified_envy": True}, blocked).no_justified_envy is True
    with pytest.raises(DatasetError) as info:
        load_policy({"no_justified_envy": "yes"}, blocked)
    assert [(p.table, p.column) for p in info.value.problems] == [("policy", "no_justified_envy")]


# --- the worked example and the CLI --------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[Dataset, Policy, Solution]:
    dataset = placement.load_dataset(EXAMPLE)
    policy = placement.load_policy(EXAMPLE / "policy.json", dataset)
    return dataset, policy, placement.solve(dataset, policy)


def test_the_distribution_of_the_example_accounts_for_every_employee(
    example: tuple[Dataset, Policy, Solution],
) -> None:
    report = fairness(*example)
    assert set(report.distribution) == {"unit", "grade", "gender", "job_class"}
    for groups in report.distribution.values():
        assert sum(g.employees for g in groups) == 14
        for g in groups:
            assert g.moved + g.stayed + g.new_placements + g.unplaced == g.employees
    summary = example[2].summary
    units = report.distribution["unit"]
    assert sum(g.moved for g in units) == summary["moves"]
    assert sum(g.unplaced for g in units) == summary["unplaced"]
    assert sum(g.new_placements for g in units) == summary["new_placements"]


def _cli(argv: list[str]) -> int:
    return placement_cli.main(argv)


@pytest.fixture(scope="module")
def run_dir(example: tuple[Dataset, Policy, Solution], tmp_path_factory: Any) -> Path:
    out: Path = tmp_path_factory.mktemp("run")
    placement.write_outputs(example[2], out)
    return out


def test_the_cli_reports_fairness_as_text(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(["fairness", str(run_dir)]) == 0
    out = capsys.readouterr().out
    # 14 wishes: one allowed (justified envy) leads, 13 blocked by legal rules follow.
    assert "\n1 justified-envy pair(s) " in out
    assert "\n13 blocked wish(es) (a legal rule forbids them): R05 2, R07 2, G07 1," in out
    assert (
        out.index("justified-envy pair(s)")
        < out.index("DISDIK-01 (rank 1")
        < out.index("blocked wish(es)")
    )
    assert "R02 active discipline case" in out and "by job_class:" in out


def test_the_cli_reports_fairness_as_json(
    run_dir: Path, example: tuple[Dataset, Policy, Solution], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(["fairness", str(run_dir), "--json", "--max-explained", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["envy_pairs"] == len(data["envy"]) == 14
    assert (data["justified_envy"], data["blocked_wishes"]) == (1, 13)
    assert sum(data["blocked_by_rule"].values()) == 13
    assert [p["position_id"] for p in data["envy"] if not p["blocked"]] == ["DISDIK-01"]
    assert all(p["blocked"] == (not p["allowed"] or p["rule"] in ("G01", "G07"))
               for p in data["envy"])  # fmt: skip
    assert data["resolved"] == 0 and data["unexplained"] == 1
    assert sum(g["employees"] for g in data["distribution"]["grade"]) == 14
    unexplained = [p for p in data["envy"] if p["rule"] is None]
    assert [(p["position_id"], p["allowed"]) for p in unexplained] == [("DISDIK-01", True)]


def test_no_justified_envy_on_the_example_is_infeasible_and_the_diagnosis_names_x01(
    example: tuple[Dataset, Policy, Solution],
) -> None:
    """Lukman outscores the stayers of DISDIK-01 and it has a free seat he ranks first, so X01
    sends him there; his spouse Kartika stays in DISDIK, where he is not already (G03)."""
    dataset, policy, _ = example
    solution = solve(dataset, dataclasses.replace(policy, no_justified_envy=True))
    assert solution.status == "INFEASIBLE"
    assert solution.summary["diagnosis"]["conflict"] == [{"rule": "X01"}]
