"""What-if scenarios: a base dataset and policy plus a list of changes, solved like any run.

A change is a JSON object with an ``op``:

- ``open`` ``close`` ``abolish`` — ``position_id``: set the position's state;
- ``capacity`` — ``position_id``, ``capacity``;
- ``add_employee`` — ``employee`` (a contract row of ``employees``), optional ``competencies``
  (rows ``{competency, level}``; ``nip`` may be left out);
- ``remove_employee`` — ``nip``: also drops the employee's competencies, preferences,
  relations, pins and forbids;
- ``pin`` ``unpin`` ``forbid`` ``unforbid`` — ``nip``, ``position_id`` (a pin replaces an earlier
  pin of the same employee);
- ``weights`` — ``weights``: merged key by key into the policy's weights;
- ``policy`` — ``key``, ``value``: any policy key.

The changes are applied to the contract (text) form of the tables and the result is validated
again by the loader, so a scenario's dataset is as trustworthy as a loaded one and has its own
sha256. Every problem is reported against the change that caused it: table ``changes``, the
1-based index of the change as row, and the change's field as column.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from placement.contract.dataset import Dataset
from placement.contract.policy import KEYS, POLICY, load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import Solution, solve
from placement.errors import DatasetError, Problem
from placement.i18n import t

#: Table name of every problem found in a list of changes.
CHANGES = "changes"

_STATES = {"open": "open", "close": "closed", "abolish": "abolished"}
#: Required fields of every operation.
OPS: dict[str, tuple[str, ...]] = {
    "open": ("position_id",),
    "close": ("position_id",),
    "abolish": ("position_id",),
    "capacity": ("position_id", "capacity"),
    "add_employee": ("employee",),
    "remove_employee": ("nip",),
    "pin": ("nip", "position_id"),
    "unpin": ("nip", "position_id"),
    "forbid": ("nip", "position_id"),
    "unforbid": ("nip", "position_id"),
    "weights": ("weights",),
    "policy": ("key", "value"),
}

#: Where a value came from: (1-based change index, field of that change).
_Origin = tuple[int, str]


@dataclass
class _Row:
    cells: dict[str, str]
    #: column → origin of a cell a change wrote; ``""`` for the whole row.
    origin: dict[str, _Origin] = field(default_factory=dict)

    def source(self, column: str | None) -> _Origin | None:
        if column is not None and column in self.origin:
            return self.origin[column]
        return self.origin.get("")


class _Scenario:
    """The mutable working copy the changes are applied to."""

    def __init__(self, dataset: Dataset, policy: Mapping[str, Any]) -> None:
        self.dataset = dataset
        self.rows = dataset.contract_rows()
        self.tables = {t: [_Row(dict(r)) for r in rows] for t, rows in self.rows.items()}
        self.policy: dict[str, Any] = copy.deepcopy(dict(policy))
        self.keys: dict[str, _Origin] = {}
        self.pairs: dict[str, list[tuple[dict[str, Any], _Origin | None]]] = {
            kind: [(dict(p) if isinstance(p, Mapping) else p, None) for p in _list(policy, kind)]
            for kind in ("pins", "forbid")
        }
        self.problems: list[Problem] = []

    def nips(self) -> set[str]:
        return {r.cells["nip"] for r in self.tables["employees"]}

    def position(self, pid: str) -> _Row | None:
        return next((r for r in self.tables["positions"] if r.cells["position_id"] == pid), None)

    def bad(self, index: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(CHANGES, index, column, message))

    def apply(self, index: int, change: Any) -> None:
        if not isinstance(change, Mapping):
            self.bad(index, None, t("analysis.scenario.not_object"))
            return
        op = change.get("op")
        if op not in OPS:
            self.bad(
                index, "op", t("analysis.scenario.unknown_op", op=repr(op), choices=", ".join(OPS))
            )
            return
        missing = [f for f in OPS[op] if change.get(f) is None]
        for name in missing:
            self.bad(index, name, t("analysis.scenario.needs", op=op, field=name))
        if missing:
            return
        nip = _text(change.get("nip"))
        pid = _text(change.get("position_id"))
        if "nip" in OPS[op] and nip not in self.nips():
            self.bad(index, "nip", t("analysis.scenario.unknown_employee", nip=nip))
            return
        row = self.position(pid) if "position_id" in OPS[op] else None
        if "position_id" in OPS[op] and row is None:
            self.bad(index, "position_id", t("analysis.scenario.unknown_position", position_id=pid))
            return
        if op in _STATES and row is not None:
            row.cells["state"] = _STATES[op]
            row.origin["state"] = (index, "op")
        elif op == "capacity" and row is not None:
            row.cells["capacity"] = _text(change["capacity"])
            row.origin["capacity"] = (index, "capacity")
        elif op == "add_employee":
            self._add_employee(index, change)
        elif op == "remove_employee":
            self._remove_employee(nip)
        elif op in ("pin", "forbid"):
            self._add_pair(index, "pins" if op == "pin" else "forbid", nip, pid)
        elif op in ("unpin", "unforbid"):
            self._drop_pair(index, "pins" if op == "unpin" else "forbid", nip, pid)
        elif op == "weights":
            self._weights(index, change["weights"])
        else:
            self._policy_key(index, change)

    def _add_employee(self, index: int, change: Mapping[str, Any]) -> None:
        employee = change["employee"]
        if not isinstance(employee, Mapping):
            self.bad(index, "employee", t("analysis.scenario.employee_not_object"))
            return
        cells = {str(k): _text(v) for k, v in employee.items()}
        nip = cells.get("nip", "")
        if not nip:
            self.bad(index, "employee.nip", t("analysis.scenario.employee_needs_nip"))
            return
        if nip in self.nips():
            self.bad(index, "employee.nip", t("analysis.scenario.employee_exists", nip=nip))
            return
        origin: dict[str, _Origin] = {c: (index, f"employee.{c}") for c in cells}
        origin[""] = (index, "employee")
        self.tables["employees"].append(_Row(cells, origin))
        competencies = change.get("competencies") or []
        if not isinstance(competencies, list):
            self.bad(index, "competencies", t("analysis.scenario.competencies_not_array"))
            return
        for row in competencies:
            if not isinstance(row, Mapping):
                self.bad(index, "competencies", t("analysis.scenario.competency_not_object"))
                continue
            comp = {str(k): _text(v) for k, v in row.items()}
            comp["nip"] = nip
            marks: dict[str, _Origin] = {c: (index, f"competencies.{c}") for c in comp}
            marks[""] = (index, "competencies")
            self.tables["competencies"].append(_Row(comp, marks))

    def _remove_employee(self, nip: str) -> None:
        refs = {
            "employees": ("nip",),
            "competencies": ("nip",),
            "preferences": ("nip",),
            "relations": ("nip_a", "nip_b"),
        }
        for table, columns in refs.items():
            self.tables[table] = [
                r for r in self.tables[table] if all(r.cells.get(c) != nip for c in columns)
            ]
        for kind, pairs in self.pairs.items():
            self.pairs[kind] = [(p, o) for p, o in pairs if _pair_nip(p) != nip]

    def _add_pair(self, index: int, kind: str, nip: str, pid: str) -> None:
        pairs = self.pairs[kind]
        if kind == "pins":
            pairs = [(p, o) for p, o in pairs if _pair_nip(p) != nip]
        elif any(_same(p, nip, pid) for p, _ in pairs):
            return
        pairs.append(({"nip": nip, "position_id": pid}, (index, "position_id")))
        self.pairs[kind] = pairs

    def _drop_pair(self, index: int, kind: str, nip: str, pid: str) -> None:
        kept = [(p, o) for p, o in self.pairs[kind] if not _same(p, nip, pid)]
        if len(kept) == len(self.pairs[kind]):
            message = (
                t("analysis.scenario.not_pinned", nip=nip, position_id=pid)
                if kind == "pins"
                else t("analysis.scenario.not_forbidden", nip=nip, position_id=pid)
            )
            self.bad(index, "position_id", message)
        self.pairs[kind] = kept

    def _weights(self, index: int, weights: Any) -> None:
        if not isinstance(weights, Mapping):
            self.bad(index, "weights", t("analysis.scenario.weights_not_object"))
            return
        merged = dict(self.policy.get("weights") or {})
        merged.update(weights)
        self.policy["weights"] = merged
        self.keys["weights"] = (index, "weights")

    def _policy_key(self, index: int, change: Mapping[str, Any]) -> None:
        key = change["key"]
        if key not in KEYS:
            self.bad(index, "key", t("analysis.scenario.unknown_policy_key", key=repr(key)))
            return
        value = copy.deepcopy(change["value"])
        if key in self.pairs:
            items = value if isinstance(value, list) else [value]
            self.pairs[key] = [(p, (index, "value")) for p in items]
        else:
            self.policy[key] = value
        self.keys[key] = (index, "value")

    def build(self) -> tuple[Dataset, dict[str, Any]]:
        if self.problems:
            raise DatasetError(self.problems)
        policy = dict(self.policy)
        for kind, pairs in self.pairs.items():
            if pairs or kind in policy:
                policy[kind] = [p for p, _ in pairs]
        tables = {t: [r.cells for r in rows] for t, rows in self.tables.items()}
        try:
            # Changes of the policy alone leave the input as it was, canonical hash included.
            dataset = self.dataset if tables == self.rows else dataset_from_tables(tables)
        except DatasetError as err:
            raise DatasetError([self._dataset_problem(p) for p in err.problems]) from None
        try:
            load_policy(policy, dataset)
        except DatasetError as err:
            raise DatasetError([self._policy_problem(p) for p in err.problems]) from None
        return dataset, policy

    def _dataset_problem(self, problem: Problem) -> Problem:
        rows = self.tables.get(problem.table, [])
        if problem.row is not None and 1 <= problem.row <= len(rows):
            origin = rows[problem.row - 1].source(problem.column)
            if origin is not None:
                return Problem(CHANGES, origin[0], origin[1], problem.message)
        return Problem(
            CHANGES, None, None, t("analysis.scenario.dataset_refused", problem=str(problem))
        )

    def _policy_problem(self, problem: Problem) -> Problem:
        origin: _Origin | None = None
        if problem.table == POLICY and problem.column in self.pairs and problem.row is not None:
            pairs = self.pairs[problem.column]
            if 1 <= problem.row <= len(pairs):
                origin = pairs[problem.row - 1][1]
        elif problem.table == POLICY and problem.column is not None:
            key, _, rest = problem.column.partition(".")
            origin = self.keys.get(key)
            if origin is not None and rest and key == "weights":
                origin = (origin[0], problem.column)
        if origin is None:
            return Problem(
                CHANGES, None, None, t("analysis.scenario.policy_refused", problem=str(problem))
            )
        return Problem(CHANGES, origin[0], origin[1], problem.message)


def _list(policy: Mapping[str, Any], key: str) -> list[Any]:
    value = policy.get(key)
    return list(value) if isinstance(value, list) else []


def _pair_nip(pair: Any) -> str | None:
    return _text(pair.get("nip")) if isinstance(pair, Mapping) else None


def _same(pair: Any, nip: str, pid: str) -> bool:
    return isinstance(pair, Mapping) and (
        _text(pair.get("nip")),
        _text(pair.get("position_id")),
    ) == (nip, pid)


def _text(value: Any) -> str:
    """A JSON cell as contract text (booleans ``true``/``false``, ``null`` empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def apply_changes(
    dataset: Dataset, policy: Mapping[str, Any], changes: Sequence[Any]
) -> tuple[Dataset, dict[str, Any]]:
    """Apply ``changes`` to a dataset and a policy object; neither argument is modified.

    Returns
    -------
    tuple[Dataset, dict]
        The new, fully validated dataset (with its own sha256) and the new policy object.

    Raises
    ------
    DatasetError
        Listing every problem with table ``changes``, the 1-based index of the change as row
        and the change's field as column: an unknown op, a missing field, an unknown employee
        or position, or a value the loader or the policy refuses.
    """
    if not isinstance(changes, Sequence) or isinstance(changes, str | bytes):
        raise DatasetError([Problem(CHANGES, None, None, t("analysis.scenario.not_array"))])
    work = _Scenario(dataset, policy)
    for index, change in enumerate(changes, start=1):
        work.apply(index, change)
    return work.build()


def placements(solution: Solution) -> dict[str, str]:
    """nip → position_id of a solution's plan (``""`` unplaced); empty without a plan."""
    if solution.plan is None:
        return {}
    return dict(zip(solution.plan["nip"], solution.plan["to_position"], strict=True))


def run_scenario(
    dataset: Dataset,
    policy: Mapping[str, Any],
    changes: Sequence[Any],
    *,
    base: Solution | None = None,
) -> Solution:
    """Apply ``changes`` (see :func:`apply_changes`) and solve the resulting scenario.

    With a ``base`` solution that has a plan, the scenario changes only what it must: among
    its optimal plans the one with the fewest employees placed differently from the base plan
    is returned (exactly; the objective is the scenario's optimum, see
    :func:`placement.engine.solve`'s ``fewest_changes``), and the summary's ``base`` records
    the base's objective and input hash and the number of ``changes`` from its plan.
    """
    new_dataset, new_policy = apply_changes(dataset, policy, changes)
    loaded = load_policy(new_policy, new_dataset)
    if base is None or base.plan is None:
        return solve(new_dataset, loaded)
    solution = solve(new_dataset, loaded, previous=placements(base), fewest_changes=True)
    tie_break = solution.summary.get("tie_break")
    described = {
        "input_sha256": base.summary.get("input_sha256"),
        "objective": base.objective,
        "changes": None if tie_break is None else tie_break["changes"],
    }
    return replace(solution, summary=solution.summary | {"base": described})
