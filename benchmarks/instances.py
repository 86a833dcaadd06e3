"""Benchmark instances: generated cities, a national decomposition and public GAP instances.

Three kinds of instance, each identified by a stable name:

* ``city-<n>k-<policy>`` — one agency of ``n`` thousand employees from
  :func:`placement.synthetic.city.generate` (seed :data:`CITY_SEED`) under one of three policies:
  ``plain`` (the contract defaults without relation separation: a pure assignment, solvable by
  min-cost flow), ``default`` (the contract defaults: spouses are separated) and ``side`` (every
  side rule on, see :func:`policy_object`).
* ``national-<policy>`` — 100,000 employees as :data:`NATIONAL_AGENCIES` agencies of 2,000, each
  generated with its own seed. Moves happen only within an agency, so every agency is its own
  dataset and is solved on its own; the national result is the sum over agencies.
* ``national-500x2k`` — one million employees as :data:`MILLION_AGENCIES` agency folders of
  2,000 (:func:`write_national_folder`), each with its side-rule policy, for
  ``placement solve-many`` on a local pool or a Dask cluster (``benchmarks/distributed.py``).
* ``gap/<family>/<file>`` — a Generalized Assignment Problem in OR-Library format, converted to
  the neutral :class:`~solvers.model.AssignmentModel` by :func:`gap_model`.

The GAP data folder is found beside the repository (``<repo>/../shared/data/gap``), or where the
environment variable :data:`GAP_DATA_ENV` points.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.policy import Policy, load_policy
from placement.contract.readers import dataset_from_tables
from placement.synthetic.city import DEFAULT_REFERENCE_DATE, generate, write_csv
from solvers.model import AssignmentModel, SideConstraint

IntArray = npt.NDArray[np.int64]
Sense = Literal["min", "max"]

#: Environment variable naming the GAP data folder (the one holding ``optima.csv``).
GAP_DATA_ENV = "PENEMPATAN_GAP_DATA"
#: GAP families (sub-folders of the data folder) in the order of the literature.
GAP_FAMILIES: tuple[str, ...] = ("cattrysse1994", "chu1997", "yagiura2004")
#: OR-Library states the cattrysse1994 problems (gap1…gap12) as maximisation problems.
MAX_FAMILIES: frozenset[str] = frozenset({"cattrysse1994"})

CITY_SEED = 2026
CITY_SIZES: tuple[int, ...] = (1_000, 5_000, 20_000)
CITY_POLICIES: tuple[str, ...] = ("plain", "default", "side")
NATIONAL_AGENCIES = 50
NATIONAL_AGENCY_SIZE = 2_000
NATIONAL_SEED = 7_000
#: Agencies of the one-million-employee national instance.
MILLION_AGENCIES = 500
REFERENCE_DATE = DEFAULT_REFERENCE_DATE.isoformat()


@dataclass(frozen=True)
class SideSettings:
    """Side-rule values of one city size."""

    max_moves: int
    max_unit_outflow: float
    pins: int
    #: forced rotation applies beyond this tenure. With the contract's 60 months the generated
    #: cities are infeasible: some overdue employees can move only into full posts whose
    #: holders cannot move. These values force a few dozen to a few hundred rotations.
    max_tenure_months: int


#: Measured with :data:`CITY_SEED`: the defaults move 153, 927 and 5,511 employees at 1k, 5k
#: and 20k, so these move budgets bind, while they leave room for the forced rotations.
SIDE_SETTINGS: dict[int, SideSettings] = {
    1_000: SideSettings(60, 0.2, 3, 135),
    5_000: SideSettings(400, 0.2, 6, 130),
    20_000: SideSettings(2_500, 0.2, 12, 130),
}


def repo_root() -> Path:
    """The repository's root folder."""
    return Path(__file__).resolve().parents[1]


