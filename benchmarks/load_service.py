"""Load the HTTP service on loopback: latency of ``POST /v1/solve``, throughput of
``GET /v1/runs/{id}`` under concurrent clients, and the whole workflow under concurrent clients.

``python -m benchmarks.load_service [--employees 200] [--solves 40] [--clients 20]
[--seconds 10] [--runs-per-client 2] [--instances 1] [--agencies 1] [--postgres URL]
[--json results.json]``

Starts ``--instances`` processes of ``python -m api.cli serve`` (which is ``placement serve``)
on free 127.0.0.1 ports, on a fresh SQLite database in a temporary folder or, with
``--postgres`` (a server URL; required for several instances), a new database on that server
dropped at the end; creates ``--agencies`` agencies and planner keys spread over them, then:

1. sends ``--solves`` synchronous solves of a generated ``--employees`` dataset
   (:func:`placement.synthetic.city.generate`, seed 2026, default policy) one after another and
   reports their p50 and p95 latency; every answer must be 200 with a plan;
2. queues one run of the same dataset, and has ``--clients`` threads poll ``GET
   /v1/runs/{id}`` for ``--seconds`` seconds, reporting requests per second and latencies;
   every answer must be 200;
3. has ``--clients`` threads, each with a planner key of its own, upload a dataset, queue a run
   on it and poll the run until it is final, ``--runs-per-client`` times or until ``--seconds``
   run out; every plan is checked with :func:`placement.check` against the uploaded data and the
   run's policy. Clients take the instances in turn, as a load balancer would. Reported:
   requests per second, p95 latency, runs submitted, runs that reached a final state, plans
   checked, runs lost (submitted but never final, or missing from their agency's ``GET
   /v1/runs``), runs solved to completion more than once (audit trail), and runs seen by
   another agency's listing.

Bounded: loopback only, at most ``--solves`` solves and ``--seconds`` (≤ 60) of polling; the
server and its database are removed at the end. Results are logged as a Markdown table and
optionally written as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.db.store import Store
from placement.check import check
from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_json
from placement.synthetic.city import generate

_log = logging.getLogger("benchmarks.load_service")
HOST = "127.0.0.1"
MAX_SECONDS = 60.0
MAX_SOLVES = 1000
MAX_CLIENTS = 64
MAX_RUNS_PER_CLIENT = 20


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, linearly interpolated."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@contextlib.contextmanager
def service(database_url: str, workers: int) -> Iterator[str]:
    """Run the service as a subprocess on loopback; yield its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEMENT_")}
    env |= {
        "PLACEMENT_DATABASE_URL": database_url,
        "PLACEMENT_WORKERS": str(workers),
        "PLACEMENT_POLL_S": "0.2",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("the service exited at start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("the service did not start within 60 s")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def dataset_json(n_employees: int) -> dict[str, Any]:
    """A generated dataset in the contract's JSON form."""
    tables = generate(n_employees, 2026)
    return {name: frame.to_dict("records") for name, frame in tables.items()}


def measure_solves(
    url: str, headers: dict[str, str], dataset: dict[str, Any], n: int
) -> dict[str, Any]:
    """Latency of ``n`` sequential synchronous solves (after one warm-up)."""
    body = {"dataset": dataset, "policy": {"reference_date": "2026-07-01"}}
    latencies = []
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for i in range(n + 1):
            started = time.perf_counter()
            answer = client.post("/v1/solve", json=body)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200 or answer.json()["plan"] is None:
                raise RuntimeError(f"solve {i} answered {answer.status_code}: {answer.text[:200]}")
            if i:
                latencies.append(elapsed)
    return {
        "requests": n,
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "max_ms": round(1000 * max(latencies), 1),
    }


def measure_polling(
    url: str, headers: dict[str, str], run_id: str, clients: int, seconds: float
) -> dict[str, Any]:
    """Throughput of ``clients`` threads polling one run for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    stop = threading.Event()
    start_line = threading.Barrier(clients + 1)

    def poll(i: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            start_line.wait()
            while not stop.is_set():
                started = time.perf_counter()
                answer = client.get(f"/v1/runs/{run_id}")
                latencies[i].append(time.perf_counter() - started)
                if answer.status_code != 200:
                    failures[i] += 1

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for per_client in latencies for x in per_client]
    if sum(failures):
        raise RuntimeError(f"{sum(failures)} of {len(flat)} polls failed")
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(flat),
        "requests_per_s": round(len(flat) / elapsed, 1),
        "p50_ms": round(1000 * percentile(flat, 50), 1),
        "p95_ms": round(1000 * percentile(flat, 95), 1),
        "mean_ms": round(1000 * statistics.fmean(flat), 1),
    }


FINAL = ("succeeded", "failed", "cancelled")


@dataclasses.dataclass
class _Client:
    """What one workflow client did."""

    latencies: list[float] = dataclasses.field(default_factory=list)
    submitted: list[str] = dataclasses.field(default_factory=list)
    final: dict[str, str] = dataclasses.field(default_factory=dict)
    checked: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)


def plan_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The JSON rows of a plan as plan.csv's text cells (what :func:`placement.check` reads)."""

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return pd.DataFrame([{k: text(v) for k, v in row.items()} for row in rows], dtype=str)


def _workflow(
    url: str,
    headers: dict[str, str],
    dataset: dict[str, Any],
    runs: int,
    deadline: float,
    start_line: threading.Barrier,
    out: _Client,
) -> None:
    local = dataset_from_json(json.loads(json.dumps(dataset)))

    def timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        answer = client.request(method, path, **kwargs)
        out.latencies.append(time.perf_counter() - started)
        if answer.status_code >= 500:
            out.errors.append(f"{method} {path}: {answer.status_code}")
        return answer

    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        start_line.wait()
        for _ in range(runs):
            if time.monotonic() > deadline:
                break
            created = timed(client, "POST", "/v1/datasets", json=dataset)
            if created.status_code != 201:
                out.errors.append(f"upload answered {created.status_code}")
                continue
            policy = {"reference_date": "2026-07-01"}
            queued = timed(
                client,
                "POST",
                "/v1/runs",
                json={"dataset_id": created.json()["id"], "policy": policy},
            )
            if queued.status_code != 202:
                out.errors.append(f"run answered {queued.status_code}: {queued.text[:200]}")
                continue
            run_id = queued.json()["id"]
            out.submitted.append(run_id)
            # Polling goes on past the deadline: a submitted run must end whatever the budget.
            while True:
                state = timed(client, "GET", f"/v1/runs/{run_id}").json()
                if state["status"] in FINAL:
                    out.final[run_id] = state["status"]
                    break
                time.sleep(0.2)
            if state["status"] == "succeeded":
                rows = timed(client, "GET", f"/v1/runs/{run_id}/plan").json()["rows"]
                report = check(local, load_policy(state["policy"], local), plan_frame(rows))
                if report.ok:
                    out.checked += 1
                else:
                    out.errors.append(f"run {run_id}: the plan fails the checker")


def measure_workflow(
    url: str | list[str],
    keys: list[dict[str, str]],
    dataset: dict[str, Any],
    runs: int,
    seconds: float,
    agencies: list[str] | None = None,
) -> dict[str, Any]:
    """``len(keys)`` clients, one key each (of ``agencies[i]``, one agency when not given),
    uploading, queueing and polling ``runs`` runs each (or until ``seconds`` run out) on the
    instances ``url`` in turn; see the module's step 3."""
    urls = [url] if isinstance(url, str) else list(url)
    owners = agencies if agencies is not None else ["" for _ in keys]
    outs = [_Client() for _ in keys]
    start_line = threading.Barrier(len(keys) + 1)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_workflow,
            args=(urls[i % len(urls)], key, dataset, runs, deadline, start_line, out),
        )
        for i, (key, out) in enumerate(zip(keys, outs, strict=True))
    ]
    for thread in threads:
        thread.start()
    start_line.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    submitted = [run_id for out in outs for run_id in out.submitted]
    final = {k: v for out in outs for k, v in out.final.items()}
    listed: dict[str, str] = {}
    seen_across = 0
    for agency in sorted(set(owners)):
        first = owners.index(agency)
        theirs = {
            r for out, o in zip(outs, owners, strict=True) if o != agency for r in out.submitted
        }
        with httpx.Client(base_url=urls[0], headers=keys[first], timeout=120) as client:
            page = client.get("/v1/runs?limit=1000").json()["runs"]
        seen_across += sum(1 for r in page if r["id"] in theirs)
        listed |= {r["id"]: r["status"] for r in page if r["id"] not in theirs}
    lost = [r for r in submitted if r not in final or listed.get(r) not in FINAL]
    latencies = [x for out in outs for x in out.latencies]
    return {
        "clients": len(keys),
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1) if latencies else None,
        "runs_submitted": len(submitted),
        "runs_final": len(final),
        "runs_succeeded": sum(1 for s in final.values() if s == "succeeded"),
        "plans_checked": sum(out.checked for out in outs),
        "runs_lost": len(lost),
        "duplicates": len(submitted) - len(set(submitted)),
        "seen_across_agencies": seen_across,
        "instances": len(urls),
        "agencies": len(set(owners)),
        "errors": [e for out in outs for e in out.errors],
    }


