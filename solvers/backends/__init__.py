"""The exact back-ends (flow, CP-SAT, HiGHS, CBC) and the child process or thread they run in;
name → back-end module, imported on first use so that unused engines are never loaded."""

from __future__ import annotations

import importlib
from typing import Protocol

from solvers.backends.common import IncumbentCallback, ProgressCallback
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result

BACKENDS = ("flow", "cpsat", "highs", "cbc")


class Backend(Protocol):
    """What every back-end module provides."""

    def solve(
        self,
        model: AssignmentModel,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        warm_start: BoolArray | None = None,
        on_progress: ProgressCallback | None = None,
        on_incumbent: IncumbentCallback | None = None,
    ) -> Result:
        """Solve ``model``."""
        ...


def backend(name: str) -> Backend:
    """The back-end module called ``name``."""
    if name not in BACKENDS:
        raise SolverError(f"unknown solver {name!r}; choose 'auto' or one of {BACKENDS}")
    module: Backend = importlib.import_module(f"solvers.backends.{name}")
    return module
