"""No personal data in the service's logs: a real server process works through the shared
example (uploads in three forms, a refused upload, a run, its plan, explanations, a synchronous
solve) and nothing it writes holds an NIP or a name of the example."""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from pathlib import Path

import httpx

from api.core.logging import MASK, PersonalDataFilter, log_config
from tests.api.conftest import sqlite_url
from tests.api.fixtures import (
    bearer,
    example_csv_files,
    example_json,
    example_policy,
    example_xlsx_file,
    make_key,
    wait_for_run,
)
from tests.api.http.processes import server_process
from tests.paths import EXAMPLE


def example_people() -> tuple[list[str], list[str]]:
    """The NIPs and the names of the shared example's employees."""
    with (EXAMPLE / "employees.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["nip"] for r in rows], [r["name"] for r in rows if r["name"]]


def _answered(client: httpx.Client, path: str) -> int:
    """The final status of a GET that may answer 202 (still computing) before its result."""
    for _ in range(240):
        status = client.get(path).status_code
        if status != 202:
            return status
        time.sleep(0.5)
    return 202


def test_a_run_on_the_example_leaves_no_nip_and_no_name_in_the_logs(tmp_path: Path) -> None:
    nips, names = example_people()
    assert len(nips) >= 10 and len(names) >= 10
    database_url = sqlite_url(tmp_path)
    admin = bearer(make_key(database_url, "admin"))
    log = tmp_path / "service.log"
    duplicated = json.loads(example_json())
    duplicated["employees"].append(dict(duplicated["employees"][0]))
    with (
        server_process(database_url, log=log) as (_, url),
        httpx.Client(base_url=url, timeout=60, headers=admin) as client,
    ):
        as_json = client.post(
            "/v1/datasets", content=example_json(), headers={"Content-Type": "application/json"}
        )
        assert as_json.status_code == 201
        assert client.post("/v1/datasets", files=example_csv_files()).status_code == 201
        assert client.post("/v1/datasets", files=example_xlsx_file()).status_code == 201
        refused = client.post("/v1/datasets", json=duplicated)
        assert refused.status_code == 422 and nips[0] in refused.text
        run = client.post(
            "/v1/runs", json={"dataset_id": as_json.json()["id"], "policy": example_policy()}
        ).json()
        assert wait_for_run(client, run["id"], admin)["status"] == "succeeded"
        assert client.get(f"/v1/runs/{run['id']}/plan", headers={"Accept": "text/csv"}).is_success
        assert client.get(f"/v1/runs/{run['id']}/gaps").is_success
        for nip in nips[:3]:
            assert _answered(client, f"/v1/runs/{run['id']}/explain/employees/{nip}") == 200
        assert client.get(f"/v1/runs/no-such-run/explain/employees/{nips[0]}").status_code == 404
        solved = client.post(
            "/v1/solve", json={"dataset": json.loads(example_json()), "policy": example_policy()}
        )
        assert solved.status_code == 200
        assert client.get("/v1/runs", params={"status": "succeeded", "limit": 7}).is_success
    written = log.read_text(encoding="utf-8", errors="replace")
    assert "Application startup complete" in written  # the capture works
    key_id = admin["Authorization"].split("_")[1]
    access = [line for line in written.splitlines() if "api.access" in line or " key=" in line]
    assert "GET /v1/runs/{run_id}/explain/employees/{nip} 200" in written
    assert "POST /v1/datasets 422" in written
    assert any(f"key={key_id}" in line for line in access)
    assert "status=succeeded" not in written and "limit=7" not in written
    assert "127.0.0.1:" not in "\n".join(access)
    leaked = [nip for nip in nips if nip in written] + [name for name in names if name in written]
    assert leaked == []


def test_the_filter_masks_nips_in_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("tests.log_privacy")
    logger.addHandler(handler)
    logger.propagate = False
    nip = "199001012015011001"
    try:
        logger.warning("GET /v1/runs/x/explain/employees/%s", nip)
        logger.warning(f"unknown employee {nip}")
        try:
            raise KeyError(nip)
        except KeyError:
            logger.exception("failed on %s", {"nip": nip})
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert nip not in written
    assert written.count(MASK) >= 4
    assert "Traceback" in written and "KeyError" in written

    longer = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", ("1" * 19,), None)
    PersonalDataFilter().filter(longer)
    assert longer.getMessage() == "1" * 19  # 19 digits are not an NIP


def test_every_handler_of_the_served_log_configuration_has_the_filter() -> None:
    config = log_config()
    assert config["handlers"]
    for handler in config["handlers"].values():
        assert "personal_data" in handler["filters"]
    for name in ("api", "placement", "solvers"):
        assert config["loggers"][name]["handlers"] == ["default"]
