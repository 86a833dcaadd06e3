"""Evaluation of past moves: what a transfer did to the mover's SKP rating (CONTRACT §6).

Estimator. A two-way fixed-effects regression with a single post-move dummy is biased when moves
are staggered over the years and their effects differ between people (it compares late movers
with early movers already affected). This module fits, with pyfixest's ``feols``, the saturated
regression of Wooldridge (2021): rating points on person and year fixed effects and one dummy for
every move-year cohort × event year (0, 1, 2, …) cell. Every treated cell has its own
coefficient, so a cohort's effect may differ from another's and from one year to the next, and
the comparison comes from the untreated ratings — people who never moved in the years, and movers
before their move. When each person's years are complete this is exactly the imputation
estimator (Borusyak, Jaravel and Spiess 2024; Gardner's two-stage ``did2s``, with which a test
checks it); where a window is cut short by a later move, people within one cell are weighted
slightly differently. Cells are averaged with their shares of mover-years: the ATT over event
years 1–3 and each event year 0…3. Standard errors are clustered by person (CRV1) and the 95 %
intervals are normal. pyfixest's ``did2s`` itself builds a dense observations × people matrix for
its covariance, which does not fit in memory for a city of 100 000 people; ``feols`` absorbs the
fixed effects instead.

Leads (event years −3 and −2, −1 the reference): the same regression on the untreated ratings
alone, with a dummy per lead (and one for −4 and earlier); their joint Wald test flags a pre-move
trend, under which the estimates are not to be trusted.

Groups (JPM category, prior tenure, trained, reason): the estimator is run for each group on that
group's movers together with everyone who never moved in the years, so that every group is
compared with the same untreated people and with its own movers before their move.

A move is evaluated only when its person has a rating in the year before it (the reference
year); others are left out with a warning. Estimates informed by fewer than
:data:`MIN_MOVES` moves are ``None``, with a warning.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from placement.contract.calendar import months_between
from placement.contract.dataset import Dataset
from placement.contract.history import RATING_POINTS, REASONS
from placement.i18n import t

__all__ = ["METHOD", "MIN_MOVES", "Estimate", "Evaluation", "evaluate"]

#: The ``method`` recorded in evaluation.json.
METHOD: Final[str] = (
    "extended two-way fixed effects (Wooldridge; the imputation estimator on complete panels): "
    "cohort x event-year cells with person and year fixed effects, pyfixest feols, CRV1 by "
    "person; leads from untreated ratings; groups: each group's movers against the never-moved"
)
#: Fewest moves that may inform an estimate.
MIN_MOVES: Final[int] = 30
#: Fewest ratings a year should have before its estimates are trusted.
MIN_YEAR_RATINGS: Final[int] = 30
#: A joint test of the leads below this p-value is reported as a pre-move trend.
PRETREND_ALPHA: Final[float] = 0.05

_EVENT_YEARS: Final[tuple[int, ...]] = (-3, -2, -1, 0, 1, 2, 3)
_REFERENCE: Final[int] = -1
_LEADS: Final[tuple[int, ...]] = (-3, -2)
_POST: Final[tuple[int, ...]] = (1, 2, 3)
_EARLY: Final[int] = -4  # the bin of event years −4 and earlier
_Z95: Final[float] = 1.959963984540054
_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "jpm_category": ("MS", "MMS", "KMS", "unknown"),
    "prior_tenure": ("<24", "24-60", ">60"),
    "trained": ("yes", "no"),
    "reason": tuple(r for r in REASONS if r != "first"),
}


@dataclass(frozen=True)
class Estimate:
    """An average effect in rating points with its 95 % interval; ``None`` when not estimable.

    ``moves`` counts the evaluated moves that inform it.
    """

    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    moves: int

    @classmethod
    def missing(cls, moves: int) -> Estimate:
        """No estimate (too few moves, or none identified)."""
        return cls(None, None, None, None, moves)

    def to_dict(self) -> dict[str, Any]:
        """The contract's estimate object."""
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "moves": self.moves,
        }


