"""Bodies of ``/v1/scenarios``: what-if runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.common import Out
from api.schemas.runs import RunOut


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


class ScenarioOut(Out):
    """A scenario: its id (the id of its run), its base, its changes and its run."""

    id: str
    base_run_id: str | None
    base_dataset_id: str
    changes: list[Any]
    created_at: dt.datetime
    created_by: str
    run: RunOut


class ScenarioList(Out):
    """Scenarios, newest first."""

    scenarios: list[ScenarioOut]
