"""``/v1/runs``: queueing, solving in the worker pool, progress, cancellation and outputs."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import httpx
import openpyxl
import pytest

from placement.reports.workbook import PLAN_HEADER
from tests.api.fixtures import (
    EXAMPLE_OBJECTIVE,
    XLSX,
    example_json,
    example_policy,
    generated_json,
    slow_policy,
    wait_for_run,
)
from tests.paths import EXAMPLE

Headers = dict[str, dict[str, str]]
SLOW_EMPLOYEES = 1500


def upload(client: httpx.Client, headers: dict[str, str], body: bytes | None = None) -> str:
    answer = client.post(
        "/v1/datasets",
        content=example_json() if body is None else body,
        headers=headers | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 201, answer.text
    dataset_id: str = answer.json()["id"]
    return dataset_id


def submit(
    client: httpx.Client, headers: dict[str, str], dataset_id: str, policy: dict[str, Any]
) -> str:
    answer = client.post(
        "/v1/runs", json={"dataset_id": dataset_id, "policy": policy}, headers=headers
    )
    assert answer.status_code == 202, answer.text
    run_id: str = answer.json()["id"]
    assert answer.headers["Location"] == f"/v1/runs/{run_id}"
    return run_id


@pytest.fixture(scope="module")
def example_run(service: str, keys: Headers) -> str:
    """A run of the shared example under its main policy, finished."""
    with httpx.Client(base_url=service, timeout=60) as client:
        run_id = submit(client, keys["planner"], upload(client, keys["planner"]), example_policy())
        run = wait_for_run(client, run_id, keys["viewer"])
    assert run["status"] == "succeeded", run
    return run_id


def stopped_runs(client: httpx.Client, admin: dict[str, str]) -> set[str]:
    """Runs whose worker stopped a cancelled solve, or discarded its result, per the audit."""
    records, after = [], 0
    while True:
        page = client.get("/v1/audit", params={"after_seq": after}, headers=admin).json()
        records += page["records"]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    return {r["target"] for r in records if r["action"] in ("run.stopped", "run.discarded")}


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_example_run_succeeds_with_the_known_optimum(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    run = client.get(f"/v1/runs/{example_run}", headers=keys["viewer"]).json()
    assert run["status"] == "succeeded"
    assert run["summary"]["status"] == "OPTIMAL"
    assert run["summary"]["objective"] == EXAMPLE_OBJECTIVE
    assert run["progress"]["best_objective"] == EXAMPLE_OBJECTIVE
    assert run["progress"]["best_bound"] == EXAMPLE_OBJECTIVE
    assert run["progress"]["elapsed_s"] > 0
    assert run["started_at"] is not None and run["finished_at"] is not None
    assert run["policy"]["reference_date"] == "2026-07-01"
    assert run["error"] is None


def test_the_plan_as_csv_is_the_reference_plan(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    answer = client.get(
        f"/v1/runs/{example_run}/plan", headers=keys["viewer"] | {"Accept": "text/csv"}
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert rows_of(answer.text) == rows_of((EXAMPLE / "plan.csv").read_text())


def test_the_plan_as_json_has_typed_rows(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    answer = client.get(f"/v1/runs/{example_run}/plan", headers=keys["viewer"])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    rows = answer.json()["rows"]
    reference = rows_of((EXAMPLE / "plan.csv").read_text())
    assert [r["nip"] for r in rows] == [r["nip"] for r in reference]
    assert sum(r["score"] for r in rows) > 0
    assert {type(r["moved"]) for r in rows} == {bool}
    assert any(r["preference_rank"] is None for r in rows)


def test_the_plan_as_xlsx_holds_the_same_rows(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    answer = client.get(f"/v1/runs/{example_run}/plan", headers=keys["viewer"] | {"Accept": XLSX})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book["Rencana Penempatan"]
    header, *cells = list(sheet.iter_rows(values_only=True))
    reference = rows_of((EXAMPLE / "plan.csv").read_text())
    assert list(header) == [label for label, _ in PLAN_HEADER]
    assert header[:2] == ("NIP", "Nama") and "JPM (%)" in header
    assert [row[0] for row in cells] == [r["nip"] for r in reference]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, len(cells) + 2))
    scores = [row[header.index("Skor")] for row in cells]
    assert scores == [int(r["score"]) for r in reference]
    jpm = [row[header.index("JPM (%)")] for row in cells]
    assert jpm == [float(r["jpm"]) if r["jpm"] else None for r in reference]
    moved = [row[header.index("Pindah")] for row in cells]
    assert moved == ["Ya" if r["moved"] == "true" else "Tidak" for r in reference]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{len(cells) + 1}"


def test_the_gaps_are_the_reference_gaps_in_json_and_csv(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    url = f"/v1/runs/{example_run}/gaps"
    reference = rows_of((EXAMPLE / "gaps.csv").read_text())
    as_csv = client.get(url, headers=keys["viewer"] | {"Accept": "text/csv"})
    assert rows_of(as_csv.text) == reference
    as_json = client.get(url, headers=keys["viewer"]).json()["rows"]
    assert [(r["nip"], r["competency"], r["required"]) for r in as_json] == [
        (r["nip"], r["competency"], int(r["required"])) for r in reference
    ]


def test_runs_are_listed_newest_first_and_by_status(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    listed = client.get("/v1/runs", params={"status": "succeeded"}, headers=keys["viewer"])
    assert listed.status_code == 200
    runs = listed.json()["runs"]
    assert example_run in [r["id"] for r in runs]
    assert {r["status"] for r in runs} == {"succeeded"}
    assert (
        client.get("/v1/runs", params={"status": "odd"}, headers=keys["viewer"]).status_code == 422
    )


def test_a_bad_policy_is_refused_with_its_problems(client: httpx.Client, keys: Headers) -> None:
    dataset_id = upload(client, keys["planner"])
    policy = {"jpm_floor": 300, "pins": [{"nip": "000", "position_id": "DINKES-01"}], "colour": 1}
    answer = client.post(
        "/v1/runs", json={"dataset_id": dataset_id, "policy": policy}, headers=keys["planner"]
    )
    assert answer.status_code == 422
    located = {(p["table"], p["row"], p["column"]) for p in answer.json()["problems"]}
    assert located == {
        ("policy", None, "jpm_floor"),
        ("policy", 1, "pins"),
        ("policy", None, "colour"),
    }


def test_a_time_limit_beyond_the_service_maximum_is_refused(
    client: httpx.Client, keys: Headers
) -> None:
    dataset_id = upload(client, keys["planner"])
    answer = client.post(
        "/v1/runs",
        json={"dataset_id": dataset_id, "policy": {"time_limit_s": 3600}},
        headers=keys["planner"],
    )
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "time_limit_s"


def test_a_run_on_an_unknown_dataset_is_404(client: httpx.Client, keys: Headers) -> None:
    answer = client.post("/v1/runs", json={"dataset_id": "nope"}, headers=keys["planner"])
    assert answer.status_code == 404


def test_a_run_request_without_a_dataset_is_a_validation_problem(
    client: httpx.Client, keys: Headers
) -> None:
    answer = client.post("/v1/runs", json={"policy": {}}, headers=keys["planner"])
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "dataset_id"


def test_an_unknown_run_is_404_for_every_view(client: httpx.Client, keys: Headers) -> None:
    for path in ("/v1/runs/nope", "/v1/runs/nope/plan", "/v1/runs/nope/gaps"):
        assert client.get(path, headers=keys["viewer"]).status_code == 404
    assert client.delete("/v1/runs/nope", headers=keys["planner"]).status_code == 404


def test_an_infeasible_run_fails_with_the_reason_and_has_no_plan(
    client: httpx.Client, keys: Headers
) -> None:
    dataset_id = upload(client, keys["planner"])
    policy = {"reference_date": "2026-07-01", "force_rotation": True, "max_moves": 0}
    run = wait_for_run(client, submit(client, keys["planner"], dataset_id, policy), keys["viewer"])
    assert run["status"] == "failed"
    assert "INFEASIBLE" in run["error"]
    assert run["summary"]["status"] == "INFEASIBLE"
    answer = client.get(f"/v1/runs/{run['id']}/plan", headers=keys["viewer"])
    assert answer.status_code == 409


def test_a_finished_run_cannot_be_cancelled(
    client: httpx.Client, keys: Headers, example_run: str
) -> None:
    answer = client.delete(f"/v1/runs/{example_run}", headers=keys["planner"])
    assert answer.status_code == 409
    assert "succeeded" in answer.json()["detail"]


def test_cancelling_stops_a_running_solve_and_a_queued_one(
    client: httpx.Client, keys: Headers
) -> None:
    planner, viewer = keys["planner"], keys["viewer"]
    dataset_id = upload(client, planner, generated_json(SLOW_EMPLOYEES))
    policy = slow_policy(SLOW_EMPLOYEES, time_limit_s=15)
    # Two workers: the third run waits in the queue.
    running = [submit(client, planner, dataset_id, policy) for _ in range(2)]
    queued = submit(client, planner, dataset_id, policy)
    deadline = time.monotonic() + 30
    while {client.get(f"/v1/runs/{r}", headers=viewer).json()["status"] for r in running} != {
        "running"
    }:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.get(f"/v1/runs/{queued}", headers=viewer).json()["status"] == "queued"
    for run_id in (queued, *running):
        answer = client.delete(f"/v1/runs/{run_id}", headers=planner)
        assert answer.status_code == 200
        assert answer.json()["status"] == "cancelled"
    # The workers stop at the next progress report and never overwrite the cancellation.
    deadline = time.monotonic() + 30
    while not set(running) <= stopped_runs(client, keys["admin"]):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    for run_id in (queued, *running):
        run = client.get(f"/v1/runs/{run_id}", headers=viewer).json()
        assert run["status"] == "cancelled"
        assert client.get(f"/v1/runs/{run_id}/plan", headers=viewer).status_code == 409


def test_a_finished_run_is_deleted_with_what_was_removed_in_the_audit_trail(
    client: httpx.Client, keys: Headers
) -> None:
    planner = keys["planner"]
    run_id = submit(client, planner, upload(client, planner), example_policy())
    assert wait_for_run(client, run_id, keys["viewer"])["status"] == "succeeded"
    assert client.delete(f"/v1/runs/{run_id}/record", headers=keys["viewer"]).status_code == 403
    assert client.delete(f"/v1/runs/{run_id}/record", headers=planner).status_code == 204
    assert client.get(f"/v1/runs/{run_id}", headers=planner).status_code == 404
    assert client.get(f"/v1/runs/{run_id}/plan", headers=planner).status_code == 404
    assert client.delete(f"/v1/runs/{run_id}/record", headers=planner).status_code == 404
    listed = client.get("/v1/runs", params={"limit": 1000}, headers=planner).json()["runs"]
    assert run_id not in {r["id"] for r in listed}
    records = client.get("/v1/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    [entry] = [
        r for r in records["records"] if r["action"] == "run.delete" and r["target"] == run_id
    ]
    assert entry["details"]["status"] == "succeeded"
    assert entry["details"]["plan_bytes"] > 0 and entry["details"]["summary"] is True


def test_an_active_run_cannot_be_deleted_before_it_is_cancelled(
    client: httpx.Client, keys: Headers
) -> None:
    planner = keys["planner"]
    dataset = upload(client, planner, generated_json(SLOW_EMPLOYEES))
    run_id = submit(client, planner, dataset, slow_policy(SLOW_EMPLOYEES, time_limit_s=30))
    assert client.delete(f"/v1/runs/{run_id}/record", headers=planner).status_code == 409
    assert client.delete(f"/v1/runs/{run_id}", headers=planner).status_code == 200
    assert client.delete(f"/v1/runs/{run_id}/record", headers=planner).status_code == 204


def test_runs_are_paged_with_a_cursor(client: httpx.Client, keys: Headers) -> None:
    planner = keys["planner"]
    dataset = upload(client, planner)
    made = [submit(client, planner, dataset, example_policy()) for _ in range(3)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/runs", params=params, headers=keys["viewer"]).json()
        seen += [r["id"] for r in page["runs"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in made] == made[::-1]
    for run_id in made:
        wait_for_run(client, run_id, keys["viewer"])
