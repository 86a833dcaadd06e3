"""Trust in a plan: explanations, diagnosis, fairness, scenarios, comparisons, the report and
the decree.

Explanations, reports and the decree describe the stored plan of a succeeded run (rebuilt, not
solved again, and re-checked). Slow results are computed once per run and kept; a request waits
for one at most the service's synchronous time limit, then gets 503 with ``Retry-After`` while
the computation goes on.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query, Request, Response, status

from api.auth import Planner, Viewer
from api.datasets import XLSX
from api.deps import MetricsDep, PoolDep, SettingsDep, StoreDep
from api.routes.common import problems
from api.schemas import CompareRequest, ScenarioCreate, ScenarioList, ScenarioOut
from api.trust import (
    Trust,
    comparison,
    compute_diagnosis,
    create_scenario,
    get_scenario,
    infeasible_run,
    list_scenarios,
    require_employee,
    require_position,
)
from placement.analysis.explain import explain_person, explain_position
from placement.analysis.fairness import MAX_EXPLAINED, fairness
from placement.reports.decree import decree_workbook
from placement.reports.figures import plan_figures
from placement.reports.html import render_report

router = APIRouter(tags=["trust"])

_SLOW = (404, 409, 422, 429, 503)
_Json = dict[str, Any]


def _trust(request: Request) -> Trust:
    trust: Trust = request.app.state.trust
    return trust


@router.get(
    "/v1/runs/{run_id}/explain/employees/{nip}",
    responses=problems(*_SLOW),
    summary="Why an employee got their placement",
)
async def explain_employee(
    run_id: str,
    nip: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    top: Annotated[int, Query(ge=0, le=20)] = 5,
) -> _Json:
    """The placement's score terms; every preferred position and the ``top`` best-scoring
    others, each with the rules that block it or, when allowed, what pinning the employee
    there costs the plan (verified by re-solving); and the first single change to the data
    or policy after which a re-solve gives the employee a better-scoring position.
    409 when the run has no plan."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)
    require_employee(run, nip)
    return await trust.compute(
        ("employee", run_id, nip, top),
        lambda: explain_person(run.dataset, run.policy, run.solution, nip, top=top).to_dict(),
    )


@router.get(
    "/v1/runs/{run_id}/explain/positions/{position_id}",
    responses=problems(*_SLOW),
    summary="Who holds a position and who could",
)
async def explain_a_position(
    run_id: str,
    position_id: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    top: Annotated[int, Query(ge=1, le=200)] = 10,
) -> _Json:
    """Holders before and after, the ``top`` eligible candidates by score (the shortlist of a
    JPT post), and how many employees each rule excludes. 409 when the run has no plan."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)
    require_position(run, position_id)
    return await trust.compute(
        ("position", run_id, position_id, top),
        lambda: explain_position(
            run.dataset, run.policy, run.solution, position_id, top=top
        ).to_dict(),
    )


@router.get(
    "/v1/runs/{run_id}/diagnosis",
    responses=problems(*_SLOW),
    summary="Why a run is INFEASIBLE",
)
async def read_diagnosis(
    run_id: str, request: Request, _: Viewer, store: StoreDep, settings: SettingsDep
) -> _Json:
    """A set of rule instances (pins, capacities, limits …) that cannot all hold together:
    ``conflict`` lists them, ``text`` says it in words, ``minimal`` says whether dropping any
    one of them removes the conflict. 409 when the run has a plan or has not finished."""
    record = await to_thread.run_sync(infeasible_run, store, run_id)
    known = (record.summary or {}).get("diagnosis")
    if isinstance(known, dict):
        return known
    return await _trust(request).compute(
        ("diagnosis", run_id),
        lambda: compute_diagnosis(store, record, settings.sync_time_limit_s),
    )


@router.get(
    "/v1/runs/{run_id}/fairness",
    responses=problems(*_SLOW),
    summary="Justified envy and outcomes by group",
)
async def read_fairness(
    run_id: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    explained: Annotated[int, Query(ge=0, le=500)] = MAX_EXPLAINED,
) -> _Json:
    """Every employee who prefers a position over their outcome while it has a free seat or a
    holder who scores less there, with the rule that explains it (at most ``explained``
    allowed pairs are explained by re-solving with the employee pinned there); and who moved,
    stayed, was placed or ended unplaced per unit, grade, gender and job class. 409 when the
    run has no plan."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)
    return await trust.compute(
        ("fairness", run_id, explained),
        lambda: fairness(run.dataset, run.policy, run.solution, max_explained=explained).to_dict(),
    )