@dataclass(frozen=True)
class Evaluation:
    """What past moves did to ratings; :meth:`to_dict` is evaluation.json."""

    method: str
    years: tuple[int, int] | None
    moves: int
    people: int
    att: Estimate
    event_study: dict[int, Estimate]
    #: dimension → group → (att, year0)
    groups: dict[str, dict[str, tuple[Estimate, Estimate]]]
    naive: dict[str, float | None]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The evaluation.json object of CONTRACT §6."""
        return {
            "outcome": "rating_points",
            "method": self.method,
            "years": list(self.years) if self.years is not None else None,
            "moves": self.moves,
            "people": self.people,
            "att": self.att.to_dict(),
            "event_study": [
                {"event_year": k, **e.to_dict()} for k, e in sorted(self.event_study.items())
            ],
            "groups": {
                dimension: {
                    label: {"att": att.to_dict(), "year0": year0.to_dict()}
                    for label, (att, year0) in groups.items()
                }
                for dimension, groups in self.groups.items()
            },
            "naive": dict(self.naive),
            "warnings": list(self.warnings),
        }


def _empty_history(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def find_moves(placement: pd.DataFrame, training: pd.DataFrame | None) -> pd.DataFrame:
    """Every move of ``placement_history`` (CONTRACT §6) with its groups.

    A move is a spell, not of reason ``first``, that starts while the person still held another
    post: the spell before it is open or ends no earlier than the day before. Returns columns
    nip, date, year, jpm_category, prior_tenure, trained (``yes``/``no``) and reason, sorted by
    nip and date.
    """
    spells = placement.sort_values(["nip", "start_date"], kind="stable")
    by_nip = spells.groupby("nip", sort=False)
    before_pid = by_nip["position_id"].shift(1)
    before_start = by_nip["start_date"].shift(1)
    before_end = by_nip["end_date"].shift(1)
    held = before_end.isna() | before_end.ge(spells["start_date"] - pd.Timedelta(days=1))
    is_move = (
        before_pid.notna()
        & spells["position_id"].ne(before_pid)
        & held
        & spells["reason"].ne("first")
    )
    moves = spells[is_move.to_numpy()]
    starts = before_start[is_move.to_numpy()]
    jpm = moves["jpm"]
    tenure = np.array(
        [
            months_between(a.date(), b.date())
            for a, b in zip(starts.tolist(), moves["start_date"].tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    out = pd.DataFrame(
        {
            "nip": moves["nip"].to_numpy(),
            "date": moves["start_date"].to_numpy(),
            "year": moves["start_date"].dt.year.to_numpy(),
            "jpm_category": np.select(
                [jpm.ge(80), jpm.ge(68), jpm.lt(68)], ["MS", "MMS", "KMS"], default="unknown"
            ),
            "prior_tenure": np.select([tenure < 24, tenure <= 60], ["<24", "24-60"], default=">60"),
            "reason": moves["reason"].to_numpy(),
        }
    )
    out["trained"] = "no"
    if not _empty_history(training) and not out.empty:
        assert training is not None
        courses = training[["nip", "end_date"]]
        pairs = out.reset_index().merge(courses, on="nip")
        year_on = pd.DatetimeIndex(pairs["date"]) + pd.DateOffset(years=1)
        hit = pairs["end_date"].ge(pairs["date"]) & pairs["end_date"].lt(year_on)
        out.loc[np.unique(pairs.loc[hit.to_numpy(), "index"].to_numpy()), "trained"] = "yes"
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class _Panel:
    """Ratings the estimator uses: movers within their window, and the never-moved."""

    frame: pd.DataFrame  # nip, year, y, cohort (0 = never moved), event, move row
    moves: pd.DataFrame  # the evaluated moves, one per mover in ``frame``
    dropped: int  # evaluated moves left out for want of a rating the year before


def _without_singletons(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without people rated once: their own fixed effect absorbs their one rating."""
    seen = frame["nip"].map(frame["nip"].value_counts())
    return frame[seen.gt(1).to_numpy()].reset_index(drop=True)


