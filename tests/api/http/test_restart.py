"""Durability: a server killed mid-run leaves the run to be solved again from the start once
its lease expires, never stuck nor failed for the kill, and the audit chain intact. The
server runs as a subprocess (``python -m api.cli serve``, which is ``placement
serve``)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time

import httpx

from tests.api.fixtures import cli, generated_json, make_key, slow_policy, wait_for_run
from tests.api.http.processes import server_process

EMPLOYEES = 1500


def server(
    database_url: str,
) -> contextlib.AbstractContextManager[tuple[subprocess.Popen[bytes], str]]:
    """The service as a subprocess with one worker; yields the process and its URL."""
    return server_process(
        database_url, PLACEMENT_WORKERS="1", PLACEMENT_LEASE_S="2", PLACEMENT_POLL_S="0.2"
    )


def test_a_run_interrupted_by_a_killed_server_is_solved_again_after_the_next_start(
    database_url: str,
) -> None:
    key = {"Authorization": f"Bearer {make_key(database_url, 'planner')}"}
    with server(database_url) as (proc, url), httpx.Client(base_url=url, timeout=60) as client:
        dataset_id = client.post(
            "/v1/datasets",
            content=generated_json(EMPLOYEES),
            headers=key | {"Content-Type": "application/json"},
        ).json()["id"]
        answer = client.post(
            "/v1/runs",
            json={"dataset_id": dataset_id, "policy": slow_policy(EMPLOYEES, time_limit_s=10)},
            headers=key,
        )
        run_url = answer.headers["Location"]
        deadline = time.monotonic() + 30
        while client.get(run_url, headers=key).json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)

    with server(database_url) as (_, url), httpx.Client(base_url=url, timeout=60) as client:
        run = wait_for_run(client, run_url.rsplit("/", 1)[-1], key, timeout=90)
    assert run["status"] == "succeeded", run
    assert run["error"] is None
    assert run["finished_at"] is not None

    verified = cli(database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("OK")
