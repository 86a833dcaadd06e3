"""Scenarios: what-if runs of a base run or dataset with changes applied, queued like runs."""

from __future__ import annotations

from api.core.metrics import Metrics
from api.core.problems import ApiError
from api.db.records import RunRecord, ScenarioRecord
from api.db.store import Store
from api.schemas.scenarios import ScenarioCreate, ScenarioOut
from api.services.datasets import load_stored, payload_of
from api.services.runs import RunPool, check_backlog, get_run, run_out, validated_policy
from api.settings import Settings
from placement.analysis.scenario import apply_changes
from placement.i18n import current_locale, t


def create_scenario(
    store: Store,
    pool: RunPool,
    settings: Settings,
    metrics: Metrics,
    body: ScenarioCreate,
    actor: str,
) -> ScenarioOut:
    """Apply the changes to the base, store the changed dataset, queue its run and audit both.

    Nothing is stored when a change, the changed dataset or the changed policy has a problem.
    """
    if body.base_run_id is not None:
        base = get_run(store, body.base_run_id)
        base_dataset_id, raw_policy = base.dataset_id, base.policy
    else:
        assert body.dataset_id is not None  # the schema requires one of the two
        base_dataset_id, raw_policy = body.dataset_id, body.policy or {}
    dataset = load_stored(store, base_dataset_id)
    changed, changed_policy = apply_changes(dataset, raw_policy, body.changes)
    policy = validated_policy(changed_policy, changed, settings)
    check_backlog(pool, settings)
    created, run, scenario = store.scenarios.create(
        payload=payload_of(changed),
        sha256=changed.sha256,
        counts=changed.counts(),
        policy=policy.to_dict(),
        base_run_id=body.base_run_id,
        base_dataset_id=base_dataset_id,
        changes=list(body.changes),
        created_by=actor,
        locale=current_locale(),
    )
    store.audit.append(
        actor=actor,
        action="dataset.create",
        target=created.id,
        details={"input_sha256": changed.sha256, "counts": changed.counts()},
    )
    store.audit.append(
        actor=actor,
        action="scenario.create",
        target=run.id,
        details={
            "base_run_id": body.base_run_id,
            "base_dataset_id": base_dataset_id,
            "dataset_id": created.id,
            "input_sha256": changed.sha256,
            "policy": policy.to_dict(),
            "changes": list(body.changes),
        },
    )
    metrics.runs.labels("queued").inc()
    pool.submit(run.id)
    return scenario_out(scenario, run)


def scenario_out(scenario: ScenarioRecord, run: RunRecord) -> ScenarioOut:
    """The DTO of a scenario and its run."""
    return ScenarioOut(
        id=scenario.run_id,
        base_run_id=scenario.base_run_id,
        base_dataset_id=scenario.base_dataset_id,
        changes=list(scenario.changes),
        created_at=scenario.created_at,
        created_by=scenario.created_by,
        run=run_out(run),
    )


def get_scenario(store: Store, run_id: str) -> ScenarioOut:
    """The scenario whose run is ``run_id``; 404 when there is none."""
    scenario = store.scenarios.get(run_id)
    if scenario is None:
        raise ApiError(404, t("api.run.scenario_not_found", id=repr(run_id)), kind="not-found")
    return scenario_out(scenario, get_run(store, run_id))


def list_scenarios(store: Store, limit: int) -> list[ScenarioOut]:
    """Scenarios, newest first, with their runs."""
    return [scenario_out(s, get_run(store, s.run_id)) for s in store.scenarios.latest(limit=limit)]
