"""Explanations on the shared worked example (its README explains every rule by hand).

Every "better by N" and every counterfactual the code reports is checked here by solving the
changed problem again, independently of the code that made the claim.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import placement
from placement import cli as placement_cli
from placement.analysis.explain import PersonExplanation, explain_person, explain_position
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.runs.record import dataset_rows
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

ExampleRun = tuple[Dataset, Policy, placement.Solution]


@pytest.fixture(scope="module")
def example() -> ExampleRun:
    dataset = placement.load_dataset(EXAMPLE)
    policy = placement.load_policy(EXAMPLE / "policy.json", dataset)
    return dataset, policy, placement.solve(dataset, policy)


@pytest.fixture(scope="module")
def nips(example: ExampleRun) -> dict[str, str]:
    emp = example[0].employees
    return {name.split()[0]: nip for name, nip in zip(emp["name"], emp["nip"], strict=True)}


@pytest.fixture(scope="module")
def people(example: ExampleRun) -> dict[str, PersonExplanation]:
    dataset, policy, solution = example
    return {nip: explain_person(dataset, policy, solution, nip) for nip in dataset.employees["nip"]}


def _alt(exp: PersonExplanation, position_id: str) -> Any:
    return next(a for a in exp.alternatives if a.position_id == position_id)


def _rules(exp: PersonExplanation, position_id: str) -> list[str]:
    return [f.rule for f in _alt(exp, position_id).blocked_by]


def _score(solution: placement.Solution, nip: str) -> tuple[str, int]:
    assert solution.plan is not None
    row = solution.plan.loc[solution.plan["nip"] == nip].iloc[0]
    return str(row["to_position"]), int(row["score"])


def _pinned(policy: Policy, nip: str, position_id: str) -> Policy:
    pins = (*(p for p in policy.pins if p[0] != nip), (nip, position_id))
    return dataclasses.replace(policy, pins=pins)


def _apply(dataset: Dataset, policy: Policy, nip: str, detail: dict[str, Any]) -> ExampleRun:
    """Apply a counterfactual's change from its description alone and solve."""
    tables = dataset_rows(dataset)
    if "competency" in detail:
        comp = [
            r
            for r in tables["competencies"]
            if not (r["nip"] == nip and r["competency"] == detail["competency"])
        ]
        comp.append({"nip": nip, "competency": detail["competency"], "level": detail["to"]})
        tables["competencies"] = comp
        dataset = placement.dataset_from_tables(tables)
    elif "position_since" in detail:
        for row in tables["employees"]:
            if row["nip"] == nip:
                row["position_since"] = detail["position_since"]
        dataset = placement.dataset_from_tables(tables)
    elif "jpm_floor" in detail:
        policy = dataclasses.replace(policy, jpm_floor=Decimal(detail["jpm_floor"]))
    else:
        weights = {**policy.weights, detail["weight"]: Decimal(detail["to"])}
        policy = dataclasses.replace(policy, weights=weights)
    return dataset, policy, placement.solve(dataset, policy)


