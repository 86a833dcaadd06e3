"""Build normalised :class:`Dataset` and :class:`Policy` objects from compact Python specs.

Tests describe only what is special about a case; everything else gets a default::

    ds = make_dataset(
        employees=[{"nip": "e1", "position_id": "A-01"}],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
        competencies={"e1": {"M01": 2}},
        requirements={"B-01": {"M01": 3, "M04": (2, 3)}},   # level or (level, weight)
        preferences={"e1": {"B-01": 1}},
        relations=[("e1", "e2", "spouse")],
    )

The result is in the normalised form of :mod:`placement.contract.dataset` (sorted, typed, fresh
index); nothing is validated, so a test can build exactly the case it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from placement.contract.dataset import COLUMNS, Dataset
from placement.contract.policy import DEFAULT_WEIGHTS, Policy

#: Reference date of every built policy unless given.
REFERENCE_DATE = dt.date(2026, 7, 1)

EMPLOYEE_DEFAULTS: dict[str, Any] = {
    "name": "",
    "status": "PNS",
    "grade": "III/a",
    "education": "S1",
    "education_field": "",
    "birth_date": None,
    "gender": "",
    "position_id": "",
    "position_since": "2020-01-01",
    "performance": "",
    "potential": "",
    "discipline": False,
    "on_leave": False,
}

POSITION_DEFAULTS: dict[str, Any] = {
    "title": "",
    "job_class": "PELAKSANA",
    "eselon": "",
    "min_grade": "",
    "max_grade": "",
    "min_education": "",
    "education_fields": "",
    "capacity": 1,
    "state": "open",
}


def make_nip(seq: int, birth: str = "19900101", gender: int = 1) -> str:
    """A valid 18-digit NIP: birth date YYYYMMDD, TMT 201501, gender digit, 3-digit sequence."""
    return f"{birth}201501{gender}{seq:03d}"


def _nip_birth_date(nip: str) -> dt.date | None:
    if len(nip) != 18 or not nip.isdigit():
        return None
    try:
        return dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None


def _date(value: object) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    return pd.Timestamp(str(value))


def _dates(values: list[object]) -> pd.Series:
    return pd.Series(pd.to_datetime([_date(v) for v in values])).astype("datetime64[ns]")


def _frame(table: str, rows: list[dict[str, Any]], sort_by: list[str]) -> pd.DataFrame:
    columns = list(COLUMNS[table])
    frame = pd.DataFrame({c: [r[c] for r in rows] for c in columns}, columns=columns)
    if rows:
        frame = frame.sort_values(sort_by, kind="stable")
    return frame.reset_index(drop=True)


def _int_column(frame: pd.DataFrame, *names: str) -> None:
    for name in names:
        frame[name] = frame[name].astype("int64")


def _str_column(frame: pd.DataFrame, *names: str) -> None:
    for name in names:
        frame[name] = frame[name].astype(str)


def make_dataset(
    employees: Iterable[Mapping[str, Any]] = (),
    positions: Iterable[Mapping[str, Any]] = (),
    competencies: Mapping[str, Mapping[str, int]] | None = None,
    requirements: Mapping[str, Mapping[str, int | tuple[int, int]]] | None = None,
    preferences: Mapping[str, Mapping[str, int]] | None = None,
    relations: Iterable[tuple[str, str, str]] = (),
) -> Dataset:
    """A normalised dataset from compact specs (see the module docstring).

    Employees need ``nip``; positions need ``position_id``, and their ``unit`` defaults to the
    part of the id before the first ``-``. Dates are ``YYYY-MM-DD`` text or ``date`` objects;
    an employee's ``birth_date`` falls back to a valid NIP's first 8 digits, and
    ``position_since`` defaults to 2020-01-01 for placed employees (pass ``None`` for unknown).
    Requirement levels are ``level`` or ``(level, weight)``; the weight defaults to 1.
    """
    emp_rows: list[dict[str, Any]] = []
    for spec in employees:
        row = {"nip": spec["nip"], **EMPLOYEE_DEFAULTS, **spec}
        if not row["position_id"] and "position_since" not in spec:
            row["position_since"] = None
        if row["birth_date"] in (None, ""):
            row["birth_date"] = _nip_birth_date(row["nip"])
        if not row["gender"] and _nip_birth_date(row["nip"]) is not None:
            row["gender"] = {"1": "M", "2": "F"}.get(row["nip"][14], "")
        emp_rows.append(row)
    emp = _frame("employees", emp_rows, ["nip"])
    emp["birth_date"] = _dates(emp["birth_date"].tolist())
    emp["position_since"] = _dates(emp["position_since"].tolist())
    emp["discipline"] = emp["discipline"].astype(bool)
    emp["on_leave"] = emp["on_leave"].astype(bool)
    typed = {"birth_date", "position_since", "discipline", "on_leave"}
    _str_column(emp, *(c for c in COLUMNS["employees"] if c not in typed))

    pos_rows: list[dict[str, Any]] = []
    for spec in positions:
        pid = spec["position_id"]
        pos_rows.append(
            {"position_id": pid, "unit": pid.split("-")[0], **POSITION_DEFAULTS, **spec}
        )
    pos = _frame("positions", pos_rows, ["position_id"])
    _int_column(pos, "capacity")
    _str_column(pos, *(c for c in COLUMNS["positions"] if c != "capacity"))

    comp = _frame(
        "competencies",
        [
            {"nip": nip, "competency": code, "level": level}
            for nip, levels in (competencies or {}).items()
            for code, level in levels.items()
        ],
        ["nip", "competency"],
    )
    _int_column(comp, "level")
    _str_column(comp, "nip", "competency")

    req_rows: list[dict[str, Any]] = []
    for pid, levels in (requirements or {}).items():
        for code, spec_level in levels.items():
            level, weight = spec_level if isinstance(spec_level, tuple) else (spec_level, 1)
            req_rows.append(
                {"position_id": pid, "competency": code, "level": level, "weight": weight}
            )
    req = _frame("requirements", req_rows, ["position_id", "competency"])
    _int_column(req, "level", "weight")
    _str_column(req, "position_id", "competency")

    pref = _frame(
        "preferences",
        [
            {"nip": nip, "target": target, "rank": rank}
            for nip, ranks in (preferences or {}).items()
            for target, rank in ranks.items()
        ],
        ["nip", "target", "rank"],
    )
    _int_column(pref, "rank")
    _str_column(pref, "nip", "target")

    rel = _frame(
        "relations",
        [
            {"nip_a": min(a, b), "nip_b": max(a, b), "kind": kind}
            for a, b, kind in sorted(set(relations))
        ],
        ["nip_a", "nip_b", "kind"],
    )
    rel = rel.drop_duplicates().reset_index(drop=True)
    _str_column(rel, "nip_a", "nip_b", "kind")

    return Dataset(
        employees=emp,
        positions=pos,
        competencies=comp,
        requirements=req,
        preferences=pref,
        relations=rel,
        sha256="0" * 64,
    )


def make_policy(**overrides: Any) -> Policy:
    """A policy at :data:`REFERENCE_DATE` with defaults, overridden by keyword.

    Numbers for ``jpm_floor``, ``max_unit_outflow`` and ``weights`` may be given as text,
    int or Decimal (text keeps them exact); ``weights`` are merged with the defaults; ``pins``
    and ``forbid`` are ``(nip, position_id)`` pairs.
    """
    kwargs: dict[str, Any] = {"reference_date": REFERENCE_DATE, **overrides}
    for key in ("jpm_floor", "max_unit_outflow"):
        if kwargs.get(key) is not None:
            kwargs[key] = Decimal(str(kwargs[key]))
    if "weights" in kwargs:
        kwargs["weights"] = DEFAULT_WEIGHTS | {
            t: Decimal(str(w)) for t, w in kwargs["weights"].items()
        }
    for key in ("pins", "forbid", "separate_relations"):
        if key in kwargs:
            kwargs[key] = tuple(tuple(x) if isinstance(x, list) else x for x in kwargs[key])
    return Policy(**kwargs)


# -- the worked example of shared/example ------------------------------------------------------

ANDI = "199803122024061001"
BUDI = "198705202010011002"
CITRA = "199101152015032003"
DEDI = "198512102009011004"
ERNA = "199002182014022005"
FAJAR = "199405052019031006"
GITA = "199207072016022007"
HENDRA = "197002152000031008"
INDAH = "197504232000122009"
JOKO = "197907112005011010"
KARTIKA = "198808082012122011"
LUKMAN = "198601012011011012"
MAYA = "197312122000032013"
NUR = "200001102026062014"


def _emp(
    nip: str,
    status: str,
    grade: str,
    education: str,
    field: str,
    birth: str | None,
    position: str,
    since: str | None,
    performance: str,
    **flags: bool,
) -> dict[str, Any]:
    return {
        "nip": nip,
        "status": status,
        "grade": grade,
        "education": education,
        "education_field": field,
        "birth_date": birth,
        "position_id": position,
        "position_since": since,
        "performance": performance,
        **flags,
    }


def example_dataset() -> Dataset:
    """The 14 employees and 11 positions of the worked example (shared/example/README.md)."""
    employees = [
        _emp(ANDI, "CPNS", "III/a", "S1", "Pendidikan", "1998-03-12", "DISDIK-01", "2024-06-03",
             "B"),
        _emp(BUDI, "PNS", "III/b", "S1", "Pendidikan", "1987-05-20", "DISDIK-01", "2021-08-02", "B",
             discipline=True),
        _emp(CITRA, "PNS", "III/b", "S1", "Keperawatan", "1991-01-15", "DINKES-03", "2022-04-01",
             "SB", on_leave=True),
        _emp(DEDI, "PNS", "III/a", "S1", "Pendidikan", "1985-12-10", "DISDIK-02", None, "B"),
        _emp(ERNA, "PNS", "III/b", "S1", "Keperawatan", "1990-02-18", "DINKES-03", "2022-06-01",
             "SB"),
        _emp(FAJAR, "PNS", "III/a", "S2", "pendidikan", None, "", None, "B"),
        _emp(GITA, "PNS", "III/a", "D3", "Keperawatan", "1992-07-07", "DISDIK-02", "2022-09-01",
             "B"),
        _emp(HENDRA, "PNS", "III/c", "D3", "Administrasi", None, "DINKES-05", "2018-02-01", "B"),
        _emp(INDAH, "PNS", "IV/b", "S2", "Kesehatan Masyarakat", "1975-04-23", "DINKES-04",
             "2023-01-02", "SB"),
        _emp(JOKO, "PNS", "II/d", "SMA", "Umum", "1979-07-11", "BKPSDM-02", "2025-03-03", "B"),
        _emp(KARTIKA, "PNS", "III/b", "S1", "Pendidikan", "1988-08-08", "DISDIK-01", "2021-07-01",
             "B"),
        _emp(LUKMAN, "PNS", "III/b", "D4", "Pendidikan", "1986-01-01", "BKPSDM-01", "2022-01-03",
             "B"),
        _emp(MAYA, "PNS", "III/c", "D3", "Teknik Informatika", "1973-12-12", "DISDIK-03",
             "2018-10-01", "K"),
        _emp(NUR, "CPNS", "III/a", "S1", "Psikologi", "2000-01-10", "", None, ""),
    ]  # fmt: skip

    def pos(pid: str, job_class: str, lo: str, hi: str, edu: str, cap: int, **kw: Any) -> dict:
        return {"position_id": pid, "job_class": job_class, "min_grade": lo, "max_grade": hi,
                "min_education": edu, "capacity": cap, **kw}  # fmt: skip

    positions = [
        pos("BKPSDM-01", "JF_AHLI_PERTAMA", "III/a", "III/b", "S1", 3),
        pos("BKPSDM-02", "PELAKSANA", "II/a", "III/b", "SMA", 1, state="abolished"),
        pos("DINKES-01", "JPT_PRATAMA", "", "", "S2", 1, eselon="II.b"),
        pos("DINKES-02", "PENGAWAS", "", "", "D3", 2, eselon="IV.a"),
        pos("DINKES-03", "JF_AHLI_PERTAMA", "III/a", "III/b", "S1", 3,
            education_fields="Keperawatan;Ners"),
        pos("DINKES-04", "ADMINISTRATOR", "", "", "S1", 1, eselon="III.a"),
        pos("DINKES-05", "PELAKSANA", "II/a", "III/b", "SMA", 1),
        pos("DISDIK-01", "JF_AHLI_PERTAMA", "III/a", "III/b", "S1", 4,
            education_fields="Pendidikan"),
        pos("DISDIK-02", "PELAKSANA", "II/a", "III/b", "SMA", 2),
        pos("DISDIK-03", "PELAKSANA", "II/c", "III/c", "D3", 2, state="closed"),
        pos("DISDIK-04", "JF_PENYELIA", "III/c", "III/d", "D3", 1,
            education_fields="Teknik Informatika;Sistem Informasi"),
    ]  # fmt: skip
    competencies = {
        ANDI: {"M01": 2, "M02": 2, "M04": 3, "M05": 2, "T.MANAJEMEN-ASN": 3, "T.PEDAGOGIK": 2},
        BUDI: {"M01": 3, "M04": 2, "T.PEDAGOGIK": 3, "T.MANAJEMEN-ASN": 3},
        CITRA: {"M01": 3, "M04": 3, "T.KESMAS": 3, "T.MANAJEMEN-ASN": 3},
        DEDI: {"M01": 2, "M02": 2, "M04": 2, "M05": 2, "T.PEDAGOGIK": 3},
        ERNA: {"M01": 3, "M04": 3, "T.KESMAS": 3},
        FAJAR: {"M01": 3, "M04": 3, "T.PEDAGOGIK": 3},
        GITA: {"M01": 2, "M04": 2, "T.KESMAS": 2},
        HENDRA: {"M01": 2, "M02": 2, "M04": 2, "M05": 2, "T.KESMAS": 2},
        INDAH: {"M01": 4, "M04": 4, "M07": 4, "M08": 4, "T.KESMAS": 4},
        JOKO: {"M01": 2, "M02": 1, "M04": 1},
        KARTIKA: {"M01": 2, "M04": 2, "T.PEDAGOGIK": 3},
        LUKMAN: {"M01": 2, "M04": 2, "T.MANAJEMEN-ASN": 3, "T.PEDAGOGIK": 3},
        MAYA: {"M01": 2, "M04": 1, "T.KESMAS": 1},
        NUR: {"M01": 3, "M04": 2, "T.MANAJEMEN-ASN": 3},
    }
    requirements: dict[str, dict[str, int | tuple[int, int]]] = {
        "BKPSDM-01": {"M01": 2, "M04": 2, "T.MANAJEMEN-ASN": (3, 2)},
        "BKPSDM-02": {"M01": 1, "M04": 1},
        "DINKES-01": {"M01": 4, "M07": 4, "M08": 4, "T.KESMAS": (4, 2)},
        "DINKES-02": {"M01": 2, "M04": 2, "T.KESMAS": (2, 2)},
        "DINKES-03": {"M01": 2, "M04": 2, "T.KESMAS": (3, 2)},
        "DINKES-04": {"M01": 3, "M04": 3, "T.KESMAS": (3, 2)},
        "DINKES-05": {"M01": 1, "M02": 1, "M04": 1, "M05": 1},
        "DISDIK-01": {"M01": 2, "M04": 2, "T.PEDAGOGIK": (3, 3)},
        "DISDIK-02": {"M01": 1, "M04": 1},
        "DISDIK-04": {"M01": 2, "M04": 2},
    }
    preferences = {
        ANDI: {"BKPSDM": 1},
        BUDI: {"BKPSDM-01": 1},
        CITRA: {"BKPSDM-01": 1, "DINKES": 3},
        DEDI: {"DISDIK-01": 1},
        ERNA: {"DINKES-02": 1},
        FAJAR: {"BKPSDM-01": 1, "DISDIK-01": 2, "DISDIK": 3},
        GITA: {"DINKES-03": 1, "DINKES": 2},
        HENDRA: {"DINKES-02": 1},
        INDAH: {"DINKES-01": 1},
        JOKO: {},
        LUKMAN: {"DISDIK-01": 1},
        MAYA: {"DINKES-02": 1},
        NUR: {"BKPSDM-01": 1},
    }
    return make_dataset(
        employees=employees,
        positions=positions,
        competencies=competencies,
        requirements=requirements,
        preferences=preferences,
        relations=[(KARTIKA, LUKMAN, "spouse"), (BUDI, DEDI, "family")],
    )


def example_policy(rotation: bool = False) -> Policy:
    """The example's ``policy.json``, or ``rotation/policy.json`` when ``rotation``."""
    pin_forbid: dict[str, Any] = {"pins": [(GITA, "DINKES-03")], "forbid": [(FAJAR, "DISDIK-01")]}
    if not rotation:
        return make_policy(**pin_forbid)
    return make_policy(
        force_rotation=True,
        jpm_floor=60,
        retirement_buffer_months=12,
        max_moves=3,
        max_unit_outflow="0.2",
        **pin_forbid,
    )
