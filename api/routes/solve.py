"""``/v1/solve``: a synchronous solve of a small inline dataset."""

from __future__ import annotations

from fastapi import APIRouter

from api.core.auth import Planner
from api.routes.common import problems
from api.routes.deps import MetricsDep, SettingsDep, StoreDep
from api.schemas.runs import SolveOut, SolveRequest
from api.services.solve import solve_sync

router = APIRouter(prefix="/v1", tags=["solve"])


@router.post("/solve", response_model=SolveOut, responses=problems(413, 422), summary="Solve now")
def post_solve(
    body: SolveRequest,
    principal: Planner,
    store: StoreDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> SolveOut:
    """Validate and solve the inline dataset under the policy, and return the summary, plan
    and gaps in one response (413 beyond ``max_sync_employees``)."""
    return solve_sync(store, settings, metrics, body, principal.actor)
