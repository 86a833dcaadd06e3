"""The one exception type raised by the solver package.

Infeasibility and time-outs are statuses of a :class:`~solvers.model.Result`, not exceptions;
``SolverError`` means a back-end could not be used or returned something unusable.
"""

from __future__ import annotations


class SolverError(Exception):
    """A back-end failed, was misused, or returned a solution that violates the model."""
