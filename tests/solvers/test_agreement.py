"""Random small models: every exact back-end agrees with the others and with brute force."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import solvers
from solvers import AssignmentModel, Status
from tests.solvers.conftest import MIP_BACKENDS
from tests.solvers.models import brute_force, small_models

AGREEMENT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@AGREEMENT
@given(small_models())
def test_every_exact_backend_agrees_with_brute_force(model: AssignmentModel) -> None:
    optimum = brute_force(model)
    names = [*MIP_BACKENDS, "auto"] + ([] if model.has_side_constraints else ["flow"])
    for name in names:
        result = solvers.solve(model, name, seed=1)
        if optimum is None:
            assert result.status is Status.INFEASIBLE, name
            continue
        assert result.status is Status.OPTIMAL, name
        assert result.objective == result.bound == optimum, name
        assert result.chosen is not None and model.is_feasible(result.chosen), name