def test_andis_first_choice_is_blocked_because_a_cpns_may_not_move(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    andi = people[nips["Andi"]]
    assert andi.kind == "stay" and andi.terms["score"] == 19692
    assert _rules(andi, "BKPSDM-01") == ["R01"]


def test_ernas_first_choice_is_blocked_by_her_grade_below_iii_c(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    failures = _alt(people[nips["Erna"]], "DINKES-02").blocked_by
    assert [f.rule for f in failures] == ["R05"]
    assert "III/b" in failures[0].text and "III/c" in failures[0].text


def test_fajar_is_forbidden_from_disdik_01_and_below_the_jpm_floor_for_bkpsdm_01(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    fajar = people[nips["Fajar"]]
    assert fajar.kind == "unplaced"
    assert _rules(fajar, "DISDIK-01") == ["R11"]
    assert _rules(fajar, "BKPSDM-01") == ["R07"]
    assert "40.00" in _alt(fajar, "BKPSDM-01").blocked_by[0].text


def test_fajar_would_get_bkpsdm_01_with_the_jpm_floor_at_his_jpm(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    """README: jpm_floor 40 gives +19450 (287692 → 307142), Fajar in BKPSDM-01 for 17800."""
    cf = people[nips["Fajar"]].counterfactual
    assert cf is not None and cf.detail == {"jpm_floor": "40"}
    assert (cf.position_id, cf.score, cf.objective) == ("BKPSDM-01", 17800, 307142)


def test_lukmans_first_choice_passes_every_r_rule_but_the_spouse_rule_keeps_him_out(
    example: ExampleRun, people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    dataset, policy, _ = example
    alt = _alt(people[nips["Lukman"]], "DISDIK-01")
    assert alt.allowed and alt.score == 23800
    assert alt.pinned_status == "INFEASIBLE" and alt.better_by is None
    assert any(n.startswith("G03") and nips["Kartika"] in n for n in alt.notes)
    assert placement.solve(dataset, _pinned(policy, nips["Lukman"], "DISDIK-01")).status == (
        "INFEASIBLE"
    )


def test_mayas_move_to_disdik_04_is_allowed_but_100_points_worse_than_her_stay(
    example: ExampleRun, people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    dataset, policy, solution = example
    maya = nips["Maya"]
    alt = _alt(people[maya], "DISDIK-04")
    assert alt.allowed and alt.holders == () and alt.score == 17900
    assert alt.better_by == 100
    pinned = placement.solve(dataset, _pinned(policy, maya, "DISDIK-04"))
    assert _score(pinned, maya) == ("DISDIK-04", 17900)
    assert _score(solution, maya) == ("DISDIK-03", 18000)
    assert solution.objective == 287692 and pinned.objective == 287592


def test_every_better_by_claim_matches_an_independent_pinned_re_solve(
    example: ExampleRun, people: dict[str, PersonExplanation]
) -> None:
    dataset, policy, solution = example
    assert solution.plan is not None and solution.objective is not None
    checked = 0
    for nip, exp in people.items():
        for alt in exp.alternatives:
            if not alt.allowed:
                continue
            pinned = placement.solve(dataset, _pinned(policy, nip, alt.position_id))
            assert alt.pinned_status == pinned.status
            if pinned.objective is None:
                assert alt.better_by is None
            else:
                assert alt.better_by == solution.objective - pinned.objective >= 0
                assert _score(pinned, nip) == (alt.position_id, alt.score)
            holders = solution.plan.loc[solution.plan["to_position"] == alt.position_id, "nip"]
            assert list(alt.holders) == holders.tolist()
            checked += 1
    assert checked >= 4


def test_every_counterfactual_gives_a_better_position_on_an_independent_re_solve(
    example: ExampleRun, people: dict[str, PersonExplanation]
) -> None:
    dataset, policy, _ = example
    found = 0
    for nip, exp in people.items():
        cf = exp.counterfactual
        if cf is None:
            continue
        _, _, changed = _apply(dataset, policy, nip, cf.detail)
        position, score = _score(changed, nip)
        assert (position, score, changed.objective) == (cf.position_id, cf.score, cf.objective)
        assert position != exp.to_position and score > exp.terms["score"]
        found += 1
    assert found >= 2


def test_maya_would_get_her_first_choice_with_one_more_level_of_m04(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    """JPM (2+2+2·1)/8 = 75 ≥ 68 at DINKES-02: 7500 + 10000 + 600 + 3000 - rank 1 → 20900."""
    cf = people[nips["Maya"]].counterfactual
    assert cf is not None
    assert cf.detail == {"competency": "M04", "from": 1, "to": 2}
    assert (cf.position_id, cf.score) == ("DINKES-02", 20900)


def test_a_person_explanation_is_json_ready(
    people: dict[str, PersonExplanation], nips: dict[str, str]
) -> None:
    data = json.loads(json.dumps(people[nips["Erna"]].to_dict()))
    assert data["terms"]["score"] == 22000
    assert data["alternatives"][0]["blocked_by"][0]["rule"] == "R05"


def test_dinkes_02_excludes_erna_by_grade_hendra_by_retirement_and_maya_by_jpm(
    example: ExampleRun, nips: dict[str, str]
) -> None:
    """README: both DINKES-02 seats stay empty: Erna R05, Hendra R08, Maya R07."""
    exp = explain_position(*example, "DINKES-02")
    assert exp.holders_before == exp.holders_after == ()
    assert exp.candidates == ()
    assert nips["Erna"] in exp.excluded_nips["R05"]
    assert nips["Hendra"] in exp.excluded_nips["R08"]
    assert nips["Maya"] in exp.excluded_nips["R07"]
    assert exp.excluded["R08"] == 1
    for rule, count in exp.excluded.items():
        assert count == len(exp.excluded_nips.get(rule, ()))


def test_the_jpt_post_dinkes_01_gives_a_shortlist_with_indah_on_top(
    example: ExampleRun, nips: dict[str, str]
) -> None:
    exp = explain_position(*example, "DINKES-01")
    assert exp.shortlist and "R10" in exp.note
    assert exp.candidates[0].nip == nips["Indah"]
    assert exp.candidates[0].score == 24000
    assert exp.holders_after == ()


def test_a_position_lists_its_stayers_and_who_got_its_free_seat(
    example: ExampleRun, nips: dict[str, str]
) -> None:
    exp = explain_position(*example, "BKPSDM-01")
    assert exp.holders_before == (nips["Lukman"],)
    assert set(exp.holders_after) == {nips["Lukman"], nips["Nur"]}
    placed = {c.nip for c in exp.candidates if c.placed_there}
    assert placed == {nips["Lukman"], nips["Nur"]}


def _cli(argv: list[str]) -> int:
    return placement_cli.main(argv)


@pytest.fixture(scope="module")
def run_dir(example: ExampleRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    placement.write_outputs(example[2], out)
    return out


def test_the_cli_explains_a_person_as_text(
    run_dir: Path, nips: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(["explain", str(run_dir), "--nip", nips["Erna"]]) == 0
    out = capsys.readouterr().out
    assert "DINKES-02" in out and "R05 grade III/b < min III/c" in out


def test_the_cli_explains_a_position_as_json(
    run_dir: Path, nips: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(["explain", str(run_dir), "--position", "DINKES-01", "--top", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["shortlist"] and data["candidates"][0]["nip"] == nips["Indah"]


def test_the_cli_refuses_a_run_whose_recorded_objective_differs(
    run_dir: Path, tmp_path: Path, nips: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for f in run_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    summary = json.loads((tmp_path / "summary.json").read_text())
    summary["objective"] = 1
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert _cli(["explain", str(tmp_path), "--nip", nips["Erna"]]) == 1
    assert "recorded 1" in capsys.readouterr().err


def test_the_cli_searches_counterfactuals_only_on_request(
    run_dir: Path, nips: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(["explain", str(run_dir), "--nip", nips["Fajar"], "--json"]) == 0
    quick = json.loads(capsys.readouterr().out)
    assert not quick["counterfactuals_computed"] and quick["counterfactual"] is None
    assert quick["counterfactuals_tried"] == 0
    assert (
        _cli(["explain", str(run_dir), "--nip", nips["Fajar"], "--json", "--counterfactuals"]) == 0
    )
    full = json.loads(capsys.readouterr().out)
    assert full["counterfactuals_computed"] and full["counterfactual"]["detail"] == {
        "jpm_floor": "40"
    }
    assert quick["alternatives"] == full["alternatives"]


def test_pinned_alternatives_without_the_run_model_match_those_with_it(
    example: ExampleRun, nips: dict[str, str]
) -> None:
    """A run read back from its files has no model: the explanation compiles one itself."""
    dataset, policy, solution = example
    bare = dataclasses.replace(solution, compiled=None)
    for name in ("Maya", "Lukman", "Fajar"):
        with_model = explain_person(dataset, policy, solution, nips[name], counterfactuals=False)
        without = explain_person(dataset, policy, bare, nips[name], counterfactuals=False)
        assert with_model.alternatives == without.alternatives
