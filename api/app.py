"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from anyio import to_thread
from fastapi import Depends, FastAPI

from api.core import problems
from api.core.locale import LocaleMiddleware
from api.core.logging import AccessLogMiddleware
from api.core.metrics import Metrics, MetricsMiddleware
from api.core.middleware import BodyLimitMiddleware, IdempotencyMiddleware
from api.core.negotiation import negotiate
from api.core.openapi import openapi_document
from api.db.store import Store
from api.routes import routers
from api.services.runs import RunPool
from api.services.sweeps import SweepPool
from api.services.trust import Trust
from api.settings import Settings
from placement.engine import engine_version

log = logging.getLogger(__name__)

DESCRIPTION = """\
Optimal, checked placement of civil servants (ASN) into positions, over HTTP.

Upload a dataset (`POST /v1/datasets`), queue a run on it with a policy (`POST /v1/runs`),
poll the run (`GET /v1/runs/{id}`) and fetch its plan and training gaps. Small inputs can be
solved in one request (`POST /v1/solve`). Authenticate with `Authorization: Bearer KEY`;
keys have the role viewer, planner or admin. Errors are RFC 9457 problem details.

Every text a person reads (problem details, input problems, rule reasons, explanations,
diagnoses) is in Indonesian unless `Accept-Language` asks for English (`Accept-Language: en`);
answers say their language in `Content-Language`. Codes, rule ids and field names never change.
"""


def _start(settings: Settings, metrics: Metrics) -> tuple[Store, RunPool, SweepPool]:
    store = Store(settings.database_url, busy_timeout_s=settings.database_busy_timeout_s)
    try:
        store.migrate()
        if store.dialect == "sqlite":
            log.warning(
                "SQLite: this instance must be the only one on its database; use PostgreSQL "
                "to run several instances"
            )
        pool = RunPool(store, settings, metrics)
        sweeps = SweepPool(store, settings, metrics, owner=pool.owner)
        pool.start()
        sweeps.start()
    except BaseException:
        store.close()
        raise
    log.info(
        "instance %s claims runs with %d worker(s), lease %.1f s",
        pool.owner, settings.workers, settings.lease_s,
    )  # fmt: skip
    return store, pool, sweeps


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings
        The configuration; read from the ``PLACEMENT_*`` environment when not given.

    Returns
    -------
    FastAPI
        The application. Its lifespan opens and migrates the database and starts the worker
        pool, which claims queued runs (and runs whose instance died) from the database, and
        the sweep workers, which do the same for sweeps; at shutdown it stops the workers, puts
        their runs and sweeps back in the queue and closes the database.
    """
    settings = settings if settings is not None else Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store, pool, sweeps = await to_thread.run_sync(_start, settings, metrics)
        app.state.store = store
        app.state.pool = pool
        app.state.sweeps = sweeps
        try:
            yield
        finally:
            await to_thread.run_sync(sweeps.shutdown)
            await to_thread.run_sync(pool.shutdown)
            store.close()

    app = FastAPI(
        title="penempatan",
        version=engine_version().split(" ")[-1].strip("()"),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(negotiate)],
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.trust = Trust(settings)
    problems.install(app)
    for router in routers():
        app.include_router(router)
    app.openapi = partial(openapi_document, app)  # type: ignore[method-assign]
    # Added innermost first: metrics see every answer, including 413s of the size limit.
    app.add_middleware(IdempotencyMiddleware, store=lambda: app.state.store)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(AccessLogMiddleware)
    # Outermost: every answer, the size limit's and the replays' included, is in one language.
    app.add_middleware(LocaleMiddleware)
    return app