@contextlib.contextmanager
def fresh_database(postgres: str | None) -> Iterator[str]:
    """A new empty database: a SQLite file in a temporary folder, or a new database on the
    PostgreSQL server ``postgres`` (dropped at the end)."""
    if postgres is None:
        with tempfile.TemporaryDirectory(prefix="placement-load-") as folder:
            yield f"sqlite:///{Path(folder) / 'placement.db'}"
        return
    url = make_url(postgres).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"placement_load_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def solved_twice(database_url: str) -> int:
    """Runs with more than one ``run.succeeded`` or ``run.failed`` in the audit trail."""
    finished: dict[str, int] = {}
    with Store(database_url) as store:
        after = 0
        while page := store.audit.after(after_seq=after, limit=1000):
            for record in page:
                if record.action in ("run.succeeded", "run.failed") and record.target:
                    finished[record.target] = finished.get(record.target, 0) + 1
            after = page[-1].seq
    return sum(1 for count in finished.values() if count > 1)


def run(
    employees: int,
    solves: int,
    clients: int,
    seconds: float,
    runs_per_client: int = 2,
    instances: int = 1,
    agencies: int = 1,
    postgres: str | None = None,
) -> dict[str, Any]:
    """Start the instances, measure the three loads, and return the results."""
    with fresh_database(postgres) as database_url, contextlib.ExitStack() as stack:
        codes = [f"agency-{i + 1}" for i in range(agencies)]
        with Store(database_url) as store:
            store.migrate()
            for code in codes:
                store.agencies.create(code=code, name=code)
            _, secret = store.keys.create(role="planner", name="load test", agency=codes[0])
            owners = [codes[i % agencies] for i in range(clients)]
            keys = [
                {
                    "Authorization": "Bearer "
                    + store.keys.create(role="planner", name=f"c{i}", agency=owner)[1]
                }
                for i, owner in enumerate(owners)
            ]
        headers = {"Authorization": f"Bearer {secret}"}
        dataset = dataset_json(employees)
        urls = [stack.enter_context(service(database_url, workers=2)) for _ in range(instances)]
        url = urls[0]
        solve = measure_solves(url, headers, dataset, solves)
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            created = client.post("/v1/datasets", json=dataset)
            created.raise_for_status()
            queued = client.post(
                "/v1/runs",
                json={
                    "dataset_id": created.json()["id"],
                    "policy": {"reference_date": "2026-07-01"},
                },
            )
            queued.raise_for_status()
            run_id = queued.json()["id"]
        poll = measure_polling(url, headers, run_id, clients, seconds)
        workflow = measure_workflow(
            urls, keys, dataset_json(30), runs_per_client, seconds, agencies=owners
        )
        workflow["solved_twice"] = solved_twice(database_url)
    return {
        "employees": employees,
        "cpus": os.cpu_count(),
        "database": "postgresql" if postgres else "sqlite",
        "post_solve": solve,
        "get_run": poll,
        "workflow": workflow,
    }


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    s, p, w = results["post_solve"], results["get_run"], results["workflow"]
    return "\n".join(
        [
            "| measurement | requests | p50 ms | p95 ms | throughput |",
            "|---|---:|---:|---:|---:|",
            f"| POST /v1/solve, {results['employees']} employees, sequential "
            f"| {s['requests']} | {s['p50_ms']} | {s['p95_ms']} | |",
            f"| GET /v1/runs/{{id}}, {p['clients']} concurrent clients, {p['seconds']} s "
            f"| {p['requests']} | {p['p50_ms']} | {p['p95_ms']} | {p['requests_per_s']} req/s |",
            f"| upload, queue, poll, check; {w['clients']} concurrent clients, {w['seconds']} s "
            f"| {w['requests']} | | {w['p95_ms']} | {w['requests_per_s']} req/s |",
            "",
            f"{w['instances']} instance(s) on {results['database']}, {w['agencies']} "
            f"agency(ies); runs submitted {w['runs_submitted']}, reached a final state "
            f"{w['runs_final']}, succeeded {w['runs_succeeded']}, plans passing placement.check "
            f"{w['plans_checked']}, lost {w['runs_lost']}, duplicated {w['duplicates']}, "
            f"solved to completion twice {w['solved_twice']}, seen by another agency "
            f"{w['seen_across_agencies']}, errors {len(w['errors'])}",
        ]
    )


