"""Comparing two or more runs: a table of key figures and the per-person differences, with a
warning when the runs come from different inputs or policies (and which policy keys differ)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from placement.engine import Solution
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
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
        lines = [f"warning: {w}" for w in self.warnings]
        if self.policy_differences:
            rows = [[k, *(_cell(v) for v in vals)] for k, vals in self.policy_differences.items()]
            lines += text_table(["policy", *self.names], rows)
        if lines:
            lines.append("")
        head = ["", *self.names]
        rows = [[k, *(_cell(v) for v in vals)] for k, vals in self.kpis.items()]
        lines += text_table(head, rows)
        lines.append("")
        if not self.people:
            lines.append("nobody is placed differently")
            return "\n".join(lines) + "\n"
        lines.append(f"{len(self.people)} employee(s) placed differently than in {self.names[0]}:")
        head = ["nip", *(f"{n} position" for n in self.names), *(f"{n} score" for n in self.names)]
        rows = [
            [p.nip, *(_position(x) for x in p.positions), *(_cell(s) for s in p.scores)]
            for p in self.people
        ]
        lines += text_table(head, rows)
        return "\n".join(lines) + "\n"


def _position(value: str | None) -> str:
    if value is None:
        return "(absent)"
    return value or "(unplaced)"


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
        out.append(f"the runs come from different inputs (input_sha256 {shown})")
    if policies:
        out.append(f"the runs were solved under different policies: {', '.join(policies)}")
    return tuple(out)


def _placements(plan: pd.DataFrame | None) -> dict[str, tuple[str, int]] | None:
    """nip → (position, score) of a plan; ``None`` without a plan."""
    if plan is None:
        return None
    cells = zip(plan["nip"], plan["to_position"], plan["score"], strict=True)
    return {str(n): (str(t), int(s)) for n, t, s in cells}


def compare(runs: list[tuple[str, Solution]]) -> Comparison:
    """Compare named runs; the per-person differences are against the first run.

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
    )
