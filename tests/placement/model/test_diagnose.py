"""Diagnosis of infeasible problems: each conflict is worked out by hand and re-verified here.

Minimality is checked independently of the diagnosis code: for every instance reported, the
problem with only that instance relaxed is solved again (through the engine or the compiled
model) and must be feasible.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import solvers
from placement.cli.diagnose import register, run
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.model.compile import compile_model
from placement.model.diagnose import Diagnosis, diagnose
from placement.model.rules import build_context
from tests.paths import EXAMPLE
from tests.placement.builders import make_dataset, make_nip, make_policy

pytestmark = pytest.mark.usefixtures("english")

GITA = "199207072016022007"
HENDRA = "197002152000031008"
MAYA = "197312122000032013"


def _example(**changes: Any) -> tuple[Dataset, Policy]:
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "rotation" / "policy.json", dataset)
    return dataset, dataclasses.replace(policy, **changes)


def _is_feasible(dataset: Dataset, policy: Policy) -> bool:
    return solve(dataset, policy).status != "INFEASIBLE"


def _model_feasible(model: solvers.AssignmentModel) -> bool:
    return solvers.solve(model, "auto").status != solvers.Status.INFEASIBLE


def _feasible_without(dataset: Dataset, policy: Policy, inst: dict[str, Any]) -> bool:
    """Whether the problem is feasible with only ``inst`` relaxed, solved from scratch."""
    rule = inst["rule"]
    if rule == "G01":
        pins = tuple(p for p in policy.pins if p != (inst["nip"], inst["position_id"]))
        return _is_feasible(dataset, dataclasses.replace(policy, pins=pins))
    if rule == "R11":
        forbid = tuple(f for f in policy.forbid if f != (inst["nip"], inst["position_id"]))
        return _is_feasible(dataset, dataclasses.replace(policy, forbid=forbid))
    if rule == "G02":
        pos = dataset.positions.copy()
        pos.loc[pos["position_id"] == inst["position_id"], "capacity"] = len(dataset.employees)
        return _is_feasible(dataclasses.replace(dataset, positions=pos), policy)
    if rule == "G04":
        return _is_feasible(dataset, dataclasses.replace(policy, max_moves=None))
    if rule == "G06":
        # Exactly max_tenure_months in post: no longer overdue, still past min_tenure_months.
        emp = dataset.employees.copy()
        ref = policy.reference_date
        since = ref.replace(year=ref.year - policy.max_tenure_months // 12)
        emp.loc[emp["nip"] == inst["nip"], "position_since"] = np.datetime64(since, "ns")
        return _is_feasible(dataclasses.replace(dataset, employees=emp), policy)
    ctx = build_context(dataset, policy)
    compiled = compile_model(ctx)
    model = compiled.model
    if rule == "G05":
        unit = int(np.flatnonzero(ctx.unit_names == inst["unit"])[0])
        side = tuple(s for s in model.side if s.name != f"G05:{unit}")
        assert len(side) == len(model.side) - 1
        return _model_feasible(dataclasses.replace(model, side=side))
    assert rule == "G07"
    e = int(np.flatnonzero(ctx.nip == inst["nip"])[0])
    row_must = model.row_must.copy()
    row_must[e] = False
    return _model_feasible(dataclasses.replace(model, row_must=row_must))


def _assert_minimal(dataset: Dataset, policy: Policy, diagnosis: Diagnosis) -> None:
    assert diagnosis.minimal
    assert not _is_feasible(dataset, policy)
    for inst in diagnosis.conflict:
        assert _feasible_without(dataset, policy, inst), inst


def test_two_pins_on_a_single_seat_post_name_both_pins_and_its_capacity() -> None:
    """e1 holds B-01 and e2 holds B-02; both are pinned to A-01, which has one seat.

    The two pins need two seats and A-01 has one: {G01 e1, G01 e2, G02 A-01}. Dropping
    either pin lets that employee stay; a second seat lets both in.
    """
    e1, e2 = make_nip(1), make_nip(2)
    dataset = make_dataset(
        employees=[
            {"nip": e1, "name": "Ani", "position_id": "B-01"},
            {"nip": e2, "name": "Bayu", "position_id": "B-02"},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}, {"position_id": "B-02"}],
    )
    policy = make_policy(pins=[(e1, "A-01"), (e2, "A-01")])
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    assert list(diagnosis.conflict) == [
        {"rule": "G01", "nip": e1, "position_id": "A-01"},
        {"rule": "G01", "nip": e2, "position_id": "A-01"},
        {"rule": "G02", "position_id": "A-01"},
    ]
    assert diagnosis.text == (
        f"Pins {e1} (Ani) → A-01 and {e2} (Bayu) → A-01 need 2 seats, but A-01 has capacity 1."
    )
    _assert_minimal(dataset, policy, diagnosis)


def test_rotation_with_two_moves_conflicts_with_the_pin_and_both_rotation_duties() -> None:
    """The example's rotation policy with max_moves 2.

    Gita's pin moves her DISDIK-02 → DINKES-03 (a move); Hendra (101 months) and Maya
    (93 months) are overdue and have allowed moves, so G06 makes each move: three moves
    against a budget of two. Without any one of the four (pin, G04, either G06 duty) two
    moves suffice, and no capacity or G07 duty is needed to force them.
    """
    dataset, policy = _example(max_moves=2)
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    assert list(diagnosis.conflict) == [
        {"rule": "G01", "nip": GITA, "position_id": "DINKES-03"},
        {"rule": "G04", "max_moves": 2},
        {"rule": "G06", "nip": HENDRA},
        {"rule": "G06", "nip": MAYA},
    ]
    assert "Gita Daulay" in diagnosis.text
    assert "at most 2 employees may move" in diagnosis.text
    _assert_minimal(dataset, policy, diagnosis)


def test_an_outflow_of_one_tenth_conflicts_with_the_pin_out_of_disdik() -> None:
    """The example's rotation policy with max_unit_outflow 0.1.

    DISDIK has 6 holders, so ⌊0.6⌋ = 0 may leave it; Gita's pin takes her from DISDIK-02 to
    DINKES-03. Maya's rotation can stay inside DISDIK (DISDIK-04), and Hendra's inside DINKES,
    so the conflict is just {G01 Gita, G05 DISDIK}.
    """
    dataset, policy = _example(max_unit_outflow=Decimal("0.1"))
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    assert list(diagnosis.conflict) == [
        {"rule": "G01", "nip": GITA, "position_id": "DINKES-03"},
        {"rule": "G05", "unit": "DISDIK", "limit": 0},
    ]
    assert "at most 0 of the 6 employees of DISDIK may leave it" in diagnosis.text
    _assert_minimal(dataset, policy, diagnosis)


def test_a_pin_to_the_current_post_of_an_overdue_employee_conflicts_with_rotation() -> None:
    """e1 has held A-01 since 2015 (past 60 months) and may move to A-02.

    Under force_rotation G06 makes e1 move, while the pin keeps e1 in A-01: {G01, G06}.
    """
    e1 = make_nip(1)
    dataset = make_dataset(
        employees=[{"nip": e1, "position_id": "A-01", "position_since": "2015-01-01"}],
        positions=[{"position_id": "A-01"}, {"position_id": "A-02"}],
    )
    policy = make_policy(force_rotation=True, pins=[(e1, "A-01")])
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    assert list(diagnosis.conflict) == [
        {"rule": "G01", "nip": e1, "position_id": "A-01"},
        {"rule": "G06", "nip": e1},
    ]
    _assert_minimal(dataset, policy, diagnosis)


def test_a_holder_forbidden_to_stay_with_nowhere_to_go_conflicts_with_the_post_guarantee() -> None:
    """e1 holds A-01 and is forbidden to stay; A-02 needs grade IV/a, e1 has III/a.

    e1 has no allowed placement at all, yet G07 says a holder ends in a post: {G07 e1, R11
    e1 → A-01}. Without the forbid e1 stays; without G07 e1 ends unplaced.
    """
    e1 = make_nip(1)
    dataset = make_dataset(
        employees=[{"nip": e1, "position_id": "A-01"}],
        positions=[{"position_id": "A-01"}, {"position_id": "A-02", "min_grade": "IV/a"}],
    )
    policy = make_policy(forbid=[(e1, "A-01")])
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    assert list(diagnosis.conflict) == [
        {"rule": "G07", "nip": e1},
        {"rule": "R11", "nip": e1, "position_id": "A-01"},
    ]
    assert "must keep a post" in diagnosis.text
    assert "forbidden to stay in A-01" in diagnosis.text
    _assert_minimal(dataset, policy, diagnosis)


def test_a_search_cut_short_returns_a_conflicting_superset_marked_not_minimal() -> None:
    """With no time for the search, every instance is kept: still a conflict, not minimal."""
    dataset, policy = _example(max_moves=2)
    diagnosis = diagnose(dataset, policy, time_limit_s=0)
    assert diagnosis is not None
    assert not diagnosis.minimal
    assert {"rule": "G04", "max_moves": 2} in diagnosis.conflict
    assert {"rule": "G06", "nip": HENDRA} in diagnosis.conflict
    assert "possibly not all needed" in diagnosis.text


def test_a_model_the_engine_already_compiled_gives_the_same_diagnosis() -> None:
    """Passing the engine's compiled model skips compiling again; the answer is the same."""
    dataset, policy = _example(max_unit_outflow=Decimal("0.1"))
    compiled = compile_model(build_context(dataset, policy))
    again = diagnose(dataset, policy, compiled=compiled)
    assert again is not None
    assert again == diagnose(dataset, policy)


