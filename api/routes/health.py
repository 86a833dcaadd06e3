"""Liveness, readiness and metrics."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.core.metrics import CONTENT_TYPE
from api.routes.deps import MetricsDep, StoreDep
from api.schemas.common import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    """Always ok while the process answers."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health}},
    summary="The database is reachable",
)
async def readyz(store: StoreDep) -> Response:
    """200 when the database answers, 503 otherwise."""
    try:
        ready = await to_thread.run_sync(store.ping)
    except Exception:  # any failure to reach the database means not ready
        ready = False
    if ready:
        return JSONResponse(Health(status="ok").model_dump())
    return JSONResponse(Health(status="unavailable").model_dump(), status_code=503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def metrics(registry: MetricsDep) -> Response:
    """Requests, latencies, runs by status and solve seconds, in the Prometheus text format."""
    return Response(registry.exposition(), media_type=CONTENT_TYPE)
