"""``/v1/sweeps``: queue a sweep of policy changes over a dataset, watch it, cancel it and fetch
its table of results (JSON or CSV)."""

from __future__ import annotations

from typing import Annotated, Literal

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Response, status

from api.core.auth import Planner, Viewer
from api.routes.common import accepts, problems
from api.routes.deps import MetricsDep, SettingsDep, StoreDep, SweepPoolDep
from api.schemas.sweeps import SweepCreate, SweepList, SweepOut, SweepResults
from api.services.sweeps import (
    cancel_sweep,
    create_sweep,
    get_sweep,
    list_sweeps,
    read_sweep,
    results_table,
    sweep_out,
)
from placement.batch.runs import json_rows
from placement.reports.escaping import spreadsheet_safe_csv

router = APIRouter(prefix="/v1/sweeps", tags=["sweeps"])

_TABLE_FORMATS = {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SweepOut,
    responses=problems(404, 413, 422, 429),
    summary="Queue a sweep",
)
async def post_sweep(
    body: SweepCreate,
    response: Response,
    principal: Planner,
    store: StoreDep,
    pool: SweepPoolDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> SweepOut:
    """Validate the dataset, the base policy and the grid and queue the sweep; 202 with its id
    and a Location to poll. The body takes the grid file of ``placement sweep``: ``grid``
    (every combination of ``{KEY: [VALUES]}``, a KEY being a policy key, ``weights.TERM`` or
    ``changes``) or ``points`` (``[{"label", "policy", "changes"}]``), and ``changes`` applied
    to every point. 422 lists every problem of the policy and the grid, and nothing is
    stored. Points are solved on the service's sweep workers, or on the Dask cluster at
    ``PLACEMENT_DASK_ADDRESS`` when it is set (``executor`` says which)."""
    record = await to_thread.run_sync(
        lambda: create_sweep(store, pool, settings, metrics, body, principal.actor)
    )
    response.headers["Location"] = f"/v1/sweeps/{record.id}"
    return sweep_out(record, [])


@router.get("", response_model=SweepList, responses=problems(422), summary="Recent sweeps")
def get_sweeps(
    _: Viewer,
    store: StoreDep,
    status_: Annotated[
        Literal["queued", "running", "succeeded", "failed", "cancelled"] | None,
        Query(alias="status"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> SweepList:
    """The agency's sweeps, newest first, optionally of one status; pass ``next_cursor`` as
    ``cursor`` for the next page."""
    sweeps, after = list_sweeps(store, status=status_, cursor=cursor, limit=limit)
    return SweepList(sweeps=sweeps, next_cursor=after)


@router.get("/{sweep_id}", response_model=SweepOut, responses=problems(404), summary="A sweep")
async def get_one_sweep(sweep_id: str, _: Viewer, store: StoreDep) -> SweepOut:
    """Status, progress (points done of the total, those without a plan) and every point
    without a plan so far with its reason."""
    return await to_thread.run_sync(read_sweep, store, sweep_id)


@router.delete(
    "/{sweep_id}", response_model=SweepOut, responses=problems(404, 409), summary="Cancel"
)
def delete_sweep(
    sweep_id: str, principal: Planner, store: StoreDep, pool: SweepPoolDep, metrics: MetricsDep
) -> SweepOut:
    """Cancel a queued or running sweep: no further point is solved, the points done stay
    (their results remain at ``/results``); 409 when it has already finished."""
    return cancel_sweep(store, pool, metrics, sweep_id, principal.actor)


@router.get(
    "/{sweep_id}/results",
    response_model=SweepResults,
    responses={**problems(404), 200: _TABLE_FORMATS},
    summary="The table of the sweep's points",
)
def get_results(
    sweep_id: str, _: Viewer, store: StoreDep, accept: Annotated[str | None, Header()] = None
) -> Response | SweepResults:
    """One row per point with a result so far, in point order — the table ``placement sweep``
    writes as sweep.json and sweep.csv: the point's settings, its key figures, ``pareto`` (no
    other point has at most as many moves and at least as high a mean JPM after) and, for a
    point without a plan (infeasible, refused, failed), its status and the reason in
    ``error``. JSON by default, CSV with ``Accept: text/csv`` (cells a spreadsheet would read
    as a formula are escaped). While the sweep runs, the table holds the points done so far."""
    record = get_sweep(store, sweep_id)
    table = results_table(store, record)
    if accepts(accept, "text/csv"):
        data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
        return Response(
            spreadsheet_safe_csv(data),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="sweep.csv"'},
        )
    return SweepResults(
        sweep_id=record.id,
        status=record.status,  # type: ignore[arg-type]
        complete=len(table) == record.total,
        points=json_rows(table),
    )
