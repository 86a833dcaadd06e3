"""The columns of the plan and gaps files (CONTRACT §5), the one place both the engine that
writes a plan and the checker that re-reads it take them from."""

from __future__ import annotations

#: Columns of plan.csv, in order.
PLAN_COLUMNS: tuple[str, ...] = (
    "nip",
    "from_position",
    "to_position",
    "from_unit",
    "to_unit",
    "moved",
    "score",
    "jpm",
    "preference_rank",
)

#: Columns of gaps.csv, in order.
GAP_COLUMNS: tuple[str, ...] = ("nip", "position_id", "competency", "required", "attained")
