"""Synthetic placement, SKP and training histories with planted move effects and their truth.

The evaluation of past moves cannot be checked on real data, whose true effects nobody knows, so
this generator plants them. Every person has a lasting level (person effect) and shares the
year's conditions (year effect); weaker people are moved more often (selection, which a naive
movers-versus-stayers comparison mistakes for an effect of moving); moves happen in every year
(staggered); and the effect of a move differs by its JPM category and by whether a training
followed within a year. A latent score is rounded to rating points (SK 1 … SB 5). The true
effects are computed from the same random draws as the difference between each rating with and
without the move's effect, over exactly the observations the evaluation uses (CONTRACT §6: the
first move inside the years, a later move ending the window, event years 1–3 for the ATT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_EFFECTS", "HistoryTruth", "SyntheticHistory", "generate_history"]

#: Planted effect (rating points on the latent score) of a move by its JPM category.
DEFAULT_EFFECTS: Final[dict[str, float]] = {"MS": 0.4, "MMS": 0.15, "KMS": -0.6, "unknown": 0.0}

_CATEGORIES: Final[tuple[str, ...]] = ("MS", "MMS", "KMS", "unknown")
_CATEGORY_SHARES: Final[tuple[float, ...]] = (0.35, 0.3, 0.25, 0.1)
_REASONS: Final[tuple[str, ...]] = ("rotation", "promotion", "request", "reorganisation", "other")
_REASON_SHARES: Final[tuple[float, ...]] = (0.5, 0.2, 0.15, 0.1, 0.05)
_RATINGS: Final[tuple[str, ...]] = ("SK", "K", "BP", "B", "SB")


@dataclass(frozen=True)
class HistoryTruth:
    """The planted effects, measured on the generated people.

    ``att`` is the mean effect over event years 1–3 of the evaluated moves, ``year0`` over their
    move years; ``event_years`` maps 0…3 to the mean effect in that event year; the ``by_*``
    dictionaries give ``(att, year0)`` per JPM category and per trained ``yes``/``no``;
    ``moves`` counts the evaluated moves (those with an SKP year before them).
    """

    att: float
    year0: float
    event_years: dict[int, float]
    by_category: dict[str, tuple[float, float]]
    by_trained: dict[str, tuple[float, float]]
    moves: int


@dataclass(frozen=True)
class SyntheticHistory:
    """Contract tables (text cells) of a generated city with history, and the planted truth."""

    tables: dict[str, list[dict[str, str]]] = field(repr=False)
    truth: HistoryTruth


def _date_text(values: np.ndarray) -> list[str]:
    return [str(d) for d in values.astype("datetime64[D]").tolist()]


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def generate_history(
    n_people: int,
    *,
    years: tuple[int, int] = (2016, 2024),
    seed: int = 0,
    effects: Mapping[str, float] = DEFAULT_EFFECTS,
    training_recovery: float = 0.5,
    year0_share: float = 0.5,
    pretrend: float = 0.0,
    move_rate: float = 0.06,
) -> SyntheticHistory:
    """Generate ``n_people`` with SKP ratings for every year of ``years`` (inclusive).

    Parameters
    ----------
    effects
        Lasting effect of a move on the latent score, by JPM category.
    training_recovery
        Added to the effect of a ``KMS`` move followed by a training within a year: a training
        undoes most of a poor match.
    year0_share
        Share of the effect already felt in the move year.
    pretrend
        A dip in the latent score of movers before their move (0 at event year −3, ``pretrend``
        at −2, twice that from −1 on): parallel trends fail, which the evaluation must flag.
    move_rate
        Yearly chance of a move for an average person; weaker people move more often.
    """
    rng = np.random.default_rng(seed)
    first, last = years
    n_years = last - first + 1
    person = rng.normal(0.0, 0.4, n_people)
    year_effect = rng.normal(0.0, 0.1, n_years)
    noise = rng.normal(0.0, 0.55, (n_people, n_years))
    # Selection: the weaker the person, the likelier a move.
    hazard = np.clip(move_rate * np.exp(-2.0 * person), 0.0, 0.5)
    moved = rng.random((n_people, n_years)) < hazard[:, None]
    who, when = np.nonzero(moved)  # row-major: sorted by person, then year
    n_moves = len(who)
    move_dates = (
        pd.to_datetime(
            {"year": first + when, "month": rng.integers(1, 13, n_moves), "day": 1}
        ).to_numpy()
        + rng.integers(0, 28, n_moves).astype("timedelta64[D]")
    ).astype("datetime64[D]")
    category = rng.choice(len(_CATEGORIES), n_moves, p=_CATEGORY_SHARES)
    # Boundaries included: 80 is MS and 68 is MMS.
    low = np.array([80, 68, 40, 0])[category]
    high = np.array([101, 80, 68, 1])[category]
    jpm = rng.integers(low, high)
    reason = rng.choice(len(_REASONS), n_moves, p=_REASON_SHARES)
    course_who, course_end = _courses(rng, who, move_dates, rng.random(n_moves) < 0.4)

    # The evaluated move: each person's first; a person whose first move falls in the first
    # year has no SKP year before it and is left out of the evaluation altogether.
    is_first = np.r_[True, who[1:] != who[:-1]] if n_moves else np.zeros(0, dtype=bool)
    next_year = np.full(n_moves, n_years, dtype=np.int64)
    has_next = np.r_[who[1:] == who[:-1], False] if n_moves else np.zeros(0, dtype=bool)
    next_year[has_next] = when[1:][has_next[:-1]]
    eval_move = np.full(n_people, -1, dtype=np.int64)
    eval_move[who[is_first]] = np.flatnonzero(is_first)
    mover = eval_move >= 0
    m = np.where(mover, eval_move, 0)
    move_year = np.where(mover, when[m] if n_moves else 0, -1)
    event = np.arange(n_years)[None, :] - move_year[:, None]
    lasting = np.array([effects[c] for c in _CATEGORIES])[category[m]] if n_moves else 0.0
    # Trained as the contract defines it, from the courses actually written.
    trained = _trained(who, move_dates, course_who, course_end)
    lasting = lasting + np.where((category[m] == 2) & trained[m], training_recovery, 0.0)
    effect = np.where(mover, lasting, 0.0)[:, None] * np.where(
        event >= 1, 1.0, np.where(event == 0, year0_share, 0.0)
    )
    effect[~mover] = 0.0
    dip = pretrend * np.clip(event + 3, 0, 2) * mover[:, None]
    base = 3.3 + person[:, None] + year_effect[None, :] + noise - dip
    rating = np.clip(np.rint(base + effect), 1, 5).astype(np.int64)
    without = np.clip(np.rint(base), 1, 5).astype(np.int64)
    diff = rating - without

    evaluated = mover & (move_year > 0)
    in_window = evaluated[:, None] & (
        np.arange(n_years)[None, :] < np.where(mover, next_year[m], n_years)[:, None]
    )
    post = in_window & (event >= 1) & (event <= 3)
    year0 = in_window & (event == 0)
    by_event = {k: _mean(diff[in_window & (event == k)]) for k in range(4)}
    cat_of = np.where(mover, category[m], -1)[:, None]
    trained_of = np.where(mover, trained[m], False)[:, None]
    by_category = {
        c: (_mean(diff[post & (cat_of == i)]), _mean(diff[year0 & (cat_of == i)]))
        for i, c in enumerate(_CATEGORIES)
    }
    by_trained = {
        label: (_mean(diff[post & (trained_of == flag)]), _mean(diff[year0 & (trained_of == flag)]))
        for label, flag in (("yes", True), ("no", False))
    }
    truth = HistoryTruth(
        att=_mean(diff[post]),
        year0=_mean(diff[year0]),
        event_years=by_event,
        by_category=by_category,
        by_trained=by_trained,
        moves=int(evaluated.sum()),
    )
    tables = _tables(
        rng, n_people, first, rating, who, move_dates, category, jpm, reason, course_who, course_end
    )
    return SyntheticHistory(tables=tables, truth=truth)


def _courses(
    rng: np.random.Generator, who: np.ndarray, move_dates: np.ndarray, trained: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """People and end dates of training courses.

    A trained move gets a course ending within the year after it; an untrained one sometimes a
    course ending just before it, or exactly a year after it (which does not count).
    """
    n = len(who)
    before = ~trained & (rng.random(n) < 0.4)
    anniversary = ~trained & ~before & (rng.random(n) < 0.2)
    within = move_dates + rng.integers(0, 365, n).astype("timedelta64[D]")
    earlier = move_dates - rng.integers(1, 200, n).astype("timedelta64[D]")
    year_on = (pd.DatetimeIndex(move_dates) + pd.DateOffset(years=1)).to_numpy()
    ends = np.where(trained, within, np.where(before, earlier, year_on.astype("datetime64[D]")))
    keep = trained | before | anniversary
    return who[keep], ends[keep].astype("datetime64[D]")


def _trained(
    who: np.ndarray, move_dates: np.ndarray, course_who: np.ndarray, course_end: np.ndarray
) -> np.ndarray:
    """Whether each move is followed by a course ending within 12 months (CONTRACT §6)."""
    moves = pd.DataFrame({"person": who, "date": move_dates.astype("datetime64[ns]")})
    moves["move"] = np.arange(len(who))
    courses = pd.DataFrame({"person": course_who, "end": course_end.astype("datetime64[ns]")})
    pairs = moves.merge(courses, on="person")
    year_on = pd.DatetimeIndex(pairs["date"]) + pd.DateOffset(years=1)
    hit = pairs["end"].ge(pairs["date"]) & pairs["end"].lt(year_on)
    out = np.zeros(len(who), dtype=bool)
    out[pairs.loc[hit.to_numpy(), "move"].to_numpy()] = True
    return out


def _tables(
    rng: np.random.Generator,
    n_people: int,
    first: int,
    rating: np.ndarray,
    who: np.ndarray,
    move_dates: np.ndarray,
    category: np.ndarray,
    jpm: np.ndarray,
    reason: np.ndarray,
    course_who: np.ndarray,
    course_end: np.ndarray,
) -> dict[str, list[dict[str, str]]]:
    """The contract tables: employees and their current posts, and the three histories."""
    birth = np.datetime64("1970-01-01") + (np.arange(n_people) // 1000).astype("timedelta64[D]")
    nips = [
        f"{b.replace('-', '')}200501{1 + i % 2}{i % 1000:03d}"
        for i, b in enumerate(_date_text(birth))
    ]
    # First posts began up to nine years before the first SKP year: prior tenures of every band.
    start = np.datetime64(f"{first}-01-01") - rng.integers(30, 9 * 365, n_people).astype(
        "timedelta64[D]"
    )
    spells = pd.DataFrame(
        {
            "person": np.r_[np.arange(n_people), who],
            "serial": np.r_[np.zeros(n_people, dtype=np.int64), np.arange(1, len(who) + 1)],
            "start": np.r_[start, move_dates],
            "reason": ["first"] * n_people + [_REASONS[r] for r in reason],
            "jpm": [""] * n_people
            + [
                "" if c == 3 else str(j)
                for c, j in zip(category.tolist(), jpm.tolist(), strict=True)
            ],
        }
    ).sort_values(["person", "start"], kind="stable")
    spells["position_id"] = [
        f"H{p:06d}-{s}" for p, s in zip(spells["person"], spells["serial"], strict=True)
    ]
    spells["unit"] = [f"U{p % 20:02d}" for p in spells["person"]]
    starts = _date_text(spells["start"].to_numpy())
    placement = [
        {
            "nip": nips[p],
            "position_id": pid,
            "unit": unit,
            "job_class": "PELAKSANA",
            "start_date": s,
            "reason": r,
            "jpm": j,
        }
        for p, pid, unit, s, r, j in zip(
            spells["person"], spells["position_id"], spells["unit"], starts, spells["reason"],
            spells["jpm"], strict=True,
        )
    ]  # fmt: skip
    latest = spells.drop_duplicates("person", keep="last").sort_values("person")
    latest_start = _date_text(latest["start"].to_numpy())
    employees = [
        {
            "nip": nips[p],
            "grade": "III/a",
            "position_id": pid,
            "position_since": s,
        }
        for p, pid, s in zip(latest["person"], latest["position_id"], latest_start, strict=True)
    ]
    positions = [
        {"position_id": pid, "unit": unit, "job_class": "PELAKSANA"}
        for pid, unit in zip(latest["position_id"], latest["unit"], strict=True)
    ]
    n_years = rating.shape[1]
    performance = [
        {"nip": nips[p], "year": str(first + t), "rating": _RATINGS[rating[p, t] - 1]}
        for p in range(n_people)
        for t in range(n_years)
    ]
    return {
        "employees": employees,
        "positions": positions,
        "placement_history": placement,
        "performance_history": performance,
        "training_history": [
            {"nip": nips[p], "competency": "M05", "end_date": e, "hours": "24"}
            for p, e in zip(course_who.tolist(), _date_text(course_end), strict=True)
        ],
    }
