"""Bodies of the trust endpoints: explanations, fairness, diagnosis, figures and comparisons.

Each model mirrors, key for key and in the same order, the ``to_dict()`` of the
:mod:`placement` object it documents (:mod:`placement.analysis.explain`,
:mod:`placement.analysis.fairness`, :mod:`placement.analysis.compare`,
:mod:`placement.model.diagnose`, :mod:`placement.reports.figures`), so that the OpenAPI document
states what the planners' page reads. Unknown keys are refused rather than dropped: a shape that
drifts from its model fails loudly instead of losing data.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict


class Strict(BaseModel):
    """Base of the trust bodies: immutable, and no key beyond those declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CompareRequest(BaseModel):
    """Runs to compare; the per-person differences are against the first."""

    model_config = ConfigDict(extra="forbid")

    run_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=2, max_length=20
    )

    @model_validator(mode="after")
    def _distinct(self) -> CompareRequest:
        if len(set(self.run_ids)) != len(self.run_ids):
            raise ValueError("the runs to compare must be distinct")
        return self


class ScoreTerms(TypedDict):
    """The score of the placement and its terms; an unplaced employee has ``score`` alone."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    score: int
    jpm: NotRequired[str]
    jpm_num: NotRequired[int]
    jpm_den: NotRequired[int]
    preference: NotRequired[int]
    preference_rank: NotRequired[int | None]
    stay: NotRequired[int]
    performance: NotRequired[int]
    fill: NotRequired[int]
    displaced: NotRequired[int]


class RuleFailure(Strict):
    """A rule that blocks a placement, with the values that failed."""

    rule: str
    text: str


class Alternative(Strict):
    """A position the employee did not get: the rules that block it or, when allowed, what
    pinning the employee there does to the plan."""

    position_id: str
    kind: str
    preference_rank: int | None
    score: int
    jpm: str
    allowed: bool
    blocked_by: list[RuleFailure]
    holders: list[str]
    pinned_status: str | None
    pinned_objective: int | None
    better_by: int | None
    notes: list[str]


class Counterfactual(Strict):
    """A single verified change after which the employee gets a better-scoring position."""

    change: str
    detail: dict[str, Any]
    position_id: str
    score: int
    objective: int


class PersonExplanationOut(Strict):
    """Why an employee got their placement."""

    nip: str
    name: str
    from_position: str
    to_position: str
    kind: str
    terms: ScoreTerms
    objective: int
    alternatives: list[Alternative]
    counterfactual: Counterfactual | None
    counterfactuals_tried: int
    counterfactuals_computed: bool


class PendingOut(Strict):
    """An explanation still being computed: ask again at ``location`` (the same address)."""

    status: str = "computing"
    location: str
    retry_after_s: int


class Candidate(Strict):
    """An eligible employee for a position, with the score of that placement."""

    nip: str
    name: str
    kind: str
    score: int
    jpm: str
    preference_rank: int | None
    placed_there: bool


class PositionExplanationOut(Strict):
    """Who holds a position and who could: the best eligible candidates and who each rule
    excludes."""

    position_id: str
    title: str
    unit: str
    state: str
    capacity: int
    holders_before: list[str]
    holders_after: list[str]
    candidates: list[Candidate]
    excluded: dict[str, int]
    excluded_nips: dict[str, list[str]]
    shortlist: bool
    note: str


class EnvyPair(Strict):
    """An employee who prefers a position to their outcome and outscores its holder there (or
    finds a free seat), with the rule that explains it."""

    nip: str
    position_id: str
    preference_rank: int
    outcome: str
    outcome_rank: int | None
    score: int
    holder: str | None
    holder_score: int | None
    difference: int | None
    allowed: bool
    rule: str | None
    reason: str
    objective_loss: int | None
    notes: list[str]
    blocked: bool


class GroupOutcome(Strict):
    """Who moved, stayed, was placed or ended unplaced in one group, and how well."""

    group: str
    employees: int
    moved: int
    stayed: int
    new_placements: int
    unplaced: int
    mean_jpm_before: float | None
    mean_jpm_after: float | None
    preferences_met: int
    mean_score: float


class FairnessOut(Strict):
    """Justified envy in a plan (``justified_envy`` allowed wishes, ``blocked_wishes`` that a
    legal rule forbids, counted by rule; ``envy`` lists both, each marked ``blocked`` or not),
    and outcomes per unit, grade, gender and job class."""

    status: str
    objective: int
    no_justified_envy: bool
    envy_pairs: int
    justified_envy: int
    blocked_wishes: int
    blocked_by_rule: dict[str, int]
    resolved: int
    unexplained: int
    max_explained: int
    envy: list[EnvyPair]
    distribution: dict[str, list[GroupOutcome]]


class DiagnosisOut(Strict):
    """Rule instances that cannot all hold together, in data and in words."""

    conflict: list[dict[str, Any]]
    text: str
    minimal: bool


class Kpis(Strict):
    """Key figures of one plan."""

    status: str
    objective: int | None
    moves: int
    new_placements: int
    unplaced: int
    vacancies_filled: int
    mean_jpm_before: float | None
    mean_jpm_after: float | None
    categories_before: dict[str, int]
    categories_after: dict[str, int]
    preferences_given: int
    preferences_met: int
    people_needing_training: int
    training_items: int
    top_training: list[tuple[str, int]]


class JpmBins(Strict):
    """Employees per 10-point JPM bin (0–<10 … 90–100), before and after the plan."""

    before: list[int]
    after: list[int]


class EmployeeNames(Strict):
    """The dataset's employees, column by column."""

    nip: list[str]
    name: list[str]
    jpm_before: list[str]


class PositionNames(Strict):
    """The dataset's positions, column by column."""

    position_id: list[str]
    title: list[str]
    unit: list[str]
    job_class: list[str]
    state: list[str]
    capacity: list[int]


class UnitNames(Strict):
    """Every unit of the dataset by code, with its name (the code where none is given)."""

    unit: list[str]
    name: list[str]


class FiguresOut(Strict):
    """Key figures, JPM histograms, moves between units (``[from_unit, to_unit, count]``,
    largest first) and the names behind the ids of a plan."""

    kpis: Kpis
    jpm_bins: JpmBins
    unit_moves: list[tuple[str, str, int]]
    employees: EmployeeNames
    positions: PositionNames
    units: UnitNames


class KpiTable(Strict):
    """Key figures of the compared runs, one value per run in order (null without a plan)."""

    objective: list[int | None]
    status: list[str]
    moves: list[int | None]
    new_placements: list[int | None]
    unplaced: list[int | None]
    vacancies_filled: list[int | None]
    mean_jpm_before: list[float | None]
    mean_jpm_after: list[float | None]
    MS_after: list[int | None]
    MMS_after: list[int | None]
    KMS_after: list[int | None]
    preferences_met: list[int | None]
    units_stripped: list[int | None]
    training_items: list[int | None]


class PersonDiff(Strict):
    """An employee placed differently than in the first run: position and score per run
    (``""`` unplaced, null when not in that run's dataset or the run has no plan)."""

    nip: str
    positions: dict[str, str | None]
    scores: dict[str, int | None]


class ComparisonOut(Strict):
    """Runs side by side: their key figures and the employees placed differently; a warning
    when they come from different inputs or policies, with each input's sha256 and every
    policy key whose value differs (``weights.<term>`` for a weight), per run."""

    runs: list[str]
    warnings: list[str]
    inputs: dict[str, str | None]
    policy_differences: dict[str, dict[str, Any]]
    kpis: KpiTable
    people: list[PersonDiff]
