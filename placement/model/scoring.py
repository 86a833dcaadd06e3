"""The published score (CONTRACT §4), in exact integer arithmetic, vectorised over pairs.

JPM is the rational 100·N/D and weights are decimals with at most three places, so with every
weight scaled by 1000 the score is

    score = ⌊(10⁴·W_jpm·N + 100·D·S + 500·D) / (1000·D)⌋,  S = Σ_{t≠jpm} W_t·term_t

which int64 holds comfortably (|W| ≤ 10⁶, D ≤ 10·5·#requirements). float64 would misround
exact halves.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

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


def move_terms(ctx: Context, e: I64, num: I64, den: I64, score: I64) -> Terms:
    """The terms of moves or new placements that no preference ranks, whose JPM parts and
    score are already known (the move space's memberships): the rest follows from ``e``."""
    n = len(e)
    return Terms(
        num=num,
        den=den,
        preference=np.zeros(n, dtype=np.int64),
        stay=np.zeros(n, dtype=np.int64),
        performance=ctx.perf_term[e].astype(np.int64),
        fill=np.full(n, 100, dtype=np.int64),
        displaced=np.where(ctx.cur_state()[e] == ABOLISHED, 100, 0).astype(np.int64),
        rank=np.zeros(n, dtype=np.int64),
        score=score,
    )


def merge_terms(where: B, first: Terms, second: Terms) -> Terms:
    """The terms of pairs taken from ``first`` where ``where`` holds and from ``second``
    elsewhere (each holds those pairs in order)."""
    # Scattered by index arrays, found once: many times faster than by the boolean mask.
    at, rest = np.flatnonzero(where), np.flatnonzero(~where)
    merged: dict[str, I64] = {}
    for f in fields(Terms):
        out = np.empty(len(where), dtype=np.int64)
        out[at] = getattr(first, f.name)
        out[rest] = getattr(second, f.name)
        merged[f.name] = out
    return Terms(**merged)


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


def jpm_text(num: I64, den: I64) -> list[str]:
    """JPM = 100·N/D with two decimals, rounded half up, exactly."""
    hundredths = (20_000 * num + den) // (2 * den)
    # Spelled once per distinct value (at most 10,001 of them, however many pairs).
    distinct, inverse = np.unique(hundredths, return_inverse=True)
    text = [f"{h // 100}.{h % 100:02d}" for h in distinct.tolist()]
    return [text[i] for i in inverse.ravel().tolist()]
