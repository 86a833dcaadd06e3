"""``/v1/runs``: queue, watch and cancel runs; fetch their plan and training gaps."""

from __future__ import annotations

from typing import Annotated, Literal

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Response, status

from api.core.auth import Planner, Viewer
from api.core.problems import ApiError
from api.routes.common import accepts, problems
from api.routes.deps import MetricsDep, PoolDep, SettingsDep, StoreDep
from api.schemas.runs import GapsOut, PlanOut, RunCreate, RunList, RunOut
from api.services.datasets import XLSX
from api.services.exports import csv_to_xlsx, gap_rows, people_plan_xlsx, plan_rows
from api.services.runs import cancel_run, create_run, get_run, run_out, run_output
from api.services.runs import delete_run as erase_run
from placement.reports.escaping import spreadsheet_safe_csv

router = APIRouter(prefix="/v1/runs", tags=["runs"])

_TABLE_FORMATS = {
    "content": {
        "application/json": {},
        "text/csv": {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    }
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunOut,
    responses=problems(404, 413, 422, 429),
    summary="Queue a run",
)
async def post_run(
    body: RunCreate,
    response: Response,
    principal: Planner,
    store: StoreDep,
    pool: PoolDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> RunOut:
    """Validate the policy against the dataset and queue the run; 202 with its id and a
    Location to poll."""
    record = await to_thread.run_sync(
        lambda: create_run(store, pool, settings, metrics, body, principal.actor)
    )
    response.headers["Location"] = f"/v1/runs/{record.id}"
    return run_out(record)


@router.get("", response_model=RunList, responses=problems(422), summary="Recent runs")
def list_runs(
    _: Viewer,
    store: StoreDep,
    status_: Annotated[
        Literal["queued", "running", "succeeded", "failed", "cancelled"] | None,
        Query(alias="status"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> RunList:
    """The agency's runs, newest first, optionally of one status; pass ``next_cursor`` as
    ``cursor`` for the next page."""
    try:
        records, after = store.runs.page(status=status_, cursor=cursor, limit=limit)
    except ValueError as exc:
        raise ApiError(422, str(exc), kind="invalid-input") from exc
    return RunList(runs=[run_out(r) for r in records], next_cursor=after)


@router.get("/{run_id}", response_model=RunOut, responses=problems(404), summary="A run")
async def read_run(run_id: str, _: Viewer, store: StoreDep) -> RunOut:
    """Status, progress (best objective and bound so far, elapsed seconds) and, when done,
    the summary."""
    return run_out(await to_thread.run_sync(get_run, store, run_id))


@router.delete("/{run_id}", response_model=RunOut, responses=problems(404, 409), summary="Cancel")
def delete_run(
    run_id: str, principal: Planner, store: StoreDep, pool: PoolDep, metrics: MetricsDep
) -> RunOut:
    """Cancel a queued or running run; 409 when it has already finished."""
    return run_out(cancel_run(store, pool, metrics, run_id, principal.actor))


@router.delete(
    "/{run_id}/record",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problems(404, 409),
    summary="Delete a finished run",
)
def delete_run_record(run_id: str, principal: Planner, store: StoreDep) -> Response:
    """Delete a finished run (retention): its policy, summary, plan and gaps are erased and it
    is no longer found; the audit trail records what was removed. 409 while it is queued or
    running (cancel it first with ``DELETE /v1/runs/{run_id}``)."""
    erase_run(store, run_id, principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{run_id}/plan",
    response_model=PlanOut,
    responses={**problems(404, 409), 200: _TABLE_FORMATS},
    summary="The plan",
)
def read_plan(
    run_id: str, _: Viewer, store: StoreDep, accept: Annotated[str | None, Header()] = None
) -> Response | PlanOut:
    """The plan: JSON by default, CSV with ``Accept: text/csv``, xlsx with the xlsx type.

    JSON and CSV are the contract's plan.csv columns; the xlsx is made for people: Indonesian
    headers, names, positions by title, units by name, NIPs as text, numeric score and JPM, a
    frozen, filterable header. Downloads are meant for spreadsheets: a CSV cell that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and is not a plain number) gets a
    ``'`` in front, and xlsx text cells are text, never formulas. The JSON rows are the data as
    computed."""
    data = run_output(store, run_id, "plan")
    if accepts(accept, XLSX) and not accepts(accept, "text/csv"):
        workbook = people_plan_xlsx(store, run_id, data)
        return Response(workbook, media_type=XLSX, headers=_named("plan.xlsx"))
    return _as_file(data, "plan", accept) or PlanOut(run_id=run_id, rows=plan_rows(data))


@router.get(
    "/{run_id}/gaps",
    response_model=GapsOut,
    responses={**problems(404, 409), 200: _TABLE_FORMATS},
    summary="Training gaps",
)
def read_gaps(
    run_id: str, _: Viewer, store: StoreDep, accept: Annotated[str | None, Header()] = None
) -> Response | GapsOut:
    """Every unmet competency requirement of a new post, in the same three formats."""
    data = run_output(store, run_id, "gaps")
    return _as_file(data, "gaps", accept) or GapsOut(run_id=run_id, rows=gap_rows(data))


def _as_file(data: bytes, name: str, accept: str | None) -> Response | None:
    """The table as a CSV or xlsx download when the client asks for one, else None (JSON)."""
    if accepts(accept, "text/csv"):
        safe = spreadsheet_safe_csv(data)
        return Response(safe, media_type="text/csv; charset=utf-8", headers=_named(f"{name}.csv"))
    if accepts(accept, XLSX):
        return Response(csv_to_xlsx(data, name), media_type=XLSX, headers=_named(f"{name}.xlsx"))
    return None


def _named(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
