"""Run records: what makes a run directory self-contained and replayable.

``placement solve --out DIR`` writes, next to plan.csv, summary.json and gaps.csv:

* ``input.json.gz`` — the dataset in the contract's JSON form (gzip without a timestamp, so
  the same dataset gives the same bytes);
* ``run.json`` — the input hash, the resolved policy, the engine and solver versions, the
  seed, the status, the objective and the sha256 of plan.csv.

:func:`replay` solves the recorded input under the recorded policy again and compares the new
plan.csv byte for byte with the recorded one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from placement.contract.dataset import Dataset
from placement.errors import PlacementError

if TYPE_CHECKING:
    from placement.engine import Solution

RECORD = "run.json"
INPUT = "input.json.gz"
FORMAT = 1


def dataset_rows(dataset: Dataset) -> dict[str, list[dict[str, str]]]:
    """The dataset in the contract's JSON form (text cells, empty cells left out)."""
    return {
        table: [{k: v for k, v in row.items() if v} for row in rows]
        for table, rows in dataset.contract_rows().items()
    }


def input_bytes(dataset: Dataset) -> bytes:
    """``input.json.gz`` content: deterministic gzip of the contract JSON form."""
    text = json.dumps(dataset_rows(dataset), ensure_ascii=False, sort_keys=True)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def load_input(path: str | Path) -> Dataset:
    """Load a recorded ``input.json.gz`` (validated like any dataset)."""
    from placement.contract.readers import dataset_from_json

    text = gzip.decompress(Path(path).read_bytes()).decode("utf-8")
    return dataset_from_json(json.loads(text, parse_int=str, parse_float=str))


def solver_versions() -> dict[str, str]:
    """Versions of the solver libraries, as recorded in every run record."""
    versions = {}
    for package in ("ortools", "highspy", "pulp", "numpy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def previous_plan(solution: Solution) -> dict[str, str] | None:
    """The previous plan a solve stayed close to (nip → position_id, "" unplaced), if any.

    Entries that could not matter (employees not in it, positions that no longer exist) are
    left out: every plan changes them alike.
    """
    compiled = solution.compiled
    if compiled is None or compiled.previous is None:
        return None
    ctx = compiled.ctx
    prev = compiled.previous
    return {
        str(ctx.nip[e]): "" if prev[e] == -1 else str(ctx.position_id[prev[e]])
        for e in np.flatnonzero(prev != -2).tolist()
    }


def run_record(
    summary: dict[str, Any], plan_csv: str | None, previous: dict[str, str] | None = None
) -> dict[str, Any]:
    """The run record of a solve, from its summary, its plan.csv text and its previous plan."""
    policy = summary["policy"]
    return {
        "format": FORMAT,
        "input": INPUT,
        "input_sha256": summary["input_sha256"],
        "policy": policy,
        "seed": policy.get("seed"),
        "engine_version": summary["engine_version"],
        "solver": summary["solver"],
        "solver_versions": solver_versions(),
        "status": summary["status"],
        "objective": summary["objective"],
        "plan_sha256": None
        if plan_csv is None
        else hashlib.sha256(plan_csv.encode("utf-8")).hexdigest(),
        "previous": previous,
    }


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


def replay(run_dir: str | Path) -> Replay:
    """Solve a recorded run again and compare the plan byte for byte.

    Raises
    ------
    PlacementError
        When the directory has no run record or input, or the input's hash differs from
        the recorded one.
    """
    from placement.contract.policy import load_policy
    from placement.engine import solve
    from placement.runs.directory import plan_csv_text

    folder = Path(run_dir)
    if not (folder / RECORD).is_file() or not (folder / INPUT).is_file():
        raise PlacementError(f"{folder} has no {RECORD} and {INPUT}: not a recorded run")
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    dataset = load_input(folder / INPUT)
    if dataset.sha256 != record["input_sha256"]:
        raise PlacementError(
            f"the recorded input hashes to {dataset.sha256}, not {record['input_sha256']}"
        )
    policy = load_policy(record["policy"], dataset)
    previous = record.get("previous")
    solution = solve(dataset, policy, previous=previous)
    plan_text = None if solution.plan is None else plan_csv_text(solution.plan)
    replayed = run_record(solution.summary, plan_text, previous_plan(solution))
    differences = []
    for key in ("engine_version", "solver_versions", "status", "objective", "plan_sha256"):
        if replayed[key] != record.get(key):
            differences.append(f"{key}: recorded {record.get(key)!r}, replayed {replayed[key]!r}")
    recorded_plan = folder / "plan.csv"
    if (
        plan_text is not None
        and recorded_plan.is_file()
        and recorded_plan.read_text(encoding="utf-8") != plan_text
    ):
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