def _panel(perf: pd.DataFrame, moves: pd.DataFrame, first: int, last: int) -> _Panel:
    inside = moves[(moves["year"] >= first) & (moves["year"] <= last)]
    evaluated = inside.drop_duplicates("nip", keep="first")
    pairs = moves.merge(evaluated[["nip", "date"]], on="nip", suffixes=("", "_eval"))
    next_year = pairs[pairs["date"] > pairs["date_eval"]].groupby("nip")["year"].min()
    evaluated = evaluated.set_index("nip")
    evaluated["window_end"] = next_year.reindex(evaluated.index).fillna(last + 1).astype(int) - 1

    ratings = pd.DataFrame(
        {
            "nip": perf["nip"].to_numpy(),
            "year": perf["year"].to_numpy(),
            "y": perf["rating"].map(RATING_POINTS).to_numpy(dtype=np.float64),
        }
    )
    cohort = ratings["nip"].map(evaluated["year"])
    ratings["cohort"] = cohort.fillna(0).astype(np.int64)
    ratings["event"] = np.where(cohort.notna(), ratings["year"] - ratings["cohort"], 0)
    mover = ratings["cohort"].gt(0)
    end = ratings["nip"].map(evaluated["window_end"])
    keep = ~mover | ratings["year"].le(end)
    ratings = ratings[keep.to_numpy()]
    mover = ratings["cohort"].gt(0)
    with_reference = ratings.loc[mover & ratings["event"].eq(_REFERENCE), "nip"].unique()
    lacking = mover & ~ratings["nip"].isin(with_reference)
    dropped = int(ratings.loc[lacking, "nip"].nunique())
    ratings = ratings[~lacking.to_numpy()]
    ratings = _without_singletons(ratings)
    used = evaluated.loc[evaluated.index.isin(ratings.loc[ratings["cohort"].gt(0), "nip"])]
    return _Panel(ratings, used.reset_index(), dropped)


def _feols(formula: str, data: pd.DataFrame) -> Any:
    import pyfixest as pf

    with warnings.catch_warnings():
        # pyfixest 0.60 resets an index in place, which pandas 3 deprecates; harmless here.
        warnings.filterwarnings(
            "ignore", message="The inplace keyword", category=pd.errors.Pandas4Warning
        )
        return pf.feols(formula, data=data, vcov={"CRV1": "nip"})


def _combine(
    fit: Any, cells: pd.DataFrame, ks: tuple[int, ...]
) -> tuple[Estimate, np.ndarray | None]:
    """The mover-year-weighted average of the cells of event years ``ks``, and its weights."""
    chosen = cells[cells["event"].isin(ks)]
    moves = int(chosen["nips"].explode().nunique()) if not chosen.empty else 0
    if moves < MIN_MOVES or fit is None:
        return Estimate.missing(moves), None
    names = list(fit.coef().index)
    position = {n: i for i, n in enumerate(names)}
    present = chosen[chosen["name"].isin(position)]
    if present.empty:
        return Estimate.missing(moves), None
    weights = np.zeros(len(names))
    weights[[position[n] for n in present["name"]]] = present["n"] / present["n"].sum()
    value = float(weights @ fit.coef().to_numpy())
    # pyfixest keeps the clustered covariance on the fit; its own aggregations read it there.
    vcov = np.asarray(fit._vcov)  # noqa: SLF001 (no public accessor; version pinned)
    se = math.sqrt(max(float(weights @ vcov @ weights), 0.0))
    return Estimate(value, se, value - _Z95 * se, value + _Z95 * se, moves), weights


