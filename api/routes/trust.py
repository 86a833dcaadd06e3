"""Trust in a plan: explanations, diagnosis, fairness, comparisons, figures, the report and
the decree.

Explanations, reports and the decree describe the stored plan of a succeeded run (rebuilt, not
solved again, and re-checked). Slow results are computed once per run and kept; a request waits
for one at most the service's synchronous time limit while the computation goes on: an
explanation then answers 202 with a ``Location`` to poll (the same address, which answers 200
once the result is there), the other results 503 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.core.auth import Viewer
from api.routes.common import problems
from api.routes.deps import SettingsDep, StoreDep, TrustDep
from api.schemas.trust import (
    CompareRequest,
    ComparisonOut,
    DiagnosisOut,
    FairnessOut,
    FiguresOut,
    PendingOut,
    PersonExplanationOut,
    PositionExplanationOut,
)
from api.services import trust as service
from api.services.datasets import XLSX
from placement.analysis.fairness import MAX_EXPLAINED

router = APIRouter(tags=["trust"])

_SLOW = (404, 409, 422, 429, 503)
#: Seconds a client is asked to wait before polling an explanation again.
POLL_AFTER_S = 2
_EXPLAIN = {
    **problems(*_SLOW),
    202: {
        "model": PendingOut,
        "description": "Still being computed after the service's synchronous time limit: the "
        "computation goes on; poll the address in `Location` (this same address) after "
        "`Retry-After` seconds until it answers 200.",
    },
}


def _pending(request: Request) -> JSONResponse:
    """202 pointing back at the request's own address, where the result will be."""
    location = str(request.url)
    body = PendingOut(location=location, retry_after_s=POLL_AFTER_S)
    return JSONResponse(
        body.model_dump(),
        status_code=202,
        headers={"Location": location, "Retry-After": str(POLL_AFTER_S)},
    )


@router.get(
    "/v1/runs/{run_id}/explain/employees/{nip}",
    response_model=PersonExplanationOut,
    responses=_EXPLAIN,
    summary="Why an employee got their placement",
)
async def explain_employee(
    run_id: str,
    nip: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    trust: TrustDep,
    top: Annotated[int, Query(ge=0, le=20)] = 5,
    counterfactuals: bool = True,
) -> PersonExplanationOut | JSONResponse:
    """The placement's score terms; every preferred position and the ``top`` best-scoring
    others, each with the rules that block it or, when allowed, what pinning the employee
    there costs the plan (verified by re-solving the solved model with that pair fixed); and,
    unless ``counterfactuals=false``, the first single change to the data or policy after
    which a re-solve gives the employee a better-scoring position (one whole solve per change
    tried: the slow part; ``counterfactuals_computed`` says whether it was searched).
    202 while it is still being computed; 409 when the run has no plan."""
    try:
        return await service.explain_employee(
            trust, store, run_id, nip, top=top, counterfactuals=counterfactuals
        )
    except service.ResultPendingError:
        return _pending(request)


@router.get(
    "/v1/runs/{run_id}/explain/positions/{position_id}",
    response_model=PositionExplanationOut,
    responses=_EXPLAIN,
    summary="Who holds a position and who could",
)
async def explain_a_position(
    run_id: str,
    position_id: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    trust: TrustDep,
    top: Annotated[int, Query(ge=1, le=200)] = 10,
) -> PositionExplanationOut | JSONResponse:
    """Holders before and after, the ``top`` eligible candidates by score (the shortlist of a
    JPT post), and how many employees each rule excludes. 202 while it is still being
    computed; 409 when the run has no plan."""
    try:
        return await service.explain_a_position(trust, store, run_id, position_id, top=top)
    except service.ResultPendingError:
        return _pending(request)


@router.get(
    "/v1/runs/{run_id}/diagnosis",
    response_model=DiagnosisOut,
    responses=problems(*_SLOW),
    summary="Why a run is INFEASIBLE",
)
async def read_diagnosis(
    run_id: str, _: Viewer, store: StoreDep, trust: TrustDep, settings: SettingsDep
) -> DiagnosisOut:
    """A set of rule instances (pins, capacities, limits …) that cannot all hold together:
    ``conflict`` lists them, ``text`` says it in words, ``minimal`` says whether dropping any
    one of them removes the conflict. 409 when the run has a plan or has not finished."""
    return await service.diagnosis(trust, store, run_id, settings.sync_time_limit_s)


@router.get(
    "/v1/runs/{run_id}/fairness",
    response_model=FairnessOut,
    responses=problems(*_SLOW),
    summary="Justified envy and outcomes by group",
)
async def read_fairness(
    run_id: str,
    _: Viewer,
    store: StoreDep,
    trust: TrustDep,
    explained: Annotated[int, Query(ge=0, le=500)] = MAX_EXPLAINED,
) -> FairnessOut:
    """Every employee who prefers a position over their outcome while it has a free seat or a
    holder who scores less there, with the rule that explains it (at most ``explained``
    allowed pairs are explained by re-solving with the employee pinned there); and who moved,
    stayed, was placed or ended unplaced per unit, grade, gender and job class. 409 when the
    run has no plan."""
    return await service.plan_fairness(trust, store, run_id, explained=explained)


@router.post(
    "/v1/compare",
    response_model=ComparisonOut,
    responses=problems(*_SLOW),
    summary="Compare runs",
)
async def compare_runs(
    body: CompareRequest, _: Viewer, store: StoreDep, trust: TrustDep
) -> ComparisonOut:
    """Key figures of every run side by side (``kpis``, one value per run in order) and every
    employee placed differently than in the first run (``people``). Each run must have
    finished; a run that ended without a plan shows its status alone. Creates nothing."""
    return await service.comparison(trust, store, body.run_ids)


@router.get(
    "/v1/runs/{run_id}/figures",
    response_model=FiguresOut,
    responses=problems(*_SLOW),
    summary="Key figures and chart data of a plan",
)
async def read_figures(run_id: str, _: Viewer, store: StoreDep, trust: TrustDep) -> FiguresOut:
    """Key figures (moves, vacancies filled, mean JPM before and after, JPM categories,
    preferences met, training), the JPM histogram before and after, the moves between units,
    and the names of the run's employees and positions (with unit, job class, state and
    capacity), for a screen that shows the plan. 409 when the run has no plan."""
    return await service.figures(trust, store, run_id)


@router.get(
    "/v1/runs/{run_id}/report",
    response_class=Response,
    responses={**problems(*_SLOW), 200: {"content": {"text/html": {}}}},
    summary="The report (HTML)",
)
async def read_report(run_id: str, _: Viewer, store: StoreDep, trust: TrustDep) -> Response:
    """A self-contained HTML report of the plan: key figures, JPM before and after, moves
    between units, training needs, the moves and the unplaced."""
    html = await service.report(trust, store, run_id)
    return Response(html, media_type="text/html; charset=utf-8")


@router.get(
    "/v1/runs/{run_id}/decree",
    response_class=Response,
    responses={**problems(*_SLOW), 200: {"content": {XLSX: {}}}},
    summary="The decree attachment (xlsx)",
)
async def read_decree(
    run_id: str,
    _: Viewer,
    store: StoreDep,
    trust: TrustDep,
    official: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """The attachment of a transfer decree (Lampiran SK mutasi): every move and new placement,
    with blank number and date and a signature block for ``official``."""
    data = await service.decree(trust, store, run_id, official)
    headers = {"Content-Disposition": f'attachment; filename="decree-{run_id}.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)
