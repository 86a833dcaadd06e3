"""What the routes do, as plain functions of the store, the pool and the request's DTOs."""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from typing import Any

from api.datasets import check_pairs, load_stored
from api.metrics import Metrics
from api.problems import ApiError
from api.runs import RunPool, effective_policy, result_details, solution_outputs
from api.schemas import (
    AuditOut,
    DatasetOut,
    GapRow,
    KeyOut,
    PlanRow,
    Progress,
    RunCreate,
    RunOut,
    SolveOut,
    SolveRequest,
)
from api.settings import Settings
from api.storage import AuditRecord, DatasetRecord, KeyRecord, RunRecord, Store
from placement.contract.dataset import Dataset
from placement.contract.policy import POLICY, Policy, load_policy
from placement.contract.readers import dataset_from_json
from placement.engine import solve
from placement.errors import DatasetError, Problem

#: First characters that make a spreadsheet read a cell as a formula.

#: Statuses a run can still be cancelled in.
ACTIVE = ("queued", "running")


def dataset_out(record: DatasetRecord) -> DatasetOut:
    """The DTO of a stored dataset."""
    return DatasetOut(
        id=record.id,
        sha256=record.sha256,
        counts=dict(record.counts),
        created_at=record.created_at,
        created_by=record.created_by,
    )


def run_out(record: RunRecord) -> RunOut:
    """The DTO of a stored run."""
    return RunOut(
        id=record.id,
        dataset_id=record.dataset_id,
        status=record.status,  # type: ignore[arg-type]
        policy=dict(record.policy),
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        created_by=record.created_by,
        progress=Progress(
            best_objective=record.best_objective,
            best_bound=record.best_bound,
            elapsed_s=record.elapsed_s,
        ),
        summary=record.summary,
        error=record.error,
    )


