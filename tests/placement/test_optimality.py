"""The engine's optimum equals a brute force over every plan, judged by the independent checker.

Random tiny instances (≤ 4 employees, ≤ 3 positions) exercise every rule and G constraint;
for each, every assignment of employees to positions (or none) is written as a plan and handed
to :func:`placement.check.check`. The best plan without violations is the true optimum, found
without any of the optimiser's code. Every exact back-end must reach it.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.check import check, expected_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.engine import solve
from tests.placement.builders import REFERENCE_DATE, make_dataset, make_nip

GRADES = ("II/d", "III/a", "III/b", "III/c", "III/d")
EDUCATION = ("SMA", "D3", "S1", "S2")
FIELDS = ("Pendidikan", "Keperawatan")
CLASSES = ("PELAKSANA", "JF_AHLI_PERTAMA", "PENGAWAS", "JPT_PRATAMA", "JF_AHLI_MADYA")
COMPETENCIES = ("M01", "T.X")


@st.composite
def instances(draw: st.DrawFn) -> tuple[Dataset, Policy]:
    n_pos = draw(st.integers(1, 3))
    n_emp = draw(st.integers(1, 4))
    positions = []
    for i in range(n_pos):
        job_class = draw(st.sampled_from(CLASSES))
        lo = draw(st.sampled_from(("", *GRADES)))
        hi = draw(st.sampled_from(("", *GRADES)))
        if lo and hi and GRADES.index(lo) > GRADES.index(hi):
            lo, hi = hi, lo
        positions.append(
            {
                "position_id": f"{draw(st.sampled_from(('A', 'B')))}-{i}",
                "job_class": job_class,
                "eselon": "IV.a" if job_class == "PENGAWAS" and draw(st.booleans()) else "",
                "min_grade": lo,
                "max_grade": hi,
                "min_education": draw(st.sampled_from(("", *EDUCATION))),
                "education_fields": draw(st.sampled_from(("", *FIELDS, ";".join(FIELDS)))),
                "capacity": draw(st.integers(1, 2)),
                "state": draw(st.sampled_from(("open", "open", "open", "closed", "abolished"))),
            }
        )
    pids = [p["position_id"] for p in positions]
    employees = []
    for i in range(n_emp):
        status = draw(st.sampled_from(("PNS", "PNS", "PNS", "PPPK", "CPNS")))
        birth = draw(st.sampled_from(("19700101", "19690815", "19851010", "19950505")))
        since = draw(
            st.sampled_from((None, "2018-01-01", "2021-07-01", "2024-08-01", "2025-06-01"))
        )
        employees.append(
            {
                "nip": make_nip(i, birth=birth),
                "status": status,
                "grade": "" if status == "PPPK" else draw(st.sampled_from(GRADES)),
                "education": draw(st.sampled_from(("", *EDUCATION))),
                "education_field": draw(st.sampled_from(("", *FIELDS))),
                "position_id": draw(st.sampled_from(("", *pids))),
                "position_since": since,
                "performance": draw(st.sampled_from(("", "SB", "B", "K"))),
                "discipline": draw(st.booleans()) and draw(st.booleans()),
                "on_leave": draw(st.booleans()) and draw(st.booleans()),
            }
        )
    nips = [e["nip"] for e in employees]
    competencies = {
        nip: {c: draw(st.integers(1, 5)) for c in COMPETENCIES if draw(st.booleans())}
        for nip in nips
    }
    requirements = {
        pid: {c: (draw(st.integers(1, 5)), draw(st.integers(1, 3))) for c in COMPETENCIES}
        for pid in pids
        if draw(st.booleans())
    }
    targets = [*pids, "A", "B"]
    preferences = {
        nip: {
            t: draw(st.integers(1, 5)) for t in draw(st.sets(st.sampled_from(targets), max_size=2))
        }
        for nip in nips
    }
    relations = []
    if n_emp >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(nips), min_size=2, max_size=2, unique=True))
        relations.append((a, b, draw(st.sampled_from(("spouse", "family")))))
    dataset = make_dataset(
        employees=employees,
        positions=positions,
        competencies=competencies,
        requirements=requirements,
        preferences=preferences,
        relations=relations,
    )
    policy: dict[str, Any] = {
        "reference_date": REFERENCE_DATE.isoformat(),
        "jpm_floor": draw(st.sampled_from((0, 60, 68, 80))),
        "force_rotation": draw(st.booleans()),
        "allow_pppk_moves": draw(st.booleans()),
        "allow_jpt": draw(st.booleans()),
        "weights": {
            "preference": draw(st.sampled_from((0, 0.3, 1.25))),
            "stay": draw(st.sampled_from((0.2, -0.5, 2))),
            "displaced": draw(st.sampled_from((1, 0))),
        },
    }
    if draw(st.booleans()):
        policy["max_moves"] = draw(st.integers(0, 2))
    if draw(st.booleans()):
        policy["max_unit_outflow"] = draw(st.sampled_from((0.5, 1)))
    open_pids = [p["position_id"] for p in positions if p["state"] != "abolished"]
    if open_pids and draw(st.booleans()):
        policy["pins"] = [
            {"nip": draw(st.sampled_from(nips)), "position_id": draw(st.sampled_from(open_pids))}
        ]
    if draw(st.booleans()):
        pair = {"nip": draw(st.sampled_from(nips)), "position_id": draw(st.sampled_from(pids))}
        if pair not in policy.get("pins", []):
            policy["forbid"] = [pair]
    return dataset, load_policy(policy, dataset)


def brute_force(dataset: Dataset, policy: Policy) -> int | None:
    """Best objective over every plan the checker accepts; None when no plan is feasible."""
    nips = dataset.employees["nip"].tolist()
    pids = ["", *dataset.positions["position_id"].tolist()]
    best: int | None = None
    for combo in itertools.product(pids, repeat=len(nips)):
        plan = expected_plan(dataset, policy, dict(zip(nips, combo, strict=True)))
        report = check(dataset, policy, plan)
        if report.ok and (best is None or report.objective > best):
            best = report.objective
    return best


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances())
def test_engine_optimum_equals_brute_force_over_checked_plans(
    instance: tuple[Dataset, Policy],
) -> None:
    dataset, policy = instance
    best = brute_force(dataset, policy)
    solution = solve(dataset, policy)
    if best is None:
        assert solution.status == "INFEASIBLE"
        return
    assert solution.status == "OPTIMAL"
    assert solution.objective == best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_exact_backend_agrees_with_auto(instance: tuple[Dataset, Policy]) -> None:
    dataset, policy = instance
    reference = solve(dataset, policy)
    for backend in ("highs", "cpsat", "cbc"):
        other = solve(dataset, dataclasses.replace(policy, solver=backend))
        assert other.status == reference.status, backend
        assert other.objective == reference.objective, backend
