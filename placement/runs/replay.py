"""Replaying a recorded run: solve its input under its policy again and compare the new plan
byte for byte with the recorded one, the proof that a run is reproducible."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from placement.contract.canonical import matches
from placement.contract.policy import load_policy
from placement.engine import solve
from placement.errors import PlacementError
from placement.i18n import t
from placement.runs.directory import load_run
from placement.runs.formats import PLAN, plan_csv_text
from placement.runs.record import INPUT, RECORD, previous_plan, run_record


@dataclass(frozen=True)
class Replay:
    """Outcome of :func:`replay`."""

    identical: bool
    recorded_plan_sha256: str | None
    replayed_plan_sha256: str | None
    recorded_objective: int | None
    replayed_objective: int | None
    differences: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "identical": self.identical,
            "recorded_plan_sha256": self.recorded_plan_sha256,
            "replayed_plan_sha256": self.replayed_plan_sha256,
            "recorded_objective": self.recorded_objective,
            "replayed_objective": self.replayed_objective,
            "differences": list(self.differences),
        }


def replay(run_dir: str | os.PathLike[str]) -> Replay:
    """Solve a recorded run again and compare the plan byte for byte.

    The run is read back by :func:`~placement.runs.directory.load_run` first, so a stored
    plan that no longer checks is refused before anything is solved.

    Raises
    ------
    PlacementError
        When the directory has no run record or input, the input's hash differs from the
        recorded one, or the stored plan does not check.
    """
    loaded = load_run(run_dir)
    record, dataset = loaded.record, loaded.dataset
    if record is None or dataset is None:
        raise PlacementError(t("runs.no_record", path=str(loaded.path), record=RECORD, input=INPUT))
    if not matches(dataset, record["input_sha256"]):
        raise PlacementError(
            t("runs.hash_differs", actual=dataset.sha256, recorded=str(record["input_sha256"]))
        )
    policy = load_policy(record["policy"], dataset)
    previous = record.get("previous")
    fewest = bool(record.get("fewest_changes")) and previous is not None
    solution = solve(dataset, policy, previous=previous, fewest_changes=fewest)
    plan_text = None if solution.plan is None else plan_csv_text(solution.plan)
    replayed = run_record(solution.summary, plan_text, previous_plan(solution))
    differences = []
    for key in ("engine_version", "solver_versions", "status", "objective", "plan_sha256"):
        if replayed[key] != record.get(key):
            differences.append(f"{key}: recorded {record.get(key)!r}, replayed {replayed[key]!r}")
    recorded_plan = loaded.path / PLAN
    if plan_text is not None and recorded_plan.read_text(encoding="utf-8") != plan_text:
        differences.append("plan.csv differs from the replayed plan")
    identical = replayed["plan_sha256"] == record.get("plan_sha256") and not any(
        d.startswith(("status", "objective", "plan")) for d in differences
    )
    return Replay(
        identical=identical,
        recorded_plan_sha256=record.get("plan_sha256"),
        replayed_plan_sha256=replayed["plan_sha256"],
        recorded_objective=record.get("objective"),
        replayed_objective=replayed["objective"],
        differences=tuple(differences),
    )
