"""A second city generator, written apart from the project's own, whose structure is a parameter.

``python -m benchmarks.cities [--size 20000] [--cities sparse,dense,small-units,flat]``

:mod:`placement.synthetic.city` draws one kind of city; an engine tuned on it can be slow on
cities built differently. This generator shares no code with it and varies what changes the
problem's shape: relation density (spouse and family pairs, the G03 constraints), unit sizes
(how many positions a unit holds, hence how wide one G03 or G05 constraint is), competencies
per person and requirements per position (how many pairs pass the JPM floor), and the spread of
tenure (how many may move, how many are overdue). Every cell is contract text, seeded, so the
same arguments give the same tables.

The benchmark solves each named city under the side policy of real rotations (spouses and
families separated, ``max_moves`` 7.5 % of the employees, ``max_unit_outflow`` 0.1) and prints
the time, status, objective, bound and the number of side constraints, the phases (compile,
LP bound, exact search, check), the CPU seconds and the peak memory; with ``--repeats`` > 1 the
median time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import resource
import statistics
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.engine import solve

REFERENCE = dt.date(2026, 7, 1)
GRADES = (
    "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c",
)  # fmt: skip
EDUCATION = ("SMA", "D3", "S1", "S2")
FIELDS = ("Hukum", "Ekonomi", "Teknik", "Kesehatan", "Pendidikan", "Administrasi")
MANAGERIAL = tuple(f"M{i:02d}" for i in range(1, 9))


@dataclass(frozen=True)
class Structure:
    """What shapes a generated city.

    Attributes
    ----------
    unit_size
        Mean employees per unit; sizes are lognormal around it with spread ``unit_spread``.
    relations
        Related pairs (spouse or family) per employee, e.g. 0.3: 3,000 pairs among 10,000.
    same_unit
        Share of related pairs that already work in the same unit.
    technical
        Technical competencies (of their unit's family of four) a person holds, besides the
        eight managerial ones, most of which are assessed; a position requires 1 to this many
        of its family's.
    tenure_years
        Tenure in the current post is uniform on [0, tenure_years] years.
    vacancy
        Vacant seats per filled seat.
    """

    unit_size: float = 60.0
    unit_spread: float = 0.5
    relations: float = 0.05
    same_unit: float = 0.3
    technical: int = 3
    tenure_years: float = 8.0
    vacancy: float = 0.15


#: The named cities of the benchmark.
CITIES: dict[str, Structure] = {
    "sparse": Structure(),
    "dense": Structure(relations=0.45, same_unit=0.15),
    "small-units": Structure(unit_size=15.0, unit_spread=0.8, relations=0.2, technical=4),
    "flat": Structure(unit_size=400.0, unit_spread=0.2, tenure_years=20.0, technical=1),
}


def generate(n: int, structure: Structure, seed: int = 11) -> dict[str, pd.DataFrame]:
    """The contract tables of a city of ``n`` employees with the given structure."""
    rng = np.random.default_rng(seed)
    s = structure
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(max(3, round(rng.lognormal(np.log(s.unit_size), s.unit_spread))))
    sizes[-1] -= sum(sizes) - n  # stays ≥ 1: the sizes before the last summed to less than n
    unit_of_emp = np.repeat(np.arange(len(sizes)), sizes)[:n]
    units = [f"U{u:04d}" for u in range(len(sizes))]

    # Positions: each employee's own seat, plus vacancies; a few shared pelaksana posts.
    pos_unit: list[int] = []
    pos_class: list[str] = []
    pos_grade: list[tuple[str, str]] = []
    pos_eselon: list[str] = []
    for u, size in enumerate(sizes):
        seats = size + int(np.ceil(size * s.vacancy))
        for k in range(seats):
            pos_unit.append(u)
            if k == 0:
                pos_class.append("ADMINISTRATOR")
                pos_eselon.append("III.a")
                pos_grade.append(("", ""))
            elif k <= max(1, seats // 12):
                pos_class.append("PENGAWAS")
                pos_eselon.append("IV.a")
                pos_grade.append(("", ""))
            else:
                kind = rng.choice(
                    ["PELAKSANA", "JF_AHLI_PERTAMA", "JF_AHLI_MUDA"], p=[0.6, 0.25, 0.15]
                )
                pos_class.append(str(kind))
                pos_eselon.append("")
                low = {"PELAKSANA": 0, "JF_AHLI_PERTAMA": 4, "JF_AHLI_MUDA": 6}[str(kind)]
                pos_grade.append((GRADES[low], GRADES[min(low + 4, len(GRADES) - 1)]))
    m = len(pos_unit)
    pos_ids = [f"P{i:06d}" for i in range(m)]
    pos_unit_a = np.array(pos_unit)
    min_edu = rng.choice(["", "SMA", "D3", "S1"], size=m, p=[0.3, 0.3, 0.2, 0.2])
    fields = np.where(rng.random(m) < 0.3, rng.choice(FIELDS, size=m), "")

    # Employees sit in the first seats of their unit.
    first_seat = np.searchsorted(pos_unit_a, np.arange(len(sizes)))
    rank_in_unit = np.arange(n) - np.concatenate([[0], np.cumsum(sizes)[:-1]])[unit_of_emp]
    emp_pos = first_seat[unit_of_emp] + rank_in_unit
    ages = rng.integers(24, 57, size=n)
    birth = [
        dt.date(REFERENCE.year - int(a), int(mo), int(d))
        for a, mo, d in zip(ages, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
    ]
    status = rng.choice(["PNS", "PPPK", "CPNS"], size=n, p=[0.9, 0.07, 0.03])
    grades = []
    for i in range(n):
        p = emp_pos[i]
        eselon = pos_eselon[p]
        if status[i] == "PPPK":
            grades.append("")
        elif eselon == "III.a":
            grades.append(str(rng.choice(["IV/a", "IV/b"])))
        elif eselon == "IV.a":
            grades.append(str(rng.choice(["III/c", "III/d"])))
        else:
            low, high = pos_grade[p]
            lo, hi = GRADES.index(low), GRADES.index(high)
            grades.append(GRADES[int(rng.integers(lo, hi + 1))])
    education = rng.choice(EDUCATION, size=n, p=[0.2, 0.2, 0.45, 0.15])
    field = rng.choice(FIELDS, size=n)
    tenure_days = (rng.random(n) * s.tenure_years * 365.25).astype(int)
    since = [(REFERENCE - dt.timedelta(days=int(d))).isoformat() for d in tenure_days]
    # NIP: birth date, TMT year and month, gender digit, serial; (TMT, serial) unique per index.
    nips = [
        f"{b.strftime('%Y%m%d')}{2000 + (i // 1000) % 25:04d}{1 + (i // 25_000) % 12:02d}"
        f"{1 + (i % 2)}{i % 1000:03d}"
        for i, b in enumerate(birth)
    ]
    order = np.argsort(nips)
    employees = pd.DataFrame(
        {
            "nip": nips,
            "status": status,
            "grade": grades,
            "education": education,
            "education_field": field,
            "birth_date": [b.isoformat() for b in birth],
            "position_id": [pos_ids[p] for p in emp_pos],
            "position_since": since,
            "performance": rng.choice(
                ["SB", "B", "BP", "K", ""], size=n, p=[0.2, 0.55, 0.15, 0.05, 0.05]
            ),
            "discipline": np.where(rng.random(n) < 0.01, "true", "false"),
            "on_leave": np.where(rng.random(n) < 0.01, "true", "false"),
        }
    ).iloc[order]
    # Education and field of the incumbent meet their post (data of a working city).
    emp_fields = employees["position_id"].map(dict(zip(pos_ids, fields, strict=True)))
    employees.loc[emp_fields != "", "education_field"] = emp_fields[emp_fields != ""]
    emp_min = employees["position_id"].map(dict(zip(pos_ids, min_edu, strict=True)))
    employees.loc[emp_min == "S1", "education"] = "S1"
    employees.loc[(emp_min == "D3") & employees["education"].isin(["SMA"]), "education"] = "D3"

    positions = pd.DataFrame(
        {
            "position_id": pos_ids,
            "unit": [units[u] for u in pos_unit],
            "job_class": pos_class,
            "eselon": pos_eselon,
            "min_grade": [g[0] for g in pos_grade],
            "max_grade": [g[1] for g in pos_grade],
            "min_education": min_edu,
            "education_fields": fields,
            "capacity": np.where(
                np.array(pos_class) == "PELAKSANA", rng.choice([1, 1, 1, 2], size=m), 1
            ).astype(str),
            "state": rng.choice(["open", "closed"], size=m, p=[0.97, 0.03]),
        }
    )
    # A shared pelaksana post holds its incumbent and more: its spare capacity is a vacancy.

    # Technical competencies come in families of about 150 posts (a unit, or a section of a
    # large one, and its like elsewhere): a person holds codes of their post's family, a post
    # requires codes of its own, so most moves across families fail the JPM floor, as moves
    # between unrelated professions do.
    n_families = max(4, m // 150)
    family_codes = [[f"T{f:03d}{k}" for k in range(4)] for f in range(n_families)]
    seat = np.arange(m) - first_seat[pos_unit_a]
    pos_family = (
        rng.integers(0, n_families, size=len(sizes))[pos_unit_a] + seat // 50
    ) % n_families
    emp_seat = employees["position_id"].map(dict(zip(pos_ids, range(m), strict=True)))
    comp_rows: list[tuple[str, str, str]] = []
    for nip, p in zip(employees["nip"].tolist(), emp_seat.tolist(), strict=True):
        held = [c for c in MANAGERIAL if rng.random() < 0.8]
        own = family_codes[pos_family[p]]
        held += list(rng.choice(own, size=min(s.technical, len(own)), replace=False))
        comp_rows += [(nip, c, str(int(rng.integers(2, 6)))) for c in held]
    competencies = pd.DataFrame(comp_rows, columns=["nip", "competency", "level"])
    req_rows: list[tuple[str, str, str, str]] = []
    for pid, f in zip(pos_ids, pos_family.tolist(), strict=True):
        need = list(rng.choice(MANAGERIAL, size=3, replace=False))
        own = family_codes[f]
        count = int(rng.integers(1, min(s.technical, len(own)) + 1))
        need += list(rng.choice(own, size=count, replace=False))
        req_rows += [
            (
                pid,
                c,
                str(int(rng.integers(2, 4 if c[0] == "M" else 5))),
                str(int(rng.integers(1, 4))),
            )
            for c in need
        ]
    requirements = pd.DataFrame(req_rows, columns=["position_id", "competency", "level", "weight"])

    pref_rows: list[tuple[str, str, str]] = []
    for nip in employees["nip"].tolist():
        if rng.random() < 0.3:
            for rank, target in enumerate(rng.choice(pos_ids, size=2, replace=False), 1):
                pref_rows.append((nip, str(target), str(rank)))
    preferences = pd.DataFrame(pref_rows, columns=["nip", "target", "rank"])

    n_pairs = int(s.relations * n)
    emp_nip = np.array(nips)
    a = rng.integers(0, n, size=n_pairs)
    same = rng.random(n_pairs) < s.same_unit
    # A pair in the same unit: a colleague a few seats away; otherwise anyone.
    near = np.clip(a + rng.integers(1, 4, size=n_pairs), 0, n - 1)
    b = np.where(same, near, rng.integers(0, n, size=n_pairs))
    keep = a != b
    first, second = emp_nip[a[keep]], emp_nip[b[keep]]
    lo = np.where(first < second, first, second)
    hi = np.where(first < second, second, first)
    kinds = rng.choice(["spouse", "family", "other"], size=int(keep.sum()), p=[0.4, 0.45, 0.15])
    relations = pd.DataFrame({"nip_a": lo, "nip_b": hi, "kind": kinds}).drop_duplicates(
        ["nip_a", "nip_b"]
    )
    return {
        "employees": employees.reset_index(drop=True),
        "positions": positions,
        "competencies": competencies,
        "requirements": requirements,
        "preferences": preferences,
        "relations": relations.reset_index(drop=True),
    }


def side_policy(dataset: Dataset) -> Policy:
    """Real rotations: relatives apart, a move budget, a cap on each unit's outflow."""
    n = dataset.n_employees
    return load_policy(
        {
            "reference_date": REFERENCE.isoformat(),
            "separate_relations": ["spouse", "family"],
            "max_moves": round(0.075 * n),
            "max_unit_outflow": 0.1,
            "seed": 0,
        },
        dataset,
    )


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children: on a shared, loaded machine a
    fairer measure of the work than wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Phases(logging.Handler):
    """Times the solver's own log lines mark: the LP bound proved, a flow branch-and-bound
    done, so that a solve splits into its bound and exact-search phases."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.marks: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text.startswith("lp bound: bound"):
            self.marks["bound"] = time.perf_counter()
        elif text.startswith("flow branch-and-bound"):
            self.marks["bb"] = time.perf_counter()


def main(argv: list[str] | None = None) -> None:
    """Generate each named city and solve it under the side policy."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--cities", default=",".join(CITIES))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args(argv)
    phases = _Phases()
    solver_log = logging.getLogger("solvers")
    solver_log.addHandler(phases)
    solver_log.setLevel(logging.DEBUG)
    for name in args.cities.split(","):
        tables = generate(args.size, CITIES[name])
        dataset = dataset_from_tables({k: v.astype(str) for k, v in tables.items()})
        policy = replace(side_policy(dataset), time_limit_s=args.time_limit)
        times, splits = [], []
        for _ in range(args.repeats):
            phases.marks.clear()
            started, cpu_started = time.perf_counter(), _cpu_s()
            sol = solve(dataset, policy)
            times.append(time.perf_counter() - started)
            cpu = _cpu_s() - cpu_started
            solve_start = started + sol.timings["compile_s"]
            solve_end = solve_start + sol.timings["build_s"] + sol.timings["solve_s"]
            bound_at = phases.marks.get("bound", phases.marks.get("bb", solve_start))
            splits.append(
                {
                    "compile": sol.timings["compile_s"],
                    "bound": round(bound_at - solve_start, 1),
                    "exact": round(solve_end - bound_at, 1),
                    "check": sol.timings["check_s"],
                    "cpu": round(cpu, 1),
                }
            )
        model = sol.summary.get("model", {})
        median = statistics.median(times)
        split = splits[times.index(sorted(times)[len(times) // 2])]
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(
            f"{name}-{args.size}: {median:7.2f}s {sol.status} "
            f"obj {sol.objective} bound {sol.bound} side constraints "
            f"{model.get('side_constraints')} pairs {model.get('pairs')} relations "
            f"{len(dataset.relations)} solver {sol.summary['solver']} phases {split} "
            f"peak {peak_gb:.2f} GB | {sol.summary.get('message', '')[:200]} "
            f"| load {os.getloadavg()[0]:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
