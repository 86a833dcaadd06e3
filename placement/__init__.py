"""penempatan: optimal, checked placement of civil servants (ASN) into positions.

The public API::

    from placement import load_dataset, load_policy, solve, check, write_outputs

    dataset = load_dataset("data/")            # CSV folder, .xlsx or .json; DatasetError if bad
    policy = load_policy("policy.json", dataset)
    solution = solve(dataset, policy)          # status, objective, bound, plan, gaps, summary
    report = check(dataset, policy, solution.plan)   # independent re-verification
    write_outputs(solution, "out/")            # plan.csv, summary.json, gaps.csv
"""

from placement.check import CheckReport, Violation, check
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.engine import Solution, solve
from placement.errors import DatasetError, PlacementError, PlanFormatError, Problem, SolverError
from placement.runs.directory import write_outputs
from solvers import Status

__all__ = [
    "CheckReport",
    "Dataset",
    "DatasetError",
    "PlacementError",
    "PlanFormatError",
    "Policy",
    "Problem",
    "Solution",
    "SolverError",
    "Status",
    "Violation",
    "check",
    "dataset_from_tables",
    "load_dataset",
    "load_policy",
    "solve",
    "write_outputs",
]
