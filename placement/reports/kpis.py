"""Key figures of a solution, for the CLI's readable summary and for comparisons."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from placement.engine import Solution
from placement.model.rules import I64, Context, index_of, jpm_at_least

#: JPM selection categories: Memenuhi Syarat ≥ 80, Masih Memenuhi Syarat 68–<80, Kurang < 68.
CATEGORIES: tuple[str, ...] = ("MS", "MMS", "KMS")


def jpm_categories(num: I64, den: I64) -> dict[str, int]:
    """How many of the JPMs 100·N/D fall in each category (exact comparisons)."""
    ms = jpm_at_least(num, den, 80_000)
    mms = ~ms & jpm_at_least(num, den, 68_000)
    return {"MS": int(ms.sum()), "MMS": int(mms.sum()), "KMS": int((~ms & ~mms).sum())}


def _mean_jpm(num: I64, den: I64) -> float | None:
    if not len(num):
        return None
    return round(float((100.0 * num / den).mean()), 2)


@dataclass(frozen=True)
class Kpis:
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def kpis(solution: Solution) -> Kpis:
    """Compute the key figures of a solution that has a plan."""
    if solution.plan is None or solution.gaps is None or solution.compiled is None:
        raise ValueError("a solution without a plan has no key figures")
    ctx: Context = solution.compiled.ctx
    plan, gaps = solution.plan, solution.gaps
    before_e = np.flatnonzero(ctx.cur >= 0).astype(np.int64)
    nb, db = ctx.jpm_parts(before_e, ctx.cur[before_e])
    pos_index = pd.Index(ctx.position_id)
    to = index_of(pos_index, plan["to_position"])
    after_e = np.flatnonzero(to >= 0).astype(np.int64)
    na, da = ctx.jpm_parts(after_e, to[after_e])
    with_pref = set(ctx.dataset.preferences["nip"])
    met = plan["preference_rank"].notna()
    top = gaps["competency"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    s = solution.summary
    return Kpis(
        status=solution.status,
        objective=solution.objective,
        moves=int(s["moves"]),
        new_placements=int(s["new_placements"]),
        unplaced=int(s["unplaced"]),
        vacancies_filled=int(s["vacancies_filled"]),
        mean_jpm_before=_mean_jpm(nb, db),
        mean_jpm_after=_mean_jpm(na, da),
        categories_before=jpm_categories(nb, db),
        categories_after=jpm_categories(na, da),
        preferences_given=len(with_pref),
        preferences_met=int(met.sum()),
        people_needing_training=int(gaps["nip"].nunique()),
        training_items=len(gaps),
        top_training=[(str(k), int(v)) for k, v in top.head(5).items()],
    )
