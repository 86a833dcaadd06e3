"""Comparing two or more runs: a table of key figures and the per-person differences, with a
warning when the runs come from different inputs or policies (and which policy keys differ), and
the expected SKP effect of each plan's moves when its dataset has history."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from placement.engine import Solution
from placement.i18n import t
from placement.reports.kpis import KPI_ROWS, run_kpis
from placement.reports.text import text_table


@dataclass(frozen=True)
class PersonDiff:
    """One employee whose position differs between the first run and another."""

    nip: str
    positions: tuple[str | None, ...]
    scores: tuple[int | None, ...]


@dataclass(frozen=True)
class Comparison:
    """Key figures of every run and the people placed differently than in the first run.

    A position ``""`` means unplaced, ``None`` that the employee is not in that run's dataset
    or that the run has no plan (a run without a plan is left out of the differences).
    ``inputs`` is each run's input_sha256; ``policy_differences`` maps every policy key whose
    value is not the same in all runs (``weights.<term>`` for a weight) to its value per run;
    ``warnings`` says in words when the inputs or the policies differ, since the differences
    then mix what the changes did with what the other data or rules did.
    """

    names: tuple[str, ...]
    kpis: dict[str, tuple[Any, ...]]
    people: tuple[PersonDiff, ...]
    inputs: tuple[str | None, ...] = ()
    policy_differences: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    #: Per run, its forecast (``placement.analysis.forecast``) as a dict, ``None`` without one.
    expected_skp: tuple[dict[str, Any] | None, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``expected_skp`` only when some run has a forecast."""
        extra = (
            {"expected_skp": dict(zip(self.names, self.expected_skp, strict=True))}
            if any(f is not None for f in self.expected_skp)
            else {}
        )
        return {
            **extra,
            "runs": list(self.names),
            "warnings": list(self.warnings),
            "inputs": dict(zip(self.names, self.inputs, strict=True)),
            "policy_differences": {
                k: dict(zip(self.names, v, strict=True)) for k, v in self.policy_differences.items()
            },
            "kpis": {k: list(v) for k, v in self.kpis.items()},
            "people": [
                {
                    "nip": p.nip,
                    "positions": dict(zip(self.names, p.positions, strict=True)),
                    "scores": dict(zip(self.names, p.scores, strict=True)),
                }
                for p in self.people
            ],
        }

    def text(self) -> str:
        """A readable table of the key figures followed by the per-person differences."""
        lines = [t("analysis.compare.warning", warning=w) for w in self.warnings]
        if self.policy_differences:
            rows = [[k, *(_cell(v) for v in vals)] for k, vals in self.policy_differences.items()]
            lines += text_table([t("analysis.compare.policy"), *self.names], rows)
        if lines:
            lines.append("")
        head = ["", *self.names]
        rows = [[k, *(_cell(v) for v in vals)] for k, vals in self.kpis.items()]
        lines += text_table(head, rows)
        lines.append("")
        if not self.people:
            lines.append(t("analysis.compare.nobody"))
            return "\n".join(lines) + "\n"
        lines.append(t("analysis.compare.people", n=len(self.people), reference=self.names[0]))
        head = [
            "nip",
            *(t("analysis.compare.position", run=n) for n in self.names),
            *(t("analysis.compare.score", run=n) for n in self.names),
        ]
        rows = [
            [p.nip, *(_position(x) for x in p.positions), *(_cell(s) for s in p.scores)]
            for p in self.people
        ]
        lines += text_table(head, rows)
        return "\n".join(lines) + "\n"


def _position(value: str | None) -> str:
    if value is None:
        return t("analysis.compare.absent")
    return value or t("analysis.compare.unplaced")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _flat_policy(summary: dict[str, Any]) -> dict[str, Any] | None:
    """A run's recorded policy with one key per weight; ``None`` when none is recorded."""
    policy = summary.get("policy")
    if not isinstance(policy, dict):
        return None
    flat = {k: v for k, v in policy.items() if k != "weights"}
    for term, weight in (policy.get("weights") or {}).items():
        flat[f"weights.{term}"] = weight
    return flat