@router.post(
    "/v1/scenarios",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ScenarioOut,
    responses=problems(404, 413, 422, 429),
    summary="Queue a what-if run (a scenario; its id is a run id)",
)
async def post_scenario(
    body: ScenarioCreate,
    response: Response,
    principal: Planner,
    store: StoreDep,
    pool: PoolDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> ScenarioOut:
    """Apply ``changes`` to a base run's dataset and policy (or to a stored dataset and a
    policy), store the changed dataset and queue its run. The scenario's id is its run's id:
    poll it, fetch its plan and explain it under ``/v1/runs/{id}`` (the Location). 422 lists
    every problem of the changes (table ``changes``, the change's 1-based index as row, its
    field as column), and nothing is stored."""
    scenario = await to_thread.run_sync(
        lambda: create_scenario(store, pool, settings, metrics, body, principal.actor)
    )
    response.headers["Location"] = f"/v1/runs/{scenario.id}"
    return scenario


@router.get(
    "/v1/scenarios",
    response_model=ScenarioList,
    responses=problems(422),
    summary="Scenarios, each with its base, changes and run",
)
def read_scenarios(
    _: Viewer, store: StoreDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> ScenarioList:
    """Scenarios, newest first, each with its base, its changes and its run."""
    return ScenarioList(scenarios=list_scenarios(store, limit))


@router.get(
    "/v1/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    responses=problems(404),
    summary="A scenario, by the id of its run",
)
def read_scenario(scenario_id: str, _: Viewer, store: StoreDep) -> ScenarioOut:
    """The scenario's base, changes and run (its id is the run's id)."""
    return get_scenario(store, scenario_id)


@router.post("/v1/compare", responses=problems(*_SLOW), summary="Compare runs")
async def compare_runs(body: CompareRequest, request: Request, _: Viewer, store: StoreDep) -> _Json:
    """Key figures of every run side by side (``kpis``, one value per run in order) and every
    employee placed differently than in the first run (``people``). Each run must have
    finished; a run that ended without a plan shows its status alone. Creates nothing."""
    found = await comparison(_trust(request), store, body.run_ids)
    return found.to_dict()


@router.get(
    "/v1/runs/{run_id}/figures",
    responses=problems(*_SLOW),
    summary="Key figures and chart data of a plan",
)
async def read_figures(run_id: str, request: Request, _: Viewer, store: StoreDep) -> _Json:
    """Key figures (moves, vacancies filled, mean JPM before and after, JPM categories,
    preferences met, training), the JPM histogram before and after, the moves between units,
    and the names of the run's employees and positions (with unit, job class, state and
    capacity), for a screen that shows the plan. 409 when the run has no plan."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)
    return await trust.compute(("figures", run_id), lambda: plan_figures(run.solution))


@router.get(
    "/v1/runs/{run_id}/report",
    response_class=Response,
    responses={**problems(*_SLOW), 200: {"content": {"text/html": {}}}},
    summary="The report (HTML)",
)
async def read_report(run_id: str, request: Request, _: Viewer, store: StoreDep) -> Response:
    """A self-contained HTML report of the plan: key figures, JPM before and after, moves
    between units, training needs, the moves and the unplaced."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)
    html = await trust.compute(
        ("report", run_id), lambda: render_report(run.dataset, run.policy, run.solution)
    )
    return Response(html, media_type="text/html; charset=utf-8")


@router.get(
    "/v1/runs/{run_id}/decree",
    response_class=Response,
    responses={**problems(*_SLOW), 200: {"content": {XLSX: {}}}},
    summary="The decree attachment (xlsx)",
)
async def read_decree(
    run_id: str,
    request: Request,
    _: Viewer,
    store: StoreDep,
    official: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """The attachment of a transfer decree (Lampiran SK mutasi): every move and new placement,
    with blank number and date and a signature block for ``official``."""
    trust = _trust(request)
    run = await trust.finished(store, run_id)

    def workbook() -> bytes:
        if official is None:
            return decree_workbook(run.dataset, run.solution)
        return decree_workbook(run.dataset, run.solution, official=official)

    data = await trust.compute(("decree", run_id, official), workbook)
    headers = {"Content-Disposition": f'attachment; filename="decree-{run_id}.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)
