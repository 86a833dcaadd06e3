"""A run directory: the folder ``placement solve --out DIR`` writes, and the one loader that
reads it back for every command that works on a finished run."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.engine import Solution
from placement.errors import PlacementError
from placement.i18n import t
from placement.runs.formats import (
    GAPS,
    PLAN,
    SUMMARY,
    gaps_csv_text,
    plan_csv_text,
    read_summary,
    summary_json_text,
    write_atomic,
)
from placement.runs.record import INPUT, RECORD, input_bytes, load_input, previous_plan, run_record
from placement.runs.stored import planless_solution, stored_solution


def write_outputs(solution: Solution, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the solution's files into ``out_dir`` (created if needed); return their paths.

    With a plan: plan.csv, gaps.csv, the run record (run.json and input.json.gz, see
    :mod:`placement.runs.record`) and summary.json. Without a plan only summary.json is written,
    and files left there by an earlier run are removed so the folder never mixes two runs.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    plan_path, gaps_path = out / PLAN, out / GAPS
    record_path, input_path = out / RECORD, out / INPUT
    if solution.plan is not None and solution.gaps is not None:
        plan_text = plan_csv_text(solution.plan)
        write_atomic(plan_path, plan_text)
        write_atomic(gaps_path, gaps_csv_text(solution.gaps))
        written += [plan_path, gaps_path]
        if solution.compiled is not None:
            write_atomic(input_path, input_bytes(solution.compiled.ctx.dataset))
            record = run_record(solution.summary, plan_text, previous_plan(solution))
            write_atomic(record_path, summary_json_text(record))
            written += [input_path, record_path]
    else:
        for stale in (plan_path, gaps_path, record_path, input_path):
            stale.unlink(missing_ok=True)
    summary_path = out / SUMMARY
    write_atomic(summary_path, summary_json_text(solution.summary))
    written.append(summary_path)
    return written


@dataclass(frozen=True, eq=False)
class LoadedRun:
    """A run directory read back by :func:`load_run`.

    ``dataset`` and ``policy`` are ``None`` for a run without a plan (INFEASIBLE,
    TIMEOUT_NO_SOLUTION), which records no input: its ``solution`` holds the status and the
    summary alone. ``record`` is run.json, ``None`` when the folder has none.
    """

    path: Path
    summary: dict[str, Any]
    record: dict[str, Any] | None
    solution: Solution
    dataset: Dataset | None
    policy: Policy | None

    def with_plan(self) -> tuple[Dataset, Policy, Solution]:
        """The dataset, policy and solution of a run that has a plan.

        Raises
        ------
        PlacementError
            When the run has no plan.
        """
        if self.dataset is None or self.policy is None or self.solution.plan is None:
            raise PlacementError(
                t("runs.no_plan", path=str(self.path), status=str(self.solution.status))
            )
        return self.dataset, self.policy, self.solution


def load_run(path: str | os.PathLike[str]) -> LoadedRun:
    """Read back a run directory written by ``placement solve --out DIR`` without solving.

    The stored plan and gaps are read, and the plan goes through the independent checker
    under the recorded input and policy, its objective compared with summary.json's (see
    :func:`~placement.runs.stored.stored_solution`): a time-limited FEASIBLE run loads as the
    plan it produced, and a plan edited after the run is refused.

    Raises
    ------
    PlacementError
        When the folder has no summary.json, a run with a plan has no recorded input, or the
        stored plan does not check. A refused recorded input raises
        :class:`~placement.errors.DatasetError`.
    """
    folder = Path(path)
    summary = read_summary(folder)
    record_path = folder / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else None
    plan_path, gaps_path, input_path = folder / PLAN, folder / GAPS, folder / INPUT
    if not plan_path.is_file():
        if summary.get("objective") is not None:
            raise PlacementError(t("runs.objective_without_plan", folder=str(folder), plan=PLAN))
        # A run without a plan records no input; its status is all there is to load.
        return LoadedRun(folder, summary, record, planless_solution(summary), None, None)
    if not input_path.is_file():
        raise PlacementError(t("runs.no_input", folder=str(folder), input=INPUT))
    if not gaps_path.is_file():
        raise PlacementError(t("runs.no_gaps", folder=str(folder), plan=PLAN, gaps=GAPS))
    dataset = load_input(input_path)
    if "policy" not in summary:
        raise PlacementError(t("runs.no_policy", path=str(folder / SUMMARY)))
    policy = load_policy(summary["policy"], dataset)
    solution = stored_solution(
        dataset,
        policy,
        summary,
        plan_path.read_text(encoding="utf-8"),
        gaps_path.read_text(encoding="utf-8"),
    )
    return LoadedRun(folder, summary, record, solution, dataset, policy)
