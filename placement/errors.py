"""The one exception hierarchy of the engine.

Every error the engine raises on purpose is a :class:`PlacementError`; callers (the CLI, the HTTP
service) catch that base class and translate it at their boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import solvers.errors
from placement.i18n import t


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input.

    Attributes
    ----------
    table
        Table name as in the contract (``employees``, ``positions`` …) or ``policy``.
    row
        1-based data row (header not counted); for the policy, the 1-based index in ``pins``
        or ``forbid``; ``None`` when the problem concerns the whole table or file.
    column
        Column (or policy key) the problem is in; ``None`` when it concerns a whole row or table.
    message
        What is wrong, in words a planner understands.
    """

    table: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """Where and what, in the current locale (``employees, row 3, column nip: …``)."""
        fields = {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }
        if self.row is not None and self.column is not None:
            return t("error.problem.row_column", **fields)
        if self.row is not None:
            return t("error.problem.row", **fields)
        if self.column is not None:
            return t("error.problem.column", **fields)
        return t("error.problem.table", **fields)


#: Longest problem message kept: messages quote the offending cell, which may be megabytes.
MAX_MESSAGE = 300


def _shortened(problem: Problem) -> Problem:
    if len(problem.message) <= MAX_MESSAGE:
        return problem
    cut = len(problem.message) - MAX_MESSAGE
    message = t("error.problem.cut", text=str(problem.message)[:MAX_MESSAGE], cut=cut)
    return Problem(problem.table, problem.row, problem.column, message)


class PlacementError(Exception):
    """Base class of every error raised by the engine."""


class DatasetError(PlacementError):
    """A dataset or policy was refused; ``problems`` lists every problem found.

    Messages longer than :data:`MAX_MESSAGE` characters are cut there.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = sorted(
            (_shortened(p) for p in problems),
            key=lambda p: (p.table, p.row or 0, p.column or "", p.message),
        )
        n = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:3])
        if n > 3:
            summary = t("error.dataset.more", n=n, head=head, more=n - 3)
        elif n == 1:
            summary = t("error.dataset.one", head=head)
        else:
            summary = t("error.dataset.some", n=n, head=head)
        super().__init__(summary)


class DatasetTooLargeError(DatasetError):
    """A dataset was refused for its size (rows or columns beyond a limit) before it was read
    whole; ``problems`` names the table and the limit."""


class PlanFormatError(PlacementError):
    """A plan file handed to the checker could not be read."""


class SolverError(PlacementError, solvers.errors.SolverError):
    """A solver back-end failed in a way that is not a status (crash, missing library).

    The engine raises it from the back-end's :class:`solvers.errors.SolverError` at its
    boundary, so callers of the engine catch one base class, :class:`PlacementError`. It also
    derives from the back-end's class so that there is one solver-failure hierarchy: code that
    guards a solve with ``except solvers.SolverError`` (benchmarks, a portfolio around the
    engine) catches it whether it came from a back-end directly or through the engine.
    """
