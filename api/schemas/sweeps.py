"""Bodies of ``/v1/sweeps``: a dataset solved at every point of a grid, and the table of results."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.common import Out

SweepStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class SweepCreate(BaseModel):
    """A sweep to queue: a stored dataset, a base policy and the points, in the form of
    ``placement sweep``'s grid file (``grid`` or ``points``, and ``changes``).

    ``grid`` maps keys (a policy key, ``weights.TERM`` or ``changes``) to arrays of values and
    takes every combination, the last key varying fastest; ``points`` lists points
    (``{"label", "policy", "changes"}``) instead; ``changes`` applies to every point first.
    ``time_limit_s`` is each point's time limit (the policy's, else the service's default).
    """

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=200)
    policy: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Any] | None = None
    points: list[Any] | None = None
    changes: list[Any] | None = None
    time_limit_s: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _grid_or_points(self) -> SweepCreate:
        if (self.grid is None) == (self.points is None):
            raise ValueError("give either grid or points, not both")
        return self

    def spec(self) -> dict[str, Any]:
        """The grid file's JSON value this body carries (what ``placement sweep`` reads)."""
        spec: dict[str, Any] = {}
        if self.grid is not None:
            spec["grid"] = self.grid
        if self.points is not None:
            spec["points"] = self.points
        if self.changes is not None:
            spec["changes"] = self.changes
        return spec


class FailedPoint(Out):
    """A point without a plan (infeasible, refused or failed) and why."""

    point: int
    label: str
    status: str
    error: str | None


class SweepProgress(Out):
    """Points with a result so far, of how many, and how many of them have no plan."""

    done: int
    total: int
    without_plan: int


class SweepOut(Out):
    """A sweep: its status, progress and the points without a plan so far."""

    id: str
    dataset_id: str
    status: SweepStatus
    policy: dict[str, Any]
    grid: dict[str, Any]
    executor: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created_by: str
    progress: SweepProgress
    failed_points: list[FailedPoint]
    error: str | None


class SweepList(Out):
    """Sweeps, newest first; ``next_cursor`` continues the listing (None on the last page)."""

    sweeps: list[SweepOut]
    next_cursor: str | None = None


class SweepResults(Out):
    """The table of a sweep's points, as ``placement sweep`` writes it in sweep.json.

    One row per point with a result so far, in point order: ``point``, ``label``, the grid's
    settings, the key figures, ``expected_skp_effect``, ``pareto``, ``runtime_s`` and ``error``
    (the reason when the point has no plan). ``complete`` says whether every point is there.
    """

    sweep_id: str
    status: SweepStatus
    complete: bool
    points: list[dict[str, Any]]