def gap_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The GAP data folder: ``override``, else ``$PENEMPATAN_GAP_DATA``, else beside the repo."""
    if override is not None:
        return Path(override)
    env = os.environ.get(GAP_DATA_ENV)
    if env:
        return Path(env)
    return repo_root().parent / "shared" / "data" / "gap"


# ---------------------------------------------------------------------------------------------
# GAP
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Gap:
    """One GAP instance: ``m`` agents, ``n`` jobs; ``cost`` and ``weight`` are ``m × n``."""

    name: str
    family: str
    cost: IntArray
    weight: IntArray
    capacity: IntArray

    @property
    def n_agents(self) -> int:
        """Number of agents (``m``)."""
        return int(self.cost.shape[0])

    @property
    def n_jobs(self) -> int:
        """Number of jobs (``n``)."""
        return int(self.cost.shape[1])

    def sense(self) -> Sense:
        """The optimisation sense of the family in the literature."""
        return "max" if self.family in MAX_FAMILIES else "min"


def read_gap(path: str | os.PathLike[str]) -> Gap:
    """Read an OR-Library GAP file: ``m n``, m×n costs, m×n weights, m capacities.

    Raises
    ------
    ValueError
        When the file holds the wrong count of numbers.
    """
    p = Path(path)
    numbers = np.array(p.read_text().split(), dtype=np.int64)
    if len(numbers) < 2:
        raise ValueError(f"{p}: not a GAP file")
    m, n = int(numbers[0]), int(numbers[1])
    expected = 2 + 2 * m * n + m
    if len(numbers) != expected:
        raise ValueError(f"{p}: {len(numbers)} numbers, expected {expected} for m={m}, n={n}")
    body = numbers[2:]
    return Gap(
        name=f"{p.parent.name}/{p.name}",
        family=p.parent.name,
        cost=body[: m * n].reshape(m, n),
        weight=body[m * n : 2 * m * n].reshape(m, n),
        capacity=body[2 * m * n :].copy(),
    )


def gap_model(gap: Gap, sense: Sense | None = None) -> AssignmentModel:
    """The GAP as a neutral assignment model (which maximises).

    Rows are jobs, each assigned exactly once (``row_must``); columns are agents with a column
    capacity that never binds; each agent's resource limit ``Σ_j w_ij x_ij ≤ b_i`` is one
    weighted side constraint. Pairs whose weight alone exceeds the agent's capacity are left
    out. The pair weight is the cost for maximisation and ``−cost`` for minimisation.
    """
    sense = sense or gap.sense()
    m, n = gap.n_agents, gap.n_jobs
    agent, job = np.divmod(np.arange(m * n, dtype=np.int64), n)
    fits = gap.weight.ravel() <= gap.capacity[agent]
    agent, job = agent[fits], job[fits]
    order = np.lexsort((agent, job))
    agent, job = agent[order], job[order]
    cost = gap.cost[agent, job]
    use = gap.weight[agent, job]
    side = []
    for i in range(m):
        pairs = np.flatnonzero(agent == i).astype(np.int64)
        side.append(
            SideConstraint(pairs=pairs, rhs=int(gap.capacity[i]), coef=use[pairs], name=f"agent{i}")
        )
    return AssignmentModel(
        n_rows=n,
        n_cols=m,
        pair_row=job,
        pair_col=agent,
        weight=cost if sense == "max" else -cost,
        row_must=np.ones(n, dtype=np.bool_),
        col_cap=np.full(m, n, dtype=np.int64),
        side=tuple(side),
    )


def gap_value(model_objective: int | None, sense: Sense) -> int | None:
    """A model objective (or bound) in the GAP's own terms (a cost when minimising)."""
    if model_objective is None:
        return None
    return model_objective if sense == "max" else -model_objective


@dataclass(frozen=True)
class GapOptimum:
    """Known values of a GAP instance in its own sense; ``optimum`` is None when not proven."""

    optimum: int | None
    best_bound: int | None
    best_known: int | None


