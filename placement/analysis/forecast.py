"""What a plan's moves are expected to do to the movers' SKP ratings, from an evaluation.

The evaluation of past moves (:mod:`placement.analysis.evaluation`, CONTRACT §6) estimates the
average effect of a move (ATT over event years 1–3) overall and for each group of three
dimensions a plan can tell: the JPM category of the new post (from the plan's ``jpm``), the prior
tenure (whole months from ``employees.position_since`` to the policy's reference date) and
whether a training followed within a year. A move's expected effect adds, to the overall ATT,
its group's difference from the overall ATT in each dimension::

    effect(m) = att + Σ_d (g_d(m) − att)

— the groups were estimated one dimension at a time, so this assumes their differences add up
(no interaction is estimated). A group without an estimate contributes no difference. Trained is
``yes`` for a move that gaps.csv lists for training when the training list is delivered within a
year of the move, and ``no`` for every move when it is not: both are shown, and their
difference is what the training list is expected to change.

The expected change in movers' mean rating points is a linear combination of the group estimates;
its standard error treats those estimates as independent (the sum of squared weights times
squared standard errors). They are not quite independent — every group is compared with the same
never-moved people, and a mover belongs to one group of each dimension — so the 95 % interval is
an approximation, and it covers the uncertainty of the estimates only, not whether the future
moves resemble the past ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from placement.analysis.evaluation import evaluate
from placement.contract.calendar import months_between
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.engine import Solution
from placement.i18n import t

__all__ = [
    "WORST",
    "Forecast",
    "Interval",
    "MoveForecast",
    "forecast_plan",
    "forecast_run",
    "has_history",
]

#: Moves with the worst expected effect listed.
WORST: Final[int] = 10
_Z95: Final[float] = 1.959963984540054
_DIMENSIONS: Final[tuple[str, ...]] = ("jpm_category", "prior_tenure", "trained")


@dataclass(frozen=True)
class Interval:
    """An expected change in rating points with its standard error and 95 % interval."""

    estimate: float
    se: float

    @property
    def ci_low(self) -> float:
        """Lower end of the 95 % interval."""
        return self.estimate - _Z95 * self.se

    @property
    def ci_high(self) -> float:
        """Upper end of the 95 % interval."""
        return self.estimate + _Z95 * self.se

    def to_dict(self) -> dict[str, float]:
        """``estimate``, ``se``, ``ci_low``, ``ci_high``."""
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@dataclass(frozen=True)
class MoveForecast:
    """One move of the plan and its expected effect without and with the training list."""

    nip: str
    from_position: str
    to_position: str
    jpm_category: str
    prior_tenure: str
    training_listed: bool
    without_training: float
    with_training: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "nip": self.nip,
            "from_position": self.from_position,
            "to_position": self.to_position,
            "jpm_category": self.jpm_category,
            "prior_tenure": self.prior_tenure,
            "training_listed": self.training_listed,
            "without_training": self.without_training,
            "with_training": self.with_training,
        }


@dataclass(frozen=True)
class Forecast:
    """The expected effect of a plan's moves on the movers' mean SKP rating points.

    ``without_training`` and ``with_training`` are ``None`` when the evaluation has no overall
    estimate or the plan no move; ``training_change`` is ``with_training − without_training``.
    """

    moves: int
    training_listed: int
    without_training: Interval | None
    with_training: Interval | None
    training_change: Interval | None
    worst: tuple[MoveForecast, ...]
    by_category: dict[str, int]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``forecast`` of ``placement evaluate --plan``)."""

        def interval(value: Interval | None) -> dict[str, float] | None:
            return None if value is None else value.to_dict()

        return {
            "outcome": "rating_points",
            "moves": self.moves,
            "training_listed": self.training_listed,
            "without_training": interval(self.without_training),
            "with_training": interval(self.with_training),
            "training_change": interval(self.training_change),
            "by_category": dict(self.by_category),
            "worst": [m.to_dict() for m in self.worst],
            "warnings": list(self.warnings),
        }


def _value(estimate: Mapping[str, Any] | None) -> tuple[float, float] | None:
    if not estimate or estimate.get("estimate") is None or estimate.get("se") is None:
        return None
    return float(estimate["estimate"]), float(estimate["se"])


def _category(jpm: str) -> str:
    if jpm == "":
        return "unknown"
    value = float(jpm)
    return "MS" if value >= 80 else "MMS" if value >= 68 else "KMS"


def _tenure(since: Any, reference: Any) -> str:
    if since is None or pd.isna(since):
        return "unknown"
    months = months_between(pd.Timestamp(since).date(), reference)
    return "<24" if months < 24 else "24-60" if months <= 60 else ">60"


