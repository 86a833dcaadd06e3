"""Prometheus metrics of one application, in its own registry (never the global one)."""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_TYPE", "Metrics", "MetricsMiddleware", "route_template"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_SOLVE_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600)


class Metrics:
    """The service's metrics: requests, latencies, runs and sweeps by status, sweep points by
    outcome and solve seconds."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "placement_http_requests",
            "HTTP requests answered, by method, route and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "placement_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.runs = Counter(
            "placement_runs",
            "Runs that reached a status (queued, running, succeeded, failed, cancelled).",
            ["status"],
            registry=self.registry,
        )
        self.runs_active = Gauge(
            "placement_runs_active",
            "Runs of this process queued for or held by a worker.",
            registry=self.registry,
        )
        self.sweeps = Counter(
            "placement_sweeps",
            "Sweeps that reached a status (queued, running, succeeded, failed, cancelled).",
            ["status"],
            registry=self.registry,
        )
        self.sweeps_active = Gauge(
            "placement_sweeps_active",
            "Sweeps held by a sweep worker of this process.",
            registry=self.registry,
        )
        self.sweep_points = Counter(
            "placement_sweep_points",
            "Sweep points solved by this process's sweeps, by outcome (the point's status: "
            "OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT_NO_SOLUTION, REFUSED, FAILED).",
            ["outcome"],
            registry=self.registry,
        )
        self.solve_seconds = Histogram(
            "placement_solve_seconds",
            "Wall-clock seconds of a solve, by kind (run, sync or sweep_point).",
            ["kind"],
            buckets=_SOLVE_BUCKETS,
            registry=self.registry,
        )

        self.agency_runs = Gauge(
            "placement_agency_runs",
            "Runs in the database by agency and status (every instance's).",
            ["agency", "status"],
            registry=self.registry,
        )
        self.agency_queue = Gauge(
            "placement_agency_queue_length",
            "Runs of an agency waiting for a worker (every instance's).",
            ["agency"],
            registry=self.registry,
        )

        self.agency_sweeps = Gauge(
            "placement_agency_sweeps",
            "Sweeps in the database by agency and status (every instance's).",
            ["agency", "status"],
            registry=self.registry,
        )
        self.agency_sweep_queue = Gauge(
            "placement_agency_sweep_queue_length",
            "Sweeps of an agency waiting for a sweep worker (every instance's).",
            ["agency"],
            registry=self.registry,
        )

    def count_runs(self, counts: dict[tuple[str, str], int]) -> None:
        """Set the per-agency run gauges from run counts by (agency, status)."""
        _set_counts(self.agency_runs, self.agency_queue, counts)

    def count_sweeps(self, counts: dict[tuple[str, str], int]) -> None:
        """Set the per-agency sweep gauges from sweep counts by (agency, status)."""
        _set_counts(self.agency_sweeps, self.agency_sweep_queue, counts)

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format."""
        return generate_latest(self.registry)


def _set_counts(jobs: Gauge, queue: Gauge, counts: dict[tuple[str, str], int]) -> None:
    """Set ``jobs`` by (agency, status) and ``queue`` (the queued ones) by agency, forgetting
    the agencies and statuses no longer counted."""
    jobs.clear()
    queue.clear()
    for (agency, status), count in sorted(counts.items()):
        jobs.labels(agency, status).set(count)
    for agency in sorted({agency for agency, _ in counts}):
        queue.labels(agency).set(counts.get((agency, "queued"), 0))


#: What an :class:`ExchangeObserver` is told of each HTTP exchange: its scope, final status and
#: duration in seconds.
Observe = Callable[[Scope, int, float], None]


class ExchangeObserver:
    """ASGI middleware that hands every HTTP exchange's final status and duration to
    ``observe`` (status 500 when the application raised before answering)."""

    def __init__(self, app: ASGIApp, observe: Observe) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.observe(scope, status, time.perf_counter() - started)


class MetricsMiddleware(ExchangeObserver):
    """Counts requests and times them, labelled by route template (not by the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app, self.record)
        self.metrics = metrics

    def record(self, scope: Scope, status: int, seconds: float) -> None:
        """Count the request and record its latency."""
        route = route_template(scope)
        method = str(scope.get("method", ""))
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(seconds)


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/v1/runs/{run_id}``), never the raw path, which
    may carry an NIP; ``unmatched`` when no route matched."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"
