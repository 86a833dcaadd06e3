"""Parameter sweeps: one dataset and policy, many what-if points, solved in parallel.

A grid file is a JSON object, one of:

- ``{"grid": {KEY: [VALUE, ...], ...}}`` — every combination (the cartesian product, the last
  key varying fastest);
- ``{"points": [{"label": ..., "policy": {KEY: VALUE}, "changes": [...]}, ...]}`` — a list.

A ``KEY`` is any policy key (``max_moves``, ``jpm_floor``, …), ``weights.TERM`` for one
objective weight, or ``changes`` whose values are change lists of ``placement scenario``
(:mod:`placement.analysis.scenario`). An optional top-level ``"changes"`` list applies to every
point first. Each point becomes one change list and is solved as a scenario, so every point's
dataset and policy are validated like a loaded one; a point whose changes are refused is
reported with its problems, and nothing is dropped.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from placement.analysis.scenario import apply_changes
from placement.batch.runs import (
    FIGURE_COLUMNS,
    BatchRun,
    SkpEffect,
    failed_run,
    json_rows,
    refused_run,
    solve_run,
    write_files,
)
from placement.contract.dataset import Dataset
from placement.contract.policy import KEYS, load_policy
from placement.errors import DatasetError, Problem
from placement.executors import Executor, Outcome
from placement.i18n import t
from placement.reports.sweep import pareto_front, sweep_html
from placement.runs.formats import write_atomic

#: Table name of every problem found in a grid file.
GRID = "grid"
#: Prefix of a grid key that sets one objective weight.
WEIGHT_PREFIX = "weights."
#: A point that raises is tried this many more times (elsewhere, on a cluster) before it is
#: reported failed; a worker that dies is replaced by the scheduler without using these.
RETRIES = 1
#: Most points one sweep may have: a grid multiplies quickly.
MAX_POINTS = 10_000

#: The table's file names inside the output folder.
TABLE_CSV, TABLE_JSON, PAGE = "sweep.csv", "sweep.json", "sweep.html"


@dataclass(frozen=True)
class Point:
    """One point of a sweep.

    ``number`` counts from 1 in grid order; ``settings`` are the grid keys' values at this
    point (the table's setting columns); ``changes`` the scenario change list that makes it.
    """

    number: int
    label: str
    settings: dict[str, Any]
    changes: tuple[Any, ...]


@dataclass(frozen=True)
class PointRun:
    """A point and what its run produced."""

    point: Point
    run: BatchRun


@dataclass(frozen=True)
class SweepBase:
    """What every point shares: sent to each worker once."""

    dataset: Dataset
    policy: dict[str, Any]
    skp_effect: SkpEffect | None = field(default=None)


def _changes_for(key: str, value: Any) -> list[Any]:
    if key == "changes":
        return list(value)
    if key.startswith(WEIGHT_PREFIX):
        return [{"op": "weights", "weights": {key[len(WEIGHT_PREFIX) :]: value}}]
    return [{"op": "policy", "key": key, "value": value}]


def _key_problem(key: Any, where: str) -> Problem | None:
    if not isinstance(key, str):
        return Problem(GRID, None, where, t("batch.grid.key_text"))
    if key == "changes" or (key.startswith(WEIGHT_PREFIX) and len(key) > len(WEIGHT_PREFIX)):
        return None
    if key not in KEYS:
        return Problem(GRID, None, where, t("batch.grid.unknown_key", key=repr(key)))
    return None


def _label(settings: Mapping[str, Any]) -> str:
    parts = []
    for key, value in settings.items():
        shown = f"{len(value)} change(s)" if key == "changes" else json.dumps(value)
        parts.append(f"{key}={shown}")
    return ", ".join(parts) or "base"


def read_grid(spec: Any) -> list[Point]:
    """The points of a grid file's JSON value (see the module's documentation).

    Raises
    ------
    DatasetError
        Listing every problem with table ``grid``: an unknown key, a key without values, a
        malformed point, or more than :data:`MAX_POINTS` points.
    """
    if isinstance(spec, list):
        spec = {"points": spec}
    if not isinstance(spec, Mapping) or ("grid" in spec) == ("points" in spec):
        raise DatasetError([Problem(GRID, None, None, t("batch.grid.not_object"))])
    base = spec.get("changes", [])
    problems: list[Problem] = []
    if not isinstance(base, list):
        problems.append(Problem(GRID, None, "changes", t("batch.grid.changes_array")))
        base = []
    points: list[tuple[dict[str, Any], list[Any]]] = []
    if "grid" in spec:
        grid = spec["grid"]
        if not isinstance(grid, Mapping) or not grid:
            raise DatasetError([Problem(GRID, None, "grid", t("batch.grid.grid_object"))])
        for key, values in grid.items():
            problem = _key_problem(key, f"grid.{key}")
            if problem is None and (not isinstance(values, list) or not values):
                problem = Problem(GRID, None, f"grid.{key}", t("batch.grid.values_array"))
            if (
                problem is None
                and key == "changes"
                and not all(isinstance(v, list) for v in values)
            ):
                problem = Problem(GRID, None, f"grid.{key}", t("batch.grid.value_changes"))
            if problem is not None:
                problems.append(problem)
        if problems:
            raise DatasetError(problems)
        size = int(np.prod([len(v) for v in grid.values()], dtype=np.float64))
        if size > MAX_POINTS:
            raise DatasetError(
                [Problem(GRID, None, "grid", t("batch.grid.too_many", size=size, most=MAX_POINTS))]
            )
        for combo in itertools.product(*grid.values()):
            settings = dict(zip(grid.keys(), combo, strict=True))
            changes = [c for key, value in settings.items() for c in _changes_for(key, value)]
            points.append((settings, changes))
    else:
        listed = spec["points"]
        if not isinstance(listed, list) or not listed:
            raise DatasetError([Problem(GRID, None, "points", t("batch.grid.points_array"))])
        if len(listed) > MAX_POINTS:
            too_many = t("batch.grid.points_most", most=MAX_POINTS)
            raise DatasetError([Problem(GRID, None, "points", too_many)])
        for row, item in enumerate(listed, start=1):
            parsed = _listed_point(row, item, problems)
            if parsed is not None:
                points.append(parsed)
        if problems:
            raise DatasetError(problems)
    labels = [p.get("label") for p in spec.get("points", [])] if "points" in spec else []
    return [
        Point(
            number=i,
            label=str(labels[i - 1]) if i <= len(labels) and labels[i - 1] else _label(settings),
            settings=settings,
            changes=(*base, *changes),
        )
        for i, (settings, changes) in enumerate(points, start=1)
    ]


def _listed_point(
    row: int, item: Any, problems: list[Problem]
) -> tuple[dict[str, Any], list[Any]] | None:
    if not isinstance(item, Mapping):
        problems.append(Problem(GRID, row, None, t("batch.grid.point_object")))
        return None
    unknown = set(item) - {"label", "policy", "changes"}
    if unknown:
        problems.append(Problem(GRID, row, sorted(unknown)[0], t("batch.grid.point_keys")))
        return None
    policy = item.get("policy", {})
    changes = item.get("changes", [])
    if not isinstance(policy, Mapping):
        problems.append(Problem(GRID, row, "policy", t("batch.grid.policy_object")))
        return None
    if not isinstance(changes, list):
        problems.append(Problem(GRID, row, "changes", t("batch.grid.changes_array")))
        return None
    settings: dict[str, Any] = {}
    out: list[Any] = []
    for key, value in policy.items():
        problem = _key_problem(key, f"policy.{key}")
        if problem is None and key == "changes":
            problem = Problem(GRID, row, "policy.changes", t("batch.grid.changes_place"))
        if problem is not None:
            problems.append(Problem(GRID, row, problem.column, problem.message))
            continue
        settings[key] = value
        out += _changes_for(key, value)
    if changes:
        settings["changes"] = changes
    return settings, out + changes


def solve_point(base: SweepBase, point: Point) -> BatchRun:
    """Apply one point's changes and solve it (a worker task of :func:`run_sweep`).

    Refused changes give a :data:`~placement.batch.runs.REFUSED` run listing the problems;
    engine errors are raised, so that the executor retries the point.
    """
    try:
        dataset, policy = apply_changes(base.dataset, base.policy, list(point.changes))
        resolved = load_policy(policy, dataset)
    except DatasetError as err:
        return refused_run("; ".join(str(p) for p in err.problems))
    return solve_run(dataset, resolved, base.skp_effect)


def run_sweep(
    dataset: Dataset,
    policy: Mapping[str, Any],
    points: Sequence[Point],
    executor: Executor,
    *,
    on_done: Callable[[PointRun], None] | None = None,
    skp_effect: SkpEffect | None = None,
    retries: int = RETRIES,
) -> list[PointRun]:
    """Solve every point on ``executor``; return them in point order, failed ones included.

    ``skp_effect`` estimates each plan's effect on SKP ratings from the dataset's history
    (the table's ``expected_skp_effect`` column, empty without it).
    """
    base = SweepBase(dataset, dict(policy), skp_effect)

    def finished(outcome: Outcome[Any]) -> None:
        if on_done is not None:
            on_done(_point_run(points[outcome.index], outcome))

    outcomes = executor.run(solve_point, base, list(points), retries=retries, on_done=finished)
    return [_point_run(points[o.index], o) for o in outcomes]


def _point_run(point: Point, outcome: Outcome[BatchRun]) -> PointRun:
    if outcome.error is not None:
        return PointRun(point, failed_run(outcome.error))
    assert outcome.value is not None
    return PointRun(point, outcome.value)


def _setting_text(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) else json.dumps(value)


def sweep_table(runs: Sequence[PointRun]) -> pd.DataFrame:
    """One row per point: its number, label and settings, then its figures, the SKP hook's
    ``expected_skp_effect``, ``pareto`` (no other point has at most as many moves and at least
    as high a mean JPM after, one of them strictly) and the reason when it has no plan."""
    keys = list(dict.fromkeys(k for r in runs for k in r.point.settings))
    rows = []
    for r in runs:
        settings = {k: _setting_text(r.point.settings[k]) for k in keys if k in r.point.settings}
        rows.append({"point": r.point.number, "label": r.point.label, **settings, **r.run.row()})
    columns = ["point", "label", *keys, *FIGURE_COLUMNS]
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    moves = pd.to_numeric(table["moves"], errors="coerce").to_numpy(dtype=np.float64)
    jpm = pd.to_numeric(table["mean_jpm_after"], errors="coerce").to_numpy(dtype=np.float64)
    table.insert(len(columns) - 2, "pareto", pareto_front(moves, jpm))
    return table


def write_sweep(runs: Sequence[PointRun], out: Path, *, title: str) -> list[Path]:
    """Write every point's run directory (``points/NNN``), the table as CSV and JSON and the
    HTML page with the trade-off charts; return the table and page paths."""
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(runs))))
    for r in runs:
        write_files(r.run, out / "points" / f"{r.point.number:0{width}d}")
    table = sweep_table(runs)
    csv_path, json_path, page_path = out / TABLE_CSV, out / TABLE_JSON, out / PAGE
    write_atomic(csv_path, table.to_csv(index=False, lineterminator="\n"))
    document = {"title": title, "points": json_rows(table)}
    write_atomic(json_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    settings = [c for c in table.columns if c not in ("point", "label", "pareto", *FIGURE_COLUMNS)]
    write_atomic(page_path, sweep_html(table, settings=settings, title=title))
    return [csv_path, json_path, page_path]
