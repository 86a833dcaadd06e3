"""Sweeps over HTTP, on SQLite and PostgreSQL: a sweep's table is the one ``placement sweep``
writes for the same inputs (points without a plan kept, with their reason), a cancelled sweep
keeps the points done and solves no more, bad input is refused with every problem and nothing
stored, listings page with a cursor, and another agency's key finds nothing."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.db.store import Store
from placement.cli import main as placement_main
from tests.api.conftest import sqlite_url
from tests.api.fixtures import bearer, example_json, example_policy, serving, wait_for_sweep
from tests.api.http.conftest import Keys, make_keys, service_settings
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english_service")

#: Two points with a plan, one infeasible (the pin needs a move) and two refused (JPM > 100).
GRID = {"grid": {"max_moves": [0, 3], "jpm_floor": [68, 150]}}
TIME_LIMIT_S = 20.0


def upload(client: httpx.Client, headers: dict[str, str]) -> str:
    """Store the shared example; return its id."""
    sent = headers | {"Content-Type": "application/json"}
    answer = client.post("/v1/datasets", content=example_json(), headers=sent)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def cli_sweep(tmp_path: Path, policy: dict[str, Any], grid: dict[str, Any]) -> Path:
    """Run ``placement sweep`` on the shared example; return its output folder."""
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    (tmp_path / "grid.json").write_text(json.dumps(grid))
    out = tmp_path / "out"
    status = placement_main(
        ["sweep", str(EXAMPLE), "--policy", str(tmp_path / "policy.json"), "--grid",
         str(tmp_path / "grid.json"), "--out", str(out), "--workers", "1", "--quiet"]
    )  # fmt: skip
    assert status == 0
    return out


def without_runtime(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows without the one column that measures time."""
    return [{k: v for k, v in row.items() if k != "runtime_s"} for row in rows]


def csv_without_runtime(text: str) -> list[list[str]]:
    """A CSV table's cells without the ``runtime_s`` column."""
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index("runtime_s")
    return [row[:drop] + row[drop + 1 :] for row in rows]


