"""Bodies of ``/v1/runs`` and ``/v1/solve``: runs, their plan and training gaps."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Out

RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class RunCreate(BaseModel):
    """A run to queue: a stored dataset and a policy (CONTRACT §2; every key optional)."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=200)
    policy: dict[str, Any] = Field(default_factory=dict)


class Progress(Out):
    """The best objective and bound reported so far, and the seconds spent solving."""

    best_objective: int | None
    best_bound: int | None
    elapsed_s: float | None


class RunOut(Out):
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


class RunList(Out):
    """Runs, newest first; ``next_cursor`` continues the listing (None on the last page)."""

    runs: list[RunOut]
    next_cursor: str | None = None


class PlanRow(Out):
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


class GapRow(Out):
    """One row of gaps.csv: an unmet competency requirement of a new post."""

    nip: str
    position_id: str
    competency: str
    required: int
    attained: int


class PlanOut(Out):
    """The plan of a run, one row per employee."""

    run_id: str
    rows: list[PlanRow]


class GapsOut(Out):
    """The training needs of a run's plan."""

    run_id: str
    rows: list[GapRow]


class SolveRequest(BaseModel):
    """A synchronous solve: the dataset inline in the contract's JSON form, and a policy."""

    model_config = ConfigDict(extra="forbid")

    dataset: dict[str, Any]
    policy: dict[str, Any] = Field(default_factory=dict)


class SolveOut(Out):
    """The result of a synchronous solve: summary, plan and gaps (empty without a plan)."""

    summary: dict[str, Any]
    plan: list[PlanRow] | None
    gaps: list[GapRow] | None
