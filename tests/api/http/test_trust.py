"""Explanations, diagnosis, scenarios, comparisons, the report and the decree over HTTP.

The facts asserted come from the shared worked example's README (tests.paths.EXAMPLE): who is
blocked by which rule, what a pin costs, which seats stay empty and how the rotation variant
differs from the main plan.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import openpyxl
import pytest

from placement.analysis.scenario import apply_changes
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.runs.formats import plan_csv_text
from tests.api.fixtures import EXAMPLE_OBJECTIVE, XLSX, example_json, example_policy, wait_for_run
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english_service")

Headers = dict[str, dict[str, str]]
#: Texts are asserted in English, asked for; the Indonesian default is asserted beside them.
EN = {"Accept-Language": "en"}

ANDI = "199803122024061001"
BUDI = "198705202010011002"
CITRA = "199101152015032003"
DEDI = "198512102009011004"
FAJAR = "199405052019031006"
GITA = "199207072016022007"
HENDRA = "197002152000031008"
JOKO = "197907112005011010"
LUKMAN = "198601012011011012"
MAYA = "197312122000032013"
NUR = "200001102026062014"

#: Two pins on DISDIK-04, a post of one seat.
TWO_PINS = {
    "reference_date": "2026-07-01",
    "pins": [{"nip": ANDI, "position_id": "DISDIK-04"}, {"nip": BUDI, "position_id": "DISDIK-04"}],
}


def _post(client: httpx.Client, path: str, headers: dict[str, str], body: Any) -> httpx.Response:
    return client.post(path, json=body, headers=headers)


def _queue(client: httpx.Client, headers: dict[str, str], dataset_id: str, policy: Any) -> str:
    answer = _post(client, "/v1/runs", headers, {"dataset_id": dataset_id, "policy": policy})
    assert answer.status_code == 202, answer.text
    run_id: str = answer.json()["id"]
    return run_id


@pytest.fixture(scope="module")
def runs(service: str, keys: Headers) -> dict[str, str]:
    """Finished runs of the example: ``main`` and ``rotation`` (with plans) and ``two_pins``
    (INFEASIBLE), and the id of the uploaded ``dataset``."""
    planner = keys["planner"]
    with httpx.Client(base_url=service, timeout=60) as client:
        uploaded = client.post(
            "/v1/datasets",
            content=example_json(),
            headers=planner | {"Content-Type": "application/json"},
        )
        assert uploaded.status_code == 201, uploaded.text
        dataset_id = uploaded.json()["id"]
        rotation = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
        ids = {
            "main": _queue(client, planner, dataset_id, example_policy()),
            "rotation": _queue(client, planner, dataset_id, rotation),
            "two_pins": _queue(client, planner, dataset_id, TWO_PINS),
        }
        finished = {name: wait_for_run(client, i, keys["viewer"]) for name, i in ids.items()}
    assert finished["main"]["status"] == "succeeded", finished["main"]
    assert finished["rotation"]["status"] == "succeeded", finished["rotation"]
    assert finished["two_pins"]["summary"]["status"] == "INFEASIBLE", finished["two_pins"]
    return ids | {"dataset": dataset_id}


def _plan(path: str) -> dict[str, str]:
    with (EXAMPLE / path).open(encoding="utf-8") as f:
        return {row["nip"]: row["to_position"] for row in csv.DictReader(f)}


def _audit_actions(client: httpx.Client, admin: dict[str, str]) -> list[dict[str, Any]]:
    records, after = [], 0
    while True:
        page = client.get("/v1/audit", params={"after_seq": after}, headers=admin).json()
        records += page["records"]
        if page["next_after"] is None:
            return records
        after = page["next_after"]


# -- explanations ------------------------------------------------------------------------------


def test_an_unplaced_employee_is_explained_rule_by_rule_with_a_verified_counterfactual(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    url = f"/v1/runs/{runs['main']}/explain/employees/{FAJAR}"
    answer = client.get(url, headers=keys["viewer"] | EN)
    assert answer.status_code == 200, answer.text
    fajar = answer.json()
    indonesian = client.get(url, headers=keys["viewer"]).json()
    assert {a["position_id"]: a for a in indonesian["alternatives"]}["BKPSDM-01"]["blocked_by"] == [
        {"rule": "R07", "text": "JPM 40,00 < batas minimum 68,00"}
    ]
    assert (fajar["name"], fajar["kind"], fajar["to_position"]) == ("Fajar Tarigan", "unplaced", "")
    assert fajar["objective"] == EXAMPLE_OBJECTIVE
    by_position = {a["position_id"]: a for a in fajar["alternatives"]}
    # BKPSDM-01 (rank 1): JPM 40 < 68; DISDIK-01 (rank 2): forbidden; DISDIK-03: closed.
    assert by_position["BKPSDM-01"]["blocked_by"] == [
        {"rule": "R07", "text": "JPM 40.00 < floor 68"}
    ]
    assert [f["rule"] for f in by_position["DISDIK-01"]["blocked_by"]] == ["R11"]
    assert [f["rule"] for f in by_position["DISDIK-03"]["blocked_by"]] == ["R09"]
    # The free DISDIK-02 seat goes to Joko: pinning Fajar there costs the plan 8200 points.
    disdik_02 = by_position["DISDIK-02"]
    assert disdik_02["allowed"] is True
    assert sorted(disdik_02["holders"]) == sorted([DEDI, JOKO])
    assert disdik_02["better_by"] == 8200
    # Lowering jpm_floor to 40 places him in BKPSDM-01 and adds 19450 to the optimum.
    counterfactual = fajar["counterfactual"]
    assert counterfactual["detail"] == {"jpm_floor": "40"}
    assert counterfactual["position_id"] == "BKPSDM-01"
    assert counterfactual["objective"] == EXAMPLE_OBJECTIVE + 19450


def test_a_pinned_employee_has_the_pin_in_the_way_of_every_other_position(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    answer = client.get(
        f"/v1/runs/{runs['main']}/explain/employees/{GITA}",
        params={"top": 0},
        headers=keys["viewer"] | EN,
    )
    assert answer.status_code == 200, answer.text
    gita = answer.json()
    assert (gita["kind"], gita["from_position"], gita["to_position"]) == (
        "move", "DISDIK-02", "DINKES-03",
    )  # fmt: skip
    assert gita["terms"]["score"] == 21800
    assert (gita["terms"]["jpm"], gita["terms"]["preference_rank"]) == ("80.00", 1)
    assert gita["alternatives"]
    for alternative in gita["alternatives"]:
        assert alternative["blocked_by"][0] == {"rule": "G01", "text": "pinned to DINKES-03"}


def test_a_position_is_explained_with_its_holders_candidates_and_exclusions(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    answer = client.get(
        f"/v1/runs/{runs['main']}/explain/positions/BKPSDM-01",
        params={"top": 1},
        headers=keys["viewer"],
    )
    assert answer.status_code == 200, answer.text
    post = answer.json()
    assert post["holders_before"] == [LUKMAN]
    assert sorted(post["holders_after"]) == sorted([LUKMAN, NUR])
    # The best candidate is Nur's new placement (rank 1, JPM 100): 23600.
    assert [(c["nip"], c["score"], c["placed_there"]) for c in post["candidates"]] == [
        (NUR, 23600, True)
    ]
    # The empty seat: Andi R01, Budi R02, Citra R03, Fajar R07.
    excluded = post["excluded_nips"]
    assert (excluded["R01"], excluded["R02"], excluded["R03"]) == ([ANDI], [BUDI], [CITRA])
    assert FAJAR in excluded["R07"]


def test_an_explanation_is_the_same_when_asked_again(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    url = f"/v1/runs/{runs['main']}/explain/positions/DINKES-02"
    first, second = (client.get(url, headers=keys["viewer"]) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    excluded = first.json()["excluded_nips"]
    # Both DINKES-02 seats stay empty: Hendra R08, Maya R07 (and the rest of the README's list).
    assert HENDRA in excluded["R08"] and MAYA in excluded["R07"]
    assert first.json()["holders_after"] == []


# -- diagnosis ---------------------------------------------------------------------------------


def test_the_diagnosis_of_two_pins_on_one_seat_names_both_pins(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    url = f"/v1/runs/{runs['two_pins']}/diagnosis"
    answer = client.get(url, headers=keys["viewer"] | EN)
    assert answer.status_code == 200, answer.text
    diagnosis = answer.json()
    indonesian = client.get(url, headers=keys["viewer"]).json()
    assert "kapasitas DISDIK-04 hanya 1" in indonesian["text"]
    assert indonesian["conflict"] == diagnosis["conflict"]
    assert diagnosis["minimal"] is True
    assert sorted(map(json.dumps, diagnosis["conflict"])) == sorted(
        map(
            json.dumps,
            [
                {"rule": "G01", "nip": ANDI, "position_id": "DISDIK-04"},
                {"rule": "G01", "nip": BUDI, "position_id": "DISDIK-04"},
                {"rule": "G02", "position_id": "DISDIK-04"},
            ],
        )
    )
    assert ANDI in diagnosis["text"] and BUDI in diagnosis["text"]
    assert "capacity 1" in diagnosis["text"]


def test_a_run_with_a_plan_has_no_diagnosis_and_one_without_has_no_explanation(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    viewer = keys["viewer"]
    has_plan = client.get(f"/v1/runs/{runs['main']}/diagnosis", headers=viewer)
    assert has_plan.status_code == 409
    assert has_plan.headers["Content-Type"] == "application/problem+json"
    paths = (f"explain/employees/{ANDI}", "explain/positions/DISDIK-04", "fairness", "report")
    for path in (*paths, "decree"):
        answer = client.get(f"/v1/runs/{runs['two_pins']}/{path}", headers=viewer)
        assert answer.status_code == 409, path
        assert answer.json()["status"] == 409


# -- scenarios ---------------------------------------------------------------------------------


def test_a_scenario_abolishing_a_post_moves_its_holder_as_solving_the_change_does(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    changes = [{"op": "abolish", "position_id": "DISDIK-03"}]
    answer = _post(
        client, "/v1/scenarios", keys["planner"], {"base_run_id": runs["main"], "changes": changes}
    )
    assert answer.status_code == 202, answer.text
    scenario = answer.json()
    assert answer.headers["Location"] == f"/v1/runs/{scenario['id']}"
    assert scenario["run"]["id"] == scenario["id"]
    assert (scenario["base_run_id"], scenario["base_dataset_id"]) == (runs["main"], runs["dataset"])
    assert scenario["changes"] == changes
    run = wait_for_run(client, scenario["id"], keys["viewer"])
    assert run["status"] == "succeeded", run
    assert run["dataset_id"] != runs["dataset"]
    plan = client.get(
        f"/v1/runs/{scenario['id']}/plan", headers=keys["viewer"] | {"Accept": "text/csv"}
    ).text
    # Maya may no longer stay in DISDIK-03: she takes DISDIK-04.
    moved = {r["nip"]: r for r in csv.DictReader(io.StringIO(plan))}
    assert (moved[MAYA]["from_position"], moved[MAYA]["to_position"]) == ("DISDIK-03", "DISDIK-04")
    # The same change solved directly with the library, closest to the base run's plan, gives
    # the same plan; its objective is the scenario's optimum, as a plain re-solve finds it.
    base = load_dataset(EXAMPLE / "example.json")
    base_run = client.get(f"/v1/runs/{runs['main']}", headers=keys["viewer"]).json()
    base_plan = client.get(
        f"/v1/runs/{runs['main']}/plan", headers=keys["viewer"] | {"Accept": "text/csv"}
    ).text
    previous = {r["nip"]: r["to_position"] for r in csv.DictReader(io.StringIO(base_plan))}
    dataset, policy = apply_changes(base, base_run["policy"], changes)
    loaded = load_policy(policy, dataset)
    direct = solve(dataset, loaded, previous=previous, fewest_changes=True)
    assert direct.plan is not None
    assert plan == plan_csv_text(direct.plan)
    assert run["summary"]["objective"] == direct.objective == solve(dataset, loaded).objective
    assert run["summary"]["input_sha256"] == dataset.sha256
    changed = sum(moved[nip]["to_position"] != to for nip, to in previous.items())
    assert run["summary"]["tie_break"] == {"rule": "fewest_changes", "changes": changed}
    # The scenario is listed and kept with its base and changes, and audited.
    read = client.get(f"/v1/scenarios/{scenario['id']}", headers=keys["viewer"]).json()
    assert (read["changes"], read["run"]["status"]) == (changes, "succeeded")
    listed = client.get("/v1/scenarios", headers=keys["viewer"]).json()["scenarios"]
    assert scenario["id"] in [s["id"] for s in listed]
    audited = [
        r
        for r in _audit_actions(client, keys["admin"])
        if r["action"] == "scenario.create" and r["target"] == scenario["id"]
    ]
    assert [r["details"]["changes"] for r in audited] == [changes]
    assert audited[0]["details"]["base_run_id"] == runs["main"]


def test_a_scenario_with_a_disruption_weight_stays_close_to_its_base_runs_plan(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    """Abolishing DISDIK-03 with a penalty per changed assignment: the scenario re-optimises
    against the base run's plan, exactly as the library does when given that plan as the
    previous one, and reports how many assignments changed."""
    changes = [
        {"op": "policy", "key": "disruption_weight", "value": 1},
        {"op": "abolish", "position_id": "DISDIK-03"},
    ]
    answer = _post(
        client, "/v1/scenarios", keys["planner"], {"base_run_id": runs["main"], "changes": changes}
    )
    assert answer.status_code == 202, answer.text
    run = wait_for_run(client, answer.json()["id"], keys["viewer"])
    assert run["status"] == "succeeded", run
    base_plan = client.get(
        f"/v1/runs/{runs['main']}/plan", headers=keys["viewer"] | {"Accept": "text/csv"}
    ).text
    previous = {r["nip"]: r["to_position"] for r in csv.DictReader(io.StringIO(base_plan))}
    base_run = client.get(f"/v1/runs/{runs['main']}", headers=keys["viewer"]).json()
    dataset, policy = apply_changes(
        load_dataset(EXAMPLE / "example.json"), base_run["policy"], changes
    )
    direct = solve(dataset, load_policy(policy, dataset), previous=previous, fewest_changes=True)
    assert direct.plan is not None
    plan = client.get(
        f"/v1/runs/{run['id']}/plan", headers=keys["viewer"] | {"Accept": "text/csv"}
    ).text
    assert plan == plan_csv_text(direct.plan)
    disruption = run["summary"]["disruption"]
    assert disruption == direct.summary["disruption"]
    # Counted independently: the assignments that differ from the base run's plan.
    after = {r["nip"]: r["to_position"] for r in csv.DictReader(io.StringIO(plan))}
    assert disruption["changes"] == sum(after[nip] != to for nip, to in previous.items())
    assert disruption["changes"] >= 1  # Maya cannot stay in the abolished DISDIK-03


def test_bad_changes_are_refused_with_every_problem_and_nothing_is_stored(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    before_runs = client.get("/v1/runs", headers=keys["viewer"]).json()["runs"]
    before_scenarios = client.get("/v1/scenarios", headers=keys["viewer"]).json()["scenarios"]
    last_seq = _audit_actions(client, keys["admin"])[-1]["seq"]
    changes = [
        {"op": "close", "position_id": "NOPE"},
        {"op": "fly"},
        {"op": "close", "position_id": "DISDIK-02"},
        {"op": "pin", "nip": "000000000000000000", "position_id": "DISDIK-02"},
    ]
    answer = _post(
        client, "/v1/scenarios", keys["planner"], {"base_run_id": runs["main"], "changes": changes}
    )
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    located = [(p["table"], p["row"], p["column"]) for p in answer.json()["problems"]]
    assert located == [("changes", 1, "position_id"), ("changes", 2, "op"), ("changes", 4, "nip")]
    # A change the loader refuses: a pin (Gita's) to a post the change abolishes.
    abolished = _post(
        client,
        "/v1/scenarios",
        keys["planner"],
        {"base_run_id": runs["main"], "changes": [{"op": "abolish", "position_id": "DINKES-03"}]},
    )
    assert abolished.status_code == 422
    assert abolished.json()["problems"][0]["table"] == "changes"
    after_runs = client.get("/v1/runs", headers=keys["viewer"]).json()["runs"]
    after_scenarios = client.get("/v1/scenarios", headers=keys["viewer"]).json()["scenarios"]
    assert [r["id"] for r in after_runs] == [r["id"] for r in before_runs]
    assert after_scenarios == before_scenarios
    creations = [
        r
        for r in _audit_actions(client, keys["admin"])
        if r["seq"] > last_seq and r["action"].endswith(".create")
    ]
    assert creations == []


def test_a_scenario_request_names_exactly_one_base(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    change = [{"op": "close", "position_id": "DISDIK-02"}]
    both = {"base_run_id": runs["main"], "dataset_id": runs["dataset"], "changes": change}
    neither = {"changes": change}
    no_changes = {"base_run_id": runs["main"], "changes": []}
    for body in (both, neither, no_changes):
        assert _post(client, "/v1/scenarios", keys["planner"], body).status_code == 422


def test_a_scenario_on_a_dataset_and_policy_is_queued(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    body = {
        "dataset_id": runs["dataset"],
        "policy": example_policy(),
        "changes": [{"op": "close", "position_id": "DISDIK-02"}],
    }
    answer = _post(client, "/v1/scenarios", keys["planner"], body)
    assert answer.status_code == 202, answer.text
    assert answer.json()["base_run_id"] is None
    run = wait_for_run(client, answer.json()["id"], keys["viewer"])
    assert run["status"] == "succeeded"
    # Closed, DISDIK-02 takes nobody new: Joko (displaced) ends unplaced.
    rows = client.get(f"/v1/runs/{run['id']}/plan", headers=keys["viewer"]).json()["rows"]
    assert {r["nip"]: r["to_position"] for r in rows}[JOKO] == ""


def test_a_viewer_cannot_create_a_scenario(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    body = {"base_run_id": runs["main"], "changes": [{"op": "close", "position_id": "DISDIK-02"}]}
    answer = _post(client, "/v1/scenarios", keys["viewer"], body)
    assert answer.status_code == 403
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert client.get("/v1/scenarios", headers=keys["viewer"]).status_code == 200
    assert client.get(f"/v1/runs/{runs['main']}/explain/positions/DISDIK-02").status_code == 401


# -- comparison --------------------------------------------------------------------------------


def test_the_main_and_rotation_plans_are_compared_figure_by_figure_and_person_by_person(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    ids = [runs["main"], runs["rotation"], runs["two_pins"]]
    answer = _post(client, "/v1/compare", keys["viewer"] | EN, {"run_ids": ids})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    indonesian = _post(client, "/v1/compare", keys["viewer"], {"run_ids": ids}).json()
    assert [w.split(":")[0] for w in indonesian["warnings"]] == [
        "run diselesaikan dengan kebijakan yang berbeda"
    ]
    assert found["runs"] == ids
    kpis = found["kpis"]
    assert kpis["objective"] == [EXAMPLE_OBJECTIVE, 285192, None]
    assert kpis["status"] == ["OPTIMAL", "OPTIMAL", "INFEASIBLE"]
    assert kpis["moves"][:2] == [2, 3]
    assert kpis["new_placements"][:2] == [1, 2]
    assert kpis["vacancies_filled"][:2] == [2, 4]
    main, rotation = _plan("plan.csv"), _plan("rotation/plan.csv")
    differ = {nip for nip in main if main[nip] != rotation[nip]}
    assert {p["nip"] for p in found["people"]} == differ == {HENDRA, MAYA, JOKO, FAJAR}
    people = {p["nip"]: p["positions"] for p in found["people"]}
    assert people[HENDRA] == {ids[0]: "DINKES-05", ids[1]: "DINKES-02", ids[2]: None}
    assert people[JOKO][ids[1]] == "" and people[FAJAR][ids[1]] == "DISDIK-02"
    # Three policies, one input: a warning names the keys that differ, with each run's value.
    assert len(set(found["inputs"].values())) == 1
    assert [w.split(":")[0] for w in found["warnings"]] == [
        "the runs were solved under different policies"
    ]
    rotation_policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    assert (
        found["policy_differences"]["force_rotation"][ids[1]] is rotation_policy["force_rotation"]
    )
    assert "pins" in found["policy_differences"]


def test_a_comparison_needs_two_distinct_finished_runs(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    viewer = keys["viewer"]
    for ids in ([runs["main"]], [runs["main"], runs["main"]], []):
        assert _post(client, "/v1/compare", viewer, {"run_ids": ids}).status_code == 422
    unknown = _post(client, "/v1/compare", viewer, {"run_ids": [runs["main"], "nope"]})
    assert unknown.status_code == 404


# -- fairness ----------------------------------------------------------------------------------


def test_fairness_reports_each_justified_envy_with_the_rule_behind_it(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    answer = client.get(f"/v1/runs/{runs['main']}/fairness", headers=keys["viewer"])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["objective"] == EXAMPLE_OBJECTIVE
    rules = {(p["nip"], p["position_id"]): p["rule"] for p in report["envy"]}
    # The empty seats of the README: Dedi R04 and Lukman G03 (DISDIK-01), Hendra R08
    # (DINKES-02), Andi R01, Budi R02, Citra R03 and Fajar R07 (BKPSDM-01).
    assert rules[(DEDI, "DISDIK-01")] == "R04"
    assert rules[(LUKMAN, "DISDIK-01")] == "G03"
    assert rules[(HENDRA, "DINKES-02")] == "R08"
    assert [rules[(nip, "BKPSDM-01")] for nip in (ANDI, BUDI, CITRA, FAJAR)] == [
        "R01", "R02", "R03", "R07",
    ]  # fmt: skip
    units = {g["group"]: g for g in report["distribution"]["unit"]}
    assert (units["BKPSDM"]["moved"], units["BKPSDM"]["new_placements"]) == (1, 1)
    unexplained = client.get(
        f"/v1/runs/{runs['main']}/fairness", params={"explained": 0}, headers=keys["viewer"]
    ).json()
    assert (unexplained["max_explained"], unexplained["resolved"]) == (0, 0)


# -- report and decree -------------------------------------------------------------------------


def test_the_report_is_html_of_the_plan(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    answer = client.get(f"/v1/runs/{runs['main']}/report", headers=keys["viewer"])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")
    summary = client.get(f"/v1/runs/{runs['main']}", headers=keys["viewer"]).json()["summary"]
    assert summary["input_sha256"][:12] in answer.text


def test_the_decree_lists_every_move_and_new_placement(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    answer = client.get(
        f"/v1/runs/{runs['main']}/decree", params={"official": "BUPATI"}, headers=keys["viewer"]
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    try:
        cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    finally:
        book.close()
    # Gita and Joko move, Nur is placed; Fajar stays unplaced and everyone else stays.
    nips = {c for c in cells if isinstance(c, str) and c.isdigit() and len(c) == 18}
    assert nips == {GITA, JOKO, NUR}
    assert any("BUPATI" in str(c) for c in cells)


# -- unknown ids and bad parameters ------------------------------------------------------------


def test_unknown_runs_employees_positions_and_scenarios_are_404(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    viewer = keys["viewer"]
    for path in (
        "/v1/runs/nope/explain/employees/199405052019031006",
        "/v1/runs/nope/explain/positions/DISDIK-02",
        "/v1/runs/nope/diagnosis",
        "/v1/runs/nope/fairness",
        "/v1/runs/nope/report",
        "/v1/runs/nope/decree",
        f"/v1/runs/{runs['main']}/explain/employees/000000000000000000",
        f"/v1/runs/{runs['main']}/explain/positions/NOPE",
        "/v1/scenarios/nope",
        f"/v1/scenarios/{runs['main']}",
    ):
        answer = client.get(path, headers=viewer)
        assert answer.status_code == 404, path
        assert answer.headers["Content-Type"] == "application/problem+json"
    body = {"base_run_id": "nope", "changes": [{"op": "close", "position_id": "DISDIK-02"}]}
    assert _post(client, "/v1/scenarios", keys["planner"], body).status_code == 404


def test_bad_query_parameters_are_422(
    client: httpx.Client, keys: Headers, runs: dict[str, str]
) -> None:
    base = f"/v1/runs/{runs['main']}/explain"
    for path, top in ((f"employees/{FAJAR}", -1), ("positions/DISDIK-02", 0)):
        answer = client.get(f"{base}/{path}", params={"top": top}, headers=keys["viewer"])
        assert answer.status_code == 422
        assert answer.json()["problems"][0]["column"] == "top"
