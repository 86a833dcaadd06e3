"""Bodies of the evaluation endpoints: evaluation.json (CONTRACT §6) and a plan's forecast.

Each model mirrors, key for key, the ``to_dict()`` of the :mod:`placement` object it documents
(:class:`placement.analysis.evaluation.Evaluation`, :class:`placement.analysis.forecast.Forecast`);
unknown keys are refused rather than dropped, so a shape that drifts fails loudly.
"""

from __future__ import annotations

from typing import Literal

from api.schemas.trust import Strict


class EstimateOut(Strict):
    """An average effect in rating points with its 95 % interval; ``estimate`` null when fewer
    than 30 moves inform it."""

    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    moves: int


class EventYearOut(EstimateOut):
    """The effect in one event year (SKP year − move year); −1 is the reference."""

    event_year: int


class GroupOut(Strict):
    """A group's effect over event years 1–3 and in the move year."""

    att: EstimateOut
    year0: EstimateOut


class NaiveOut(Strict):
    """Naive numbers, not effects: movers' ratings after − before, and after − stayers'."""

    before_after: float | None
    movers_vs_stayers: float | None


class EvaluationOut(Strict):
    """What past moves did to SKP rating points (evaluation.json)."""

    outcome: Literal["rating_points"]
    method: str
    years: list[int] | None
    moves: int
    people: int
    att: EstimateOut
    event_study: list[EventYearOut]
    #: dimension (jpm_category, prior_tenure, trained, reason) → group → effects
    groups: dict[str, dict[str, GroupOut]]
    naive: NaiveOut
    warnings: list[str]


class IntervalOut(Strict):
    """An expected change in rating points with its standard error and 95 % interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float


class MoveForecastOut(Strict):
    """One move of the plan and its expected effect without and with the training list."""

    nip: str
    from_position: str
    to_position: str
    jpm_category: str
    prior_tenure: str
    training_listed: bool
    without_training: float
    with_training: float


class ForecastOut(Strict):
    """What a plan's moves are expected to do to the movers' mean SKP rating points: without
    training, with the training list (gaps.csv) delivered within a year, and the difference;
    the moves with the worst expected effect."""

    outcome: Literal["rating_points"]
    moves: int
    training_listed: int
    without_training: IntervalOut | None
    with_training: IntervalOut | None
    training_change: IntervalOut | None
    by_category: dict[str, int]
    worst: list[MoveForecastOut]
    warnings: list[str]
