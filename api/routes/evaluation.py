"""The evaluation of past moves: ``/v1/datasets/{id}/evaluation`` (JSON or HTML) and a run's
forecast ``/v1/runs/{id}/forecast``.

Both are computed once per dataset or run and kept; a request waits at most the service's
synchronous time limit, then gets 503 with ``Retry-After`` while the computation goes on.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.core.auth import Viewer
from api.routes.common import problems
from api.routes.deps import StoreDep, TrustDep
from api.schemas.evaluation import EvaluationOut, ForecastOut
from api.services import evaluation as service

router = APIRouter(tags=["evaluation"])

_SLOW = (404, 409, 429, 503)


def _wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to JSON (a browser, or ``Accept: text/html``)."""
    accept = request.headers.get("accept", "")
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    html = kinds.index("text/html") if "text/html" in kinds else None
    json = kinds.index("application/json") if "application/json" in kinds else None
    return html is not None and (json is None or html < json)


@router.get(
    "/v1/datasets/{dataset_id}/evaluation",
    response_model=EvaluationOut,
    responses={**problems(*_SLOW), 200: {"content": {"text/html": {}}}},
    summary="What past moves did to SKP ratings",
)
async def read_evaluation(
    dataset_id: str, request: Request, _: Viewer, store: StoreDep, trust: TrustDep
) -> EvaluationOut | Response:
    """The effect of moves on SKP rating points estimated from the dataset's
    placement_history, performance_history and training_history (evaluation.json, CONTRACT
    §6): an event study, the average effect on movers over event years 1–3, by JPM category,
    prior tenure, training and reason, naive numbers and warnings. With ``Accept: text/html``,
    the self-contained evaluation page. 409 when the dataset has no history."""
    if _wants_html(request):
        page = await service.evaluation_page(trust, store, dataset_id)
        return Response(page, media_type="text/html; charset=utf-8")
    return await service.evaluation(trust, store, dataset_id)


@router.get(
    "/v1/runs/{run_id}/forecast",
    response_model=ForecastOut,
    responses=problems(*_SLOW),
    summary="What a plan's moves are expected to do to SKP ratings",
)
async def read_forecast(run_id: str, _: Viewer, store: StoreDep, trust: TrustDep) -> ForecastOut:
    """The evaluation of the run's dataset applied to the plan's moves: the expected change in
    the movers' mean SKP rating points without training and with the training list (gaps)
    delivered within a year, with 95 % intervals, and the moves with the worst expected
    effect. 409 when the run has no plan or its dataset no history."""
    return await service.forecast(trust, store, run_id)
