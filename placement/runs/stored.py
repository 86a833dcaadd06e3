"""A finished run rebuilt from what it stored: its input, its policy, summary.json and the CSVs.

The plan is read back, not solved again, so explanations, comparisons and reports describe the
very plan the run produced, even when a time limit made it one of several possible plans. It is
trusted no more than a solver's answer: it goes through the independent checker, and its
objective must equal the summary's.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from placement.check import check
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import GAP_COLUMNS, PLAN_COLUMNS, Solution
from placement.errors import PlacementError
from placement.model.compile import compile_model
from placement.model.rules import build_context


def _table(text: str, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PlacementError(f"the stored {what} lacks column(s) {', '.join(missing)}")
    return frame.loc[:, list(columns)]


def read_plan(text: str) -> pd.DataFrame:
    """plan.csv text as the engine's typed plan (``moved`` bool, ``score`` int,
    ``preference_rank`` nullable Int64, every other column text)."""
    plan = _table(text, PLAN_COLUMNS, "plan")
    plan["moved"] = plan["moved"] == "true"
    plan["score"] = plan["score"].astype(np.int64)
    plan["preference_rank"] = pd.array(
        [int(r) if r else pd.NA for r in plan["preference_rank"]], dtype="Int64"
    )
    return plan


def read_gaps(text: str) -> pd.DataFrame:
    """gaps.csv text as the engine's typed gaps (``required`` and ``attained`` int)."""
    gaps = _table(text, GAP_COLUMNS, "gaps")
    for column in ("required", "attained"):
        gaps[column] = gaps[column].astype(np.int64)
    return gaps


def stored_solution(
    dataset: Dataset,
    policy: Policy,
    summary: dict[str, Any],
    plan_csv: str | None = None,
    gaps_csv: str | None = None,
) -> Solution:
    """The :class:`~placement.engine.Solution` of a finished run, from its stored outputs.

    Parameters
    ----------
    dataset, policy
        The run's input and resolved policy.
    summary
        The run's summary.json.
    plan_csv, gaps_csv
        The run's plan.csv and gaps.csv text; ``None`` for a run without a plan.

    Raises
    ------
    PlacementError
        When the dataset is not the one the summary names, or the plan breaks a rule or does
        not add up to the recorded objective.
    """
    if dataset.sha256 != summary.get("input_sha256"):
        raise PlacementError("the dataset is not the input the run recorded")
    compiled = compile_model(build_context(dataset, policy))
    objective = summary.get("objective")
    plan = gaps = None
    if plan_csv is not None and gaps_csv is not None:
        plan, gaps = read_plan(plan_csv), read_gaps(gaps_csv)
        report = check(dataset, policy, plan)
        if not report.ok or report.objective != objective:
            first = "; ".join(str(v) for v in report.violations[:3])
            raise PlacementError(
                f"the stored plan does not check (objective {report.objective} against the "
                f"recorded {objective}){': ' + first if first else ''}"
            )
    return Solution(
        status=str(summary.get("status")),
        objective=objective if plan is not None else None,
        bound=summary.get("bound"),
        plan=plan,
        gaps=gaps,
        summary=dict(summary),
        compiled=compiled,
    )
