"""What a check returns (violations, recomputed scores) and how a plan's cells read as text.

Both checkers of this package report through these types, so that a caller, and the tests that
hold the two checkers against each other, compare like with like; nothing here knows a rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from placement.contract.enums import RULES
from placement.contract.plan import PLAN_COLUMNS
from placement.errors import PlanFormatError
from placement.i18n import t

#: Rule id of format and consistency problems of the plan itself.
PLAN = "PLAN"

#: Rule id of the extension rule ``no_justified_envy`` (checked only when the policy enables it).
X01 = "X01"

#: Position of each rule id in a report: ``PLAN`` first, then the contract's order, then X01.
RULE_ORDER: dict[str, int] = (
    {PLAN: 0} | {rule: i + 1 for i, rule in enumerate(RULES)} | {X01: len(RULES) + 1}
)


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule
        A contract rule id (``R01`` … ``R11``, ``G01`` … ``G07``), the extension rule ``X01``
        when the policy enables ``no_justified_envy``, or ``PLAN`` for a format or consistency
        problem of the plan.
    nip
        The employee concerned, ``None`` for a rule on a unit or on the whole plan.
    position_id
        The position concerned, if any.
    message
        What is wrong, with the failing values, starting with the rule id.
    """

    rule: str
    nip: str | None
    position_id: str | None
    message: str

    def __str__(self) -> str:
        return self.message if self.nip is None else f"nip {self.nip}: {self.message}"


def sort_key(v: Violation) -> tuple[int, str, str, str]:
    """The order of violations in a report: rule, nip, position, message."""
    return (RULE_ORDER[v.rule], v.nip or "", v.position_id or "", v.message)


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`placement.check.check`.

    Attributes
    ----------
    violations
        Every broken rule, ordered by rule id (``PLAN`` first), then nip.
    scores
        Recomputed score per nip of every employee row of the plan (0 when unplaced).
    objective
        Sum of ``scores``.
    """

    violations: tuple[Violation, ...]
    scores: dict[str, int]
    objective: int

    @property
    def ok(self) -> bool:
        """True when the plan breaks no rule."""
        return not self.violations

    @property
    def rules(self) -> frozenset[str]:
        """Ids of the rules broken at least once."""
        return frozenset(v.rule for v in self.violations)


def format_violations(report: CheckReport) -> list[str]:
    """One line per violation, for a terminal: ``nip <nip>: <message>`` or the message alone."""
    return [str(v) for v in report.violations]


def require_plan_columns(frame: pd.DataFrame, where: str) -> None:
    """Refuse a plan frame that lacks a column of plan.csv; ``where`` names it in the message.

    Raises
    ------
    PlanFormatError
        Naming every missing column.
    """
    missing = [c for c in PLAN_COLUMNS if c not in frame.columns]
    if missing:
        raise PlanFormatError(t("check.plan_columns_missing", where=where, columns=missing))


def cell_text(value: object, column: str) -> str:
    """The plan.csv spelling of a typed cell (``""`` for a missing one)."""
    if type(value) is str:
        return value.strip()
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, np.generic):
        return cell_text(value.item(), column)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if column == "jpm":
            return f"{value:.2f}"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal) and column == "jpm":
        return f"{value:.2f}"
    return str(value).strip()


#: The plan.csv spellings of false and true, indexed by the value (0 or 1): picked, not built
#: anew per cell.
BOOL_TEXT = np.array(["false", "true"], dtype=object)
BOOL_TEXT.flags.writeable = False


def integer_text(values: np.ndarray) -> np.ndarray:
    """Integers as their decimal text (an object array of ``str``), each distinct value spelled
    once: scores and ranks repeat down a plan."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.array([str(v) for v in distinct.tolist()], dtype=object)[inverse.ravel()]


def column_text(series: pd.Series, column: str) -> np.ndarray:
    """A plan column as plan.csv text cells (an object array of ``str``), by dtype where it can.

    The common spellings — text as read from plan.csv, the engine's bool ``moved``, integer
    ``score`` and nullable integer ``preference_rank`` — are converted in one pass; any other
    column goes cell by cell through :func:`cell_text`, so the result never depends on the path.
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return BOOL_TEXT[series.to_numpy(dtype=np.intp)]
    if pd.api.types.is_integer_dtype(dtype):
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            na = series.isna().to_numpy()
            digits = integer_text(series.to_numpy(dtype=np.int64, na_value=0))
            digits[na] = ""
            return digits
        return integer_text(series.to_numpy())
    if isinstance(dtype, pd.StringDtype) and column == "nip":
        # One row per employee: every nip is distinct, so numbering them first (below) would
        # only add a hash of each to the stripping. A missing cell is a float NaN here.
        return np.array(
            [t.strip() if type(t) is str else "" for t in series.to_numpy(dtype=object)],
            dtype=object,
        )
    if isinstance(dtype, pd.StringDtype):
        # Stripped once per distinct text: ids and units repeat down the column. (A search for
        # edge spaces over all the texts joined cost twenty times the stripping of a column of
        # distinct nips, digits being where such a search tries each alternative.)
        codes, distinct = pd.factorize(series.to_numpy(dtype=object))
        spelled = [t.strip() for t in distinct.tolist()]
        return np.array([*spelled, ""], dtype=object)[codes]
    texts = pd.api.types.is_object_dtype(dtype)
    if texts and pd.api.types.infer_dtype(series, skipna=False) == "string":
        return series.str.strip().to_numpy(dtype=object)
    return np.array([cell_text(v, column) for v in series.tolist()], dtype=object)
