"""Liveness, readiness and metrics."""

from __future__ import annotations

import contextlib

from anyio import to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.core.metrics import CONTENT_TYPE
from api.db.errors import Unavailable
from api.routes.deps import MetricsDep, PoolDep, ServiceStoreDep, SweepPoolDep
from api.schemas.common import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    """Always ok while the process answers."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness}},
    summary="The database is reachable and the workers run",
)
async def readyz(store: ServiceStoreDep, pool: PoolDep, sweeps: SweepPoolDep) -> Response:
    """200 when the database answers and this instance's worker pools (runs and sweeps) run,
    503 otherwise; ``database`` and ``workers`` say which."""
    try:
        database = await to_thread.run_sync(store.ping)
    except Exception:  # any failure to reach the database means not ready
        database = False
    workers = pool.alive and sweeps.alive
    answer = Readiness(
        status="ok" if database and workers else "unavailable",
        database="ok" if database else "unavailable",
        workers="ok" if workers else "stopped",
    )
    return JSONResponse(answer.model_dump(), status_code=200 if answer.status == "ok" else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def metrics(registry: MetricsDep, store: ServiceStoreDep) -> Response:
    """Requests, latencies, runs and sweeps by status, sweep points by outcome and solve
    seconds, and runs, sweeps and their queue lengths per agency (codes and counts only), in
    the Prometheus text format."""
    # The per-agency figures are left out while the database is away.
    with contextlib.suppress(Unavailable):
        registry.count_runs(store.runs.counts())
        registry.count_sweeps(store.sweeps.counts())
    return Response(registry.exposition(), media_type=CONTENT_TYPE)