@cache
def min_optima(data_dir: Path) -> dict[str, GapOptimum]:
    """Minimisation optima from ``optima.csv``, by instance name (``family/file``)."""
    out: dict[str, GapOptimum] = {}
    with (data_dir / "optima.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):

            def num(key: str, row: dict[str, str] = row) -> int | None:
                text = row[key].strip()
                return int(text) if text else None

            out[row["Path"]] = GapOptimum(
                num("Optimum"), num("Best known bound"), num("Best known solution value")
            )
    return out


@cache
def max_optima(data_dir: Path) -> dict[str, int]:
    """OR-Library maximisation optima of cattrysse1994 (gap1…gap12), by instance name."""
    out: dict[str, int] = {}
    text = (data_dir / "orlib_gapinfo_max_optima.txt").read_text()
    for line in text.splitlines():
        fields = line.split()
        if not fields or not re.fullmatch(r"gap\d+", fields[0]):
            continue
        for label, value in zip(fields[1::2], fields[2::2], strict=True):
            k = int(label.rsplit("-", 1)[1]) - 1
            out[f"cattrysse1994/{fields[0]}-{k}"] = int(value)
    return out


def known_optimum(data_dir: Path, name: str, sense: Sense) -> int | None:
    """The proven optimum of GAP ``name`` in ``sense``, or None when not known."""
    if sense == "max":
        return max_optima(data_dir).get(name)
    known = min_optima(data_dir).get(name)
    return None if known is None else known.optimum


def gap_files(data_dir: Path, families: tuple[str, ...] = GAP_FAMILIES) -> list[Path]:
    """Every GAP file of ``families``, in a natural order (gap2 before gap10)."""

    def key(p: Path) -> tuple[Any, ...]:
        return (
            families.index(p.parent.name),
            *(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)),
        )

    files = [p for f in families if (data_dir / f).is_dir() for p in (data_dir / f).iterdir()]
    return sorted((p for p in files if p.is_file()), key=key)


def quick_gap_files(data_dir: Path) -> list[Path]:
    """The quick subset: the first problem of each of gap1…gap12."""
    return [data_dir / "cattrysse1994" / f"gap{k}-0" for k in range(1, 13)]


# ---------------------------------------------------------------------------------------------
# Cities and the national decomposition
# ---------------------------------------------------------------------------------------------


@cache
def city_tables(n_employees: int, seed: int) -> dict[str, pd.DataFrame]:
    """The generated contract tables of one agency (cached: generation is deterministic)."""
    return generate(n_employees, seed)


def city_dataset(n_employees: int, seed: int = CITY_SEED) -> Dataset:
    """A validated generated agency of ``n_employees``."""
    return dataset_from_tables(dict(city_tables(n_employees, seed)))


def side_pins(tables: dict[str, pd.DataFrame], count: int) -> list[dict[str, str]]:
    """``count`` pins, each moving a PNS employee to a vacant open post of the same unit.

    A move within the unit leaves the unit's outflow and every relation's units unchanged, so
    pins stay compatible with the other side rules; each pin takes a different post.
    """
    pos = tables["positions"]
    emp = tables["employees"]
    holders = emp["position_id"][emp["position_id"] != ""].value_counts()
    cap = pos["capacity"].astype(int)
    held = pos["position_id"].map(holders).fillna(0).astype(int)
    vacant = pos[(pos["state"] == "open") & (held < cap) & ~pos["job_class"].str.startswith("JPT")]
    unit_of = dict(zip(pos["position_id"], pos["unit"], strict=True))
    free_by_unit: dict[str, list[str]] = {}
    for pid, unit in zip(vacant["position_id"], vacant["unit"], strict=True):
        free_by_unit.setdefault(unit, []).append(pid)
    movers = emp[(emp["status"] == "PNS") & (emp["position_id"] != "")]
    pins: list[dict[str, str]] = []
    used_units: set[str] = set()
    for nip, current in zip(movers["nip"], movers["position_id"], strict=True):
        unit = unit_of[current]
        free = [p for p in free_by_unit.get(unit, []) if p != current]
        if unit in used_units or not free:
            continue
        pins.append({"nip": nip, "position_id": free[0]})
        used_units.add(unit)
        if len(pins) == count:
            break
    return pins


