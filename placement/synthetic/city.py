"""Deterministic synthetic datasets of a Binjai-like city government.

:func:`generate` builds the six contract tables (CONTRACT §1) for a city of ``n_employees``
civil servants: the regional offices (OPD), the five kecamatan, kelurahan, puskesmas and, for
large sizes, further schools and technical units (UPTD_UNITS). Every cell is a string in contract
spelling, ``""`` for an empty cell, so the tables are exactly what a CSV folder would hold.
:func:`write_csv` writes them. The same arguments always give byte-identical files.

The data are plausible, not real: job-class mix, grades, eselon bands, education, NIPs, tenure,
SKP predicates and competency levels follow the usual patterns of a regional government, and a
share of the formasi is vacant so that rotation has room to work. The literal tables it draws
from (families, posts, units, names) are in :mod:`placement.synthetic.tables`.
"""

from __future__ import annotations

import csv
import datetime
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.contract.dataset import COLUMNS, TABLES
from placement.contract.enums import (
    EDUCATION_LEVELS,
    ESELON_BAND,
    GRADE_INDEX,
    GRADES,
    JPT_CLASSES,
    MANAGERIAL_COMPETENCIES,
    PERFORMANCES,
    SOCIOCULTURAL_COMPETENCIES,
    STATUSES,
)
from placement.synthetic.tables import (
    BUP,
    CLASS_INDEX,
    CORE_UNITS,
    CPNS_SHARE,
    DEFAULT_DEGREES,
    DEGREES,
    EDU_CUMULATIVE,
    EDU_KINDS,
    ENTRY_AGE,
    ENTRY_GRADE,
    EXPERT_LEVELS,
    FAMILIES,
    FEMALE_NAMES,
    GURU,
    HEALTH_CENTRE_JF,
    HEALTH_FIELDS,
    JF_GRADES,
    JF_POSTS,
    KECAMATAN,
    MALE_NAMES,
    MIDDLE_NAMES,
    PEL_HEALTH,
    PEL_LOCAL,
    PEL_OFFICE,
    PEL_SCHOOL,
    PELAKSANA_POSTS,
    PPPK_SHARE,
    PUSKESMAS,
    SCHOOL_FIELDS,
    SECTION_TOPICS,
    SKILL_LEVELS,
    STANDARD_LEVEL,
    STRUCTURAL,
    STRUCTURAL_MIN_EDUCATION,
    SUBBAG,
    SURNAMES,
    TECHNICAL_LEVEL,
    UPTD_UNITS,
    Unit,
)

__all__ = ["DEFAULT_REFERENCE_DATE", "SORT_KEYS", "default_n_units", "generate", "write_csv"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

DEFAULT_REFERENCE_DATE: Final = datetime.date(2026, 7, 1)

#: Row order of each table as generated and written: sorted by these columns (as text).
SORT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "employees": ("nip",),
    "positions": ("position_id",),
    "competencies": ("nip", "competency"),
    "requirements": ("position_id", "competency"),
    "preferences": ("nip", "rank"),
    "relations": ("nip_a", "nip_b", "kind"),
    "units": ("unit",),
}

#: The unit each kind of field unit reports to, where the city has it.
_PARENT_BY_KIND: Final[dict[str, str]] = {"puskesmas": "DINKES", "sd": "DISDIK", "smp": "DISDIK"}

_DAYS_PER_MONTH: Final = 30.436875
_DAYS_PER_YEAR: Final = 365.2425


def _slug(text: str) -> str:
    return text.upper().replace(" ", "-")


def _local_units() -> list[Unit]:
    """Kecamatan offices, then kelurahan round-robin over the kecamatan with puskesmas between."""
    units = [
        Unit(
            "KEC-" + _slug(kec),
            "Kecamatan " + kec,
            "kecamatan",
            30,
            "PEMERINTAHAN",
            0.05,
            (("Analis Kebijakan", 1.0),),
            PEL_LOCAL,
        )
        for kec in KECAMATAN
    ]
    kelurahan: list[str] = []
    lists = list(KECAMATAN.values())
    for i in range(max(len(v) for v in lists)):
        kelurahan.extend(v[i] for v in lists if i < len(v))
    puskesmas = list(PUSKESMAS)
    for i, kel in enumerate(kelurahan):
        units.append(
            Unit(
                "KEL-" + _slug(kel),
                "Kelurahan " + kel,
                "kelurahan",
                10,
                "PEMERINTAHAN",
                0.0,
                (),
                PEL_LOCAL,
            )
        )
        if i % 4 == 3 and puskesmas:
            units.append(_puskesmas("PKM-" + _slug(puskesmas[0]), puskesmas.pop(0)))
    units.extend(_puskesmas("PKM-" + _slug(p), p) for p in puskesmas)
    return units


def _puskesmas(code: str, name: str) -> Unit:
    return Unit(
        code, "Puskesmas " + name, "puskesmas", 55, "KESMAS", 0.8, HEALTH_CENTRE_JF, PEL_HEALTH
    )


