"""The frozen records the repositories return: never ORM objects, safe to share between threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from placement.i18n import DEFAULT_LOCALE

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
#: Statuses of a run a worker may still take up or is working on.
ACTIVE_STATUSES = ("queued", "running")
#: Statuses a worker finishes a run with.
FINAL_STATUSES = ("succeeded", "failed")
#: Statuses of a sweep: a run's, since a sweep is queued, claimed and finished like one.
SWEEP_STATUSES = RUN_STATUSES
#: The agency that existing records moved into, and that keys belong to unless told otherwise.
DEFAULT_AGENCY = "default"


@dataclass(frozen=True)
class AgencyRecord:
    """A tenant: its code (as keys and records name it) and its name."""

    code: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class DatasetRecord:
    """Metadata of a stored dataset (the payload is fetched separately)."""

    id: str
    sha256: str
    counts: dict[str, int]
    created_at: datetime
    created_by: str
    agency: str = DEFAULT_AGENCY
    payload_size: int = 0


@dataclass(frozen=True)
class RunRecord:
    """A run and its progress; outputs are fetched with :meth:`RunRepository.outputs`."""

    id: str
    dataset_id: str
    status: str
    policy: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    best_objective: int | None
    best_bound: int | None
    elapsed_s: float | None
    summary: dict[str, Any] | None
    error: str | None
    agency: str = DEFAULT_AGENCY
    attempts: int = 0
    locale: str = DEFAULT_LOCALE


@dataclass(frozen=True)
class ScenarioRecord:
    """A what-if run: its run id, the run or dataset it started from and its changes."""

    run_id: str
    base_run_id: str | None
    base_dataset_id: str
    changes: list[Any]
    created_at: datetime
    created_by: str
    agency: str = DEFAULT_AGENCY


@dataclass(frozen=True)
class KeyRecord:
    """An API key without its secret."""

    id: str
    role: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    agency: str | None = DEFAULT_AGENCY


@dataclass(frozen=True)
class AuditRecord:
    """One record of the audit trail."""

    seq: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str
    agency: str | None = None
    agency_seq: int | None = None
    agency_prev_hash: str | None = None
    agency_hash: str | None = None


@dataclass(frozen=True)
class IdempotentResponse:
    """The stored first response to an idempotent request."""

    request_hash: str
    status_code: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class SweepRecord:
    """A sweep: one dataset and base policy solved at many points, and how far it got.

    ``spec`` is the grid as ``placement sweep`` reads it (``grid`` or ``points``, and
    ``changes``); ``policy`` the base policy with the time limit each point gets; ``done``
    counts the points with a stored result and ``without_plan`` those of them without a plan;
    ``locale`` is the language its points' reasons are rendered in (its request's).
    """

    id: str
    dataset_id: str
    status: str
    policy: dict[str, Any]
    spec: dict[str, Any]
    total: int
    done: int
    without_plan: int
    executor: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    error: str | None
    agency: str = DEFAULT_AGENCY
    attempts: int = 0
    locale: str = DEFAULT_LOCALE


@dataclass(frozen=True)
class SweepPointRecord:
    """One solved point of a sweep: its number, label, settings and the table's figures
    (:data:`placement.batch.runs.FIGURE_COLUMNS`, as :meth:`BatchRun.row` gives them)."""

    sweep_id: str
    number: int
    label: str
    settings: dict[str, Any]
    row: dict[str, Any]
    status: str
    error: str | None
