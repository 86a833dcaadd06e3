"""The independent checker: every rule of a plan re-verified and every score recomputed.

Two implementations of the same contract (CONTRACT §3–§5), neither sharing code with the rules
and scoring it checks, and giving the same report: :mod:`placement.check.vectorised`, over whole
columns, and :mod:`placement.check.scalar`, plain Python row by row, the reference the
vectorised one is tested against. By default (``method="auto"``) a plan of more than
:data:`VECTORISE_ABOVE` rows is checked column-wise; below that the scalar checker is faster
(the column-wise one pays a fixed cost of some tens of pandas operations).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from placement.check import scalar, vectorised
from placement.check.report import (
    PLAN,
    X01,
    CheckReport,
    Violation,
    format_violations,
    require_plan_columns,
)
from placement.check.scalar import expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy

#: The checker implementations by name; ``auto`` picks one by the plan's size.
Method = Literal["auto", "vectorised", "scalar"]

#: Plans of more rows than this are checked column-wise under ``method="auto"``.
VECTORISE_ABOVE = 700


def check(
    dataset: Dataset, policy: Policy, plan: pd.DataFrame, *, method: Method = "auto"
) -> CheckReport:
    """Check ``plan`` against every rule of CONTRACT §3 and recompute its scores (§4).

    Parameters
    ----------
    dataset
        The validated dataset the plan was made for.
    policy
        The resolved policy the plan was made under.
    plan
        The plan in the columns of CONTRACT §5, either as read from plan.csv (text cells,
        ``""`` for empty) or as an engine builds it (bool ``moved``, integer ``score``, …).
    method
        ``"vectorised"`` (column-wise), ``"scalar"`` (row by row, the reference) or
        ``"auto"`` (column-wise above :data:`VECTORISE_ABOVE` rows); all give the same report.

    Returns
    -------
    CheckReport
        Every violation with the rule it breaks, and the recomputed scores and objective.

    Raises
    ------
    PlanFormatError
        When a plan column is missing.
    ValueError
        For an unknown ``method``.
    """
    if method == "auto":
        method = "vectorised" if len(plan) > VECTORISE_ABOVE else "scalar"
    if method == "vectorised":
        return vectorised.check(dataset, policy, plan)
    if method == "scalar":
        return scalar.check(dataset, policy, plan)
    raise ValueError(f"unknown check method {method!r}: vectorised or scalar")


__all__ = [
    "PLAN",
    "VECTORISE_ABOVE",
    "X01",
    "CheckReport",
    "Method",
    "Violation",
    "check",
    "expected_plan",
    "format_violations",
    "require_plan_columns",
]