def relation_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Number of relations of each kind in the generated tables."""
    kinds = tables["relations"]["kind"].value_counts()
    return {k: int(kinds.get(k, 0)) for k in ("spouse", "family", "other")}


def policy_object(
    n_employees: int, seed: int, kind: str, tables: dict[str, pd.DataFrame] | None = None
) -> dict[str, Any]:
    """The policy JSON object of ``kind`` (``plain``, ``default`` or ``side``) for an agency."""
    base: dict[str, Any] = {"reference_date": REFERENCE_DATE, "seed": 0}
    if kind == "plain":
        return base | {"separate_relations": []}
    if kind == "default":
        return base
    if kind != "side":
        raise ValueError(f"unknown policy kind {kind!r}; choose one of {CITY_POLICIES}")
    settings = SIDE_SETTINGS[n_employees]
    tables = tables if tables is not None else city_tables(n_employees, seed)
    return base | {
        "max_moves": settings.max_moves,
        "max_unit_outflow": settings.max_unit_outflow,
        "separate_relations": ["spouse", "family", "other"],
        "force_rotation": True,
        "max_tenure_months": settings.max_tenure_months,
        "pins": side_pins(tables, settings.pins),
    }


def city_problem(n_employees: int, kind: str, seed: int = CITY_SEED) -> tuple[Dataset, Policy]:
    """The dataset and policy of one city instance."""
    dataset = city_dataset(n_employees, seed)
    return dataset, load_policy(policy_object(n_employees, seed, kind), dataset)


def national_policy_object(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The side-rule policy of one national agency of 2,000: a move budget of 7 %, a unit
    outflow cap of 10 %, spouses and family separated, pins; no forced rotation (in about half of
    the generated agencies some overdue employee's only targets are full posts whose holders must
    stay, so forcing rotation would make them infeasible)."""
    n = len(tables["employees"])
    return {
        "reference_date": REFERENCE_DATE,
        "seed": 0,
        "max_moves": round(0.07 * n),
        "max_unit_outflow": 0.1,
        "separate_relations": ["spouse", "family"],
        "pins": side_pins(tables, max(3, n // 2000)),
    }


def write_national_folder(root: Path, agencies: int = MILLION_AGENCIES) -> list[Path]:
    """Write ``agencies`` agency folders of :data:`NATIONAL_AGENCY_SIZE` employees (CSV tables
    and policy.json, seeds from :data:`NATIONAL_SEED`) under ``root``; an agency folder that
    already has its policy.json is kept. Returns the folders in name order."""
    folders = []
    for k in range(agencies):
        folder = root / f"agency-{k:04d}"
        folders.append(folder)
        if (folder / "policy.json").is_file():
            continue
        tables = generate(NATIONAL_AGENCY_SIZE, NATIONAL_SEED + k)
        write_csv(tables, folder)
        policy = national_policy_object(tables)
        (folder / "policy.json").write_text(json.dumps(policy, indent=2) + "\n", encoding="utf-8")
    return folders


def national_seeds() -> list[int]:
    """The seeds of the national agencies, one per agency."""
    return [NATIONAL_SEED + k for k in range(NATIONAL_AGENCIES)]


# ---------------------------------------------------------------------------------------------
# Instance names
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A benchmark instance by name: ``kind`` is ``gap``, ``city`` or ``national``."""

    name: str
    suite: str
    kind: str
    path: str = ""
    n_employees: int = 0
    policy: str = ""

    @property
    def family(self) -> str:
        """The GAP family (the data sub-folder), ``""`` for other kinds."""
        return Path(self.path).parent.name if self.kind == "gap" else ""


def gap_instance(path: Path, suite: str = "gap") -> Instance:
    """The instance of one GAP file."""
    return Instance(name=f"{path.parent.name}/{path.name}", suite=suite, kind="gap", path=str(path))


def city_instance(n_employees: int, policy: str, suite: str = "city") -> Instance:
    """The instance of one generated agency under a policy kind."""
    return Instance(
        name=f"city-{n_employees // 1000}k-{policy}",
        suite=suite,
        kind="city",
        n_employees=n_employees,
        policy=policy,
    )


def national_instance(policy: str) -> Instance:
    """The national decomposition under a policy kind."""
    return Instance(
        name=f"national-{NATIONAL_AGENCIES}x{NATIONAL_AGENCY_SIZE // 1000}k-{policy}",
        suite="national",
        kind="national",
        n_employees=NATIONAL_AGENCIES * NATIONAL_AGENCY_SIZE,
        policy=policy,
    )


SUITES: tuple[str, ...] = ("quick", "gap", "city", "national", "all")


def suite_instances(suite: str, data_dir: Path) -> list[Instance]:
    """The instances of a named suite (``all`` = gap, city and national)."""
    if suite == "quick":
        return [gap_instance(p, "quick") for p in quick_gap_files(data_dir)] + [
            city_instance(1_000, k, "quick") for k in CITY_POLICIES
        ]
    if suite == "gap":
        return [gap_instance(p) for p in gap_files(data_dir)]
    if suite == "city":
        return [city_instance(n, k) for n in CITY_SIZES for k in CITY_POLICIES]
    if suite == "national":
        return [national_instance(k) for k in ("plain", "default")]
    if suite == "all":
        return [i for s in ("gap", "city", "national") for i in suite_instances(s, data_dir)]
    raise ValueError(f"unknown suite {suite!r}; choose one of {SUITES}")
