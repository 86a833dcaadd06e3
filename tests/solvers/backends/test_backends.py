"""Every back-end on tiny named models: optimum, infeasibility, determinism, arguments."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import solvers
from solvers import AssignmentModel, SolverError, Status
from tests.solvers.conftest import ALL_BACKENDS, MIP_BACKENDS
from tests.solvers.models import make

PLAIN_OPTIMA = {
    "two_by_two": 7,
    "must_row_with_only_a_loss": 3,
    "fixed_pair_blocks_the_best": 3,
    "shared_column": 12,
}
SIDE_OPTIMA = {"side_limited": 14, "conflict_and_must": 7}
INFEASIBLE = ("over_full_column", "must_row_without_pairs", "fixed_pairs_on_one_row")


def _checked(model: AssignmentModel, result: solvers.Result) -> None:
    assert result.chosen is not None
    assert result.chosen.dtype == np.bool_
    assert model.is_feasible(result.chosen)
    assert result.objective == int(model.weight[result.chosen].sum())


@pytest.mark.parametrize("name", sorted(PLAIN_OPTIMA))
@pytest.mark.parametrize("backend", (*ALL_BACKENDS, "auto"))
def test_every_backend_finds_the_optimum_without_side_constraints(
    backend: str, name: str, request: pytest.FixtureRequest
) -> None:
    model = request.getfixturevalue(name)
    result = solvers.solve(model, backend)
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound == PLAIN_OPTIMA[name]
    _checked(model, result)


@pytest.mark.parametrize("name", sorted(SIDE_OPTIMA))
@pytest.mark.parametrize("backend", (*MIP_BACKENDS, "auto"))
def test_every_mip_backend_finds_the_optimum_with_side_constraints(
    backend: str, name: str, request: pytest.FixtureRequest
) -> None:
    model = request.getfixturevalue(name)
    result = solvers.solve(model, backend)
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound == SIDE_OPTIMA[name]
    _checked(model, result)


@pytest.mark.parametrize("name", INFEASIBLE)
@pytest.mark.parametrize("backend", (*ALL_BACKENDS, "auto"))
def test_infeasible_models_are_infeasible_on_every_backend(
    backend: str, name: str, request: pytest.FixtureRequest
) -> None:
    result = solvers.solve(request.getfixturevalue(name), backend)
    assert result.status is Status.INFEASIBLE
    assert result.chosen is None and result.objective is None


@pytest.mark.parametrize("backend", (*MIP_BACKENDS, "auto"))
def test_side_constraints_can_make_a_model_infeasible(
    backend: str, side_forces_a_must_row_out: AssignmentModel
) -> None:
    assert solvers.solve(side_forces_a_must_row_out, backend).status is Status.INFEASIBLE


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_the_same_seed_gives_the_same_selection(backend: str, many_ties: AssignmentModel) -> None:
    first = solvers.solve(many_ties, backend, seed=7)
    second = solvers.solve(many_ties, backend, seed=7)
    assert first.status is Status.OPTIMAL
    assert first.chosen is not None and second.chosen is not None
    np.testing.assert_array_equal(first.chosen, second.chosen)


@pytest.mark.parametrize("backend", ("flow", "auto"))
def test_flow_gives_the_same_selection_every_time(
    backend: str, many_ties_no_side: AssignmentModel
) -> None:
    first = solvers.solve(many_ties_no_side, backend, seed=7)
    second = solvers.solve(many_ties_no_side, backend, seed=7)
    assert first.chosen is not None and second.chosen is not None
    np.testing.assert_array_equal(first.chosen, second.chosen)


@pytest.mark.parametrize("backend", (*MIP_BACKENDS, "auto"))
@pytest.mark.parametrize("start", ([True, False, False], [True, True, True]))
def test_a_warm_start_feasible_or_not_leaves_the_optimum_unchanged(
    backend: str, start: list[bool], side_limited: AssignmentModel
) -> None:
    result = solvers.solve(side_limited, backend, warm_start=np.array(start))
    assert result.status is Status.OPTIMAL
    assert result.objective == 14


@pytest.mark.parametrize("backend", (*ALL_BACKENDS, "auto"))
def test_progress_reports_the_final_objective(backend: str, two_by_two: AssignmentModel) -> None:
    seen: list[tuple[int | None, int | None, float]] = []
    result = solvers.solve(two_by_two, backend, on_progress=lambda *event: seen.append(event))
    assert any(objective == result.objective for objective, _, _ in seen)
    assert all(elapsed >= 0 for _, _, elapsed in seen)


def test_flow_refuses_a_model_with_side_constraints(side_limited: AssignmentModel) -> None:
    with pytest.raises(SolverError, match="side constraints"):
        solvers.solve(side_limited, "flow")


def test_an_unknown_solver_name_is_refused(two_by_two: AssignmentModel) -> None:
    with pytest.raises(SolverError, match="unknown solver"):
        solvers.solve(two_by_two, "gurobi")


def test_an_inconsistent_model_is_refused_before_solving(two_by_two: AssignmentModel) -> None:
    broken = AssignmentModel(**{**two_by_two.__dict__, "weight": np.array([1, 2])})
    with pytest.raises(ValueError, match="weight"):
        solvers.solve(broken)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"time_limit_s": 0}, "time_limit_s"),
    ({"warm_start": np.array([True])}, "warm_start"),
])  # fmt: skip
def test_bad_arguments_are_refused(
    two_by_two: AssignmentModel, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        solvers.solve(two_by_two, "highs", **kwargs)  # type: ignore[arg-type]


def test_importing_the_package_loads_no_engine() -> None:
    code = (
        "import sys, solvers; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('ortools', 'highspy', 'pulp')]; "
        "sys.exit(1 if loaded else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_public_api_lists_the_backends() -> None:
    assert solvers.BACKENDS == ("flow", "cpsat", "highs", "cbc")


@pytest.mark.parametrize("backend", (*ALL_BACKENDS, "auto"))
def test_a_model_without_pairs_has_the_empty_optimum(backend: str) -> None:
    model = make(2, 1, [], cap=[1])
    result = solvers.solve(model, backend)
    assert result.status is Status.OPTIMAL and result.objective == 0
