"""Build and solve one random sparse instance with every back-end; print build vs solve time.

``python -m benchmarks.solver_smoke [--rows 5000] [--cols 5000] [--per-row 30] [--limit 120]``

The instance: ``rows`` optional rows, ``cols`` columns of capacity 1, ``per-row`` random pairs per
row with weights in [0, 1000); the side-constrained variant adds "at most 300 pairs out of a
random 50,000". Flow runs only without the side constraint.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from solvers import BACKENDS, AssignmentModel, SideConstraint, Status, solve

_log = logging.getLogger("benchmarks.solver_smoke")


def instance(rows: int, cols: int, per_row: int, seed: int = 0) -> AssignmentModel:
    """A random sparse assignment model without side constraints."""
    rng = np.random.default_rng(seed)
    pair_row = np.repeat(np.arange(rows, dtype=np.int64), per_row)
    pair_col = rng.integers(0, cols, len(pair_row))
    key = np.unique(pair_row * cols + pair_col)
    pair_row, pair_col = key // cols, key % cols
    return AssignmentModel(
        n_rows=rows,
        n_cols=cols,
        pair_row=pair_row,
        pair_col=pair_col,
        weight=rng.integers(0, 1000, len(key)),
        row_must=np.zeros(rows, dtype=np.bool_),
        col_cap=np.ones(cols, dtype=np.int64),
    )


def with_side(model: AssignmentModel, subset: int, rhs: int, seed: int = 1) -> AssignmentModel:
    """``model`` plus "at most ``rhs`` chosen pairs among ``subset`` random pairs"."""
    rng = np.random.default_rng(seed)
    pairs = np.sort(rng.choice(model.n_pairs, size=min(subset, model.n_pairs), replace=False))
    side = SideConstraint(pairs=pairs.astype(np.int64), rhs=rhs, name="at-most")
    return AssignmentModel(**{**model.__dict__, "side": (side,)})


def main() -> None:
    """Run the measurement and print one line per back-end and variant."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--cols", type=int, default=5000)
    parser.add_argument("--per-row", type=int, default=30)
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--solvers", default=",".join(("auto", *BACKENDS)))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    plain = instance(args.rows, args.cols, args.per_row)
    side = with_side(plain, 50_000, 300)
    _log.info("%d rows x %d cols, %d pairs", plain.n_rows, plain.n_cols, plain.n_pairs)
    _log.info(
        "%-8s %-5s %-20s %12s %12s %8s %8s %8s",
        "solver",
        "side",
        "status",
        "objective",
        "bound",
        "build_s",
        "solve_s",
        "total_s",
    )
    for name in args.solvers.split(","):
        for label, model in (("no", plain), ("yes", side)):
            if name == "flow" and model.has_side_constraints:
                continue
            started = time.perf_counter()
            result = solve(model, name, time_limit_s=args.limit, seed=0)
            total = time.perf_counter() - started
            if result.chosen is not None:
                assert model.is_feasible(result.chosen)
            if result.status is Status.OPTIMAL:
                assert result.objective == result.bound
            _log.info(
                "%-8s %-5s %-20s %12s %12s %8.2f %8.2f %8.2f",
                name,
                label,
                result.status.value,
                result.objective,
                result.bound,
                result.build_s,
                total - result.build_s,
                total,
            )


if __name__ == "__main__":
    main()
