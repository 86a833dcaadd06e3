"""Helpers of the service tests: the real application served on a loopback port.

The application runs under uvicorn in a background thread (its lifespan included), and tests
talk to it with an ``httpx.Client``: real HTTP, a real database, the real worker pool.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from api.app import create_app
from api.db.store import Store
from api.settings import Settings
from placement.synthetic.city import generate
from tests.paths import EXAMPLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_OBJECTIVE = 287692
CSV_TABLES = ("employees", "positions", "competencies", "requirements", "preferences", "relations")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def reserved_port() -> Iterator[int]:
    """A loopback port held for a server that another process is starting.

    The port stays bound (with ``SO_REUSEADDR``, not listening) until the block ends: the kernel
    hands it to no other socket meanwhile, neither to ``bind`` nor to an outgoing connection of
    a test running beside this one, while the server, which binds with ``SO_REUSEADDR`` as
    asyncio's servers do, can still take it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        port: int = holder.getsockname()[1]
        yield port


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)`` on a free loopback port; yield its base URL.

    The listening socket is bound here and handed to the server, so that no other process (the
    suite runs on several cores) can take the port between choosing it and serving on it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=listener.getsockname()[1],
            log_level="warning", access_log=False, lifespan="on",
        )  # fmt: skip
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [listener]}, name="test-server", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{config.port}"
        finally:
            server.should_exit = True
            thread.join(60)


def make_key(database_url: str, role: str) -> str:
    """Create an API key of ``role`` directly in the database; return its secret."""
    store = Store(database_url)
    try:
        store.migrate()
        _, secret = store.keys.create(role=role, name=f"test {role}")
        return secret
    finally:
        store.close()


def bearer(key: str) -> dict[str, str]:
    """The Authorization header of ``key``."""
    return {"Authorization": f"Bearer {key}"}


def example_json() -> bytes:
    """The shared example dataset in its JSON form."""
    return (EXAMPLE / "example.json").read_bytes()


def example_policy() -> dict[str, Any]:
    """The shared example's main policy (objective 287692)."""
    policy: dict[str, Any] = json.loads((EXAMPLE / "policy.json").read_text())
    return policy


def example_csv_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    """The shared example as multipart CSV files, one per table."""
    return [
        ("files", (f"{name}.csv", (EXAMPLE / f"{name}.csv").read_bytes(), "text/csv"))
        for name in CSV_TABLES
    ]


def example_xlsx_file() -> list[tuple[str, tuple[str, bytes, str]]]:
    """The shared example as one multipart xlsx file."""
    return [("file", ("example.xlsx", (EXAMPLE / "example.xlsx").read_bytes(), XLSX))]


def wait_for_run(
    client: httpx.Client, run_id: str, headers: dict[str, str], *, timeout: float = 60
) -> dict[str, Any]:
    """Poll the run until it leaves queued and running; return its last state."""
    deadline = time.monotonic() + timeout
    while True:
        run: dict[str, Any] = client.get(f"/v1/runs/{run_id}", headers=headers).json()
        if run["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def wait_for_sweep(
    client: httpx.Client, sweep_id: str, headers: dict[str, str], *, timeout: float = 60
) -> dict[str, Any]:
    """Poll the sweep until it leaves queued and running; return its last state."""
    deadline = time.monotonic() + timeout
    while True:
        sweep: dict[str, Any] = client.get(f"/v1/sweeps/{sweep_id}", headers=headers).json()
        if sweep["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return sweep
        time.sleep(0.05)


def cli(database_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m api.cli ARGS`` against ``database_url``."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=cli_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a service subprocess on ``database_url``."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEMENT_")}
    env["PLACEMENT_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def slow_policy(n_employees: int, *, time_limit_s: float = 20) -> dict[str, Any]:
    """A side-constrained policy (move and outflow limits) that keeps HiGHS busy for seconds.

    HiGHS is named so that the solve stays a MIP, whatever shortcuts ``auto`` learns.
    """
    return {
        "reference_date": "2026-07-01",
        "max_moves": n_employees // 20,
        "max_unit_outflow": 0.05,
        "time_limit_s": time_limit_s,
        "solver": "highs",
    }


@functools.cache
def generated_json(n_employees: int, seed: int = 7) -> bytes:
    """A generated city dataset (:func:`placement.synthetic.city.generate`) in the contract's
    JSON form."""
    tables = generate(n_employees, seed)
    return json.dumps({name: frame.to_dict("records") for name, frame in tables.items()}).encode()