def _dummies(frame: pd.DataFrame, cell: np.ndarray, keys: pd.DataFrame) -> tuple[Any, pd.DataFrame]:
    """Regress ``y`` on person and year effects and one dummy per cell; return fit and cells.

    ``cell`` marks the rows that fall in a cell, ``keys`` gives their cell key columns. The
    fit is ``None`` when there is no cell or no row outside the cells to compare with.
    """
    keys = keys.assign(nip=frame["nip"].to_numpy()[cell])
    key_columns = [c for c in keys.columns if c != "nip"]
    cells = keys.groupby(key_columns).agg(n=("nip", "size"), nips=("nip", "unique")).reset_index()
    cells["name"] = [f"cell::{i}" for i in range(1, len(cells) + 1)]
    if cells.empty or cell.all():
        return None, cells
    codes = pd.MultiIndex.from_frame(keys[key_columns])
    code = np.zeros(len(frame), dtype=np.int64)
    code[cell] = pd.MultiIndex.from_frame(cells[key_columns]).get_indexer(codes) + 1
    # One factor column (0 outside the cells) and integer ids: pyfixest builds the dummies
    # once, instead of a copy of a wide frame.
    data = pd.DataFrame(
        {
            "y": frame["y"].to_numpy(),
            "cell": code,
            "nip": pd.factorize(frame["nip"])[0],
            "year": frame["year"].to_numpy(),
        }
    )
    return _feols("y ~ i(cell, ref=0) | nip + year", data), cells


@dataclass(frozen=True)
class _Fit:
    """Aggregated estimates of one saturated regression."""

    att: Estimate
    event_years: dict[int, Estimate]


def _saturated(frame: pd.DataFrame) -> _Fit:
    """ATT and event years 0…3 from the saturated regression on ``frame``.

    Every treated cohort × event-year cell has its own dummy (event years after 3 too, so that
    they do not leak into the comparison).
    """
    event = frame["event"].to_numpy()
    treated = frame["cohort"].gt(0).to_numpy() & (event >= 0)
    keys = pd.DataFrame({"cohort": frame["cohort"].to_numpy()[treated], "event": event[treated]})
    fit, cells = _dummies(frame, treated, keys)
    att, _ = _combine(fit, cells, _POST)
    event_years = {k: _combine(fit, cells, (k,))[0] for k in range(_POST[-1] + 1)}
    return _Fit(att, event_years)


def _pretrend(frame: pd.DataFrame) -> tuple[dict[int, Estimate], float | None]:
    """Leads −3 and −2 against −1 on untreated ratings, and the p-value of their joint test.

    Movers' ratings before the move are compared with the never-moved; event years −4 and
    earlier get a dummy of their own, so that −1 alone is the reference.
    """
    before = _without_singletons(frame[frame["cohort"].eq(0) | frame["event"].lt(0)])
    event = before["event"].to_numpy()
    mover = before["cohort"].gt(0).to_numpy()
    lead = mover & (event != _REFERENCE)
    keys = pd.DataFrame({"event": np.maximum(event[lead], _EARLY)})
    fit, cells = _dummies(before, lead, keys)
    leads: dict[int, Estimate] = {}
    rows: list[np.ndarray] = []
    for k in _LEADS:
        leads[k], weights = _combine(fit, cells, (k,))
        if weights is not None:
            rows.append(weights)
    leads[_REFERENCE] = Estimate(
        0.0, 0.0, 0.0, 0.0, int(before.loc[mover & (event == _REFERENCE), "nip"].nunique())
    )
    if not rows or fit is None:
        return leads, None
    test = fit.wald_test(R=np.vstack(rows), distribution="chi2")
    return leads, float(test["pvalue"])


def _open_spell_warning(dataset: Dataset, placement: pd.DataFrame) -> str | None:
    """Employees whose latest open spell disagrees with their current post or its start."""
    latest = placement.sort_values(["nip", "start_date"], kind="stable").drop_duplicates(
        "nip", keep="last"
    )
    latest = latest[latest["end_date"].isna()].set_index("nip")
    emp = dataset.employees.set_index("nip")
    common = emp.index.intersection(latest.index)
    if common.empty:
        return None
    e, s = emp.loc[common], latest.loc[common]
    differs = e["position_id"].ne(s["position_id"]) | (
        e["position_since"].notna() & e["position_since"].ne(s["start_date"])
    )
    if not differs.any():
        return None
    nips = sorted(common[differs.to_numpy()].tolist())
    shown = ", ".join(nips[:5]) + (" …" if len(nips) > 5 else "")
    return t("analysis.evaluation.open_spells", n=len(nips), nips=shown)


