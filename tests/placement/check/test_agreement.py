"""The vectorised checker agrees with the scalar reference on random plans, broken or not.

Random tiny instances (every rule and policy switch in play, see
:func:`tests.placement.test_optimality.instances`) meet random final positions, so that every R
and G rule is broken somewhere; then one of the ways a plan file can be inconsistent is applied
to some of them. Both checkers must give the same report: the same violations (rule, employee,
position, message), the same scores and the same objective.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.check import check, expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from tests.placement.test_optimality import instances

Change = Callable[[pd.DataFrame], pd.DataFrame]


def _cell(column: str, value: str) -> Change:
    def change(plan: pd.DataFrame) -> pd.DataFrame:
        out = plan.copy()
        out[column] = out[column].astype(object)
        out.loc[0, column] = value
        return out

    return change


#: Ways a plan can be inconsistent with itself or the dataset.
CHANGES: tuple[Change, ...] = (
    lambda p: p,
    lambda p: p.iloc[1:].reset_index(drop=True),
    lambda p: p.iloc[::-1].reset_index(drop=True),
    lambda p: pd.concat([p, p[:1]], ignore_index=True),
    lambda p: pd.concat([p, p[:1].assign(nip="999")], ignore_index=True),
    lambda p: pd.concat([p, p[:1].assign(to_position=p["from_position"].iloc[-1])]),
    _cell("to_position", "Z-9"),
    _cell("from_position", "Z-9"),
    _cell("from_unit", "Z"),
    _cell("to_unit", "Z"),
    _cell("moved", "TRUE"),
    _cell("moved", "false"),
    _cell("score", "1"),
    _cell("score", " 7"),
    _cell("score", "x"),
    _cell("jpm", "100"),
    _cell("jpm", ""),
    _cell("preference_rank", "1"),
)


def _typed(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as an engine frame: bool ``moved``, integer ``score``, nullable integer rank."""
    out = plan.copy()
    out["moved"] = out["moved"] == "true"
    out["score"] = out["score"].astype("int64")
    rank = pd.to_numeric(out["preference_rank"].replace("", None))
    out["preference_rank"] = rank.astype("Int64")
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), instance=instances())
def test_both_checkers_give_the_same_report(
    data: st.DataObject, instance: tuple[Dataset, Policy]
) -> None:
    dataset, policy = instance
    nips = dataset.employees["nip"].tolist()
    pids = ["", *dataset.positions["position_id"].tolist()]
    final = {nip: data.draw(st.sampled_from(pids)) for nip in nips}
    plan = expected_plan(dataset, policy, final)
    if data.draw(st.booleans()):
        plan = _typed(plan)
    plan = data.draw(st.sampled_from(CHANGES))(plan)
    fast = check(dataset, policy, plan, method="vectorised")
    reference = check(dataset, policy, plan, method="scalar")
    assert fast.violations == reference.violations
    assert fast.scores == reference.scores
    assert fast.objective == reference.objective


def test_an_unknown_method_is_refused() -> None:
    dataset, policy = _one()
    plan = expected_plan(dataset, policy, {})
    try:
        check(dataset, policy, plan, method="fast")  # type: ignore[arg-type]
    except ValueError as exc:
        assert "fast" in str(exc)
    else:
        raise AssertionError("an unknown method was accepted")


def _one() -> tuple[Dataset, Policy]:
    from tests.placement.builders import make_dataset, make_nip, make_policy

    dataset = make_dataset(
        employees=[{"nip": make_nip(1), "position_id": "A-01"}],
        positions=[{"position_id": "A-01"}],
    )
    return dataset, make_policy()


def test_auto_checks_small_plans_row_by_row_and_larger_ones_column_wise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The package, not the function ``placement.check`` that placement re-exports.
    checking = importlib.import_module("placement.check")
    calls: list[str] = []
    for name in ("scalar", "vectorised"):
        module = getattr(checking, name)
        real = module.check
        monkeypatch.setattr(
            module, "check", lambda *args, _n=name, _f=real: calls.append(_n) or _f(*args)
        )
    dataset, policy = _one()
    plan = expected_plan(dataset, policy, {})
    check(dataset, policy, plan)
    monkeypatch.setattr(checking, "VECTORISE_ABOVE", 0)
    check(dataset, policy, plan)
    assert calls == ["scalar", "vectorised"]
