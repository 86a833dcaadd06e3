"""The policy: the planner's rule settings and objective weights (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Objective terms in the order of CONTRACT §4.
TERMS: tuple[str, ...] = ("jpm", "preference", "stay", "performance", "fill", "displaced")

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "jpm": Decimal("1.0"),
    "preference": Decimal("0.3"),
    "stay": Decimal("0.2"),
    "performance": Decimal("0.1"),
    "fill": Decimal("1.0"),
    "displaced": Decimal("1.0"),
}

SOLVERS: tuple[str, ...] = ("auto", "flow", "cpsat", "highs", "cbc")


@dataclass(frozen=True)
class Policy:
    """A validated policy with every default filled in and the reference date resolved.

    ``weights`` are exact decimals with at most 3 places; ``weight_milli`` gives them scaled
    by 1000 as integers, which is what scoring uses.
    """

    reference_date: dt.date
    min_tenure_months: int = 24
    max_tenure_months: int = 60
    retirement_buffer_months: int = 24
    jpm_floor: Decimal = Decimal(68)
    allow_pppk_moves: bool = False
    allow_jpt: bool = False
    separate_relations: tuple[str, ...] = ("spouse",)
    max_moves: int | None = None
    max_unit_outflow: Decimal | None = None
    force_rotation: bool = False
    weights: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    pins: tuple[tuple[str, str], ...] = ()
    forbid: tuple[tuple[str, str], ...] = ()
    time_limit_s: float | None = None
    seed: int | None = None
    solver: str | None = None

    def weight_milli(self, term: str) -> int:
        """Weight of ``term`` times 1000, exactly, as an integer."""
        return int(self.weights[term] * 1000)

    def to_dict(self) -> dict[str, Any]:
        """The resolved policy as JSON-ready data, in the key order of CONTRACT §2.

        Decimals that are whole numbers are written as integers, others as floats
        (they have at most 3 decimal places, so the float prints exactly as given).
        """

        def num(d: Decimal) -> int | float:
            return int(d) if d == d.to_integral_value() else float(d)

        return {
            "reference_date": self.reference_date.isoformat(),
            "min_tenure_months": self.min_tenure_months,
            "max_tenure_months": self.max_tenure_months,
            "retirement_buffer_months": self.retirement_buffer_months,
            "jpm_floor": num(self.jpm_floor),
            "allow_pppk_moves": self.allow_pppk_moves,
            "allow_jpt": self.allow_jpt,
            "separate_relations": list(self.separate_relations),
            "max_moves": self.max_moves,
            "max_unit_outflow": None if self.max_unit_outflow is None else num(self.max_unit_outflow),
            "force_rotation": self.force_rotation,
            "weights": {t: num(self.weights[t]) for t in TERMS},
            "pins": [{"nip": n, "position_id": p} for n, p in self.pins],
            "forbid": [{"nip": n, "position_id": p} for n, p in self.forbid],
            "time_limit_s": self.time_limit_s,
            "seed": self.seed,
            "solver": self.solver,
        }