def main() -> None:
    """Parse the options, run the measurement, log the table and write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--solves", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs-per-client", type=int, default=2)
    parser.add_argument("--instances", type=int, default=1, help="service processes (1)")
    parser.add_argument("--agencies", type=int, default=1, help="agencies of the clients (1)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PLACEMENT_TEST_POSTGRES_URL") or None,
        help="PostgreSQL server URL (default $PLACEMENT_TEST_POSTGRES_URL; else SQLite)",
    )
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args()
    if not (1 <= args.solves <= MAX_SOLVES and 1 <= args.clients <= MAX_CLIENTS):
        parser.error(f"--solves must be 1…{MAX_SOLVES} and --clients 1…{MAX_CLIENTS}")
    if not 1 <= args.runs_per_client <= MAX_RUNS_PER_CLIENT:
        parser.error(f"--runs-per-client must be 1…{MAX_RUNS_PER_CLIENT}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if not (1 <= args.instances <= 8 and 1 <= args.agencies <= args.clients):
        parser.error("--instances must be 1…8 and --agencies 1…--clients")
    if args.instances > 1 and not args.postgres:
        parser.error("several instances need PostgreSQL: give --postgres URL")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    results = run(
        args.employees, args.solves, args.clients, args.seconds, args.runs_per_client,
        instances=args.instances, agencies=args.agencies, postgres=args.postgres,
    )  # fmt: skip
    _log.info("%s", markdown(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    workflow = results["workflow"]
    broken = ("runs_lost", "duplicates", "solved_twice", "seen_across_agencies", "errors")
    if any(workflow[name] for name in broken):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