def test_a_sweep_s_table_is_the_cli_s_with_every_point_without_a_plan_and_its_reason(
    client: httpx.Client, keys: Keys, tmp_path: Path
) -> None:
    planner = keys["planner"]
    dataset_id = upload(client, planner)
    body = {"dataset_id": dataset_id, "policy": example_policy(), **GRID,
            "time_limit_s": TIME_LIMIT_S}  # fmt: skip
    # The points' reasons are in the language of the request that queued the sweep.
    english = planner | {"Accept-Language": "en"}
    created = client.post("/v1/sweeps", json=body, headers=english)
    assert created.status_code == 202, created.text
    sweep_id = created.json()["id"]
    assert created.headers["location"] == f"/v1/sweeps/{sweep_id}"
    assert created.json()["progress"] == {"done": 0, "total": 4, "without_plan": 0}

    sweep = wait_for_sweep(client, sweep_id, keys["viewer"])
    assert sweep["status"] == "succeeded" and sweep["executor"] == "service"
    assert sweep["progress"] == {"done": 4, "total": 4, "without_plan": 3}
    failed = {p["point"]: p for p in sweep["failed_points"]}
    assert {n: p["status"] for n, p in failed.items()} == {
        1: "INFEASIBLE",
        2: "REFUSED",
        4: "REFUSED",
    }
    assert "max_moves" in failed[1]["error"] and "got 150" in failed[2]["error"]

    results = client.get(f"/v1/sweeps/{sweep_id}/results", headers=keys["viewer"]).json()
    assert results["complete"] is True and results["status"] == "succeeded"
    out = cli_sweep(tmp_path, {**example_policy(), "time_limit_s": TIME_LIMIT_S}, GRID)
    expected = json.loads((out / "sweep.json").read_text())["points"]
    assert without_runtime(results["points"]) == without_runtime(expected)
    assert [p["pareto"] for p in results["points"]] == [False, False, True, False]

    as_csv = client.get(
        f"/v1/sweeps/{sweep_id}/results", headers=keys["viewer"] | {"Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert csv_without_runtime(as_csv.text) == csv_without_runtime((out / "sweep.csv").read_text())

    again = client.delete(f"/v1/sweeps/{sweep_id}", headers=planner)
    assert again.status_code == 409
    audit = client.get("/v1/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    actions = [r["action"] for r in audit["records"] if r["target"] == sweep_id]
    assert actions == ["sweep.create", "sweep.start", "sweep.succeeded"]


def scrape(client: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics``: its value by name and labels."""
    text = client.get("/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_sweeps_by_status_points_by_outcome_and_point_solve_seconds(
    client: httpx.Client, keys: Keys
) -> None:
    planner = keys["planner"]
    dataset_id = upload(client, planner)
    before = scrape(client)
    body = {"dataset_id": dataset_id, "policy": example_policy(), **GRID,
            "time_limit_s": TIME_LIMIT_S}  # fmt: skip
    sweep_id = client.post("/v1/sweeps", json=body, headers=planner).json()["id"]
    assert wait_for_sweep(client, sweep_id, planner)["status"] == "succeeded"
    points = client.get(f"/v1/sweeps/{sweep_id}/results", headers=planner).json()["points"]
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    for status in ("queued", "running", "succeeded"):
        assert moved("placement_sweeps_total", status=status) == 1
    assert moved("placement_sweeps_total", status="failed") == 0
    outcomes = Counter(p["status"] for p in points)
    assert outcomes == {"INFEASIBLE": 1, "REFUSED": 2, points[2]["status"]: 1}
    for outcome, count in outcomes.items():
        assert moved("placement_sweep_points_total", outcome=outcome) == count
    # Refused points are never solved: only the two that were have a solve time.
    solved = [p["runtime_s"] for p in points if p["status"] != "REFUSED"]
    assert moved("placement_solve_seconds_count", kind="sweep_point") == len(solved) == 2
    assert moved("placement_solve_seconds_sum", kind="sweep_point") == pytest.approx(sum(solved))
    assert after[("placement_sweeps_active", ())] == 0
    assert after[("placement_agency_sweeps", (("agency", "default"), ("status", "succeeded")))]
    assert ("placement_agency_sweep_queue_length", (("agency", "default"),)) in after

    cancelled = client.post("/v1/sweeps", json=body, headers=planner).json()["id"]
    assert client.delete(f"/v1/sweeps/{cancelled}", headers=planner).status_code == 200
    key = ("placement_sweeps_total", (("status", "cancelled"),))
    assert scrape(client)[key] - after.get(key, 0.0) == 1


def test_a_cancelled_sweep_keeps_the_points_done_and_solves_no_more(
    client: httpx.Client, keys: Keys
) -> None:
    planner = keys["planner"]
    dataset_id = upload(client, planner)
    body = {"dataset_id": dataset_id, "policy": example_policy(),
            "grid": {"max_moves": list(range(1, 201))}}  # fmt: skip
    sweep_id = client.post("/v1/sweeps", json=body, headers=planner).json()["id"]
    deadline = time.monotonic() + 30
    while client.get(f"/v1/sweeps/{sweep_id}", headers=planner).json()["progress"]["done"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    cancelled = client.delete(f"/v1/sweeps/{sweep_id}", headers=planner)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    done = cancelled.json()["progress"]["done"]
    assert 2 <= done < 200
    time.sleep(0.5)  # longer than a point takes: a point going on at the cancel is not kept
    after = client.get(f"/v1/sweeps/{sweep_id}", headers=planner).json()
    assert after["status"] == "cancelled" and after["progress"]["done"] == done
    results = client.get(f"/v1/sweeps/{sweep_id}/results", headers=planner).json()
    assert [p["point"] for p in results["points"]] == list(range(1, done + 1))
    assert results["complete"] is False
    assert client.delete(f"/v1/sweeps/{sweep_id}", headers=planner).status_code == 409


def test_bad_input_is_refused_with_every_problem_and_nothing_is_stored(
    client: httpx.Client, keys: Keys
) -> None:
    planner = keys["planner"]
    dataset_id = upload(client, planner)
    before = client.get("/v1/sweeps", headers=planner).json()["sweeps"]
    body = {
        "dataset_id": dataset_id,
        "policy": {"jpm_floor": "high"},
        "grid": {"max_moves": [1, 2], "no_such_key": [1]},
        "time_limit_s": 10_000,
    }
    refused = client.post("/v1/sweeps", json=body, headers=planner)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problems = refused.json()["problems"]
    assert {p["table"] for p in problems} == {"policy", "grid"}
    assert {p["column"] for p in problems} >= {"jpm_floor", "time_limit_s", "grid.no_such_key"}
    both = client.post(
        "/v1/sweeps", json={"dataset_id": dataset_id, "grid": {}, "points": []}, headers=planner
    )
    assert both.status_code == 422
    unknown = client.post(
        "/v1/sweeps", json={"dataset_id": uuid.uuid4().hex, "grid": {"max_moves": [1]}},
        headers=planner,
    )  # fmt: skip
    assert unknown.status_code == 404
    viewer = client.post(
        "/v1/sweeps", json={"dataset_id": dataset_id, "grid": {"max_moves": [1]}},
        headers=keys["viewer"],
    )  # fmt: skip
    assert viewer.status_code == 403
    assert client.get("/v1/sweeps", headers=planner).json()["sweeps"] == before


def test_sweeps_are_listed_newest_first_a_page_at_a_time(client: httpx.Client, keys: Keys) -> None:
    planner = keys["planner"]
    dataset_id = upload(client, planner)
    body = {"dataset_id": dataset_id, "policy": example_policy(), "points": [{"label": "base"}]}
    ids = [client.post("/v1/sweeps", json=body, headers=planner).json()["id"] for _ in range(3)]
    first = client.get("/v1/sweeps", params={"limit": 2}, headers=planner).json()
    assert [s["id"] for s in first["sweeps"]] == ids[::-1][:2]
    rest = client.get(
        "/v1/sweeps", params={"limit": 2, "cursor": first["next_cursor"]}, headers=planner
    ).json()
    assert ids[0] in [s["id"] for s in rest["sweeps"]]
    bad = client.get("/v1/sweeps", params={"cursor": "nonsense"}, headers=planner)
    assert bad.status_code == 422
    for sweep_id in ids:  # leave the sweep workers free for the next test
        client.delete(f"/v1/sweeps/{sweep_id}", headers=planner)


@pytest.fixture(scope="module")
def two_agencies(service_database: str) -> tuple[dict[str, str], dict[str, str]]:
    """A planner's headers in agency A and in agency B."""
    with Store(service_database) as store:
        made = []
        for code in ("sweep-a", "sweep-b"):
            store.agencies.create(code=code, name=code)
            made.append(bearer(store.keys.create(role="planner", name=code, agency=code)[1]))
    return made[0], made[1]


def test_another_agency_s_sweep_answers_exactly_as_one_that_does_not_exist(
    client: httpx.Client, two_agencies: tuple[dict[str, str], dict[str, str]]
) -> None:
    a, b = two_agencies
    dataset_id = upload(client, a)
    body = {"dataset_id": dataset_id, "policy": example_policy(), "grid": {"max_moves": [3]}}
    sweep_id = client.post("/v1/sweeps", json=body, headers=a).json()["id"]
    assert wait_for_sweep(client, sweep_id, a)["status"] == "succeeded"
    fake = uuid.uuid4().hex
    for method, suffix in (("get", ""), ("get", "/results"), ("delete", "")):
        real = client.request(method, f"/v1/sweeps/{sweep_id}{suffix}", headers=b)
        none = client.request(method, f"/v1/sweeps/{fake}{suffix}", headers=b)
        assert real.status_code == none.status_code == 404
        assert real.text.replace(sweep_id, "<id>") == none.text.replace(fake, "<id>")
    assert client.post("/v1/sweeps", json=body, headers=b).status_code == 404
    listed = client.get("/v1/sweeps", headers=b)
    assert sweep_id not in listed.text and dataset_id not in listed.text
    assert client.get(f"/v1/sweeps/{sweep_id}", headers=a).json()["status"] == "succeeded"


def test_with_a_dask_scheduler_set_the_points_are_solved_there_to_the_same_table(
    tmp_path: Path,
) -> None:
    """``PLACEMENT_DASK_ADDRESS`` (here an in-process ``LocalCluster``'s scheduler) takes the
    points off the instance; the table is the command line's all the same."""
    from distributed import LocalCluster

    database = sqlite_url(tmp_path / "dask")
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        serving(service_settings(database, dask_address=cluster.scheduler_address)) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        planner = make_keys(database)["planner"]
        dataset_id = upload(client, planner)
        body = {"dataset_id": dataset_id, "policy": example_policy(), **GRID,
                "time_limit_s": TIME_LIMIT_S}  # fmt: skip
        english = planner | {"Accept-Language": "en"}
        sweep_id = client.post("/v1/sweeps", json=body, headers=english).json()["id"]
        sweep = wait_for_sweep(client, sweep_id, planner)
        results = client.get(f"/v1/sweeps/{sweep_id}/results", headers=planner).json()
    assert sweep["status"] == "succeeded" and sweep["executor"] == "dask"
    out = cli_sweep(tmp_path, {**example_policy(), "time_limit_s": TIME_LIMIT_S}, GRID)
    expected = json.loads((out / "sweep.json").read_text())["points"]
    assert without_runtime(results["points"]) == without_runtime(expected)