def _extra_unit(i: int) -> Unit:
    """The i-th (0-based) unit beyond the named ones: schools, puskesmas and UPTD in turn."""
    cycle, slot = divmod(i, 6)
    if slot in (0, 2, 4):
        number = cycle * 3 + slot // 2 + 1
        if slot == 2:
            return Unit(
                f"SMPN-{number:03d}",
                f"SMP Negeri {number} Binjai",
                "smp",
                45,
                "PENDIDIKAN",
                0.9,
                GURU[1:],
                PEL_SCHOOL,
            )
        return Unit(
            f"SDN-{number:03d}",
            f"SD Negeri {number:03d} Binjai",
            "sd",
            25,
            "PENDIDIKAN",
            0.92,
            (
                ("Guru Kelas", 8.0),
                ("Guru Pendidikan Agama Islam", 1.0),
                ("Guru Pendidikan Jasmani", 1.0),
            ),
            PEL_SCHOOL,
        )
    if slot == 3:
        return _puskesmas(f"PKM-{cycle + 1:03d}", f"Pembantu {cycle + 1:03d}")
    stem, name, family, jf = UPTD_UNITS[(cycle * 2 + slot // 5) % len(UPTD_UNITS)]
    return Unit(
        f"UPTD-{stem}-{cycle + 1:03d}",
        f"UPTD {name} {cycle + 1}",
        "uptd",
        30,
        family,
        0.45,
        jf,
        PEL_OFFICE[:3],
    )


def _units(n_units: int) -> list[Unit]:
    named = [*CORE_UNITS, *_local_units()]
    if n_units <= len(named):
        return named[:n_units]
    return named + [_extra_unit(i) for i in range(n_units - len(named))]


def _units_table(units: Sequence[Unit]) -> pd.DataFrame:
    """The ``units`` table: code, name and the unit each kelurahan, puskesmas and school reports
    to (its kecamatan, the health or the education office) when the city has that unit."""
    kecamatan = {
        "KEL-" + _slug(kel): "KEC-" + _slug(kec) for kec, v in KECAMATAN.items() for kel in v
    }
    codes = {u.code for u in units}
    parents = [kecamatan.get(u.code, _PARENT_BY_KIND.get(u.kind, "")) for u in units]
    return pd.DataFrame(
        {
            "unit": [u.code for u in units],
            "name": [u.name for u in units],
            "parent": [p if p in codes else "" for p in parents],
        }
    ).sort_values("unit", kind="stable", ignore_index=True)


def default_n_units(n_employees: int) -> int:
    """Number of units for a city of ``n_employees`` (about 125 staff per unit, 40 at 5,000)."""
    return max(1, round(n_employees / 125))


# --------------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Post:
    title: str
    job_class: str
    eselon: str
    family: str
    min_grade: str  # "" for a structural post: the eselon band applies
    max_grade: str
    min_education: str
    fields: tuple[str, ...]  # fields of study of its holders
    strict: bool  # fields are written as education_fields
    key: str  # posts with the same key are lateral equivalents
    education: str  # key of EDUCATION_DISTRIBUTIONS


def _structural(
    title: str, job_class: str, eselon: str, family: str, fields: tuple[str, ...] = ()
) -> _Post:
    education = {"JPT_PRATAMA": "jpt", "ADMINISTRATOR": "administrator"}.get(job_class, "pengawas")
    return _Post(
        title,
        job_class,
        eselon,
        family,
        "",
        "",
        STRUCTURAL_MIN_EDUCATION[job_class],
        fields or FAMILIES[family].fields,
        bool(fields),
        f"{job_class}|{eselon}",
        education,
    )


def _sections(bidang: str, count: int, family: str, eselon: str) -> list[_Post]:
    kind, _, topic = bidang.partition(" ")
    prefix = "Kepala Subbagian" if kind == "Bagian" else "Kepala Seksi"
    return [
        _structural(f"{prefix} {SECTION_TOPICS[i]} {topic}", "PENGAWAS", eselon, family)
        for i in range(count)
    ]


def _structure(unit: Unit, size: int) -> list[_Post]:
    """Structural posts of a unit of ``size`` staff, head first."""
    fam = unit.family
    health = fam in ("KESMAS", "MEDIS")
    fields = HEALTH_FIELDS if health else ()
    if unit.kind == "kecamatan":
        posts = [
            _structural(
                "Camat " + unit.name.removeprefix("Kecamatan "), "ADMINISTRATOR", "III.a", fam
            ),
            _structural("Sekretaris Kecamatan", "ADMINISTRATOR", "III.b", fam),
        ]
        sections = ("Pemerintahan", "Ketenteraman dan Ketertiban Umum", "Pemberdayaan Masyarakat")
        posts += [
            _structural("Kepala Seksi " + s, "PENGAWAS", "IV.a", fam)
            for s in sections[: max(1, min(3, size // 8))]
        ]
        if size >= 15:
            posts.append(_structural(SUBBAG[0][0], "PENGAWAS", "IV.b", "ADMINISTRASI"))
        return posts
    if unit.kind == "kelurahan":
        posts = [
            _structural("Lurah " + unit.name.removeprefix("Kelurahan "), "PENGAWAS", "IV.a", fam)
        ]
        if size >= 6:
            posts.append(_structural("Sekretaris Kelurahan", "PENGAWAS", "IV.b", "ADMINISTRASI"))
        if size >= 9:
            posts.append(_structural("Kepala Seksi Pemerintahan", "PENGAWAS", "IV.b", fam))
        return posts
    if unit.kind in ("puskesmas", "uptd"):
        posts = [_structural("Kepala " + unit.name, "PENGAWAS", "IV.a", fam, fields)]
        if size >= 20:
            posts.append(
                _structural("Kepala Subbagian Tata Usaha", "PENGAWAS", "IV.b", "ADMINISTRASI")
            )
        posts += [
            _structural(f"Kepala Seksi {topic}", "PENGAWAS", "IV.b", fam)
            for topic in SECTION_TOPICS[1 : 1 + min(3, size // 50)]
        ]
        return posts
    if unit.kind in ("sd", "smp"):
        if size >= (20 if unit.kind == "smp" else 60):
            return [_structural("Kepala Tata Usaha", "PENGAWAS", "IV.b", "ADMINISTRASI")]
        return []
    # Offices headed by a JPT pratama; larger offices have more sections per bidang.
    n_bidang = min(len(unit.bidang), max(2, round(size / 40)))
    per_bidang = (
        0 if unit.kind == "inspektorat" else 1 + sum(size >= t for t in (100, 400, 1000, 2500))
    )
    if unit.kind == "sekda":
        posts = [_structural("Sekretaris Daerah", "JPT_PRATAMA", "II.a", fam)]
        asisten = (
            "Asisten Pemerintahan dan Kesejahteraan Rakyat",
            "Asisten Perekonomian dan Pembangunan",
            "Asisten Administrasi Umum",
        )
        posts += [
            _structural(a, "JPT_PRATAMA", "II.b", fam) for a in asisten[: 3 if size >= 60 else 1]
        ]
        n_bagian = min(len(unit.bidang), max(2, round(size / 18)))
        for bagian in unit.bidang[:n_bagian]:
            posts.append(_structural("Kepala " + bagian, "ADMINISTRATOR", "III.a", fam))
            posts += _sections(bagian, 1 if size < 150 else 2, fam, "IV.a")
        return posts
    posts = [
        _structural(unit.head or "Kepala " + unit.name, "JPT_PRATAMA", "II.b", fam, fields),
    ]
    if unit.kind == "rsud":
        posts += [
            _structural("Wakil Direktur Pelayanan", "ADMINISTRATOR", "III.a", fam, fields),
            _structural(
                "Wakil Direktur Umum dan Keuangan", "ADMINISTRATOR", "III.a", "ADMINISTRASI"
            ),
        ]
    elif unit.kind != "setwan":
        posts.append(
            _structural("Sekretaris " + unit.name, "ADMINISTRATOR", "III.a", "ADMINISTRASI")
        )
        n_subbag = 1 if size < 30 else 2 if size < 150 else 3
        posts += [
            _structural(title, "PENGAWAS", "IV.a", family) for title, family in SUBBAG[:n_subbag]
        ]
    for bidang in unit.bidang[:n_bidang]:
        title = bidang if unit.kind == "inspektorat" else "Kepala " + bidang
        bidang_family = "ADMINISTRASI" if bidang.startswith("Bagian") else fam
        posts.append(_structural(title, "ADMINISTRATOR", "III.b", bidang_family, fields))
        posts += _sections(bidang, per_bidang, bidang_family, "IV.a")
    return posts


def _functional_post(name: str, job_class: str, label: str) -> _Post:
    jf = JF_POSTS[name]
    lo, hi, edu = JF_GRADES[job_class]
    if job_class.startswith("JF_AHLI"):
        education = "ahli" if job_class in ("JF_AHLI_PERTAMA", "JF_AHLI_MUDA") else "ahli_senior"
    else:
        education = "pemula" if job_class == "JF_PEMULA" else "skill"
    return _Post(
        f"{name} {label}",
        job_class,
        "",
        jf.family,
        lo,
        hi,
        edu,
        jf.fields,
        jf.strict,
        f"{name}|{job_class}",
        education,
    )


def _pelaksana_post(title: str, unit: Unit) -> _Post:
    edu, lo, hi, family = PELAKSANA_POSTS[title]
    family = family or unit.family
    return _Post(
        title,
        "PELAKSANA",
        "",
        family,
        lo,
        hi,
        edu,
        FAMILIES[family].fields,
        False,
        title,
        {"SMA": "pel_sma", "D3": "pel_d3"}.get(edu, "pel_s1"),
    )


def _spread(
    rng: np.random.Generator, total: int, entries: Sequence[tuple[_Post, float]]
) -> list[tuple[_Post, int]]:
    """Share ``total`` holders among posts by weight; posts expecting under half a holder drop."""
    if total <= 0 or not entries:
        return []
    weights = np.array([w for _, w in entries], dtype=np.float64)
    probs = weights / weights.sum()
    keep = total * probs >= 0.5
    keep[int(np.argmax(probs))] = True
    kept = [e for e, k in zip(entries, keep, strict=True) if k]
    probs = probs[keep] / probs[keep].sum()
    counts = rng.multinomial(total, probs)
    return [(post, int(c)) for (post, _), c in zip(kept, counts, strict=True)]


def _functional_entries(unit: Unit) -> list[tuple[_Post, float]]:
    entries: list[tuple[_Post, float]] = []
    for name, weight in unit.jf:
        jf = JF_POSTS[name]
        if jf.expert > 0:
            for job_class, label, share in EXPERT_LEVELS:
                if job_class != "JF_AHLI_UTAMA" or jf.utama:
                    entry = (_functional_post(name, job_class, label), weight * jf.expert * share)
                    entries.append(entry)
        if jf.expert < 1:
            for job_class, label, share in SKILL_LEVELS:
                entry = (_functional_post(name, job_class, label), weight * (1 - jf.expert) * share)
                entries.append(entry)
    return entries


def _apportion(total: int, weights: FloatArray) -> IntArray:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    quota = total * weights / weights.sum()
    base = np.floor(quota).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(quota - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _functional_counts(rest: IntArray, shares: FloatArray, target: int) -> IntArray:
    """Functional staff per unit: unit shares scaled (on the odds scale) to reach ``target``."""

    def total(scale: float) -> float:
        scaled = scale * shares / (1 - shares + scale * shares)
        return float((rest * scaled).sum())

    lo, hi = 1e-3, 1e3
    for _ in range(60):
        mid = (lo * hi) ** 0.5
        lo, hi = (mid, hi) if total(mid) < target else (lo, mid)
    scale = (lo * hi) ** 0.5
    return np.round(rest * scale * shares / (1 - shares + scale * shares)).astype(np.int64)


@dataclass
class _Positions:
    """Positions in position_id order, as parallel arrays."""

    ids: StrArray
    unit: IntArray
    posts: list[_Post]
    holders: IntArray
    capacity: IntArray
    state: StrArray


def _build_positions(rng: np.random.Generator, units: Sequence[Unit], placed: int) -> _Positions:
    weights = np.array([u.weight for u in units], dtype=np.float64)
    size = _apportion(placed, weights)
    structure = [_structure(u, int(s)) for u, s in zip(units, size, strict=True)]
    struct_holders: list[IntArray] = []
    for posts, s in zip(structure, size, strict=True):
        vacant_p = np.array([0.15 if p.job_class in JPT_CLASSES else 0.07 for p in posts])
        held = (rng.random(len(posts)) >= vacant_p).astype(np.int64)
        held[np.cumsum(held) > s] = 0
        struct_holders.append(held)
    rest = size - np.array([h.sum() for h in struct_holders], dtype=np.int64)
    shares = np.array([u.jf_share for u in units], dtype=np.float64)
    jf_target = min(round(0.63 * placed), int(rest[shares > 0].sum()))
    jf_count = np.minimum(_functional_counts(rest, shares, jf_target), rest)

    ids: list[str] = []
    unit_of: list[int] = []
    posts_all: list[_Post] = []
    holders: list[int] = []
    for u, unit in enumerate(units):
        unit_posts = list(zip(structure[u], struct_holders[u].tolist(), strict=True))
        unit_posts += _spread(rng, int(jf_count[u]), _functional_entries(unit))
        pelaksana = [(_pelaksana_post(t, unit), w) for t, w in unit.pelaksana]
        unit_posts += _spread(rng, int(rest[u] - jf_count[u]), pelaksana)
        width = max(3, len(str(len(unit_posts))))
        for i, (post, held) in enumerate(unit_posts, start=1):
            ids.append(f"{unit.code}-{i:0{width}d}")
            unit_of.append(u)
            posts_all.append(post)
            holders.append(held)

    n = len(ids)
    held_arr = np.array(holders, dtype=np.int64)
    structural = np.array([p.job_class in STRUCTURAL for p in posts_all], dtype=bool)
    extra = rng.binomial(held_arr, 0.05) + (rng.random(n) < 0.15)
    capacity = np.where(structural, 1, np.maximum(held_arr + extra, 1))
    # About 1.5 % closed (functional and staff posts) and 1 % abolished (held, not JPT) posts.
    state = np.full(n, "open", dtype="<U9")
    jpt = np.array([p.job_class in JPT_CLASSES for p in posts_all], dtype=bool)
    closable = np.flatnonzero(~structural)
    closed = rng.choice(closable, min(round(0.015 * n), len(closable)), replace=False)
    state[closed] = "closed"
    abolishable = np.flatnonzero((held_arr > 0) & ~jpt & (state == "open"))
    abolished = rng.choice(abolishable, min(round(0.01 * n), len(abolishable)), replace=False)
    state[abolished] = "abolished"
    order = np.argsort(np.array(ids), kind="stable")
    return _Positions(
        ids=np.array(ids)[order],
        unit=np.array(unit_of, dtype=np.int64)[order],
        posts=[posts_all[i] for i in order],
        holders=held_arr[order],
        capacity=capacity[order].astype(np.int64),
        state=state[order],
    )


# --------------------------------------------------------------------------------------------
# Employees
# --------------------------------------------------------------------------------------------


def _day_parts(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """(year, month, day) of days since 1970-01-01."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _month_start(days: IntArray) -> IntArray:
    return (
        days.astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def _iso(days: IntArray) -> StrArray:
    return days.astype("datetime64[D]").astype(str)


def _choose(rng: np.random.Generator, pools: Sequence[tuple[str, ...]], pool: IntArray) -> StrArray:
    """One value per row, uniformly from ``pools[pool[i]]``."""
    flat = np.array([v for p in pools for v in p])
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    pick = starts[pool] + (rng.random(len(pool)) * sizes[pool]).astype(np.int64)
    return flat[pick]


def _serials(prefix: IntArray, rng: np.random.Generator) -> IntArray:
    """A 3-digit serial (1–999) per row, distinct among rows sharing ``prefix``."""
    order = np.argsort(prefix, kind="stable")
    sorted_prefix = prefix[order]
    first = np.r_[True, sorted_prefix[1:] != sorted_prefix[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(prefix)), 0))
    within = np.arange(len(prefix)) - group_start
    offset = rng.integers(0, 999, len(prefix))[group_start]
    serial = np.empty(len(prefix), dtype=np.int64)
    serial[order] = (offset + within) % 999 + 1
    return serial


@dataclass
class _Employees:
    """Employees in NIP order, as parallel arrays; ``profile`` is the post they hold or suit."""

    nip: StrArray
    table: pd.DataFrame
    post: IntArray  # index into positions, -1 when unplaced
    profile: IntArray
    unit: IntArray  # -1 when unplaced
    female: BoolArray
    overdue: BoolArray
    level_shift: IntArray


def _build_employees(
    rng: np.random.Generator, pos: _Positions, n: int, ref: datetime.date
) -> _Employees:
    n_pos = len(pos.posts)
    placed_post = np.repeat(np.arange(n_pos, dtype=np.int64), pos.holders)
    n_placed = len(placed_post)
    n_unplaced = n - n_placed
    cls_of_post = np.array([CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)
    # Unplaced people suit an entry-level post: new CPNS hires and staff back from study leave.
    entry_cls = np.isin(
        cls_of_post, [CLASS_INDEX[c] for c in ("JF_AHLI_PERTAMA", "JF_TERAMPIL", "PELAKSANA")]
    )
    suit = np.flatnonzero(entry_cls & (pos.state == "open"))
    if len(suit) == 0:
        suit = np.arange(n_pos)
    suit_w = pos.capacity[suit].astype(np.float64)
    unplaced_profile = rng.choice(suit, size=n_unplaced, p=suit_w / suit_w.sum())
    profile = np.concatenate([placed_post, unplaced_profile])
    post = np.concatenate([placed_post, np.full(n_unplaced, -1, dtype=np.int64)])
    unplaced = post < 0
    new_hire = unplaced & (np.arange(n) < n_placed + (n_unplaced + 1) // 2)

    cls = cls_of_post[profile]
    fam_names = sorted(FAMILIES)
    fam_index = {f: i for i, f in enumerate(fam_names)}
    fam = np.array([fam_index[p.family] for p in pos.posts], dtype=np.int64)[profile]

    # Status.
    u = rng.random(n)
    status = np.where(u < PPPK_SHARE[cls], 1, np.where(u > 1 - CPNS_SHARE[cls], 2, 0))
    status[unplaced] = 0
    status[new_hire] = 2

    # Education.
    edu_kind = np.array([EDU_KINDS.index(p.education) for p in pos.posts], dtype=np.int64)[profile]
    edu = (rng.random(n)[:, None] > EDU_CUMULATIVE[edu_kind]).sum(axis=1).astype(np.int64)
    edu = np.minimum(edu, len(EDUCATION_LEVELS) - 1)
    back_from_study = unplaced & ~new_hire
    edu[back_from_study & (edu == 7)] = 8  # S1 -> S2 after tugas belajar
    entry_grade = ENTRY_GRADE[edu]

    # Grade (PNS and CPNS): mostly within the post's range, some one step off.
    min_g = np.empty(n_pos, dtype=np.int64)
    max_g = np.empty(n_pos, dtype=np.int64)
    for i, p in enumerate(pos.posts):
        lo, hi = (p.min_grade, p.max_grade) if p.min_grade else ESELON_BAND[p.eselon]
        min_g[i], max_g[i] = GRADE_INDEX[lo], GRADE_INDEX[hi]
    lo_g = np.maximum(min_g[profile], entry_grade)
    hi_g = np.maximum(max_g[profile], lo_g)
    grade = lo_g + (rng.random(n) * (hi_g - lo_g + 1)).astype(np.int64)
    off = rng.random(n)
    grade += (off < 0.04).astype(np.int64) - (off > 0.95).astype(np.int64)
    grade = np.clip(grade, entry_grade, len(GRADES) - 1)
    grade[status == 2] = entry_grade[status == 2]

    # Dates: service since the CPNS (or PPPK) appointment, age at entry, birth.
    ref_day = int(np.datetime64(ref, "D").astype(np.int64))
    service_m = 48 * (grade - entry_grade) + rng.integers(12, 60, n)
    service_m = np.where(status == 1, rng.integers(3, 84, n), service_m)
    service_m = np.where(status == 2, rng.integers(1, 18, n), service_m)
    entry_age = ENTRY_AGE[edu]
    entry_y = entry_age[:, 0] + rng.random(n) * (entry_age[:, 1] - entry_age[:, 0])
    entry_y = np.where(status == 1, 23 + rng.random(n) * 27, entry_y)
    service_d = (service_m * _DAYS_PER_MONTH).astype(np.int64) + rng.integers(0, 28, n)
    entry_d = (entry_y * _DAYS_PER_YEAR).astype(np.int64)
    max_age_d = ((BUP[cls] * 12 - 2) * _DAYS_PER_MONTH).astype(np.int64) - rng.integers(0, 400, n)
    excess = np.maximum(service_d + entry_d - max_age_d, 0)
    cut = np.minimum(excess, np.maximum(service_d - 400, 0))
    service_d -= cut
    entry_d -= excess - cut
    tmt_day = _month_start(ref_day - service_d)
    birth_day = tmt_day - entry_d

    # Gender and NIP (PNS/CPNS: birth + CPNS TMT YYYYMM + sex + serial; PPPK: birth + year + 21).
    female_p = np.array([FAMILIES[f].female for f in fam_names])[fam]
    female_p = np.where(np.isin(cls, [0, 1, 2]), female_p * 0.7, female_p)
    female = rng.random(n) < female_p
    by, bm, bd = _day_parts(birth_day)
    ty, tm, _ = _day_parts(tmt_day)
    birth8 = by * 10_000 + bm * 100 + bd
    middle = np.where(status == 1, ty * 100 + 21, ty * 100 + tm)
    prefix = (birth8 * 1_000_000 + middle) * 10 + np.where(female, 2, 1)
    nip_int = prefix * 1000 + _serials(prefix, rng)

    # Tenure in the current post: 0-12 years, never before the appointment; ~3 % unknown.
    mix = rng.random(n)
    tenure_m = np.where(
        mix < 0.3,
        rng.random(n) * 24,
        np.where(mix < 0.72, 24 + rng.random(n) * 36, 60 + rng.random(n) * 84),
    )
    since_day = np.maximum(ref_day - (tenure_m * _DAYS_PER_MONTH).astype(np.int64), tmt_day)
    since = _iso(since_day)
    since[(rng.random(n) < 0.03) | unplaced] = ""
    overdue = (since != "") & (since_day < ref_day - 60 * _DAYS_PER_MONTH - 1)

    # Performance (SKP predicate), potential, discipline, leave.
    r = rng.random(n)
    perf = np.select([r < 0.14, r < 0.84, r < 0.9, r < 0.92, r < 0.925], list(PERFORMANCES), "")
    perf[(status == 2) & (rng.random(n) < 0.8)] = ""
    high_p = np.where(perf == "SB", 0.45, 0.14)
    r = rng.random(n)
    potential = np.where(
        r < high_p,
        "high",
        np.where(r < high_p + 0.58, "medium", np.where(r < 0.95, "low", "")),
    )
    discipline = (rng.random(n) < 0.01) & ~new_hire
    on_leave = (rng.random(n) < 0.01) & ~unplaced

    # Education field: the post's fields, sometimes another; school majors below D3; ~2 % unknown.
    all_fields = sorted({f for p in pos.posts for f in p.fields})
    post_fields = [p.fields for p in pos.posts]
    field = _choose(rng, post_fields, profile)
    other = np.array(all_fields)[rng.integers(0, len(all_fields), n)]
    field = np.where(rng.random(n) < 0.08, other, field)
    school = np.array(SCHOOL_FIELDS)[rng.integers(0, len(SCHOOL_FIELDS), n)]
    field = np.where(edu <= EDUCATION_LEVELS.index("SMA"), school, field)
    field[rng.random(n) < 0.02] = ""

    names = _names(rng, female, fam, fam_names, edu, cls)
    grade_text = np.array(GRADES)[grade]
    grade_text[status == 1] = ""
    unit = np.where(unplaced, -1, pos.unit[np.maximum(post, 0)])
    position_id = np.where(unplaced, "", pos.ids[np.maximum(post, 0)])
    table = pd.DataFrame(
        {
            "nip": nip_int.astype(str),
            "name": names,
            "status": np.array(STATUSES)[status],
            "grade": grade_text,
            "education": np.array(EDUCATION_LEVELS)[edu],
            "education_field": field,
            "birth_date": _iso(birth_day),
            "gender": np.where(female, "F", "M"),
            "position_id": position_id,
            "position_since": since,
            "performance": perf,
            "potential": potential,
            "discipline": np.where(discipline, "true", "false"),
            "on_leave": np.where(on_leave, "true", "false"),
        }
    )
    order = np.argsort(nip_int, kind="stable")
    shift = np.select([rng.random(n) < 0.06, rng.random(n) < 0.1], [-1, 1], 0).astype(np.int64)
    return _Employees(
        nip=nip_int.astype(str)[order],
        table=table.iloc[order].reset_index(drop=True),
        post=post[order],
        profile=profile[order],
        unit=unit[order],
        female=female[order],
        overdue=overdue[order],
        level_shift=shift[order],
    )


def _names(
    rng: np.random.Generator,
    female: BoolArray,
    fam: IntArray,
    fam_names: Sequence[str],
    edu: IntArray,
    cls: IntArray,
) -> list[str]:
    n = len(female)
    first = np.where(
        female,
        np.array(FEMALE_NAMES)[rng.integers(0, len(FEMALE_NAMES), n)],
        np.array(MALE_NAMES)[rng.integers(0, len(MALE_NAMES), n)],
    )
    middle = np.array(MIDDLE_NAMES)[rng.integers(0, len(MIDDLE_NAMES), n)]
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    has_middle = rng.random(n) < 0.35
    has_surname = rng.random(n) < 0.7
    degree_table = np.array([DEGREES.get(f, DEFAULT_DEGREES) for f in fam_names])
    tier = np.select([edu >= 8, edu >= 6, edu == 5], [2, 1, 0], -1)
    degree = np.where(tier >= 0, degree_table[fam, np.maximum(tier, 0)], "")
    degree[rng.random(n) < 0.15] = ""
    doctor = (np.array(fam_names)[fam] == "MEDIS") & (edu >= 6) & (cls >= 4)
    out = []
    for i in range(n):
        name = first[i]
        if has_middle[i]:
            name += " " + middle[i]
        if has_surname[i]:
            name += " " + surname[i]
        if doctor[i]:
            name = "dr. " + name
        if degree[i]:
            name += ", " + degree[i]
        out.append(name)
    return out


# --------------------------------------------------------------------------------------------
# Competencies, requirements, preferences, relations
# --------------------------------------------------------------------------------------------

_MANAGERIAL: Final = (*MANAGERIAL_COMPETENCIES, *SOCIOCULTURAL_COMPETENCIES)


def _technical_codes(pos: _Positions) -> tuple[list[str], IntArray, IntArray]:
    """All technical codes, and the main and secondary code index of each position."""
    codes = sorted({c for f in FAMILIES.values() for c in f.technical})
    index = {c: i for i, c in enumerate(codes)}
    main = np.array([index[FAMILIES[p.family].technical[0]] for p in pos.posts], dtype=np.int64)
    second = np.array([index[FAMILIES[p.family].technical[1]] for p in pos.posts], dtype=np.int64)
    return codes, main, second


def _competencies(rng: np.random.Generator, pos: _Positions, emp: _Employees) -> pd.DataFrame:
    n = len(emp.nip)
    codes, main, second = _technical_codes(pos)
    cls = np.array([CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)[emp.profile]
    std = STANDARD_LEVEL[cls]
    tstd = TECHNICAL_LEVEL[cls]
    delta = rng.choice(np.array([-1, 0, 1, 2]), size=(n, 12), p=[0.1, 0.52, 0.3, 0.08])
    shift = emp.level_shift[:, None]
    managerial = np.clip(std[:, None] + delta[:, :9] + shift, 1, 5)
    tech_code = np.stack(
        [main[emp.profile], second[emp.profile], rng.integers(0, len(codes), n)], axis=1
    )
    technical = np.clip(tstd[:, None] + delta[:, 9:] + shift, 1, 5)
    has_m = np.ones((n, 9), dtype=bool)
    has_m[:, 8] = rng.random(n) < 0.9
    has_t = np.stack(
        [
            np.ones(n, dtype=bool),
            rng.random(n) < 0.8,
            (rng.random(n) < 0.3)
            & (tech_code[:, 2] != tech_code[:, 0])
            & (tech_code[:, 2] != tech_code[:, 1]),
        ],
        axis=1,
    )
    all_codes = np.array([*_MANAGERIAL, *codes])
    code = np.concatenate([np.broadcast_to(np.arange(9), (n, 9)), tech_code + 9], axis=1)
    level = np.concatenate([managerial, technical], axis=1)
    mask = np.concatenate([has_m, has_t], axis=1)
    rows = np.broadcast_to(np.arange(n)[:, None], mask.shape)[mask]
    code_sel = code[mask]
    level_sel = level[mask]
    rank = np.argsort(np.argsort(all_codes))  # string order of the codes
    order = np.lexsort((rank[code_sel], rows))
    return pd.DataFrame(
        {
            "nip": emp.nip[rows[order]],
            "competency": all_codes[code_sel[order]],
            "level": level_sel[order].astype(str),
        }
    )


def _requirements(rng: np.random.Generator, pos: _Positions) -> pd.DataFrame:
    n = len(pos.posts)
    codes, main, second = _technical_codes(pos)
    cls = np.array([CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)
    std = STANDARD_LEVEL[cls]
    tstd = TECHNICAL_LEVEL[cls]
    # M01 always, then 1-3 more of M02-M08, S01 sometimes, the main technical code, a second one.
    extra = np.argsort(rng.random((n, 7)), axis=1) + 1
    n_extra = rng.integers(1, 4, n)
    has = np.zeros((n, 9), dtype=bool)
    has[:, 0] = True
    has[np.arange(n)[:, None], extra] = np.arange(7)[None, :] < n_extra[:, None]
    has[:, 8] = rng.random(n) < 0.25
    none = rng.random(n) < 0.06
    has &= ~none[:, None]
    has_t = np.stack([~none, ~none & (rng.random(n) < 0.35)], axis=1)
    all_codes = np.array([*_MANAGERIAL, *codes])
    code = np.concatenate(
        [np.broadcast_to(np.arange(9), (n, 9)), np.stack([main, second], axis=1) + 9], axis=1
    )
    level = np.concatenate(
        [np.broadcast_to(std[:, None], (n, 9)), np.broadcast_to(tstd[:, None], (n, 2))], axis=1
    )
    weight = np.concatenate(
        [np.full((n, 9), ""), np.stack([rng.integers(2, 4, n), np.full(n, 2)], axis=1).astype(str)],
        axis=1,
    )
    mask = np.concatenate([has, has_t], axis=1)
    rows = np.broadcast_to(np.arange(n)[:, None], mask.shape)[mask]
    code_sel = code[mask]
    rank = np.argsort(np.argsort(all_codes))
    order = np.lexsort((rank[code_sel], rows))
    return pd.DataFrame(
        {
            "position_id": pos.ids[rows[order]],
            "competency": all_codes[code_sel[order]],
            "level": level[mask][order].astype(str),
            "weight": weight[mask][order],
        }
    )


def _grouped(keys: IntArray, members: IntArray, n_keys: int) -> tuple[IntArray, IntArray, IntArray]:
    """``members`` sorted by key, with each key's start and count in that order."""
    order = members[np.argsort(keys[members], kind="stable")]
    counts = np.bincount(keys[members], minlength=n_keys).astype(np.int64)
    return order, np.cumsum(counts) - counts, counts


def _preferences(
    rng: np.random.Generator, pos: _Positions, emp: _Employees, unit_codes: Sequence[str]
) -> pd.DataFrame:
    n = len(emp.nip)
    n_pos = len(pos.posts)
    _, key = np.unique(np.array([p.key for p in pos.posts]), return_inverse=True)
    key = key.astype(np.int64)
    _, family = np.unique(np.array([p.family for p in pos.posts]), return_inverse=True)
    family = family.astype(np.int64)
    is_open = pos.state == "open"
    vacant = is_open & (pos.capacity > pos.holders)
    n_keys = int(key.max()) + 1
    all_pool = _grouped(key, np.flatnonzero(is_open), n_keys)
    vac_pool = _grouped(key, np.flatnonzero(vacant), n_keys)
    fam_pool = _grouped(family, np.flatnonzero(is_open), int(family.max()) + 1)

    p_any = np.where(emp.post < 0, 0.75, np.where(emp.overdue, 0.6, 0.47))
    k = np.where(rng.random(n) < p_any, rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2]), 0)
    who = np.repeat(np.arange(n), k)
    m = len(who)
    prof = emp.profile[who]

    def pick(pool: tuple[IntArray, IntArray, IntArray], group: IntArray) -> IntArray:
        order, start, count = pool
        c = count[group]
        idx = start[group] + (rng.random(m) * np.maximum(c, 1)).astype(np.int64)
        padded = np.r_[order, -1]
        return np.where(c > 0, padded[np.minimum(idx, len(order))], -1)

    same_vac = pick(vac_pool, key[prof])
    same_any = pick(all_pool, key[prof])
    in_family = pick(fam_pool, family[prof])
    kind = rng.random(m)
    target = np.where((kind < 0.75) & (same_vac >= 0), same_vac, same_any)
    target = np.where((kind > 0.86) | (target < 0), in_family, target)
    unit_weights = np.bincount(pos.unit, weights=pos.capacity, minlength=len(unit_codes))
    unit_pick = rng.choice(len(unit_codes), m, p=unit_weights / unit_weights.sum()) + n_pos
    target = np.where((kind > 0.94) | (target < 0), unit_pick, target)
    keep = (target >= 0) & (target != emp.post[who])
    who, target = who[keep], target[keep]
    # First occurrence of each (employee, target) in slot order; ranks 1..k without gaps.
    combined = who * (n_pos + len(unit_codes)) + target
    _, first = np.unique(combined, return_index=True)
    first.sort()
    who, target = who[first], target[first]
    starts = np.r_[0, np.flatnonzero(who[1:] != who[:-1]) + 1] if len(who) else np.array([], int)
    group_start = np.zeros(len(who), dtype=np.int64)
    group_start[starts] = starts
    group_start = np.maximum.accumulate(group_start) if len(who) else group_start
    rank = np.arange(len(who)) - group_start + 1
    names = np.concatenate([pos.ids, np.array(unit_codes)])
    return pd.DataFrame({"nip": emp.nip[who], "target": names[target], "rank": rank.astype(str)})


def _relations(rng: np.random.Generator, emp: _Employees) -> pd.DataFrame:
    n = len(emp.nip)
    pairs: list[tuple[IntArray, IntArray, str]] = []
    men = np.flatnonzero(~emp.female)
    women = np.flatnonzero(emp.female)
    n_spouse = min(round(0.03 * n), len(men), len(women))
    if n_spouse:
        men = rng.permutation(men)[:n_spouse]
        # About a third of couples work in the same unit.
        n_units = int(emp.unit.max()) + 2
        placed_women = women[emp.unit[women] >= 0]
        w_order, w_start, w_count = _grouped(emp.unit + 1, placed_women, n_units)
        same = (rng.random(n_spouse) < 0.35) & (emp.unit[men] >= 0)
        g = emp.unit[men] + 1
        c = w_count[g]
        pick = w_start[g] + (rng.random(n_spouse) * np.maximum(c, 1)).astype(np.int64)
        wife = np.where(same & (c > 0), w_order[np.minimum(pick, len(w_order) - 1)], -1)
        free = np.setdiff1d(women, wife)
        free = rng.permutation(free)
        missing = np.flatnonzero(wife < 0)
        wife[missing[: len(free)]] = free[: len(missing)]
        ok = wife >= 0
        husband, wife = men[ok], wife[ok]
        _, first = np.unique(wife, return_index=True)
        pairs.append((husband[first], wife[first], "spouse"))
    for kind, share in (("family", 0.01), ("other", 0.003)):
        m = round(share * n)
        pairs.append((rng.integers(0, n, m), rng.integers(0, n, m), kind))
    a = np.concatenate([p[0] for p in pairs]).astype(np.int64)
    b = np.concatenate([p[1] for p in pairs]).astype(np.int64)
    kinds = np.concatenate([np.full(len(p[0]), p[2]) for p in pairs]).astype("<U6")
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    lo, hi, kinds = lo[keep], hi[keep], kinds[keep]
    # One relation per pair: the first listed (spouse before family before other).
    _, first = np.unique(lo * n + hi, return_index=True)
    lo, hi, kinds = lo[first], hi[first], kinds[first]
    order = np.lexsort((kinds, hi, lo))
    return pd.DataFrame(
        {"nip_a": emp.nip[lo[order]], "nip_b": emp.nip[hi[order]], "kind": kinds[order]}
    )


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate(
    n_employees: int,
    seed: int,
    *,
    n_units: int | None = None,
    reference_date: datetime.date = DEFAULT_REFERENCE_DATE,
) -> dict[str, pd.DataFrame]:
    """Generate a synthetic city-government dataset.

    Parameters
    ----------
    n_employees
        Number of employees (at least 1); about 0.6 % of them hold no position.
    seed
        Seed of the random generator; the same arguments always give the same tables.
    n_units
        Number of organisational units; by default :func:`default_n_units` (40 at 5,000).
    reference_date
        The date at which ages, tenure and appointments are set.

    Returns
    -------
    dict[str, pandas.DataFrame]
        The six contract tables (``employees``, ``positions``, ``competencies``,
        ``requirements``, ``preferences``, ``relations``) and ``units`` (the units' names; it
        draws no random numbers, so the other tables are as without it), with the contract's
        columns in order,
        every cell a string in contract spelling (``""`` when empty), rows sorted by
        :data:`SORT_KEYS`.
    """
    if n_employees < 1:
        raise ValueError(f"n_employees must be at least 1, got {n_employees}")
    units_n = default_n_units(n_employees) if n_units is None else n_units
    if units_n < 1:
        raise ValueError(f"n_units must be at least 1, got {units_n}")
    rng = np.random.default_rng(seed)
    units = _units(units_n)
    n_unplaced = round(0.006 * n_employees)
    pos = _build_positions(rng, units, n_employees - n_unplaced)
    emp = _build_employees(rng, pos, n_employees, reference_date)
    unit_codes = [u.code for u in units]
    positions = pd.DataFrame(
        {
            "position_id": pos.ids,
            "title": [p.title for p in pos.posts],
            "unit": np.array(unit_codes)[pos.unit],
            "job_class": [p.job_class for p in pos.posts],
            "eselon": [p.eselon for p in pos.posts],
            "min_grade": [p.min_grade for p in pos.posts],
            "max_grade": [p.max_grade for p in pos.posts],
            "min_education": [p.min_education for p in pos.posts],
            "education_fields": [";".join(p.fields) if p.strict else "" for p in pos.posts],
            "capacity": pos.capacity.astype(str),
            "state": pos.state,
        }
    )
    tables = {
        "employees": emp.table,
        "positions": positions,
        "competencies": _competencies(rng, pos, emp),
        "requirements": _requirements(rng, pos),
        "preferences": _preferences(rng, pos, emp, unit_codes),
        "relations": _relations(rng, emp),
        "units": _units_table(units),
    }
    return {name: tables[name][list(COLUMNS[name])].astype(str) for name in (*TABLES, "units")}


def write_csv(tables: Mapping[str, pd.DataFrame], out_dir: str | os.PathLike[str]) -> None:
    """Write each table to ``<out_dir>/<table>.csv``.

    UTF-8 without BOM, comma-separated, ``\\n`` line ends, quoting only where needed, rows
    sorted by :data:`SORT_KEYS` (as text). The folder is created when missing.

    Parameters
    ----------
    tables
        Tables by name, as returned by :func:`generate`.
    out_dir
        Destination folder.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        keys = [k for k in SORT_KEYS.get(name, ()) if k in frame.columns]
        ordered = frame.sort_values(keys, kind="stable") if keys else frame
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ordered.columns)
            columns = [ordered[c].astype(str).tolist() for c in ordered.columns]
            writer.writerows(zip(*columns, strict=True))
