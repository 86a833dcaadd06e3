"""Dependencies that hand routes the per-application objects kept on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.core.auth import Principal, authenticate
from api.core.metrics import Metrics
from api.core.problems import ApiError
from api.db.store import Store
from api.services.runs import RunPool
from api.services.sweeps import SweepPool
from api.services.trust import Trust
from api.settings import Settings
from placement.i18n import t


async def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_service_store(request: Request) -> Store:
    """The application's store, across agencies (health checks, platform admins)."""
    store: Store = request.app.state.store
    return store


async def get_store(
    request: Request, principal: Annotated[Principal, Depends(authenticate)]
) -> Store:
    """The store as the caller's agency sees it; 403 for a platform admin's key, which sees
    no agency's data."""
    if principal.agency is None:
        raise ApiError(
            403, t("api.auth.agency_key_needed"),
            kind="forbidden",
        )  # fmt: skip
    store: Store = request.app.state.store
    return store.for_agency(principal.agency)


async def get_admin_store(
    request: Request, principal: Annotated[Principal, Depends(authenticate)]
) -> Store:
    """The store as the caller sees it: its agency's for an agency's key, every agency's for a
    platform admin's."""
    store: Store = request.app.state.store
    return store if principal.agency is None else store.for_agency(principal.agency)


async def get_pool(request: Request) -> RunPool:
    """The application's run pool."""
    pool: RunPool = request.app.state.pool
    return pool


async def get_sweep_pool(request: Request) -> SweepPool:
    """The application's sweep workers."""
    pool: SweepPool = request.app.state.sweeps
    return pool


async def get_metrics(request: Request) -> Metrics:
    """The application's metrics."""
    metrics: Metrics = request.app.state.metrics
    return metrics


async def get_trust(request: Request) -> Trust:
    """The application's memories of rebuilt runs and computed trust results."""
    trust: Trust = request.app.state.trust
    return trust


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
AdminStoreDep = Annotated[Store, Depends(get_admin_store)]
ServiceStoreDep = Annotated[Store, Depends(get_service_store)]
PoolDep = Annotated[RunPool, Depends(get_pool)]
SweepPoolDep = Annotated[SweepPool, Depends(get_sweep_pool)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
TrustDep = Annotated[Trust, Depends(get_trust)]
