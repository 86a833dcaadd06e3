"""Run records: what makes a run directory self-contained and replayable.

``placement solve --out DIR`` writes, next to plan.csv, summary.json and gaps.csv:

* ``input.json.gz`` — the dataset in the contract's JSON form (gzip without a timestamp, so
  the same dataset gives the same bytes);
* ``run.json`` — the input hash, the resolved policy, the engine and solver versions, the
  seed, the status, the objective and the sha256 of plan.csv.

:mod:`placement.runs.replay` solves the recorded input under the recorded policy again and
compares the new plan.csv byte for byte with the recorded one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from placement.contract.dataset import Dataset
from placement.contract.readers import canonical_of, dataset_from_json
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
    """``input.json.gz`` content: deterministic gzip of the dataset's canonical form (CONTRACT
    §5), which loads back into the same dataset with the same hash.

    Level 6, zlib's own default, rather than gzip's 9: a third of the time for a file a tenth
    larger, which matters when a national run records hundreds of agencies.
    """
    return gzip.compress(canonical_of(dataset), compresslevel=6, mtime=0)


def load_input(path: str | Path) -> Dataset:
    """Load a recorded ``input.json.gz`` (validated like any dataset)."""
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
        # A plan broken to the fewest changes from ``previous`` replays only with that rule.
        "fewest_changes": "tie_break" in summary,
    }