def test_a_feasible_policy_has_no_diagnosis() -> None:
    """The example's own rotation policy has a plan (objective 285192)."""
    dataset, policy = _example()
    assert diagnose(dataset, policy) is None


def test_the_diagnosis_serialises_for_the_summary() -> None:
    """to_dict() gives the summary.json object: conflict list, text and the minimal flag."""
    dataset, policy = _example(max_unit_outflow=Decimal("0.1"))
    diagnosis = diagnose(dataset, policy)
    assert diagnosis is not None
    out = diagnosis.to_dict()
    assert set(out) == {"conflict", "text", "minimal"}
    assert json.loads(json.dumps(out)) == out


def _cli(tmp_path: Path, policy: dict[str, Any], *extra: str) -> argparse.Namespace:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["diagnose", str(EXAMPLE), "--policy", str(path), *extra])


def _rotation_policy(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLE / "rotation" / "policy.json").read_text())
    return data | changes


def test_the_command_prints_the_conflict_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """max_moves 2 on the rotation policy is infeasible: text on stdout, exit status 3."""
    assert run(_cli(tmp_path, _rotation_policy(max_moves=2))) == 3
    out = capsys.readouterr().out
    assert "G04  max_moves=2" in out
    assert "Gita Daulay" in out


def test_the_command_prints_json_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints the diagnosis object."""
    assert run(_cli(tmp_path, _rotation_policy(max_unit_outflow=0.1), "--json")) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["conflict"][1] == {"rule": "G05", "unit": "DISDIK", "limit": 0}


def test_the_command_exits_0_when_feasible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rotation policy as shipped has a plan."""
    assert run(_cli(tmp_path, _rotation_policy())) == 0
    assert "feasible" in capsys.readouterr().out