def forecast_plan(
    evaluation: Mapping[str, Any], dataset: Dataset, policy: Policy, solution: Solution
) -> Forecast:
    """Apply the group estimates of ``evaluation`` (evaluation.json) to the plan's moves.

    See the module docstring for the assumptions and the interval.

    Raises
    ------
    ValueError
        When the solution has no plan.
    """
    if solution.plan is None or solution.gaps is None:
        raise ValueError("a solution without a plan has no moves to forecast")
    plan = solution.plan
    moved = plan[plan["moved"].to_numpy(dtype=bool)]
    since = dataset.employees.set_index("nip")["position_since"]
    listed = set(solution.gaps["nip"].astype(str))
    nips = moved["nip"].astype(str).tolist()
    table = pd.DataFrame(
        {
            "nip": nips,
            "from_position": moved["from_position"].astype(str).tolist(),
            "to_position": moved["to_position"].astype(str).tolist(),
            "jpm_category": [_category(str(j)) for j in moved["jpm"]],
            "prior_tenure": [_tenure(since.get(n), policy.reference_date) for n in nips],
            "listed": [n in listed for n in nips],
        }
    )
    notes: list[str] = []
    overall = _value(evaluation.get("att"))
    counts = table["jpm_category"].value_counts()
    by_category = {c: int(counts.get(c, 0)) for c in ("MS", "MMS", "KMS", "unknown")}
    if overall is None or table.empty:
        notes.append(
            t("analysis.forecast.no_estimate")
            if overall is None
            else t("analysis.forecast.no_moves")
        )
        return Forecast(len(table), int(table["listed"].sum()), None, None, None, (), by_category,
                        tuple(notes))  # fmt: skip
    att, att_se = overall
    groups: Mapping[str, Mapping[str, Any]] = evaluation.get("groups", {})

    def deviation(dimension: str, labels: pd.Series) -> tuple[np.ndarray, dict[str, float]]:
        """Per move, its group's difference from the ATT; per group, its share of the moves."""
        found = groups.get(dimension, {})
        values = np.zeros(len(labels))
        shares: dict[str, float] = {}
        for label, members in labels.groupby(labels, sort=True):
            estimate = _value(found.get(str(label), {}).get("att"))
            if estimate is None:
                notes.append(
                    t(
                        "analysis.forecast.no_group_estimate",
                        n=len(members),
                        dimension=dimension,
                        label=str(label),
                    )
                )
                continue
            values[members.index.to_numpy()] = estimate[0] - att
            shares[str(label)] = len(members) / len(labels)
        return values, shares

    jpm_dev, jpm_shares = deviation("jpm_category", table["jpm_category"])
    tenure_dev, tenure_shares = deviation("prior_tenure", table["prior_tenure"])
    untrained = pd.Series(["no"] * len(table))
    trained = pd.Series(np.where(table["listed"], "yes", "no"))
    no_dev, no_shares = deviation("trained", untrained)
    yes_dev, yes_shares = deviation("trained", trained)
    base = att + jpm_dev + tenure_dev
    without = base + no_dev
    with_list = base + yes_dev

    def interval(trained_shares: dict[str, float]) -> Interval:
        """Mean effect over the moves and its standard error, group estimates independent."""
        weights: dict[tuple[str, str], float] = {}
        for dimension, shares in (
            ("jpm_category", jpm_shares),
            ("prior_tenure", tenure_shares),
            ("trained", trained_shares),
        ):
            for label, share in shares.items():
                weights[(dimension, label)] = share
        att_weight = 1.0 - sum(weights.values())
        value = att_weight * att
        variance = (att_weight * att_se) ** 2
        for (dimension, label), weight in weights.items():
            g, se = _value(groups[dimension][label]["att"]) or (0.0, 0.0)
            value += weight * g
            variance += (weight * se) ** 2
        return Interval(value, math.sqrt(variance))

    no_training = interval(no_shares)
    with_training = interval(yes_shares)
    change = _change(groups.get("trained", {}), float(table["listed"].mean()))
    if change is None:
        change = Interval(with_training.estimate - no_training.estimate, 0.0)
        notes.append(t("analysis.forecast.no_training_interval"))
    order = np.lexsort((table["nip"].to_numpy(), without))
    worst = tuple(
        MoveForecast(
            nip=str(table.at[i, "nip"]),
            from_position=str(table.at[i, "from_position"]),
            to_position=str(table.at[i, "to_position"]),
            jpm_category=str(table.at[i, "jpm_category"]),
            prior_tenure=str(table.at[i, "prior_tenure"]),
            training_listed=bool(table.at[i, "listed"]),
            without_training=float(without[i]),
            with_training=float(with_list[i]),
        )
        for i in order[:WORST].tolist()
    )
    return Forecast(
        moves=len(table),
        training_listed=int(table["listed"].sum()),
        without_training=no_training,
        with_training=with_training,
        training_change=change,
        worst=worst,
        by_category=by_category,
        warnings=tuple(notes),
    )


def _change(trained: Mapping[str, Any], share: float) -> Interval | None:
    """``share × (g_yes − g_no)``: what delivering the list changes, estimates independent."""
    yes, no = _value(trained.get("yes", {}).get("att")), _value(trained.get("no", {}).get("att"))
    if yes is None or no is None:
        return None
    return Interval(share * (yes[0] - no[0]), share * math.hypot(yes[1], no[1]))


def has_history(dataset: Dataset) -> bool:
    """Whether ``dataset`` has the placement and performance history an evaluation needs."""
    history = dataset.history
    return all(
        name in history and not history[name].empty
        for name in ("placement_history", "performance_history")
    )


def forecast_run(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    evaluations: dict[str, dict[str, Any]] | None = None,
) -> Forecast | None:
    """The forecast of a solved run from its own dataset's history; ``None`` without history.

    ``evaluations`` caches evaluation.json objects by the dataset's input hash, so that runs of
    the same input are evaluated once.
    """
    if solution.plan is None or not has_history(dataset):
        return None
    cache = {} if evaluations is None else evaluations
    if dataset.sha256 not in cache:
        cache[dataset.sha256] = evaluate(dataset).to_dict()
    return forecast_plan(cache[dataset.sha256], dataset, policy, solution)