def key_out(record: KeyRecord) -> KeyOut:
    """The DTO of an API key (never its secret)."""
    return KeyOut(
        id=record.id,
        role=record.role,
        name=record.name,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


def audit_out(record: AuditRecord) -> AuditOut:
    """The DTO of an audit record."""
    return AuditOut(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        target=record.target,
        details=dict(record.details),
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


def validated_policy(raw: dict[str, Any], dataset: Dataset, settings: Settings) -> Policy:
    """``raw`` validated against ``dataset``, within the service's time limit.

    Raises
    ------
    DatasetError
        When the policy has problems, or asks for more time than the service allows.
    """
    policy = load_policy(raw, dataset)
    limit = policy.time_limit_s
    if limit is not None and limit > settings.max_time_limit_s:
        message = f"must be at most {settings.max_time_limit_s} seconds on this service"
        raise DatasetError([Problem(POLICY, None, "time_limit_s", message)])
    return effective_policy(policy, settings)


def create_run(
    store: Store, pool: RunPool, settings: Settings, metrics: Metrics, body: RunCreate, actor: str
) -> RunRecord:
    """Validate the policy against the stored dataset, queue the run and audit it."""
    dataset = load_stored(store, body.dataset_id)
    check_pairs(dataset, settings.max_pairs)
    policy = validated_policy(body.policy, dataset, settings)
    if pool.backlog >= settings.max_queued_runs:
        raise ApiError(
            429, "too many runs are waiting; try again later", kind="busy",
            headers={"Retry-After": "30"},
        )  # fmt: skip
    if store.count_active_runs(created_by=actor) >= settings.max_active_runs_per_key:
        raise ApiError(
            429,
            f"this key has {settings.max_active_runs_per_key} queued or running runs, the most "
            "it may have at once; wait for one to finish",
            kind="busy",
            headers={"Retry-After": "30"},
        )
    record = store.create_run(dataset_id=body.dataset_id, policy=policy.to_dict(), created_by=actor)
    store.append_audit(
        actor=actor,
        action="run.create",
        target=record.id,
        details={
            "dataset_id": body.dataset_id,
            "input_sha256": dataset.sha256,
            "policy": policy.to_dict(),
        },
    )
    metrics.runs.labels("queued").inc()
    pool.submit(record.id)
    return record


def get_run(store: Store, run_id: str) -> RunRecord:
    """The run ``run_id``; 404 when there is none."""
    record = store.get_run(run_id)
    if record is None:
        raise ApiError(404, f"no run {run_id!r}", kind="not-found")
    return record


def cancel_run(store: Store, pool: RunPool, metrics: Metrics, run_id: str, actor: str) -> RunRecord:
    """Cancel a queued or running run; 409 when it has already finished."""
    record = get_run(store, run_id)
    if record.status not in ACTIVE or not store.cancel_run(run_id):
        current = get_run(store, run_id)
        raise ApiError(409, f"the run has already finished ({current.status})", kind="run-finished")
    pool.cancel(run_id)
    metrics.runs.labels("cancelled").inc()
    store.append_audit(
        actor=actor, action="run.cancel", target=run_id, details={"was": record.status}
    )
    return get_run(store, run_id)


def run_output(store: Store, run_id: str, which: str) -> bytes:
    """plan.csv (``which`` = ``plan``) or gaps.csv of a succeeded run; 404 or 409 otherwise."""
    record = get_run(store, run_id)
    plan, gaps = store.run_outputs(run_id)
    data = plan if which == "plan" else gaps
    if record.status != "succeeded" or data is None:
        raise ApiError(409, f"the run has no {which} (status {record.status})", kind="no-plan")
    return data


def plan_rows(plan_csv: bytes) -> list[PlanRow]:
    """The rows of plan.csv as DTOs."""
    return [
        PlanRow(
            nip=row["nip"],
            from_position=row["from_position"],
            to_position=row["to_position"],
            from_unit=row["from_unit"],
            to_unit=row["to_unit"],
            moved=row["moved"] == "true",
            score=int(row["score"]),
            jpm=row["jpm"],
            preference_rank=int(row["preference_rank"]) if row["preference_rank"] else None,
        )
        for row in _csv_rows(plan_csv)
    ]


def gap_rows(gaps_csv: bytes) -> list[GapRow]:
    """The rows of gaps.csv as DTOs."""
    return [
        GapRow(
            nip=row["nip"],
            position_id=row["position_id"],
            competency=row["competency"],
            required=int(row["required"]),
            attained=int(row["attained"]),
        )
        for row in _csv_rows(gaps_csv)
    ]


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def csv_to_xlsx(data: bytes, sheet: str) -> bytes:
    """A CSV table as an xlsx workbook of one sheet; numbers stay numbers, NIPs text.

    Text cells are written as text even when they start with ``=``: openpyxl would otherwise
    store them as formulas, which a spreadsheet evaluates on opening.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    numeric = {"score", "preference_rank", "required", "attained"}
    header = rows[0] if rows else []
    ws.append(header)
    for row in rows[1:]:
        cells: list[Any] = []
        for name, cell in zip(header, row, strict=True):
            if name in numeric and cell:
                cells.append(int(cell))
            elif name == "moved":
                cells.append(cell == "true")
            else:
                text = WriteOnlyCell(ws, value=cell)
                text.data_type = "s"
                cells.append(text)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def solve_sync(
    store: Store, settings: Settings, metrics: Metrics, body: SolveRequest, actor: str
) -> SolveOut:
    """Validate and solve a small inline dataset in the request; 413 when it is too large."""
    dataset = dataset_from_json(body.dataset, max_rows=settings.max_rows)
    check_pairs(dataset, settings.max_pairs)
    if dataset.n_employees > settings.max_sync_employees:
        raise ApiError(
            413,
            f"the dataset has {dataset.n_employees} employees; POST /v1/solve takes at most "
            f"{settings.max_sync_employees} (use POST /v1/datasets and /v1/runs)",
            kind="too-large",
        )
    policy = validated_policy(body.policy, dataset, settings)
    limit = min(policy.time_limit_s or settings.sync_time_limit_s, settings.sync_time_limit_s)
    policy = dataclasses.replace(policy, time_limit_s=limit)
    started = time.perf_counter()
    solution = solve(dataset, policy)
    metrics.solve_seconds.labels("sync").observe(time.perf_counter() - started)
    plan_csv, gaps_csv = solution_outputs(solution)
    store.append_audit(
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
