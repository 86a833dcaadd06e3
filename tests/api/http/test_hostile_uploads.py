"""Hostile uploads and the service's limits over HTTP: every one is a 4xx problem+json that
stores nothing; and downloads that a spreadsheet opens never carry a live formula.

The service here has small limits (rows, pairs, runs per key, body size) so that each is
reached with a small request."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import create_engine, text

from api.core.problems import MAX_LISTED_PROBLEMS
from tests.api.fixtures import XLSX, generated_json, serving, slow_policy, wait_for_run
from tests.api.http.conftest import Keys, make_keys, service_settings

pytestmark = pytest.mark.usefixtures("english_service")

MAX_ROWS = 3000
MAX_PAIRS = 10_000
MAX_BYTES = 2 * 1024 * 1024
FORMULA = "=cmd|' /C calc'!A0"
TABLES = ("datasets", "runs", "scenarios")


@pytest.fixture(scope="module")
def limited(service_database: str) -> Iterator[tuple[str, Keys, str]]:
    """A service with small limits: its URL, keys and database URL."""
    settings = service_settings(
        service_database,
        workers=1,
        max_rows=MAX_ROWS,
        max_pairs=MAX_PAIRS,
        max_active_runs_per_key=1,
        max_request_bytes=MAX_BYTES,
    )
    with serving(settings) as url:
        yield url, make_keys(service_database), service_database


def counts(database_url: str) -> dict[str, int]:
    """Rows of each table that an upload or a run could add to."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in TABLES
            }
    finally:
        engine.dispose()


def tiny() -> dict[str, list[dict[str, Any]]]:
    """A valid two-employee dataset in the JSON form."""
    return {
        "employees": [
            {"nip": "199001012015011001", "name": "Ani", "grade": "III/a", "position_id": "P1"},
            {"nip": "199202022016022002", "name": "Budi", "grade": "III/b", "position_id": "P2"},
        ],
        "positions": [
            {"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA", "capacity": 1},
            {"position_id": "P2", "unit": "U2", "job_class": "PELAKSANA", "capacity": 1},
        ],
    }


