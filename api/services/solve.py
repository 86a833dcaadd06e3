"""A synchronous solve of a small dataset sent inline, answered in the same request."""

from __future__ import annotations

import dataclasses
import time

from api.core.metrics import Metrics
from api.core.problems import ApiError
from api.db.store import Store
from api.schemas.runs import SolveOut, SolveRequest
from api.services.datasets import check_pairs
from api.services.exports import gap_rows, plan_rows
from api.services.runs import result_details, solution_outputs, validated_policy
from api.settings import Settings
from placement.contract.readers import dataset_from_json
from placement.engine import solve
from placement.i18n import t


def solve_sync(
    store: Store, settings: Settings, metrics: Metrics, body: SolveRequest, actor: str
) -> SolveOut:
    """Validate and solve a small inline dataset in the request; 413 when it is too large."""
    dataset = dataset_from_json(body.dataset, max_rows=settings.max_rows)
    check_pairs(dataset, settings.max_pairs)
    if dataset.n_employees > settings.max_sync_employees:
        raise ApiError(
            413,
            t(
                "api.dataset.too_many_for_sync",
                n=dataset.n_employees,
                max=settings.max_sync_employees,
            ),
            kind="too-large",
        )
    policy = validated_policy(body.policy, dataset, settings)
    limit = min(policy.time_limit_s or settings.sync_time_limit_s, settings.sync_time_limit_s)
    policy = dataclasses.replace(policy, time_limit_s=limit)
    started = time.perf_counter()
    solution = solve(dataset, policy)
    metrics.solve_seconds.labels("sync").observe(time.perf_counter() - started)
    plan_csv, gaps_csv = solution_outputs(solution)
    store.audit.append(
        actor=actor,
        action="solve",
        target=None,
        details=result_details(solution) | {"policy": solution.summary.get("policy")},
    )
    return SolveOut(
        summary=solution.summary,
        plan=plan_rows(plan_csv) if plan_csv is not None else None,
        gaps=gap_rows(gaps_csv) if gaps_csv is not None else None,
    )
