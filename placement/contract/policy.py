"""The policy: the planner's rule settings and objective weights (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from placement.contract.dataset import Dataset
from placement.contract.enums import RELATION_KINDS
from placement.errors import DatasetError, Problem
from placement.i18n import t

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
    #: re-optimising against a previous plan: weight of the penalty per changed assignment
    #: (a term of 100 per change, like the score terms); 0 ignores the previous plan.
    disruption_weight: Decimal = Decimal(0)
    #: extension rule X01: no justified envy may remain for a placement the rules allow
    #: (see :mod:`placement.model.envy`); false keeps the contract's behaviour.
    no_justified_envy: bool = False

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
            "max_unit_outflow": None
            if self.max_unit_outflow is None
            else num(self.max_unit_outflow),
            "force_rotation": self.force_rotation,
            "weights": {t: num(self.weights[t]) for t in TERMS},
            "pins": [{"nip": n, "position_id": p} for n, p in self.pins],
            "forbid": [{"nip": n, "position_id": p} for n, p in self.forbid],
            "time_limit_s": self.time_limit_s,
            "seed": self.seed,
            "solver": self.solver,
            "disruption_weight": num(self.disruption_weight),
            "no_justified_envy": self.no_justified_envy,
        }


#: Table name of every policy problem.
POLICY = "policy"

#: Keys of a policy object (CONTRACT §2).
KEYS: tuple[str, ...] = (
    "reference_date", "min_tenure_months", "max_tenure_months", "retirement_buffer_months",
    "jpm_floor", "allow_pppk_moves", "allow_jpt", "separate_relations", "max_moves",
    "max_unit_outflow", "force_rotation", "weights", "pins", "forbid", "time_limit_s", "seed",
    "solver", "disruption_weight", "no_justified_envy",
)  # fmt: skip

_MAX_WEIGHT = Decimal(1000)
_MILLI = Decimal("0.001")


def load_policy(
    source: str | os.PathLike[str] | Mapping[str, Any] | None,
    dataset: Dataset,
    *,
    today: dt.date | None = None,
) -> Policy:
    """Load and validate a policy (CONTRACT §2) against the dataset it will be applied to.

    Parameters
    ----------
    source
        A JSON file, an already parsed JSON object, or ``None`` for every default. Numbers in a
        file are read exactly (decimals as :class:`~decimal.Decimal`); floats in a mapping are
        read as their shortest decimal form (``0.3`` is 0.3).
    dataset
        The validated dataset; pins and forbids must name its employees and positions.
    today
        The default ``reference_date``; ``datetime.date.today()`` when not given.

    Returns
    -------
    Policy
        With every default filled in and ``reference_date`` resolved.

    Raises
    ------
    DatasetError
        Listing every problem, all with table ``policy``: top-level problems have row ``None``
        and the key as column (``weights.<term>`` for a weight); a pin or forbid problem has the
        1-based index in ``pins`` or ``forbid`` as row and ``pins`` or ``forbid`` as column.
    """
    data = _policy_object(source)
    problems: list[Problem] = []
    reader = _PolicyReader(data, problems)
    for key in data:
        if key not in KEYS:
            problems.append(Problem(POLICY, None, str(key), t("input.policy.unknown_key")))
    default_date = today if today is not None else dt.date.today()
    pins = reader.pairs("pins")
    forbid = reader.pairs("forbid")
    _check_pairs(pins, forbid, dataset, problems)
    policy = Policy(
        reference_date=reader.date("reference_date", default_date),
        min_tenure_months=reader.count("min_tenure_months", 24),
        max_tenure_months=reader.count("max_tenure_months", 60),
        retirement_buffer_months=reader.count("retirement_buffer_months", 24),
        jpm_floor=reader.number("jpm_floor", Decimal(68), low=Decimal(0), high=Decimal(100)),
        allow_pppk_moves=reader.flag("allow_pppk_moves"),
        allow_jpt=reader.flag("allow_jpt"),
        separate_relations=reader.kinds("separate_relations"),
        max_moves=reader.optional_count("max_moves"),
        max_unit_outflow=reader.outflow("max_unit_outflow"),
        force_rotation=reader.flag("force_rotation"),
        weights=reader.weights("weights"),
        pins=tuple(p for _, p in pins),
        forbid=tuple(p for _, p in forbid),
        time_limit_s=reader.time_limit("time_limit_s"),
        seed=reader.optional_count("seed"),
        solver=reader.solver("solver"),
        disruption_weight=reader.number(
            "disruption_weight", Decimal(0), low=Decimal(0), high=_MAX_WEIGHT
        ),
        no_justified_envy=reader.flag("no_justified_envy"),
    )
    if policy.disruption_weight % _MILLI:
        problems.append(
            Problem(POLICY, None, "disruption_weight", t("input.policy.three_decimals"))
        )
    if problems:
        raise DatasetError(problems)
    return policy


def _policy_object(source: str | os.PathLike[str] | Mapping[str, Any] | None) -> Mapping[str, Any]:
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = json.loads(text, parse_float=Decimal)
    except OSError as exc:
        message = t("input.os_error", name=path.name, reason=exc.strerror or exc)
    except UnicodeDecodeError as exc:
        message = t("input.not_utf8", name=path.name, byte=str(exc.start))
    except json.JSONDecodeError as exc:
        message = t(
            "input.invalid_json",
            name=path.name,
            line=str(exc.lineno),
            column=str(exc.colno),
            detail=exc.msg,
        )
    except RecursionError:
        message = t("input.nested_too_deeply", name=path.name)
    else:
        if isinstance(data, dict):
            return data
        message = t("input.policy.not_object", name=path.name)
    raise DatasetError([Problem(POLICY, None, None, message)])


def _integer(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (not a boolean), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    number = _decimal(value)
    if number is not None and number == number.to_integral_value():
        return int(number)
    return None


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal when it is a number (not a boolean), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))  # the shortest decimal that reads back as this float
    elif isinstance(value, Decimal):
        number = value
    else:
        return None
    return number if number.is_finite() else None


def _identifier(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class _PolicyReader:
    """Reads the keys of one policy object, noting a problem for every bad value."""

    def __init__(self, data: Mapping[str, Any], problems: list[Problem]) -> None:
        self.data = data
        self.problems = problems

    def _bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(POLICY, None, key, message))

    def date(self, key: str, default: dt.date) -> dt.date:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self._bad(key, t("input.policy.not_date", value=repr(value)))
        return default

    def count(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        number = _integer(value)
        if number is None or number < 0:
            self._bad(key, t("input.policy.not_count", value=repr(value)))
            return default
        return number

    def optional_count(self, key: str) -> int | None:
        if self.data.get(key) is None:
            return None
        return self.count(key, 0)

    def number(self, key: str, default: Decimal, *, low: Decimal, high: Decimal) -> Decimal:
        value = self.data.get(key, default)
        number = _decimal(value)
        if number is None or not low <= number <= high:
            self._bad(
                key, t("input.policy.number_range", low=str(low), high=str(high), value=repr(value))
            )
            return default
        return number

    def outflow(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return None
        number = _decimal(value)
        if number is None or not Decimal(0) < number <= Decimal(1):
            self._bad(key, t("input.policy.not_fraction", value=repr(value)))
            return None
        return number

    def time_limit(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        number = _decimal(value)
        if number is None or number <= 0:
            self._bad(key, t("input.policy.not_seconds", value=repr(value)))
            return None
        return float(number)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self._bad(key, t("input.policy.not_flag", value=repr(value)))
            return False
        return value

    def solver(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        name = value.strip().lower() if isinstance(value, str) else None
        if name not in SOLVERS:
            self._bad(
                key, t("input.policy.unknown_solver", value=repr(value), choices=", ".join(SOLVERS))
            )
            return None
        return name

    def kinds(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, ["spouse"])
        if not isinstance(value, list):
            self._bad(key, t("input.policy.not_kinds", value=repr(value)))
            return ("spouse",)
        kinds = set()
        for item in value:
            kind = item.strip().lower() if isinstance(item, str) else None
            if kind not in RELATION_KINDS:
                expected = ", ".join(RELATION_KINDS)
                self._bad(key, t("input.policy.unknown_kind", value=repr(item), choices=expected))
            else:
                kinds.add(kind)
        return tuple(k for k in RELATION_KINDS if k in kinds)

    def weights(self, key: str) -> dict[str, Decimal]:
        weights = dict(DEFAULT_WEIGHTS)
        value = self.data.get(key, {})
        if not isinstance(value, Mapping):
            self._bad(key, t("input.policy.not_weights", value=repr(value)))
            return weights
        for term, given in value.items():
            column = f"{key}.{term}"
            if term not in TERMS:
                self._bad(column, t("input.policy.unknown_term", choices=", ".join(TERMS)))
                continue
            number = _decimal(given)
            if number is None or abs(number) > _MAX_WEIGHT or number != number.quantize(_MILLI):
                self._bad(
                    column,
                    t("input.policy.bad_weight", value=repr(given)),
                )
                continue
            weights[term] = number
        return weights

    def pairs(self, key: str) -> list[tuple[int, tuple[str, str]]]:
        """The ``{nip, position_id}`` entries of ``key`` with their 1-based index."""
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self._bad(key, t("input.policy.not_pairs", value=repr(value)))
            return []
        pairs = []
        for index, item in enumerate(value, start=1):
            nip = _identifier(item.get("nip")) if isinstance(item, Mapping) else None
            pid = _identifier(item.get("position_id")) if isinstance(item, Mapping) else None
            if nip is None or pid is None:
                message = t("input.policy.not_pair", value=repr(item))
                self.problems.append(Problem(POLICY, index, key, message))
                continue
            pairs.append((index, (nip, pid)))
        return pairs


def _check_pairs(
    pins: list[tuple[int, tuple[str, str]]],
    forbid: list[tuple[int, tuple[str, str]]],
    dataset: Dataset,
    problems: list[Problem],
) -> None:
    """Pins and forbids must name known people and positions and must not contradict."""
    nips = set(dataset.employees["nip"].tolist())
    states = dict(
        zip(
            dataset.positions["position_id"].tolist(),
            dataset.positions["state"].tolist(),
            strict=True,
        )
    )
    for key, pairs in (("pins", pins), ("forbid", forbid)):
        seen: dict[tuple[str, str], int] = {}
        for index, (nip, pid) in pairs:
            where = (POLICY, index, key)
            if nip not in nips:
                problems.append(Problem(*where, t("input.unknown_employee", value=repr(nip))))
            if pid not in states:
                problems.append(Problem(*where, t("input.unknown_position", value=repr(pid))))
            elif key == "pins" and states[pid] == "abolished":
                message = t("input.policy.pin_abolished", value=repr(pid))
                problems.append(Problem(*where, message))
            if (nip, pid) in seen:
                message = t("input.policy.duplicate_entry", first=str(seen[(nip, pid)]))
                problems.append(Problem(*where, message))
            seen.setdefault((nip, pid), index)
    first_pin: dict[str, tuple[int, str]] = {}
    for index, (nip, pid) in pins:
        earlier = first_pin.setdefault(nip, (index, pid))
        if earlier[1] != pid:
            message = t("input.policy.second_pin", nip=repr(nip), first=str(earlier[0]))
            problems.append(Problem(POLICY, index, "pins", message))
    pinned = {pair: index for index, pair in reversed(pins)}
    for index, pair in forbid:
        if pair in pinned:
            message = t(
                "input.policy.forbids_pin",
                pin=str(pinned[pair]),
                nip=pair[0],
                position_id=pair[1],
            )
            problems.append(Problem(POLICY, index, "forbid", message))
