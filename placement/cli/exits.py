"""Exit statuses of the ``placement`` commands, shared by every command module.

0 a plan was found (OPTIMAL or FEASIBLE) or a check passed; 1 the checker found violations, or
an unexpected engine error; 2 the input was refused (every problem is printed, nothing is
written); 3 the rules are INFEASIBLE; 4 the time limit ran out before any plan was found.
"""

from __future__ import annotations

import sys

from placement.errors import DatasetError, PlacementError
from placement.i18n import t

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_TIMEOUT = 0, 1, 2, 3, 4
#: An engine error that is not a rule violation exits like violations: not a usable result.
EXIT_ERROR = EXIT_VIOLATIONS
STATUS_EXIT: dict[str, int] = {
    "OPTIMAL": EXIT_OK,
    "FEASIBLE": EXIT_OK,
    "INFEASIBLE": EXIT_INFEASIBLE,
    "TIMEOUT_NO_SOLUTION": EXIT_TIMEOUT,
}


def print_refusal(err: DatasetError) -> None:
    """Print every problem of a refused input, one per line, on standard error."""
    for problem in err.problems:
        print(problem, file=sys.stderr)
    print(t("cli.error.refused_count", count=len(err.problems)), file=sys.stderr)


class UsageError(PlacementError):
    """A mistake of the command's user, who can fix it: an unknown employee or position, a
    folder that is not a run directory, a run without a plan to work on. Exits 2."""
