"""One run of a batch: solved in a worker, sent back as its key figures and its output files.

A worker solves, computes the key figures (:func:`~placement.reports.kpis.run_kpis`, which need
the compiled model that stays in the worker) and writes the run directory exactly as
``placement solve`` would; the files travel back as bytes, so workers need no access to the
caller's disk and the caller is the only writer of the output folder.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution, solve
from placement.reports.kpis import KPI_ROWS, run_kpis
from placement.runs.directory import write_outputs
from placement.runs.formats import write_atomic

#: Status of a run whose input (the dataset, the policy or a point's changes) was refused.
REFUSED = "REFUSED"
#: Status of a run whose task raised on every attempt (an engine error, a lost worker).
FAILED = "FAILED"

#: The expected effect on SKP ratings of a solved plan, estimated from the dataset's history
#: of past moves; ``None`` when it cannot be estimated (no history). Passed to the batch
#: runners by whoever provides the estimate; without one the column stays empty.
SkpEffect = Callable[[Dataset, Solution], float | None]

#: Columns of every batch table after the run's own name columns, in order.
FIGURE_COLUMNS: tuple[str, ...] = (*KPI_ROWS, "expected_skp_effect", "runtime_s", "error")


@dataclass(frozen=True)
class BatchRun:
    """What one run of a batch produced.

    ``status`` is the solver's status, :data:`REFUSED` or :data:`FAILED`; ``figures`` the
    :data:`~placement.reports.kpis.KPI_ROWS` values (``None`` where there is no plan);
    ``error`` why there is no plan (refusal, infeasibility diagnosis, engine error);
    ``files`` the run directory's files by name.
    """

    status: str
    figures: dict[str, Any]
    expected_skp_effect: float | None = None
    runtime_s: float | None = None
    error: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The run's values of :data:`FIGURE_COLUMNS`."""
        return {
            **self.figures,
            "status": self.status,
            "expected_skp_effect": self.expected_skp_effect,
            "runtime_s": self.runtime_s,
            "error": self.error,
        }


def solve_run(dataset: Dataset, policy: Policy, skp_effect: SkpEffect | None) -> BatchRun:
    """Solve one problem and collect its figures and files (the worker's side)."""
    started = time.perf_counter()
    solution = solve(dataset, policy)
    figures = run_kpis(solution)
    figures["status"] = str(solution.status)
    effect = None
    if skp_effect is not None and solution.plan is not None:
        effect = skp_effect(dataset, solution)
    with tempfile.TemporaryDirectory(prefix="placement-run-") as tmp:
        written = write_outputs(solution, tmp)
        files = {path.name: path.read_bytes() for path in written}
    return BatchRun(
        status=str(solution.status),
        figures=figures,
        expected_skp_effect=effect,
        runtime_s=round(time.perf_counter() - started, 3),
        error=why_no_plan(solution.summary) if solution.plan is None else None,
        files=files,
    )


def why_no_plan(summary: dict[str, Any]) -> str:
    """The reason summary.json gives for a run without a plan."""
    diagnosis = summary.get("diagnosis")
    if isinstance(diagnosis, dict) and diagnosis.get("text"):
        return str(diagnosis["text"])
    return str(summary.get("message") or summary["status"])


def refused_run(message: str) -> BatchRun:
    """The run of an input that was refused before solving."""
    return BatchRun(status=REFUSED, figures=dict.fromkeys(KPI_ROWS), error=message)


def failed_run(error: BaseException) -> BatchRun:
    """The run of a task that raised on every attempt."""
    return BatchRun(
        status=FAILED, figures=dict.fromkeys(KPI_ROWS), error=f"{type(error).__name__}: {error}"
    )


def write_files(run: BatchRun, folder: Path) -> None:
    """Write a run's files into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in run.files.items():
        write_atomic(folder / name, data)


def json_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A batch table as JSON-ready rows: missing values ``null``, numpy scalars plain."""
    rows: list[dict[str, Any]] = []
    for record in table.to_dict(orient="records"):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row[str(key)] = None
            elif hasattr(value, "item"):
                row[str(key)] = value.item()
            else:
                row[str(key)] = value
        rows.append(row)
    return rows
