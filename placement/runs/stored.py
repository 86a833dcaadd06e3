"""A finished run rebuilt from what it stored: its input, its policy, summary.json and the CSVs.

The plan is read back, not solved again, so explanations, comparisons and reports describe the
very plan the run produced, even when a time limit made it one of several possible plans. It is
trusted no more than a solver's answer: it goes through the independent checker, and its
objective must equal the summary's.
"""

from __future__ import annotations

from typing import Any

from placement.check import check
from placement.contract.canonical import matches
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution, Status
from placement.errors import PlacementError
from placement.i18n import t
from placement.model.compile import compile_model
from placement.model.rules import build_context
from placement.runs.formats import read_gaps, read_plan


def recorded_status(summary: dict[str, Any]) -> Status:
    """The status a summary.json records.

    Raises
    ------
    PlacementError
        When it is not one of the contract's statuses.
    """
    try:
        return Status(str(summary.get("status")))
    except ValueError:
        raise PlacementError(t("runs.unknown_status", status=repr(summary.get("status")))) from None


def planless_solution(summary: dict[str, Any]) -> Solution:
    """The :class:`~placement.engine.Solution` of a run that ended without a plan (INFEASIBLE,
    TIMEOUT_NO_SOLUTION): its status and summary are all there is.

    Raises
    ------
    PlacementError
        When the summary records no known status.
    """
    return Solution(
        status=recorded_status(summary),
        objective=None,
        bound=summary.get("bound"),
        plan=None,
        gaps=None,
        summary=dict(summary),
    )


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
        When the dataset is not the one the summary names, the summary's status is unknown, a
        stored file cannot be read, or the plan breaks a rule or does not add up to the
        recorded objective.
    """
    if not matches(dataset, summary.get("input_sha256")):
        raise PlacementError(t("runs.not_the_input"))
    status = recorded_status(summary)
    compiled = compile_model(build_context(dataset, policy))
    objective = summary.get("objective")
    plan = gaps = None
    if plan_csv is not None and gaps_csv is not None:
        plan, gaps = read_plan(plan_csv), read_gaps(gaps_csv)
        report = check(dataset, policy, plan)
        if not report.ok or report.objective != objective:
            first = "; ".join(str(v) for v in report.violations[:3])
            raise PlacementError(
                t(
                    "runs.plan_does_not_check",
                    objective=report.objective,
                    recorded=objective,
                    detail=": " + first if first else "",
                )
            )
    return Solution(
        status=status,
        objective=objective if plan is not None else None,
        bound=summary.get("bound"),
        plan=plan,
        gaps=gaps,
        summary=dict(summary),
        compiled=compiled,
    )
