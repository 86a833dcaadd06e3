"""National runs: many agencies (instansi), each its own dataset and policy, solved in parallel
with one summary table across them.

The agencies' folder holds one sub-folder per agency: a CSV dataset (``<table>.csv``) and its
``policy.json`` (defaults when absent). Where the workers see the caller's disk (the local
pool, a Dask ``LocalCluster``, a cluster said to share storage) a task carries only the
agency's folder and the output folder: the worker reads its agency, writes its run directory
and sends back the figures alone, so the caller, which shares the machine with the workers,
does almost nothing per agency. Otherwise the caller reads each sub-folder's files as bytes,
they travel with the task, and the worker sends back the figures and the run directory's files
for the caller to write. Both ways write the same bytes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from placement.batch.runs import (
    FIGURE_COLUMNS,
    BatchRun,
    SkpEffect,
    failed_run,
    json_rows,
    refused_run,
    remove_partial,
    solve_run,
    write_files,
)
from placement.contract.dataset import Dataset
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.errors import DatasetError, Problem
from placement.executors import Executor, Outcome
from placement.i18n import t
from placement.runs.formats import write_atomic

#: Table name of a problem with the agencies' folder itself.
AGENCIES = "agencies"
#: The policy file in each agency's folder.
POLICY_FILE = "policy.json"
#: An agency whose task raises is tried this many more times before it is reported failed.
RETRIES = 1
#: The summary table's file names inside the output folder.
TABLE_CSV, TABLE_JSON = "agencies.csv", "agencies.json"


@dataclass(frozen=True)
class Agency:
    """One agency's input: its name (the sub-folder's), its folder, and the folder's files when
    they were read (empty otherwise: a worker that sees the folder reads it itself)."""

    name: str
    folder: Path
    files: dict[str, bytes] = field(default_factory=dict)

    def with_files(self) -> Agency:
        """This agency with its folder's files read, to travel with its task."""
        return self if self.files else replace(self, files=agency_files(self.folder))


@dataclass(frozen=True)
class NationalJob:
    """What every task of a national run shares: the estimator of the SKP effect and, when the
    workers write the run directories themselves, the output folder."""

    skp_effect: SkpEffect | None = None
    out: Path | None = None


@dataclass(frozen=True)
class AgencyRun:
    """An agency and what its run produced."""

    agency: str
    run: BatchRun


def read_agencies(root: Path, *, files: bool = True) -> list[Agency]:
    """Every sub-folder of ``root`` with an ``employees.csv``, sorted by name, with the
    ``.csv`` and ``policy.json`` files it holds (unless ``files`` is false: :func:`run_national`
    then reads them only when they must travel to the workers).

    Raises
    ------
    DatasetError
        When ``root`` is not a folder or holds no agency.
    """
    if not root.is_dir():
        problem = Problem(AGENCIES, None, None, t("batch.agencies.not_folder", root=str(root)))
        raise DatasetError([problem])
    agencies = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / "employees.csv").is_file():
            continue
        agency = Agency(folder.name, folder)
        agencies.append(agency.with_files() if files else agency)
    if not agencies:
        raise DatasetError(
            [Problem(AGENCIES, None, None, t("batch.agencies.none", root=str(root)))]
        )
    return agencies


def agency_files(folder: Path) -> dict[str, bytes]:
    """The files of an agency's folder that make its input: its ``.csv`` tables and its
    ``policy.json``, by name."""
    return {
        f.name: f.read_bytes()
        for f in sorted(folder.iterdir())
        if f.is_file() and (f.suffix.lower() == ".csv" or f.name == POLICY_FILE)
    }


def solve_agency(job: NationalJob, agency: Agency) -> BatchRun:
    """Validate and solve one agency (a worker task of :func:`run_national`), from the files
    that travelled with it or else from its folder; with ``job.out``, write its run directory
    there.

    A refused dataset or policy gives a :data:`~placement.batch.runs.REFUSED` run listing the
    problems; engine errors are raised, so that the executor retries the agency.
    """
    try:
        dataset, policy_bytes = _read_agency(agency)
        raw = json.loads(policy_bytes.decode("utf-8-sig")) if policy_bytes else {}
        policy = load_policy(raw, dataset)
    except DatasetError as err:
        return refused_run("; ".join(str(p) for p in err.problems))
    except ValueError as exc:
        return refused_run(f"{POLICY_FILE}: {exc}")
    out = None if job.out is None else job.out / agency.name
    return solve_run(dataset, policy, job.skp_effect, out=out)