def _year_warnings(perf: pd.DataFrame) -> list[str]:
    counts = perf["year"].value_counts().sort_index()
    typical = float(counts.median())
    return [
        t("analysis.evaluation.thin_year", year=str(year), n=int(n), typical=f"{typical:g}")
        for year, n in counts.items()
        if n < MIN_YEAR_RATINGS or n < typical / 2
    ]


def _null_warnings(name: str, estimate: Estimate) -> list[str]:
    if estimate.estimate is not None:
        return []
    return [t("analysis.evaluation.few_moves", name=name, moves=estimate.moves, minimum=MIN_MOVES)]


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def _naive(frame: pd.DataFrame) -> dict[str, float | None]:
    mover = frame["cohort"].gt(0)
    after = frame.loc[mover & frame["event"].between(1, 3), "y"]
    before = frame.loc[mover & frame["event"].between(-3, -1), "y"]
    stayers = frame.loc[~mover, "y"]
    a, b, s = _mean(after), _mean(before), _mean(stayers)
    return {
        "before_after": a - b if a is not None and b is not None else None,
        "movers_vs_stayers": a - s if a is not None and s is not None else None,
    }


def _nothing(years: tuple[int, int] | None, notes: list[str]) -> Evaluation:
    empty = Estimate.missing(0)
    return Evaluation(
        method=METHOD,
        years=years,
        moves=0,
        people=0,
        att=empty,
        event_study={k: empty for k in _EVENT_YEARS},
        groups={},
        naive={"before_after": None, "movers_vs_stayers": None},
        warnings=tuple(notes),
    )


def evaluate(dataset: Dataset) -> Evaluation:
    """Estimate what the moves recorded in ``dataset``'s history did to SKP ratings.

    See the module docstring for the method. The dataset's other tables are used only to
    check the latest spells against the employees' current posts.
    """
    history: Mapping[str, pd.DataFrame] = dataset.history
    perf = history.get("performance_history")
    placement = history.get("placement_history")
    notes: list[str] = []
    if perf is None or perf.empty:
        return _nothing(None, [t("analysis.evaluation.no_performance")])
    years = (int(perf["year"].min()), int(perf["year"].max()))
    notes.extend(_year_warnings(perf))
    if placement is None or placement.empty:
        return _nothing(years, [*notes, t("analysis.evaluation.no_placements")])
    spell_note = _open_spell_warning(dataset, placement)
    if spell_note is not None:
        notes.append(spell_note)

    moves = find_moves(placement, history.get("training_history"))
    panel = _panel(perf, moves, *years)
    if panel.dropped:
        notes.append(t("analysis.evaluation.dropped", n=panel.dropped))
    frame = panel.frame
    overall = _saturated(frame)
    leads, pretrend_p = _pretrend(frame)
    event_study = {**leads, **overall.event_years}
    notes.extend(_null_warnings("att", overall.att))
    for k, estimate in sorted(event_study.items()):
        notes.extend(_null_warnings(f"event_study[{k}]", estimate))
    if pretrend_p is not None and pretrend_p < PRETREND_ALPHA:
        notes.append(t("analysis.evaluation.pretrend", p=f"{pretrend_p:.3g}"))

    groups: dict[str, dict[str, tuple[Estimate, Estimate]]] = {}
    stayers = frame["cohort"].eq(0)
    for dimension, labels in _GROUPS.items():
        label_of = frame["nip"].map(panel.moves.set_index("nip")[dimension])
        found: dict[str, tuple[Estimate, Estimate]] = {}
        for label in labels:
            members = label_of.eq(label)
            if not members.any():
                continue
            fit = _saturated(frame[(stayers | members).to_numpy()])
            found[label] = (fit.att, fit.event_years[0])
            notes.extend(_null_warnings(f"groups.{dimension}.{label}.att", fit.att))
            notes.extend(_null_warnings(f"groups.{dimension}.{label}.year0", fit.event_years[0]))
        groups[dimension] = found

    return Evaluation(
        method=METHOD,
        years=years,
        moves=len(panel.moves),
        people=int(frame["nip"].nunique()),
        att=overall.att,
        event_study=event_study,
        groups=groups,
        naive=_naive(frame),
        warnings=tuple(notes),
    )
