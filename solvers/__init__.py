"""Solvers for a neutral sparse assignment model (nothing here knows about civil servants).

Use :func:`solve` with ``solver="auto"`` or one of :data:`BACKENDS`; every back-end returns the
same :class:`Result`. Engines (OR-Tools, HiGHS, PuLP/CBC) are imported only when used.
"""

from solvers.backends import BACKENDS
from solvers.errors import SolverError
from solvers.methods.column_generation import Generated, solve_by_columns
from solvers.methods.duals import restrict
from solvers.methods.lp_bound import Columns, LpBound, lp_bound
from solvers.model import AssignmentModel, Result, SideConstraint, Status
from solvers.portfolio import solve

__all__ = [
    "BACKENDS",
    "AssignmentModel",
    "Columns",
    "Generated",
    "LpBound",
    "Result",
    "SideConstraint",
    "SolverError",
    "Status",
    "lp_bound",
    "restrict",
    "solve",
    "solve_by_columns",
]