def csv_bytes(rows: list[dict[str, Any]], encoding: str = "utf-8") -> bytes:
    """Rows as a CSV file in ``encoding``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def bomb_xlsx() -> bytes:
    """A workbook of a few kilobytes whose employees sheet reaches row 1048576."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "employees"
    sheet.append(["nip", "name", "grade", "position_id"])
    sheet["D1048576"] = "P1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hostile_requests() -> list[tuple[str, dict[str, Any], int]]:
    """(name, httpx request arguments, expected status) of uploads that must be refused."""
    data = tiny()
    many_rows = tiny()
    many_rows["employees"] = many_rows["employees"] * (MAX_ROWS // 2 + 1)
    deep = '{"employees": ' + "[" * 100_000 + "]" * 100_000 + "}"
    nan = json.dumps(data).replace('"capacity": 1', '"capacity": NaN', 1)
    accented = [
        *data["employees"],
        {"nip": "199303032017033003", "name": "Ñoño", "grade": "III/a", "position_id": "P1"},
    ]
    positions = ("files", ("positions.csv", csv_bytes(data["positions"]), "text/csv"))

    def files(employees: bytes) -> dict[str, Any]:
        return {"files": [("files", ("employees.csv", employees, "text/csv")), positions]}

    def body(content: bytes | str, media: str = "application/json") -> dict[str, Any]:
        return {"content": content, "headers": {"Content-Type": media}}

    return [
        ("latin-1 csv", files(csv_bytes(accented, "latin-1")), 422),
        ("utf-16 csv", files(csv_bytes(data["employees"], "utf-16")), 422),
        ("xlsx declaring a million rows", body(bomb_xlsx(), XLSX), 413),
        ("too many rows", {"json": many_rows}, 413),
        ("deeply nested json", body(deep), 422),
        ("NaN capacity", body(nan), 422),
        ("body over the size limit", body(b"{" + b" " * MAX_BYTES + b"}"), 413),
        ("too many pairs", body(generated_json(200)), 413),
        ("not a zip", body(b"PK\x03\x04garbage", XLSX), 422),
    ]


HOSTILE = hostile_requests()


@pytest.mark.parametrize(("name", "request_args", "expected"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_upload_is_a_located_problem_and_stores_nothing(
    limited: tuple[str, Keys, str], name: str, request_args: dict[str, Any], expected: int
) -> None:
    url, keys, database_url = limited
    before = counts(database_url)
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.post(
            "/v1/datasets",
            **{**request_args, "headers": keys["planner"] | request_args.get("headers", {})},
        )
    assert answer.status_code == expected, answer.text[:500]
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == expected
    if expected != 413 or "problems" in body:
        assert body["problems"], body
    assert counts(database_url) == before


def test_the_row_limit_names_the_table(limited: tuple[str, Keys, str]) -> None:
    url, keys, _ = limited
    data = tiny()
    data["employees"] = data["employees"] * (MAX_ROWS // 2 + 1)
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.post(
            "/v1/datasets", json=data, headers=keys["planner"] | {"Accept-Language": "en"}
        )
        indonesian = client.post("/v1/datasets", json=data, headers=keys["planner"])
    assert answer.json()["problems"] == [
        {
            "table": "employees",
            "row": None,
            "column": None,
            "message": f"the table has more than {MAX_ROWS} rows",
        }
    ]
    [problem] = indonesian.json()["problems"]
    assert (
        problem["table"] == "employees"
        and problem["message"] != answer.json()["problems"][0]["message"]
    )


def test_a_synchronous_solve_beyond_the_row_limit_is_413(limited: tuple[str, Keys, str]) -> None:
    url, keys, _ = limited
    data = tiny()
    data["positions"] = data["positions"] * (MAX_ROWS // 2 + 1)
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.post("/v1/solve", json={"dataset": data}, headers=keys["planner"])
    assert answer.status_code == 413
    assert answer.json()["problems"][0]["table"] == "positions"


def test_a_key_may_not_have_more_runs_in_flight_than_its_limit(
    limited: tuple[str, Keys, str],
) -> None:
    url, keys, _ = limited
    with httpx.Client(base_url=url, timeout=60) as client:
        dataset_id = client.post(
            "/v1/datasets",
            content=generated_json(120),
            headers=keys["planner"] | {"Content-Type": "application/json"},
        ).json()["id"]
        body = {"dataset_id": dataset_id, "policy": slow_policy(120, time_limit_s=10)}
        for _attempt in range(5):
            first = client.post("/v1/runs", json=body, headers=keys["planner"])
            second = client.post(
                "/v1/runs", json=body, headers=keys["planner"] | {"Accept-Language": "en"}
            )
            assert first.status_code == 202
            if second.status_code != 202:
                break
            # Accepted only if the first run had already ended when the second arrived (a
            # loaded machine may solve it between the two requests): then try again.
            ran, came = (
                client.get(answer.headers["Location"], headers=keys["planner"]).json()
                for answer in (first, second)
            )
            assert ran["finished_at"] is not None
            assert dt.datetime.fromisoformat(ran["finished_at"]) <= dt.datetime.fromisoformat(
                came["created_at"]
            )
            for answer in (first, second):
                client.delete(answer.headers["Location"], headers=keys["planner"])
        other_key = client.post("/v1/runs", json=body, headers=keys["admin"])
        assert second.status_code == 429
        assert second.headers["content-type"] == "application/problem+json"
        assert second.headers["Retry-After"] == "30"
        assert "1 queued or running" in second.json()["detail"]
        assert other_key.status_code == 202  # the limit is per key
        for answer in (first, other_key):
            client.delete(answer.headers["Location"], headers=keys["planner"])
        third = client.post("/v1/runs", json=body, headers=keys["planner"])
        assert third.status_code == 202  # a finished (cancelled) run no longer counts
        client.delete(third.headers["Location"], headers=keys["planner"])


def formula_dataset() -> dict[str, list[dict[str, Any]]]:
    """A dataset whose identifiers and competency look like spreadsheet formulas."""
    return {
        "employees": [
            {"nip": "=1+1", "name": "A", "status": "PPPK", "position_id": "@SUM(A1)"},
            {"nip": "-2+3", "name": "B", "status": "PPPK"},
            {"nip": "199001012015011001", "name": "C", "grade": "III/a"},
        ],
        "positions": [
            {"position_id": "@SUM(A1)", "unit": "+U", "job_class": "PELAKSANA", "capacity": 1},
            {"position_id": FORMULA, "unit": "-U", "job_class": "PELAKSANA", "capacity": 2},
        ],
        "requirements": [{"position_id": FORMULA, "competency": "=HYPERLINK(1)", "level": 3}],
    }


def test_csv_and_xlsx_downloads_escape_formula_looking_cells_and_json_does_not(
    limited: tuple[str, Keys, str],
) -> None:
    url, keys, _ = limited
    with httpx.Client(base_url=url, timeout=60) as client:
        created = client.post("/v1/datasets", json=formula_dataset(), headers=keys["planner"])
        assert created.status_code == 201, created.text
        run = client.post(
            "/v1/runs",
            json={"dataset_id": created.json()["id"], "policy": {"jpm_floor": 0}},
            headers=keys["planner"],
        )
        finished = wait_for_run(client, run.json()["id"], keys["viewer"])
        assert finished["status"] == "succeeded", finished
        base = f"/v1/runs/{finished['id']}"
        plan_csv = client.get(f"{base}/plan", headers=keys["viewer"] | {"Accept": "text/csv"})
        gaps_csv = client.get(f"{base}/gaps", headers=keys["viewer"] | {"Accept": "text/csv"})
        plan_xlsx = client.get(f"{base}/plan", headers=keys["viewer"] | {"Accept": XLSX})
        plan_json = client.get(f"{base}/plan", headers=keys["viewer"]).json()

    cells = [c for row in csv.reader(io.StringIO(plan_csv.text)) for c in row]
    cells += [c for row in csv.reader(io.StringIO(gaps_csv.text)) for c in row]
    assert "'=1+1" in cells and "'-2+3" in cells and "'@SUM(A1)" in cells and "'+U" in cells
    assert "'-U" in cells
    assert f"'{FORMULA}" in cells and "'=HYPERLINK(1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").isdigit()]

    sheet = openpyxl.load_workbook(io.BytesIO(plan_xlsx.content)).active
    texts = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert {cell.value for cell in texts} >= {"=1+1", "@SUM(A1)", FORMULA}
    assert all(cell.data_type == "s" for cell in texts)  # text, never a formula
    with zipfile.ZipFile(io.BytesIO(plan_xlsx.content)) as archive:
        sheet_xml = b"".join(archive.read(n) for n in archive.namelist() if "worksheets" in n)
    assert b"<f>" not in sheet_xml

    assert {row["nip"] for row in plan_json["rows"]} >= {"=1+1", "-2+3"}


def test_an_upload_with_thousands_of_problems_lists_the_first_thousand(
    limited: tuple[str, Keys, str],
) -> None:
    url, keys, _ = limited
    data = tiny()
    data["employees"] = [{"name": f"x{i}", "grade": "III/a"} for i in range(1500)]  # no nip
    with httpx.Client(base_url=url, timeout=60) as client:
        answer = client.post(
            "/v1/datasets", json=data, headers=keys["planner"] | {"Accept-Language": "en"}
        )
    body = answer.json()
    assert answer.status_code == 422
    assert len(body["problems"]) == MAX_LISTED_PROBLEMS
    assert body["detail"].startswith("1500 problems in the input")
    assert body["detail"].endswith(f"(the first {MAX_LISTED_PROBLEMS} are listed)")