def _policy_differences(policies: list[dict[str, Any] | None]) -> dict[str, tuple[Any, ...]]:
    """Every key whose value is not the same in all runs that record a policy (sorted)."""
    known = [p for p in policies if p is not None]
    out: dict[str, tuple[Any, ...]] = {}
    for key in sorted(set().union(*known)) if known else []:
        seen = {json.dumps(p.get(key), sort_keys=True) for p in known}
        if len(seen) > 1:
            out[key] = tuple(None if p is None else p.get(key) for p in policies)
    return out


def _warnings(
    names: tuple[str, ...], inputs: tuple[str | None, ...], policies: dict[str, tuple[Any, ...]]
) -> tuple[str, ...]:
    out = []
    if len({i for i in inputs if i is not None}) > 1:
        shown = ", ".join(f"{n} {(i or '?')[:12]}…" for n, i in zip(names, inputs, strict=True))
        out.append(t("analysis.compare.different_inputs", inputs=shown))
    if policies:
        out.append(t("analysis.compare.different_policies", keys=", ".join(policies)))
    return tuple(out)


def _placements(plan: pd.DataFrame | None) -> dict[str, tuple[str, int]] | None:
    """nip → (position, score) of a plan; ``None`` without a plan."""
    if plan is None:
        return None
    cells = zip(plan["nip"], plan["to_position"], plan["score"], strict=True)
    return {str(n): (str(t), int(s)) for n, t, s in cells}


#: Key-figure rows added when some run has a forecast: the expected change in its movers' mean
#: SKP rating points without training, and with the training list delivered within a year.
EXPECTED_SKP_ROWS: tuple[str, ...] = ("expected_skp_effect", "expected_skp_effect_trained")


def _expected(forecast: Mapping[str, Any] | None, key: str) -> float | None:
    value = None if forecast is None else forecast.get(key)
    return None if value is None else round(float(value["estimate"]), 3)


def compare(
    runs: list[tuple[str, Solution]],
    expected_skp: Sequence[Mapping[str, Any] | None] | None = None,
) -> Comparison:
    """Compare named runs; the per-person differences are against the first run.

    ``expected_skp`` gives each run's forecast as a dict (or ``None``); when any is given, the
    key figures gain :data:`EXPECTED_SKP_ROWS`.

    Raises
    ------
    ValueError
        With fewer than two runs, or two runs of the same name.
    """
    names = tuple(name for name, _ in runs)
    if len(runs) < 2 or len(set(names)) != len(names):
        raise ValueError("compare needs at least two runs with distinct names")
    figures = [run_kpis(s) for _, s in runs]
    table = {k: tuple(f[k] for f in figures) for k in KPI_ROWS}
    forecasts = tuple(expected_skp) if expected_skp is not None else (None,) * len(runs)
    if len(forecasts) != len(runs):
        raise ValueError("one expected SKP effect (or None) per run")
    if any(f is not None for f in forecasts):
        for row, key in zip(EXPECTED_SKP_ROWS, ("without_training", "with_training"), strict=True):
            table[row] = tuple(_expected(f, key) for f in forecasts)
    # A run without a plan says nothing about anyone: it shows None and never makes a difference.
    placed = [_placements(solution.plan) for _, solution in runs]
    plans = [p for p in placed if p is not None]
    people = []
    for nip in sorted(set().union(*plans)):
        cells = [None if p is None else p.get(nip) for p in placed]
        seen = {
            None if c is None else c[0] for c, p in zip(cells, placed, strict=True) if p is not None
        }
        if len(seen) > 1:
            positions = tuple(None if c is None else c[0] for c in cells)
            scores = tuple(None if c is None else c[1] for c in cells)
            people.append(PersonDiff(nip, positions, scores))
    inputs = tuple(solution.summary.get("input_sha256") for _, solution in runs)
    policies = _policy_differences([_flat_policy(solution.summary) for _, solution in runs])
    return Comparison(
        names=names,
        kpis=table,
        people=tuple(people),
        inputs=inputs,
        policy_differences=policies,
        warnings=_warnings(names, inputs, policies),
        expected_skp=tuple(None if f is None else dict(f) for f in forecasts),
    )
