"""The published score (CONTRACT §4), in exact integer arithmetic, vectorised over pairs.

JPM is the rational 100·N/D and weights are decimals with at most three places, so with every
weight scaled by 1000 the score is

    score = ⌊(10⁴·W_jpm·N + 100·D·S + 500·D) / (1000·D)⌋,  S = Σ_{t≠jpm} W_t·term_t

which int64 holds comfortably (|W| ≤ 10⁶, D ≤ 10·5·#requirements). float64 would misround
exact halves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from placement.model.rules import ABOLISHED, I64, STAY, B, Context


@dataclass(frozen=True, eq=False)
class Terms:
    """The six score terms of pairs (integers; ``jpm`` as its parts N and D) and the score."""

    num: I64
    den: I64
    preference: I64
    stay: I64
    performance: I64
    fill: I64
    displaced: I64
    rank: I64
    score: I64


def score_pairs(
    ctx: Context, e: I64, p: I64, kind: I64, jpm: tuple[I64, I64] | None = None
) -> Terms:
    """Score every pair (e[i], p[i]) placed as ``kind[i]`` (STAY, MOVE or NEW).

    ``jpm`` gives the pairs' JPM parts (N, D) when they are already known.
    """
    num, den = ctx.jpm_parts(e, p) if jpm is None else jpm
    rank = ctx.preference_rank(e, p)
    preference = np.where(rank > 0, 20 * (6 - rank), 0).astype(np.int64)
    is_stay = kind == STAY
    overdue = ctx.has_tenure[e] & (ctx.tenure[e] > ctx.policy.max_tenure_months)
    stay = np.where(is_stay, np.where(overdue, -100, 100), 0).astype(np.int64)
    performance = np.where(is_stay, 0, ctx.perf_term[e]).astype(np.int64)
    fill = np.full(len(e), 100, dtype=np.int64)
    displaced = np.where(ctx.cur_state()[e] == ABOLISHED, 100, 0).astype(np.int64)
    score = exact_score(ctx, num, den, preference, stay, performance, displaced)
    return Terms(num, den, preference, stay, performance, fill, displaced, rank, score)


def with_moves(
    ctx: Context,
    e: I64,
    kind: I64,
    moves: B,
    num: I64,
    den: I64,
    score: npt.NDArray[np.integer[Any]],
    others: Terms,
) -> Terms:
    """The terms of pairs (e, kind) that are unranked moves of the move space where ``moves``
    holds and the pairs of ``others`` elsewhere (in order). ``num``, ``den`` and ``score`` hold
    every pair's values where ``moves`` holds; elsewhere ``others``'s replace them.

    Performance, fill and displaced follow from the pair's employee and kind alone, so they are
    computed for every pair at once; the other terms are the moves' (an unranked move has no
    preference, stay or rank term) with those of ``others`` scattered in.
    """
    n = len(e)
    rest = np.flatnonzero(~moves)

    def merged(values: npt.NDArray[np.integer[Any]], second: I64) -> I64:
        out = values.astype(np.int64)  # always a copy: ``values`` may be the caller's
        out[rest] = second
        return out

    def others_only(second: I64) -> I64:
        out = np.zeros(n, dtype=np.int64)
        out[rest] = second
        return out

    return Terms(
        num=merged(num, others.num),
        den=merged(den, others.den),
        preference=others_only(others.preference),
        stay=others_only(others.stay),
        performance=np.where(kind == STAY, 0, ctx.perf_term[e]).astype(np.int64),
        fill=np.full(n, 100, dtype=np.int64),
        displaced=np.where(ctx.cur_state()[e] == ABOLISHED, 100, 0).astype(np.int64),
        rank=others_only(others.rank),
        score=merged(score, others.score),
    )


def exact_score(
    ctx: Context, num: I64, den: I64, preference: I64, stay: I64, performance: I64, displaced: I64
) -> I64:
    """The score from its terms (the fill term is always 100), exactly in integers."""
    pol = ctx.policy
    s = (
        pol.weight_milli("preference") * preference
        + pol.weight_milli("stay") * stay
        + pol.weight_milli("performance") * performance
        + pol.weight_milli("fill") * 100
        + pol.weight_milli("displaced") * displaced
    )
    return (10_000 * pol.weight_milli("jpm") * num + 100 * den * s + 500 * den) // (1000 * den)


def jpm_text(num: I64, den: I64) -> npt.NDArray[np.object_]:
    """JPM = 100·N/D with two decimals, rounded half up, exactly (an object array of ``str``)."""
    hundredths = (20_000 * num + den) // (2 * den)
    # Spelled once per distinct value (at most 10,001 of them, however many pairs), then
    # picked for every pair by one gather.
    distinct, inverse = np.unique(hundredths, return_inverse=True)
    text = np.array([f"{h // 100}.{h % 100:02d}" for h in distinct.tolist()], dtype=object)
    out: npt.NDArray[np.object_] = text[inverse.ravel()]
    return out
