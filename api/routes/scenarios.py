"""``/v1/scenarios``: what-if runs of a base run or dataset with changes applied."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Response, status

from api.core.auth import Planner, Viewer
from api.routes.common import problems
from api.routes.deps import MetricsDep, PoolDep, SettingsDep, StoreDep
from api.schemas.scenarios import ScenarioCreate, ScenarioList, ScenarioOut
from api.services.scenarios import create_scenario, get_scenario, list_scenarios

router = APIRouter(tags=["trust"])


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
