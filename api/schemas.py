"""Request and response bodies (DTOs), apart from the domain and the storage records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = Literal["viewer", "planner", "admin"]
RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class DatasetOut(_Out):
    """A stored dataset: its id, row counts and the sha256 of its canonical form."""

    id: str
    sha256: str
    counts: dict[str, int]
    created_at: dt.datetime
    created_by: str


class RunCreate(BaseModel):
    """A run to queue: a stored dataset and a policy (CONTRACT §2; every key optional)."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=200)
    policy: dict[str, Any] = Field(default_factory=dict)


class Progress(_Out):
    """The best objective and bound reported so far, and the seconds spent solving."""

    best_objective: int | None
    best_bound: int | None
    elapsed_s: float | None


class RunOut(_Out):
    """A run: its status, progress and, once finished, the summary (summary.json)."""

    id: str
    dataset_id: str
    status: RunStatus
    policy: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created_by: str
    progress: Progress
    summary: dict[str, Any] | None
    error: str | None


class RunList(_Out):
    """Runs, newest first."""

    runs: list[RunOut]


class PlanRow(_Out):
    """One row of plan.csv (CONTRACT §5)."""

    nip: str
    from_position: str
    to_position: str
    from_unit: str
    to_unit: str
    moved: bool
    score: int
    jpm: str
    preference_rank: int | None


class GapRow(_Out):
    """One row of gaps.csv: an unmet competency requirement of a new post."""

    nip: str
    position_id: str
    competency: str
    required: int
    attained: int


class PlanOut(_Out):
    """The plan of a run, one row per employee."""

    run_id: str
    rows: list[PlanRow]


class GapsOut(_Out):
    """The training needs of a run's plan."""

    run_id: str
    rows: list[GapRow]


class SolveRequest(BaseModel):
    """A synchronous solve: the dataset inline in the contract's JSON form, and a policy."""

    model_config = ConfigDict(extra="forbid")

    dataset: dict[str, Any]
    policy: dict[str, Any] = Field(default_factory=dict)


class SolveOut(_Out):
    """The result of a synchronous solve: summary, plan and gaps (empty without a plan)."""

    summary: dict[str, Any]
    plan: list[PlanRow] | None
    gaps: list[GapRow] | None


class KeyCreate(BaseModel):
    """An API key to create."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(default="", max_length=200)


class KeyOut(_Out):
    """An API key without its secret."""

    id: str
    role: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class KeyCreated(KeyOut):
    """A new API key; ``key`` is shown this once and never stored in clear."""

    key: str


class KeyList(_Out):
    """Every API key, revoked ones included."""

    keys: list[KeyOut]


class AuditOut(_Out):
    """One record of the hash-chained audit trail."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditVerificationOut(_Out):
    """Whether the chain verifies, how many records were checked, and the first bad one."""

    ok: bool
    checked: int
    first_bad_seq: int | None


class AuditPage(_Out):
    """Audit records after ``after_seq``, oldest first, and ``next_after`` to page on."""

    records: list[AuditOut]
    next_after: int | None


class Health(_Out):
    """Liveness or readiness."""

    status: Literal["ok", "unavailable"]


class ProblemItem(_Out):
    """One input problem: where it is (table, 1-based row, column) and what is wrong."""

    table: str
    row: int | None
    column: str | None
    message: str


class ProblemDetails(_Out):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    problems: list[ProblemItem] | None = None


class ScenarioCreate(BaseModel):
    """A what-if run: a base (a run, or a stored dataset and a policy) and the changes to apply.

    ``changes`` are the operations of :mod:`placement.analysis.scenario` (``close``, ``capacity``,
    ``pin``, ``weights`` …), applied in order.
    """

    model_config = ConfigDict(extra="forbid")

    base_run_id: str | None = Field(default=None, min_length=1, max_length=200)
    dataset_id: str | None = Field(default=None, min_length=1, max_length=200)
    policy: dict[str, Any] | None = None
    changes: list[Any] = Field(min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _one_base(self) -> ScenarioCreate:
        if (self.base_run_id is None) == (self.dataset_id is None):
            raise ValueError("give either base_run_id or dataset_id (with a policy), not both")
        if self.base_run_id is not None and self.policy is not None:
            raise ValueError("a scenario on a run uses the run's policy; change it with changes")
        return self


class ScenarioOut(_Out):
    """A scenario: its id (the id of its run), its base, its changes and its run."""

    id: str
    base_run_id: str | None
    base_dataset_id: str
    changes: list[Any]
    created_at: dt.datetime
    created_by: str
    run: RunOut


class ScenarioList(_Out):
    """Scenarios, newest first."""

    scenarios: list[ScenarioOut]


class CompareRequest(BaseModel):
    """Runs to compare; the per-person differences are against the first."""

    model_config = ConfigDict(extra="forbid")

    run_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=2, max_length=20
    )

    @model_validator(mode="after")
    def _distinct(self) -> CompareRequest:
        if len(set(self.run_ids)) != len(self.run_ids):
            raise ValueError("the runs to compare must be distinct")
        return self
