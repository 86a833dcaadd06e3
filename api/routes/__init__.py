"""The service's routers, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    audit,
    datasets,
    docs,
    evaluation,
    health,
    keys,
    runs,
    scenarios,
    solve,
    sweeps,
    trust,
    web,
)


def routers() -> list[APIRouter]:
    """Every router of the service."""
    return [
        health.router,
        datasets.router,
        runs.router,
        trust.router,
        evaluation.router,
        scenarios.router,
        sweeps.router,
        solve.router,
        keys.router,
        audit.router,
        web.router,
        docs.router,
    ]
