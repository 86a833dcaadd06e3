"""One run of a batch: solved in a worker, sent back as its key figures and its output files.

A worker solves, computes the key figures (:func:`~placement.reports.kpis.run_kpis`, which need
the compiled model that stays in the worker) and writes the run directory exactly as
``placement solve`` would: either into the output folder itself, when it sees the caller's
disk, or into bytes that travel back for the caller to write. Either way a run directory
appears whole or not at all (:func:`write_folder`).
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution, solve
from placement.reports.kpis import KPI_ROWS, run_kpis
from placement.runs.directory import write_outputs

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


def solve_run(
    dataset: Dataset, policy: Policy, skp_effect: SkpEffect | None, *, out: Path | None = None
) -> BatchRun:
    """Solve one problem and collect its figures and files (the worker's side).

    With ``out`` the run directory is written there (see :func:`write_folder`) and the run
    holds no files: the worker sees the caller's disk, and bytes that travel back would only
    cost the caller time.
    """
    started = time.perf_counter()
    solution = solve(dataset, policy)
    figures = run_kpis(solution)
    figures["status"] = str(solution.status)
    effect = None
    if skp_effect is not None and solution.plan is not None:
        effect = skp_effect(dataset, solution)
    files: dict[str, bytes] = {}
    if out is not None:
        write_folder(out, lambda folder: write_outputs(solution, folder))
    else:
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


#: Infix of the hidden sibling a run directory is written into before it takes its place.
PARTIAL = ".partial-"


def write_files(run: BatchRun, folder: Path) -> None:
    """Write a run's files as ``folder`` (see :func:`write_folder`); a run without files leaves
    ``folder`` as it is, created if needed."""
    if not run.files:
        folder.mkdir(parents=True, exist_ok=True)
        return

    def write(tmp: Path) -> None:
        for name, data in run.files.items():
            (tmp / name).write_bytes(data)

    write_folder(folder, write)


def write_folder(folder: Path, write: Callable[[Path], object]) -> None:
    """Fill a new hidden sibling of ``folder`` with ``write(sibling)``, then put it in
    ``folder``'s place (replacing an earlier run's directory).

    A task killed or retried midway leaves at most a hidden sibling (removed by
    :func:`remove_partial`), never a ``folder`` with some of its files: a reader of the output
    sees a run directory whole or not at all. Two attempts of one task that finish together
    (a worker thought lost) each put a whole directory in place; the last one stays.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}{PARTIAL}{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        write(tmp)
        while True:
            try:
                os.rename(tmp, folder)  # replaces ``folder`` only when it is empty or absent
                break
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
            old = folder.parent / f".{folder.name}{PARTIAL}old-{uuid.uuid4().hex[:12]}"
            with contextlib.suppress(FileNotFoundError):  # another attempt moved it first
                os.rename(folder, old)
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_partial(out: Path, names: Iterable[str]) -> None:
    """Remove the hidden siblings :func:`write_folder` left in ``out`` for the run directories
    ``names`` when a task was killed midway (call it once no task is running)."""
    prefixes = tuple(f".{name}{PARTIAL}" for name in names)
    with contextlib.suppress(FileNotFoundError):
        for entry in out.iterdir():
            if entry.name.startswith(prefixes) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


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
