"""Every key figure of a plan, in one place, for the summary, the reports and comparisons.

JPM before and after, categories and bins, moves between units, training needs, stripped units
and the rows of a comparison of runs.

The CLI summary, the HTML report, the figures for a screen and the comparison of runs all read
their numbers here, so one plan never shows two different values of the same figure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from placement.engine import Solution
from placement.i18n import t
from placement.model.rules import I64, Context, index_of, jpm_at_least

#: JPM selection categories: Memenuhi Syarat ≥ 80, Masih Memenuhi Syarat 68–<80, Kurang < 68.
CATEGORIES: tuple[str, ...] = ("MS", "MMS", "KMS")

#: Rows of the key-figure table of a run (:func:`run_kpis`), in order.
KPI_ROWS: tuple[str, ...] = (
    "objective", "status", "moves", "new_placements", "unplaced", "vacancies_filled",
    "mean_jpm_before", "mean_jpm_after", "MS_after", "MMS_after", "KMS_after",
    "preferences_met", "units_stripped", "training_items",
)  # fmt: skip


#: The catalog key of each row's label: literal, so that the catalogs' completeness test sees them.
KPI_LABELS: dict[str, str] = {
    "objective": "report.kpi.objective",
    "status": "report.kpi.status",
    "moves": "report.kpi.moves",
    "new_placements": "report.kpi.new_placements",
    "unplaced": "report.kpi.unplaced",
    "vacancies_filled": "report.kpi.vacancies_filled",
    "mean_jpm_before": "report.kpi.mean_jpm_before",
    "mean_jpm_after": "report.kpi.mean_jpm_after",
    "MS_after": "report.kpi.ms_after",
    "MMS_after": "report.kpi.mms_after",
    "KMS_after": "report.kpi.kms_after",
    "preferences_met": "report.kpi.preferences_met",
    "units_stripped": "report.kpi.units_stripped",
    "training_items": "report.kpi.training_items",
    "expected_skp_effect": "report.kpi.expected_skp_effect",
    "pareto": "report.kpi.pareto",
    "error": "report.kpi.error",
    "point": "report.kpi.point",
    "label": "report.kpi.label",
}


def kpi_label(row: str) -> str:
    """The label of a key figure (a row of :data:`KPI_ROWS`, or a column of a table of runs) in
    the current locale; a name without a label (a policy key) is shown as it is."""
    key = KPI_LABELS.get(row)
    return row if key is None else t(key)


@dataclass(frozen=True, eq=False)
class PlanJpm:
    """JPM = 100·N/D of everyone holding a position before a plan and of everyone it places.

    ``before_e`` are the employees holding a position, with ``before_num``/``before_den`` their
    JPM there; ``after_e`` the employees the plan places, with their JPM in the planned position.
    """

    before_e: I64
    before_num: I64
    before_den: I64
    after_e: I64
    after_num: I64
    after_den: I64


def plan_jpm(ctx: Context, plan: pd.DataFrame) -> PlanJpm:
    """The exact JPM parts before and after ``plan`` (see :class:`PlanJpm`)."""
    before_e = np.flatnonzero(ctx.cur >= 0).astype(np.int64)
    nb, db = ctx.jpm_parts(before_e, ctx.cur[before_e].astype(np.int64))
    to = index_of(pd.Index(ctx.position_id), plan["to_position"])
    after_e = np.flatnonzero(to >= 0).astype(np.int64)
    na, da = ctx.jpm_parts(after_e, to[after_e].astype(np.int64))
    return PlanJpm(before_e, nb, db, after_e, na, da)


def jpm_categories(num: I64, den: I64) -> dict[str, int]:
    """How many of the JPMs 100·N/D fall in each category (exact comparisons)."""
    ms = jpm_at_least(num, den, 80_000)
    mms = ~ms & jpm_at_least(num, den, 68_000)
    return {"MS": int(ms.sum()), "MMS": int(mms.sum()), "KMS": int((~ms & ~mms).sum())}


def jpm_bins(num: I64, den: I64) -> list[int]:
    """Counts of JPM = 100·N/D in the ten bins 0–<10, …, 80–<90, 90–100 (exact)."""
    tenth = np.minimum((10 * num) // den, 9)
    return [int(c) for c in np.bincount(tenth.astype(np.int64), minlength=10)[:10]]


def mean_jpm(num: I64, den: I64) -> float | None:
    """The mean JPM in percent, rounded to 2 decimals; ``None`` for nobody."""
    if not len(num):
        return None
    return round(float((100.0 * num / den).mean()), 2)


def move_matrix(plan: pd.DataFrame) -> pd.DataFrame:
    """Moves counted per (from_unit, to_unit): rows from, columns to, over every unit a move
    leaves or enters (sorted); new placements are not moves and are not counted."""
    moves = plan[plan["moved"]]
    units = sorted(set(moves["from_unit"]) | set(moves["to_unit"]))
    counts = pd.crosstab(moves["from_unit"], moves["to_unit"])
    return counts.reindex(index=units, columns=units, fill_value=0).astype(np.int64)


def training_needs(gaps: pd.DataFrame) -> pd.DataFrame:
    """gaps.csv per competency: people who need it, and their mean and total shortfall."""
    short = gaps["required"].astype(np.int64) - gaps["attained"].astype(np.int64)
    frame = gaps.assign(shortfall=short)
    grouped = frame.groupby("competency", sort=True)
    out = pd.DataFrame(
        {
            "people": grouped["nip"].nunique(),
            "mean_shortfall": grouped["shortfall"].mean(),
            "total_shortfall": grouped["shortfall"].sum(),
        }
    )
    return out.sort_values(["people"], ascending=False, kind="stable")


def units_stripped(plan: pd.DataFrame) -> int:
    """Units whose current holders more than half end outside the unit (moved or unplaced)."""
    held = plan[plan["from_unit"] != ""]
    if held.empty:
        return 0
    left = held["to_unit"] != held["from_unit"]
    per_unit = left.groupby(held["from_unit"]).agg(["sum", "size"])
    return int((2 * per_unit["sum"] > per_unit["size"]).sum())


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
    jpm = plan_jpm(ctx, plan)
    nb, db, na, da = jpm.before_num, jpm.before_den, jpm.after_num, jpm.after_den
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
        mean_jpm_before=mean_jpm(nb, db),
        mean_jpm_after=mean_jpm(na, da),
        categories_before=jpm_categories(nb, db),
        categories_after=jpm_categories(na, da),
        preferences_given=len(with_pref),
        preferences_met=int(met.sum()),
        people_needing_training=int(gaps["nip"].nunique()),
        training_items=len(gaps),
        top_training=[(str(k), int(v)) for k, v in top.head(5).items()],
    )


def run_kpis(solution: Solution) -> dict[str, Any]:
    """The row values of :data:`KPI_ROWS` for one run (``None`` where there is no plan)."""
    out: dict[str, Any] = dict.fromkeys(KPI_ROWS)
    out["objective"] = solution.objective
    out["status"] = solution.status
    if solution.plan is None:
        return out
    k = kpis(solution)
    out.update(
        moves=k.moves,
        new_placements=k.new_placements,
        unplaced=k.unplaced,
        vacancies_filled=k.vacancies_filled,
        mean_jpm_before=k.mean_jpm_before,
        mean_jpm_after=k.mean_jpm_after,
        MS_after=k.categories_after["MS"],
        MMS_after=k.categories_after["MMS"],
        KMS_after=k.categories_after["KMS"],
        preferences_met=k.preferences_met,
        units_stripped=units_stripped(solution.plan),
        training_items=k.training_items,
    )
    return out
