"""The plan forecast: the group estimates applied to a plan's moves, with and without the
training list, and an interval from the group estimates' standard errors."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pandas as pd
import pytest

import placement
from placement.analysis.forecast import WORST, forecast_plan
from placement.contract.calendar import months_between
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.synthetic.city import generate
from placement.synthetic.history import city_history

pytestmark = pytest.mark.usefixtures("english")

Z = 1.959963984540054


def estimate(value: float, se: float) -> dict[str, Any]:
    return {"estimate": value, "se": se, "ci_low": value - Z * se, "ci_high": value + Z * se}


def evaluation() -> dict[str, Any]:
    """Distinct numbers per group, so that each dimension's contribution can be told apart."""

    def g(value: float, se: float) -> dict[str, Any]:
        return {"att": {**estimate(value, se), "moves": 50}, "year0": estimate(0.0, 0.1)}

    return {
        "att": {**estimate(0.1, 0.02), "moves": 500},
        "groups": {
            "jpm_category": {
                "MS": g(0.4, 0.03),
                "MMS": g(0.15, 0.04),
                "KMS": g(-0.5, 0.05),
                "unknown": g(0.0, 0.06),
            },
            "prior_tenure": {"<24": g(0.2, 0.05), "24-60": g(0.1, 0.04), ">60": g(0.05, 0.03)},
            "trained": {"yes": g(0.25, 0.04), "no": g(0.03, 0.02)},
        },
    }


Run = tuple[Dataset, Policy, placement.Solution]


@pytest.fixture(scope="module")
def run() -> Run:
    """A solved 400-person city whose history the solver ignores."""
    city = generate(400, seed=11)
    history = city_history(city, reference_date=datetime.date(2026, 7, 1), seed=11)
    tables = {k: v.to_dict("records") for k, v in {**city, **history.tables}.items()}
    dataset = dataset_from_tables(tables)
    policy = load_policy({"reference_date": "2026-07-01"}, dataset)
    return dataset, policy, placement.solve(dataset, policy)


def expected_per_move(run: Run, trained: bool) -> pd.Series:
    """Each move's effect computed here from the definitions, independently of the module."""
    dataset, policy, solution = run
    assert solution.plan is not None and solution.gaps is not None
    ev = evaluation()
    groups = ev["groups"]
    att = ev["att"]["estimate"]
    since = dataset.employees.set_index("nip")["position_since"]
    listed = set(solution.gaps["nip"])
    out = {}
    for row in solution.plan[solution.plan["moved"]].itertuples():
        jpm = float(row.jpm) if row.jpm else None
        category = (
            "unknown" if jpm is None else "MS" if jpm >= 80 else "MMS" if jpm >= 68 else "KMS"
        )
        months = months_between(pd.Timestamp(since[row.nip]).date(), policy.reference_date)
        tenure = "<24" if months < 24 else "24-60" if months <= 60 else ">60"
        label = "yes" if trained and row.nip in listed else "no"
        out[row.nip] = (
            att
            + (groups["jpm_category"][category]["att"]["estimate"] - att)
            + (groups["prior_tenure"][tenure]["att"]["estimate"] - att)
            + (groups["trained"][label]["att"]["estimate"] - att)
        )
    return pd.Series(out)


def test_the_mean_effect_is_the_mean_of_each_moves_group_effects(run: Run) -> None:
    result = forecast_plan(evaluation(), *run)
    assert result.moves > 20 and result.training_listed > 0
    assert result.without_training is not None and result.with_training is not None
    without, with_list = expected_per_move(run, False), expected_per_move(run, True)
    assert result.moves == len(without)
    assert result.without_training.estimate == pytest.approx(without.mean())
    assert result.with_training.estimate == pytest.approx(with_list.mean())
    assert result.training_change is not None
    assert result.training_change.estimate == pytest.approx(with_list.mean() - without.mean())


def test_the_interval_treats_the_group_estimates_as_independent(run: Run) -> None:
    result = forecast_plan(evaluation(), *run)
    assert result.without_training is not None and result.training_change is not None
    _, _, solution = run
    assert solution.plan is not None
    moved = solution.plan[solution.plan["moved"]]
    ev = evaluation()
    shares = {c: n / len(moved) for c, n in result.by_category.items() if n}
    tenure = expected_tenure_shares(run)
    # Weights: each group's share; the ATT's weight is what makes the three dimensions' weights
    # and its own add to one (every move is untrained here: the "no" group has weight 1).
    variance = (ev["att"]["se"] * (1 - 3)) ** 2
    groups = ev["groups"]
    variance += sum((s * groups["jpm_category"][c]["att"]["se"]) ** 2 for c, s in shares.items())
    variance += sum((s * groups["prior_tenure"][t]["att"]["se"]) ** 2 for t, s in tenure.items())
    variance += ev["groups"]["trained"]["no"]["att"]["se"] ** 2
    assert result.without_training.se == pytest.approx(math.sqrt(variance))
    interval = result.without_training.to_dict()
    assert interval["ci_low"] == pytest.approx(interval["estimate"] - Z * interval["se"])
    share = result.training_listed / result.moves
    assert result.training_change.se == pytest.approx(share * math.hypot(0.04, 0.02))


def expected_tenure_shares(run: Run) -> dict[str, float]:
    dataset, policy, solution = run
    assert solution.plan is not None
    since = dataset.employees.set_index("nip")["position_since"]
    moved = solution.plan[solution.plan["moved"]]
    bands = []
    for nip in moved["nip"]:
        months = months_between(pd.Timestamp(since[nip]).date(), policy.reference_date)
        bands.append("<24" if months < 24 else "24-60" if months <= 60 else ">60")
    counts = pd.Series(bands).value_counts()
    return {band: n / len(moved) for band, n in counts.items()}


def test_the_worst_moves_come_first_and_say_what_the_training_list_changes(run: Run) -> None:
    result = forecast_plan(evaluation(), *run)
    without = expected_per_move(run, False)
    with_list = expected_per_move(run, True)
    assert len(result.worst) == min(WORST, result.moves)
    shown = [m.without_training for m in result.worst]
    assert shown == sorted(shown) and shown[0] == pytest.approx(without.min())
    for move in result.worst:
        assert move.with_training == pytest.approx(with_list[move.nip])
        assert (move.with_training > move.without_training) == move.training_listed


def test_no_overall_estimate_means_no_forecast(run: Run) -> None:
    thin = {**evaluation(), "att": {"estimate": None, "se": None, "moves": 3}}
    result = forecast_plan(thin, *run)
    assert result.without_training is None and result.worst == ()
    assert result.to_dict()["without_training"] is None
    assert "no overall estimate" in result.warnings[0]


def test_a_group_without_an_estimate_falls_back_to_the_overall_effect(run: Run) -> None:
    ev = evaluation()
    ev["groups"]["jpm_category"]["MS"]["att"] = {"estimate": None, "se": None, "moves": 2}
    result = forecast_plan(ev, *run)
    assert any("jpm_category MS" in w for w in result.warnings)
    base = forecast_plan(evaluation(), *run)
    assert result.without_training is not None and base.without_training is not None
    ms_share = base.by_category["MS"] / base.moves
    # The MS moves' difference from the overall effect (0.4 − 0.1) is gone from the mean.
    assert base.without_training.estimate - result.without_training.estimate == pytest.approx(
        ms_share * 0.3
    )