def _read_agency(agency: Agency) -> tuple[Dataset, bytes | None]:
    """The agency's dataset and the bytes of its policy file (``None`` when it has none)."""
    if not agency.files:
        policy_path = agency.folder / POLICY_FILE
        return load_dataset(agency.folder), (
            policy_path.read_bytes() if policy_path.is_file() else None
        )
    with tempfile.TemporaryDirectory(prefix="placement-agency-") as tmp:
        folder = Path(tmp)
        for name, data in agency.files.items():
            (folder / name).write_bytes(data)
        return load_dataset(folder), agency.files.get(POLICY_FILE)


def run_national(
    agencies: Sequence[Agency],
    executor: Executor,
    *,
    on_done: Callable[[AgencyRun], None] | None = None,
    skp_effect: SkpEffect | None = None,
    retries: int = RETRIES,
    out: Path | None = None,
) -> list[AgencyRun]:
    """Solve every agency on ``executor``; return them in input order, failed ones included.

    With ``out``, each agency's run directory (``OUT/AGENCY``) is written as soon as the agency
    is solved and the returned runs keep only their figures, not their files: a national run's
    files are gigabytes that the caller should not hold until the last agency is done. When the
    executor's workers see this machine's files (:attr:`Executor.shared_storage`) the workers
    read the agencies' folders and write those directories themselves; otherwise the files
    travel both ways and the caller writes them. A directory appears whole or not at all.
    """
    shared = executor.shared_storage
    # Absolute paths: a worker's working directory need not be the caller's.
    job = NationalJob(skp_effect, out.absolute() if shared and out is not None else None)
    items = [Agency(a.name, a.folder.absolute()) if shared else a.with_files() for a in agencies]

    def finished(outcome: Outcome[BatchRun]) -> None:
        agency_run = _agency_run(agencies[outcome.index], outcome)
        if out is not None:
            write_files(agency_run.run, out / agency_run.agency)
        if on_done is not None:
            on_done(agency_run)

    try:
        outcomes = executor.run(
            solve_agency,
            job,
            items,
            retries=retries,
            on_done=finished,
            keep=None if out is None else _without_files,
        )
    finally:
        if out is not None:
            remove_partial(out, (a.name for a in agencies))
    return [_agency_run(agencies[o.index], o) for o in outcomes]


def _without_files(run: BatchRun) -> BatchRun:
    return replace(run, files={})


def _agency_run(agency: Agency, outcome: Outcome[BatchRun]) -> AgencyRun:
    if outcome.error is not None:
        return AgencyRun(agency.name, failed_run(outcome.error))
    assert outcome.value is not None
    return AgencyRun(agency.name, outcome.value)


def national_table(runs: Sequence[AgencyRun]) -> pd.DataFrame:
    """One row per agency: its name, then its figures and the reason when it has no plan."""
    rows = [{"agency": r.agency, **r.run.row()} for r in runs]
    return pd.DataFrame(rows, columns=["agency", *FIGURE_COLUMNS], dtype=object)


def write_national(runs: Sequence[AgencyRun], out: Path) -> list[Path]:
    """Write each agency's run directory (``OUT/AGENCY``; runs already written by
    :func:`run_national` hold no files and add nothing) and the summary table as CSV and JSON
    (the table also totals the agencies); return the table paths."""
    out.mkdir(parents=True, exist_ok=True)
    for r in runs:
        write_files(r.run, out / r.agency)
    table = national_table(runs)
    csv_path, json_path = out / TABLE_CSV, out / TABLE_JSON
    write_atomic(csv_path, table.to_csv(index=False, lineterminator="\n"))
    document = {"agencies": json_rows(table), "totals": national_totals(table)}
    write_atomic(json_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return [csv_path, json_path]


def national_totals(table: pd.DataFrame) -> dict[str, int | None]:
    """Agencies per status, and the sums of the objective and the counts over the agencies
    with a plan."""
    counts = table["status"].value_counts().sort_index()
    totals: dict[str, int | None] = {"agencies": len(table)}
    totals.update({f"status_{k}": int(v) for k, v in counts.items()})
    for column in ("objective", "moves", "new_placements", "unplaced", "vacancies_filled",
                   "MS_after", "MMS_after", "KMS_after", "preferences_met"):  # fmt: skip
        values = pd.to_numeric(table[column], errors="coerce").dropna()
        totals[column] = int(values.sum()) if len(values) else None
    return totals
