"""Deterministic synthetic datasets of a Binjai-like city government.

:func:`generate` builds the six contract tables (CONTRACT §1) for a city of ``n_employees``
civil servants: the regional offices (OPD), the five kecamatan, kelurahan, puskesmas and, for
large sizes, further schools and technical units (UPTD). Every cell is a string in contract
spelling, ``""`` for an empty cell, so the tables are exactly what a CSV folder would hold.
:func:`write_csv` writes them. The same arguments always give byte-identical files.

The data are plausible, not real: job-class mix, grades, eselon bands, education, NIPs, tenure,
SKP predicates and competency levels follow the usual patterns of a regional government, and a
share of the formasi is vacant so that rotation has room to work.
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
    DEFAULT_RETIREMENT_AGE,
    EDUCATION_LEVELS,
    ESELON_BAND,
    GRADE_INDEX,
    GRADES,
    JPT_CLASSES,
    MANAGERIAL_COMPETENCIES,
    PERFORMANCES,
    RETIREMENT_AGE,
    SOCIOCULTURAL_COMPETENCIES,
    STATUSES,
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
}

_DAYS_PER_MONTH: Final = 30.436875
_DAYS_PER_YEAR: Final = 365.2425

# --------------------------------------------------------------------------------------------
# Occupational families, functional posts (JF) and administrative staff posts (pelaksana)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    technical: tuple[str, str]  # main and secondary technical competency
    fields: tuple[str, ...]  # usual fields of study
    female: float  # share of women


_FAMILIES: Final[dict[str, _Family]] = {
    "ADMINISTRASI": _Family(
        ("T.ADMINISTRASI", "T.KEARSIPAN"),
        ("Administrasi Negara", "Manajemen", "Administrasi Perkantoran"),
        0.5,
    ),
    "PEMERINTAHAN": _Family(
        ("T.PEMERINTAHAN", "T.PELAYANAN-PUBLIK"),
        ("Ilmu Pemerintahan", "Administrasi Negara", "Ilmu Politik"),
        0.45,
    ),
    "PENDIDIKAN": _Family(
        ("T.PEDAGOGIK", "T.KURIKULUM"), ("Pendidikan", "Manajemen Pendidikan"), 0.7
    ),
    "KEPERAWATAN": _Family(
        ("T.KEPERAWATAN", "T.PELAYANAN-KESEHATAN"), ("Keperawatan", "Ners"), 0.78
    ),
    "KEBIDANAN": _Family(("T.KEBIDANAN", "T.PELAYANAN-KESEHATAN"), ("Kebidanan",), 1.0),
    "MEDIS": _Family(
        ("T.MEDIS", "T.PELAYANAN-KESEHATAN"), ("Kedokteran", "Kesehatan Masyarakat"), 0.55
    ),
    "KESMAS": _Family(
        ("T.KESMAS", "T.PELAYANAN-KESEHATAN"),
        ("Kesehatan Masyarakat", "Gizi", "Kesehatan Lingkungan"),
        0.68,
    ),
    "FARMASI": _Family(("T.FARMASI", "T.PELAYANAN-KESEHATAN"), ("Farmasi",), 0.72),
    "SDM": _Family(
        ("T.MANAJEMEN-ASN", "T.ADMINISTRASI"),
        ("Psikologi", "Manajemen Sumber Daya Manusia", "Administrasi Negara"),
        0.55,
    ),
    "AUDIT": _Family(("T.AUDIT", "T.KEUANGAN"), ("Akuntansi", "Ekonomi", "Hukum"), 0.5),
    "TIK": _Family(
        ("T.TIK", "T.KOMUNIKASI"),
        ("Teknik Informatika", "Sistem Informasi", "Ilmu Komunikasi"),
        0.4,
    ),
    "KEUANGAN": _Family(
        ("T.KEUANGAN", "T.ADMINISTRASI"), ("Akuntansi", "Manajemen", "Ekonomi"), 0.6
    ),
    "PERENCANAAN": _Family(
        ("T.PERENCANAAN", "T.KEUANGAN"),
        ("Perencanaan Wilayah dan Kota", "Ekonomi Pembangunan", "Statistika"),
        0.5,
    ),
    "HUKUM": _Family(("T.HUKUM", "T.ADMINISTRASI"), ("Hukum",), 0.5),
    "SOSIAL": _Family(
        ("T.SOSIAL", "T.PELAYANAN-PUBLIK"), ("Kesejahteraan Sosial", "Sosiologi"), 0.6
    ),
    "KEPENDUDUKAN": _Family(
        ("T.KEPENDUDUKAN", "T.PELAYANAN-PUBLIK"), ("Sistem Informasi", "Administrasi Negara"), 0.5
    ),
    "PERHUBUNGAN": _Family(
        ("T.PERHUBUNGAN", "T.KETEKNIKAN"), ("Teknik Mesin", "Transportasi"), 0.2
    ),
    "LINGKUNGAN": _Family(
        ("T.LINGKUNGAN", "T.KETEKNIKAN"), ("Teknik Lingkungan", "Biologi", "Kehutanan"), 0.4
    ),
    "TEKNIK": _Family(
        ("T.KETEKNIKAN", "T.PERENCANAAN"),
        ("Teknik Sipil", "Arsitektur", "Perencanaan Wilayah dan Kota"),
        0.3,
    ),
    "TRANTIB": _Family(
        ("T.KETENTERAMAN", "T.PELAYANAN-PUBLIK"), ("Hukum", "Ilmu Pemerintahan"), 0.2
    ),
    "KEBENCANAAN": _Family(
        ("T.KEBENCANAAN", "T.PELAYANAN-PUBLIK"), ("Geografi", "Teknik Sipil"), 0.35
    ),
    "PERDAGANGAN": _Family(
        ("T.PERDAGANGAN", "T.METROLOGI"), ("Ekonomi", "Manajemen", "Teknik Industri"), 0.5
    ),
    "PERTANIAN": _Family(
        ("T.PERTANIAN", "T.KETAHANAN-PANGAN"), ("Agroteknologi", "Agribisnis", "Peternakan"), 0.45
    ),
    "KELUARGA-BERENCANA": _Family(
        ("T.KELUARGA-BERENCANA", "T.SOSIAL"), ("Kesehatan Masyarakat", "Sosiologi"), 0.7
    ),
    "PERIZINAN": _Family(
        ("T.PERIZINAN", "T.PELAYANAN-PUBLIK"), ("Hukum", "Administrasi Negara", "Ekonomi"), 0.5
    ),
    "KEOLAHRAGAAN": _Family(
        ("T.KEOLAHRAGAAN", "T.KEPEMUDAAN"), ("Pendidikan Jasmani", "Ilmu Keolahragaan"), 0.3
    ),
}

#: Fields of study of employees with a secondary-school education (SMA/SMK majors).
_SCHOOL_FIELDS: Final = (
    "IPA",
    "IPS",
    "Administrasi Perkantoran",
    "Akuntansi",
    "Teknik Komputer dan Jaringan",
)


@dataclass(frozen=True)
class _Jf:
    family: str
    expert: float  # share of expert grades (ahli); the rest are skill grades (keterampilan)
    utama: bool  # has an ahli utama grade
    fields: tuple[str, ...]
    strict: bool  # the post lists its fields of study as a requirement


_JF: Final[dict[str, _Jf]] = {
    "Guru Kelas": _Jf(
        "PENDIDIKAN", 1, False, ("Pendidikan Guru Sekolah Dasar", "Pendidikan"), True
    ),
    "Guru Matematika": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Matematika", "Matematika"), True),
    "Guru Bahasa Indonesia": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Bahasa Indonesia",), True),
    "Guru Bahasa Inggris": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Bahasa Inggris",), True),
    "Guru IPA": _Jf(
        "PENDIDIKAN",
        1,
        False,
        ("Pendidikan Biologi", "Pendidikan Fisika", "Pendidikan Kimia"),
        True,
    ),
    "Guru IPS": _Jf(
        "PENDIDIKAN",
        1,
        False,
        ("Pendidikan Ekonomi", "Pendidikan Sejarah", "Pendidikan Geografi"),
        True,
    ),
    "Guru Pendidikan Agama Islam": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Agama Islam",), True),
    "Guru Pendidikan Jasmani": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Jasmani",), True),
    "Guru Bimbingan dan Konseling": _Jf(
        "PENDIDIKAN", 1, False, ("Bimbingan dan Konseling", "Psikologi"), True
    ),
    "Pengawas Sekolah": _Jf("PENDIDIKAN", 1, False, ("Pendidikan", "Manajemen Pendidikan"), False),
    "Penilik": _Jf("PENDIDIKAN", 1, False, ("Pendidikan Luar Sekolah", "Pendidikan"), False),
    "Perawat": _Jf("KEPERAWATAN", 0.4, False, ("Keperawatan", "Ners"), True),
    "Bidan": _Jf("KEBIDANAN", 0.3, False, ("Kebidanan",), True),
    "Dokter": _Jf("MEDIS", 1, True, ("Kedokteran",), True),
    "Dokter Gigi": _Jf("MEDIS", 1, False, ("Kedokteran Gigi",), True),
    "Apoteker": _Jf("FARMASI", 1, False, ("Farmasi", "Profesi Apoteker"), True),
    "Asisten Apoteker": _Jf("FARMASI", 0, False, ("Farmasi",), True),
    "Nutrisionis": _Jf("KESMAS", 0.5, False, ("Gizi",), True),
    "Sanitarian": _Jf("KESMAS", 0.5, False, ("Kesehatan Lingkungan",), True),
    "Epidemiolog Kesehatan": _Jf(
        "KESMAS", 1, False, ("Kesehatan Masyarakat", "Epidemiologi"), False
    ),
    "Penyuluh Kesehatan Masyarakat": _Jf("KESMAS", 1, False, ("Kesehatan Masyarakat",), False),
    "Administrator Kesehatan": _Jf(
        "KESMAS", 1, False, ("Kesehatan Masyarakat", "Administrasi Rumah Sakit"), False
    ),
    "Pranata Laboratorium Kesehatan": _Jf(
        "KESMAS", 0.2, False, ("Analis Kesehatan", "Teknologi Laboratorium Medis"), True
    ),
    "Radiografer": _Jf("KESMAS", 0.2, False, ("Radiologi",), True),
    "Perekam Medis": _Jf("KESMAS", 0.2, False, ("Rekam Medis dan Informasi Kesehatan",), True),
    "Analis Sumber Daya Manusia Aparatur": _Jf(
        "SDM",
        1,
        False,
        ("Psikologi", "Manajemen Sumber Daya Manusia", "Administrasi Negara"),
        False,
    ),
    "Asesor Sumber Daya Manusia Aparatur": _Jf("SDM", 1, False, ("Psikologi",), True),
    "Auditor": _Jf("AUDIT", 0.85, True, ("Akuntansi", "Ekonomi", "Manajemen", "Hukum"), False),
    "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah": _Jf(
        "AUDIT", 1, False, ("Administrasi Negara", "Hukum", "Ilmu Pemerintahan"), False
    ),
    "Pranata Komputer": _Jf(
        "TIK", 0.6, False, ("Teknik Informatika", "Sistem Informasi", "Ilmu Komputer"), True
    ),
    "Pranata Hubungan Masyarakat": _Jf("TIK", 0.7, False, ("Ilmu Komunikasi",), False),
    "Statistisi": _Jf("TIK", 0.6, False, ("Statistika", "Matematika"), False),
    "Sandiman": _Jf("TIK", 0.5, False, ("Teknik Informatika", "Persandian"), False),
    "Analis Keuangan Pusat dan Daerah": _Jf(
        "KEUANGAN", 1, False, ("Akuntansi", "Manajemen", "Ekonomi"), False
    ),
    "Analis Anggaran": _Jf("KEUANGAN", 1, False, ("Akuntansi", "Ekonomi"), False),
    "Pengelola Pengadaan Barang/Jasa": _Jf(
        "KEUANGAN", 1, False, ("Manajemen", "Akuntansi", "Teknik Sipil"), False
    ),
    "Perencana": _Jf(
        "PERENCANAAN",
        1,
        True,
        ("Perencanaan Wilayah dan Kota", "Ekonomi Pembangunan", "Teknik Sipil"),
        False,
    ),
    "Analis Kebijakan": _Jf(
        "PEMERINTAHAN", 1, True, ("Administrasi Negara", "Ilmu Pemerintahan", "Ilmu Politik"), False
    ),
    "Analis Hukum": _Jf("HUKUM", 1, False, ("Hukum",), True),
    "Perancang Peraturan Perundang-undangan": _Jf("HUKUM", 1, False, ("Hukum",), True),
    "Arsiparis": _Jf("ADMINISTRASI", 0.5, False, ("Kearsipan", "Administrasi Negara"), False),
    "Pustakawan": _Jf("ADMINISTRASI", 0.5, False, ("Ilmu Perpustakaan",), False),
    "Pekerja Sosial": _Jf("SOSIAL", 0.6, False, ("Kesejahteraan Sosial", "Sosiologi"), False),
    "Penyuluh Sosial": _Jf("SOSIAL", 1, False, ("Kesejahteraan Sosial", "Ilmu Komunikasi"), False),
    "Administrator Database Kependudukan": _Jf(
        "KEPENDUDUKAN", 0.5, False, ("Sistem Informasi", "Teknik Informatika"), False
    ),
    "Penguji Kendaraan Bermotor": _Jf(
        "PERHUBUNGAN", 0.3, False, ("Teknik Mesin", "Teknik Otomotif"), True
    ),
    "Pengendali Dampak Lingkungan": _Jf(
        "LINGKUNGAN", 1, False, ("Teknik Lingkungan", "Biologi", "Kesehatan Lingkungan"), False
    ),
    "Pengawas Lingkungan Hidup": _Jf("LINGKUNGAN", 1, False, ("Teknik Lingkungan", "Hukum"), False),
    "Teknik Jalan dan Jembatan": _Jf("TEKNIK", 0.6, False, ("Teknik Sipil",), True),
    "Teknik Pengairan": _Jf("TEKNIK", 0.6, False, ("Teknik Sipil", "Teknik Pengairan"), True),
    "Penata Ruang": _Jf("TEKNIK", 1, False, ("Perencanaan Wilayah dan Kota", "Arsitektur"), True),
    "Penata Kelola Bangunan Gedung dan Kawasan Permukiman": _Jf(
        "TEKNIK", 1, False, ("Arsitektur", "Teknik Sipil"), True
    ),
    "Polisi Pamong Praja": _Jf("TRANTIB", 0.35, False, ("Hukum", "Ilmu Pemerintahan"), False),
    "Pemadam Kebakaran": _Jf("TRANTIB", 0, False, ("Teknik Mesin", "Fisika"), False),
    "Analis Kebencanaan": _Jf("KEBENCANAAN", 1, False, ("Geografi", "Teknik Sipil"), False),
    "Penata Penanggulangan Bencana": _Jf("KEBENCANAAN", 0, False, ("Geografi",), False),
    "Pengawas Perdagangan": _Jf("PERDAGANGAN", 1, False, ("Ekonomi", "Manajemen"), False),
    "Penera": _Jf("PERDAGANGAN", 0.4, False, ("Teknik Mesin", "Fisika", "Teknik Industri"), False),
    "Analis Perdagangan": _Jf("PERDAGANGAN", 1, False, ("Ekonomi", "Manajemen"), False),
    "Penyuluh Pertanian": _Jf("PERTANIAN", 0.5, False, ("Agroteknologi", "Agribisnis"), True),
    "Medik Veteriner": _Jf("PERTANIAN", 1, False, ("Kedokteran Hewan",), True),
    "Analis Ketahanan Pangan": _Jf(
        "PERTANIAN", 1, False, ("Teknologi Pangan", "Agribisnis"), False
    ),
    "Pengawas Mutu Hasil Pertanian": _Jf("PERTANIAN", 0.5, False, ("Agroteknologi",), False),
    "Penyuluh Keluarga Berencana": _Jf(
        "KELUARGA-BERENCANA", 0.6, False, ("Kesehatan Masyarakat", "Sosiologi"), False
    ),
}

#: Grades (min, max) and minimum education of each functional grade.
_JF_GRADES: Final[dict[str, tuple[str, str, str]]] = {
    "JF_AHLI_PERTAMA": ("III/a", "III/b", "S1"),
    "JF_AHLI_MUDA": ("III/c", "III/d", "S1"),
    "JF_AHLI_MADYA": ("IV/a", "IV/c", "S1"),
    "JF_AHLI_UTAMA": ("IV/d", "IV/e", "S1"),
    "JF_PEMULA": ("II/a", "II/b", "SMA"),
    "JF_TERAMPIL": ("II/c", "II/d", "D3"),
    "JF_MAHIR": ("III/a", "III/b", "D3"),
    "JF_PENYELIA": ("III/c", "III/d", "D3"),
}
_EXPERT_LEVELS: Final = (
    ("JF_AHLI_PERTAMA", "Ahli Pertama", 0.42),
    ("JF_AHLI_MUDA", "Ahli Muda", 0.36),
    ("JF_AHLI_MADYA", "Ahli Madya", 0.20),
    ("JF_AHLI_UTAMA", "Ahli Utama", 0.02),
)
_SKILL_LEVELS: Final = (
    ("JF_PEMULA", "Pemula", 0.03),
    ("JF_TERAMPIL", "Terampil", 0.50),
    ("JF_MAHIR", "Mahir", 0.30),
    ("JF_PENYELIA", "Penyelia", 0.17),
)

#: Pelaksana posts: minimum education, grade range and family ("" = the unit's family).
_PELAKSANA: Final[dict[str, tuple[str, str, str, str]]] = {
    "Pengadministrasi Perkantoran": ("SMA", "II/a", "III/b", "ADMINISTRASI"),
    "Operator Layanan Operasional": ("SMA", "II/a", "III/a", "ADMINISTRASI"),
    "Pengolah Data dan Informasi": ("D3", "II/c", "III/b", "TIK"),
    "Penata Layanan Operasional": ("S1", "III/a", "III/b", "ADMINISTRASI"),
    "Penelaah Teknis Kebijakan": ("S1", "III/a", "III/b", ""),
    "Pengelola Layanan Operasional": ("D3", "II/c", "III/b", ""),
    "Teknisi Sarana dan Prasarana": ("SMA", "II/a", "III/a", "TEKNIK"),
    "Operator Layanan Kesehatan": ("D3", "II/c", "III/b", "KESMAS"),
}
_PEL_OFFICE: Final = (
    ("Pengadministrasi Perkantoran", 4.0),
    ("Operator Layanan Operasional", 2.0),
    ("Pengolah Data dan Informasi", 2.0),
    ("Penata Layanan Operasional", 2.0),
    ("Penelaah Teknis Kebijakan", 1.5),
    ("Pengelola Layanan Operasional", 2.0),
)
_PEL_TECHNICAL: Final = (*_PEL_OFFICE, ("Teknisi Sarana dan Prasarana", 3.0))
_PEL_HEALTH: Final = (*_PEL_OFFICE, ("Operator Layanan Kesehatan", 4.0))
_PEL_SCHOOL: Final = (
    ("Pengadministrasi Perkantoran", 3.0),
    ("Operator Layanan Operasional", 1.5),
    ("Pengolah Data dan Informasi", 1.0),
)
_PEL_LOCAL: Final = (
    ("Pengadministrasi Perkantoran", 3.0),
    ("Operator Layanan Operasional", 2.0),
    ("Penata Layanan Operasional", 1.0),
)

_GURU: Final = (
    ("Guru Kelas", 30.0),
    ("Guru Matematika", 6.0),
    ("Guru Bahasa Indonesia", 6.0),
    ("Guru Bahasa Inggris", 4.0),
    ("Guru IPA", 5.0),
    ("Guru IPS", 4.0),
    ("Guru Pendidikan Agama Islam", 6.0),
    ("Guru Pendidikan Jasmani", 5.0),
    ("Guru Bimbingan dan Konseling", 2.0),
)
_HEALTH_CENTRE_JF: Final = (
    ("Perawat", 6.0),
    ("Bidan", 6.0),
    ("Dokter", 2.0),
    ("Dokter Gigi", 1.0),
    ("Nutrisionis", 1.0),
    ("Sanitarian", 1.0),
    ("Asisten Apoteker", 1.0),
    ("Penyuluh Kesehatan Masyarakat", 1.0),
    ("Pranata Laboratorium Kesehatan", 1.0),
    ("Perekam Medis", 0.5),
)
_COMMON_JF: Final = (("Arsiparis", 0.4), ("Perencana", 0.4), ("Pranata Komputer", 0.4))

# --------------------------------------------------------------------------------------------
# Job classes: standard competency levels, education, retirement
# --------------------------------------------------------------------------------------------

_CLASSES: Final = (
    "JPT_PRATAMA",
    "ADMINISTRATOR",
    "PENGAWAS",
    "PELAKSANA",
    "JF_AHLI_UTAMA",
    "JF_AHLI_MADYA",
    "JF_AHLI_MUDA",
    "JF_AHLI_PERTAMA",
    "JF_PENYELIA",
    "JF_MAHIR",
    "JF_TERAMPIL",
    "JF_PEMULA",
)
_CLASS_INDEX: Final = {c: i for i, c in enumerate(_CLASSES)}
_STRUCTURAL: Final = frozenset({"JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"})
#: Managerial and socio-cultural standard level of each class.
_STANDARD_LEVEL: Final = np.array([4, 3, 2, 1, 4, 3, 2, 1, 2, 2, 1, 1], dtype=np.int64)
#: Technical standard level of each class.
_TECHNICAL_LEVEL: Final = np.array([4, 3, 2, 1, 5, 4, 3, 2, 3, 2, 2, 1], dtype=np.int64)
#: Probability that a holder of a post of the class is PPPK, resp. a CPNS.
_PPPK_SHARE: Final = np.array([0, 0, 0, 0.24, 0, 0.02, 0.12, 0.46, 0.03, 0.12, 0.42, 0.3])
_CPNS_SHARE: Final = np.array([0, 0, 0, 0.015, 0, 0, 0, 0.03, 0, 0, 0.03, 0.02])
_BUP: Final = np.array(
    [RETIREMENT_AGE.get(c, DEFAULT_RETIREMENT_AGE) for c in _CLASSES], dtype=np.int64
)
_STRUCTURAL_MIN_EDUCATION: Final = {"JPT_PRATAMA": "S1", "ADMINISTRATOR": "S1", "PENGAWAS": "D3"}

#: Education distributions (probabilities over EDUCATION_LEVELS) by kind of post.
_EDUCATION_DISTRIBUTIONS: Final[dict[str, dict[str, float]]] = {
    "jpt": {"S1": 0.12, "S2": 0.8, "S3": 0.08},
    "administrator": {"S1": 0.45, "S2": 0.55},
    "pengawas": {"D3": 0.08, "S1": 0.7, "S2": 0.22},
    "ahli": {"D3": 0.02, "D4": 0.07, "S1": 0.76, "S2": 0.15},
    "ahli_senior": {"S1": 0.6, "S2": 0.37, "S3": 0.03},
    "skill": {"SMA": 0.02, "D3": 0.8, "D4": 0.05, "S1": 0.13},
    "pemula": {"SMA": 0.7, "D3": 0.3},
    "pel_sma": {"SMP": 0.02, "SMA": 0.58, "D3": 0.15, "S1": 0.25},
    "pel_d3": {"SMA": 0.03, "D3": 0.64, "S1": 0.33},
    "pel_s1": {"D3": 0.02, "S1": 0.87, "S2": 0.11},
}
_EDU_KINDS: Final = tuple(_EDUCATION_DISTRIBUTIONS)
_EDU_CUMULATIVE: Final = np.cumsum(
    np.array(
        [
            [d.get(level, 0.0) for level in EDUCATION_LEVELS]
            for d in _EDUCATION_DISTRIBUTIONS.values()
        ]
    ),
    axis=1,
)
#: Entry grade (index into GRADES) and age range at entry (years) by education level.
_ENTRY_GRADE: Final = np.array([0, 2, 4, 4, 5, 6, 8, 8, 9, 10], dtype=np.int64)
_ENTRY_AGE: Final = np.array(
    [
        [19, 26],
        [19, 26],
        [20, 28],
        [20, 28],
        [21, 29],
        [21, 30],
        [23, 33],
        [23, 33],
        [25, 36],
        [28, 40],
    ],
    dtype=np.int64,
)

# --------------------------------------------------------------------------------------------
# Units (OPD and their field offices)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    kind: str  # opd, sekda, setwan, rsud, inspektorat, kecamatan, kelurahan, puskesmas, ...
    weight: float  # relative headcount
    family: str
    jf_share: float  # share of functional posts among the non-structural staff
    jf: tuple[tuple[str, float], ...]
    pelaksana: tuple[tuple[str, float], ...]
    bidang: tuple[str, ...] = ()
    head: str = ""


def _opd(
    code: str,
    name: str,
    weight: float,
    family: str,
    jf_share: float,
    jf: tuple[tuple[str, float], ...],
    bidang: tuple[str, ...],
    *,
    kind: str = "opd",
    pelaksana: tuple[tuple[str, float], ...] = _PEL_OFFICE,
    head: str = "",
) -> _Unit:
    return _Unit(code, name, kind, weight, family, jf_share, jf, pelaksana, bidang, head)


_CORE_UNITS: Final = (
    _opd(
        "DISDIK",
        "Dinas Pendidikan",
        2050,
        "PENDIDIKAN",
        0.9,
        (*_GURU, ("Pengawas Sekolah", 1.0), ("Penilik", 0.4), ("Arsiparis", 0.2)),
        (
            "Bidang Pembinaan Sekolah Dasar",
            "Bidang Pembinaan Sekolah Menengah Pertama",
            "Bidang Pendidikan Anak Usia Dini dan Pendidikan Nonformal",
            "Bidang Guru dan Tenaga Kependidikan",
            "Bidang Kebudayaan",
        ),
    ),
    _opd(
        "DINKES",
        "Dinas Kesehatan",
        420,
        "KESMAS",
        0.72,
        (
            *_HEALTH_CENTRE_JF,
            ("Apoteker", 1.0),
            ("Epidemiolog Kesehatan", 1.0),
            ("Administrator Kesehatan", 1.0),
        ),
        (
            "Bidang Kesehatan Masyarakat",
            "Bidang Pencegahan dan Pengendalian Penyakit",
            "Bidang Pelayanan Kesehatan",
            "Bidang Sumber Daya Kesehatan",
        ),
        pelaksana=_PEL_HEALTH,
    ),
    _opd(
        "SETDA",
        "Sekretariat Daerah",
        160,
        "PEMERINTAHAN",
        0.3,
        (
            ("Analis Kebijakan", 3.0),
            ("Analis Hukum", 2.0),
            ("Perancang Peraturan Perundang-undangan", 1.5),
            ("Pengelola Pengadaan Barang/Jasa", 2.0),
            ("Pranata Hubungan Masyarakat", 1.5),
            ("Analis Keuangan Pusat dan Daerah", 1.0),
            ("Arsiparis", 1.0),
        ),
        (
            "Bagian Pemerintahan",
            "Bagian Hukum",
            "Bagian Kesejahteraan Rakyat",
            "Bagian Perekonomian dan Sumber Daya Alam",
            "Bagian Administrasi Pembangunan",
            "Bagian Pengadaan Barang dan Jasa",
            "Bagian Organisasi",
            "Bagian Umum",
            "Bagian Protokol dan Komunikasi Pimpinan",
        ),
        kind="sekda",
    ),
    _opd(
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        60,
        "SDM",
        0.4,
        (
            ("Analis Sumber Daya Manusia Aparatur", 5.0),
            ("Asesor Sumber Daya Manusia Aparatur", 1.0),
            *_COMMON_JF,
        ),
        (
            "Bidang Pengadaan, Pemberhentian dan Informasi",
            "Bidang Mutasi dan Promosi",
            "Bidang Pengembangan Kompetensi Aparatur",
            "Bidang Penilaian Kinerja Aparatur dan Penghargaan",
        ),
    ),
    _opd(
        "RSUD",
        "Rumah Sakit Umum Daerah",
        420,
        "MEDIS",
        0.78,
        (
            ("Perawat", 12.0),
            ("Bidan", 3.0),
            ("Dokter", 4.0),
            ("Dokter Gigi", 0.5),
            ("Apoteker", 1.0),
            ("Asisten Apoteker", 1.5),
            ("Pranata Laboratorium Kesehatan", 1.5),
            ("Radiografer", 1.0),
            ("Perekam Medis", 1.5),
            ("Nutrisionis", 1.0),
            ("Administrator Kesehatan", 0.5),
        ),
        (
            "Bidang Pelayanan Medik",
            "Bidang Keperawatan",
            "Bidang Penunjang Medik",
            "Bagian Umum dan Kepegawaian",
            "Bagian Keuangan",
        ),
        kind="rsud",
        pelaksana=_PEL_HEALTH,
        head="Direktur Rumah Sakit Umum Daerah",
    ),
    _opd(
        "INSPEKTORAT",
        "Inspektorat",
        55,
        "AUDIT",
        0.7,
        (
            ("Auditor", 4.0),
            ("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", 3.0),
        ),
        (
            "Inspektur Pembantu Wilayah I",
            "Inspektur Pembantu Wilayah II",
            "Inspektur Pembantu Wilayah III",
            "Inspektur Pembantu Khusus",
        ),
        kind="inspektorat",
        head="Inspektur",
    ),
    _opd(
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah",
        55,
        "PERENCANAAN",
        0.5,
        (("Perencana", 5.0), ("Statistisi", 1.0), ("Analis Kebijakan", 1.0)),
        (
            "Bidang Pemerintahan dan Pembangunan Manusia",
            "Bidang Perekonomian dan Sumber Daya Alam",
            "Bidang Infrastruktur dan Kewilayahan",
            "Bidang Penelitian dan Pengembangan",
        ),
    ),
    _opd(
        "BPKPAD",
        "Badan Pengelolaan Keuangan, Pendapatan dan Aset Daerah",
        85,
        "KEUANGAN",
        0.3,
        (("Analis Keuangan Pusat dan Daerah", 3.0), ("Analis Anggaran", 2.0), *_COMMON_JF),
        (
            "Bidang Anggaran",
            "Bidang Perbendaharaan",
            "Bidang Akuntansi",
            "Bidang Pendapatan",
            "Bidang Aset",
        ),
    ),
    _opd(
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        60,
        "KEPENDUDUKAN",
        0.35,
        (
            ("Administrator Database Kependudukan", 4.0),
            ("Pranata Komputer", 1.0),
            ("Arsiparis", 1.0),
        ),
        (
            "Bidang Pelayanan Pendaftaran Penduduk",
            "Bidang Pelayanan Pencatatan Sipil",
            "Bidang Pengelolaan Informasi Administrasi Kependudukan",
        ),
    ),
    _opd(
        "DINSOS",
        "Dinas Sosial",
        55,
        "SOSIAL",
        0.4,
        (("Pekerja Sosial", 4.0), ("Penyuluh Sosial", 2.0), *_COMMON_JF),
        (
            "Bidang Rehabilitasi Sosial",
            "Bidang Perlindungan dan Jaminan Sosial",
            "Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin",
        ),
    ),
    _opd(
        "SATPOLPP",
        "Satuan Polisi Pamong Praja",
        110,
        "TRANTIB",
        0.6,
        (("Polisi Pamong Praja", 8.0), ("Pemadam Kebakaran", 3.0)),
        (
            "Bidang Penegakan Peraturan Daerah",
            "Bidang Ketertiban Umum dan Ketenteraman Masyarakat",
            "Bidang Perlindungan Masyarakat",
            "Bidang Pemadam Kebakaran",
        ),
        head="Kepala Satuan Polisi Pamong Praja",
    ),
    _opd(
        "DISHUB",
        "Dinas Perhubungan",
        75,
        "PERHUBUNGAN",
        0.3,
        (("Penguji Kendaraan Bermotor", 3.0), *_COMMON_JF),
        ("Bidang Lalu Lintas", "Bidang Angkutan", "Bidang Sarana dan Prasarana"),
        pelaksana=_PEL_TECHNICAL,
    ),
    _opd(
        "DLH",
        "Dinas Lingkungan Hidup",
        110,
        "LINGKUNGAN",
        0.25,
        (("Pengendali Dampak Lingkungan", 4.0), ("Pengawas Lingkungan Hidup", 1.0), *_COMMON_JF),
        (
            "Bidang Tata Lingkungan",
            "Bidang Pengelolaan Sampah dan Limbah B3",
            "Bidang Pengendalian Pencemaran dan Kerusakan Lingkungan",
            "Bidang Pertamanan",
        ),
        pelaksana=_PEL_TECHNICAL,
    ),
    _opd(
        "PUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        90,
        "TEKNIK",
        0.35,
        (
            ("Teknik Jalan dan Jembatan", 4.0),
            ("Teknik Pengairan", 2.0),
            ("Penata Ruang", 2.0),
            ("Pengelola Pengadaan Barang/Jasa", 0.5),
        ),
        (
            "Bidang Bina Marga",
            "Bidang Sumber Daya Air",
            "Bidang Cipta Karya",
            "Bidang Penataan Ruang",
        ),
        pelaksana=_PEL_TECHNICAL,
    ),
    _opd(
        "PERKIM",
        "Dinas Perumahan dan Kawasan Permukiman",
        55,
        "TEKNIK",
        0.3,
        (("Penata Kelola Bangunan Gedung dan Kawasan Permukiman", 3.0), *_COMMON_JF),
        ("Bidang Perumahan", "Bidang Kawasan Permukiman", "Bidang Pertanahan"),
        pelaksana=_PEL_TECHNICAL,
    ),
    _opd(
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        45,
        "PERIZINAN",
        0.25,
        (("Analis Kebijakan", 1.0), *_COMMON_JF),
        (
            "Bidang Penanaman Modal",
            "Bidang Pelayanan Perizinan",
            "Bidang Pengaduan dan Pengendalian",
        ),
    ),
    _opd(
        "DISKOMINFO",
        "Dinas Komunikasi dan Informatika",
        50,
        "TIK",
        0.45,
        (
            ("Pranata Komputer", 4.0),
            ("Pranata Hubungan Masyarakat", 2.0),
            ("Statistisi", 1.0),
            ("Sandiman", 0.5),
        ),
        (
            "Bidang Informasi dan Komunikasi Publik",
            "Bidang Aplikasi Informatika",
            "Bidang Statistik dan Persandian",
        ),
    ),
    _opd(
        "BPBD",
        "Badan Penanggulangan Bencana Daerah",
        45,
        "KEBENCANAAN",
        0.3,
        (("Analis Kebencanaan", 2.0), ("Penata Penanggulangan Bencana", 2.0)),
        (
            "Bidang Pencegahan dan Kesiapsiagaan",
            "Bidang Kedaruratan dan Logistik",
            "Bidang Rehabilitasi dan Rekonstruksi",
        ),
        head="Kepala Pelaksana Badan Penanggulangan Bencana Daerah",
    ),
    _opd(
        "DISPERINDAG",
        "Dinas Perindustrian dan Perdagangan",
        50,
        "PERDAGANGAN",
        0.3,
        (("Pengawas Perdagangan", 2.0), ("Penera", 2.0), ("Analis Perdagangan", 1.0)),
        ("Bidang Perindustrian", "Bidang Perdagangan", "Bidang Pasar", "Bidang Metrologi Legal"),
    ),
    _opd(
        "DISPORA",
        "Dinas Pemuda dan Olahraga",
        40,
        "KEOLAHRAGAAN",
        0.15,
        (("Analis Kebijakan", 1.0), ("Arsiparis", 1.0)),
        ("Bidang Kepemudaan", "Bidang Olahraga"),
    ),
    _opd(
        "DKPP",
        "Dinas Ketahanan Pangan dan Pertanian",
        60,
        "PERTANIAN",
        0.5,
        (
            ("Penyuluh Pertanian", 5.0),
            ("Medik Veteriner", 1.0),
            ("Analis Ketahanan Pangan", 1.0),
            ("Pengawas Mutu Hasil Pertanian", 1.0),
        ),
        (
            "Bidang Ketahanan Pangan",
            "Bidang Tanaman Pangan dan Hortikultura",
            "Bidang Peternakan dan Kesehatan Hewan",
            "Bidang Perikanan",
        ),
    ),
    _opd(
        "DP3AP2KB",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga "
        "Berencana",
        65,
        "KELUARGA-BERENCANA",
        0.5,
        (("Penyuluh Keluarga Berencana", 5.0), ("Pekerja Sosial", 1.0)),
        (
            "Bidang Pemberdayaan Perempuan dan Perlindungan Anak",
            "Bidang Pengendalian Penduduk",
            "Bidang Keluarga Berencana dan Keluarga Sejahtera",
        ),
    ),
    _opd(
        "SETWAN",
        "Sekretariat Dewan Perwakilan Rakyat Daerah",
        60,
        "ADMINISTRASI",
        0.2,
        (
            ("Analis Kebijakan", 2.0),
            ("Perancang Peraturan Perundang-undangan", 1.0),
            ("Pranata Hubungan Masyarakat", 1.0),
            ("Arsiparis", 1.0),
        ),
        (
            "Bagian Umum dan Keuangan",
            "Bagian Persidangan dan Perundang-undangan",
            "Bagian Fasilitasi Penganggaran dan Pengawasan",
        ),
        kind="setwan",
        head="Sekretaris Dewan Perwakilan Rakyat Daerah",
    ),
)

_KECAMATAN: Final = {
    "Binjai Kota": ("Berngam", "Binjai", "Kartini", "Pekan Binjai", "Satria", "Setia", "Tangsi"),
    "Binjai Utara": (
        "Cengkeh Turi",
        "Damai",
        "Jati Karya",
        "Jati Makmur",
        "Jati Negara",
        "Jati Utomo",
        "Kebun Lada",
        "Nangka",
        "Pahlawan",
    ),
    "Binjai Selatan": (
        "Bhakti Karya",
        "Binjai Estate",
        "Pujidadi",
        "Rambung Barat",
        "Rambung Dalam",
        "Rambung Timur",
        "Tanah Merah",
        "Tanah Seribu",
    ),
    "Binjai Timur": (
        "Dataran Tinggi",
        "Mencirim",
        "Sumber Karya",
        "Sumber Mulyo Rejo",
        "Tanah Tinggi",
        "Timbang Langkat",
        "Tunggurono",
    ),
    "Binjai Barat": (
        "Bandar Senembah",
        "Limau Mungkur",
        "Limau Sundai",
        "Paya Roba",
        "Suka Maju",
        "Suka Ramai",
    ),
}
_PUSKESMAS: Final = (
    "Binjai Kota",
    "Kebun Lada",
    "Tanah Tinggi",
    "Rambung",
    "Sentosa Baru",
    "Jati Makmur",
    "Satria",
    "Bandar Senembah",
    "Binjai Estate",
)
#: Technical field units (UPTD) added for large sizes: code stem, name, family, functional posts.
_UPTD: Final = (
    ("PKB", "Pengujian Kendaraan Bermotor", "PERHUBUNGAN", (("Penguji Kendaraan Bermotor", 1.0),)),
    ("PASAR", "Pengelolaan Pasar", "PERDAGANGAN", (("Penera", 1.0), ("Pengawas Perdagangan", 1.0))),
    (
        "LABLING",
        "Laboratorium Lingkungan",
        "LINGKUNGAN",
        (("Pengendali Dampak Lingkungan", 1.0),),
    ),
    ("BENIH", "Balai Benih dan Penyuluhan Pertanian", "PERTANIAN", (("Penyuluh Pertanian", 1.0),)),
    ("DAMKAR", "Pemadam Kebakaran", "TRANTIB", (("Pemadam Kebakaran", 1.0),)),
    (
        "FARMASI",
        "Instalasi Farmasi",
        "FARMASI",
        (("Apoteker", 1.0), ("Asisten Apoteker", 2.0)),
    ),
    ("PPA", "Perlindungan Perempuan dan Anak", "SOSIAL", (("Pekerja Sosial", 1.0),)),
)


def _slug(text: str) -> str:
    return text.upper().replace(" ", "-")


def _local_units() -> list[_Unit]:
    """Kecamatan offices, then kelurahan round-robin over the kecamatan with puskesmas between."""
    units = [
        _Unit(
            "KEC-" + _slug(kec),
            "Kecamatan " + kec,
            "kecamatan",
            30,
            "PEMERINTAHAN",
            0.05,
            (("Analis Kebijakan", 1.0),),
            _PEL_LOCAL,
        )
        for kec in _KECAMATAN
    ]
    kelurahan: list[str] = []
    lists = list(_KECAMATAN.values())
    for i in range(max(len(v) for v in lists)):
        kelurahan.extend(v[i] for v in lists if i < len(v))
    puskesmas = list(_PUSKESMAS)
    for i, kel in enumerate(kelurahan):
        units.append(
            _Unit(
                "KEL-" + _slug(kel),
                "Kelurahan " + kel,
                "kelurahan",
                10,
                "PEMERINTAHAN",
                0.0,
                (),
                _PEL_LOCAL,
            )
        )
        if i % 4 == 3 and puskesmas:
            units.append(_puskesmas("PKM-" + _slug(puskesmas[0]), puskesmas.pop(0)))
    units.extend(_puskesmas("PKM-" + _slug(p), p) for p in puskesmas)
    return units


def _puskesmas(code: str, name: str) -> _Unit:
    return _Unit(
        code, "Puskesmas " + name, "puskesmas", 55, "KESMAS", 0.8, _HEALTH_CENTRE_JF, _PEL_HEALTH
    )


def _extra_unit(i: int) -> _Unit:
    """The i-th (0-based) unit beyond the named ones: schools, puskesmas and UPTD in turn."""
    cycle, slot = divmod(i, 6)
    if slot in (0, 2, 4):
        number = cycle * 3 + slot // 2 + 1
        if slot == 2:
            return _Unit(
                f"SMPN-{number:03d}",
                f"SMP Negeri {number} Binjai",
                "smp",
                45,
                "PENDIDIKAN",
                0.9,
                _GURU[1:],
                _PEL_SCHOOL,
            )
        return _Unit(
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
            _PEL_SCHOOL,
        )
    if slot == 3:
        return _puskesmas(f"PKM-{cycle + 1:03d}", f"Pembantu {cycle + 1:03d}")
    stem, name, family, jf = _UPTD[(cycle * 2 + slot // 5) % len(_UPTD)]
    return _Unit(
        f"UPTD-{stem}-{cycle + 1:03d}",
        f"UPTD {name} {cycle + 1}",
        "uptd",
        30,
        family,
        0.45,
        jf,
        _PEL_OFFICE[:3],
    )


def _units(n_units: int) -> list[_Unit]:
    named = [*_CORE_UNITS, *_local_units()]
    if n_units <= len(named):
        return named[:n_units]
    return named + [_extra_unit(i) for i in range(n_units - len(named))]


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
    education: str  # key of _EDUCATION_DISTRIBUTIONS


_HEALTH_FIELDS: Final = ("Kedokteran", "Kesehatan Masyarakat", "Keperawatan", "Farmasi")
_SECTION_TOPICS: Final = (
    "Perencanaan dan Evaluasi",
    "Pembinaan",
    "Pengendalian",
    "Pelayanan",
    "Data dan Informasi",
)
_SUBBAG: Final = (
    ("Kepala Subbagian Umum dan Kepegawaian", "ADMINISTRASI"),
    ("Kepala Subbagian Keuangan dan Aset", "KEUANGAN"),
    ("Kepala Subbagian Perencanaan dan Pelaporan", "PERENCANAAN"),
)


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
        _STRUCTURAL_MIN_EDUCATION[job_class],
        fields or _FAMILIES[family].fields,
        bool(fields),
        f"{job_class}|{eselon}",
        education,
    )


def _sections(bidang: str, count: int, family: str, eselon: str) -> list[_Post]:
    kind, _, topic = bidang.partition(" ")
    prefix = "Kepala Subbagian" if kind == "Bagian" else "Kepala Seksi"
    return [
        _structural(f"{prefix} {_SECTION_TOPICS[i]} {topic}", "PENGAWAS", eselon, family)
        for i in range(count)
    ]


def _structure(unit: _Unit, size: int) -> list[_Post]:
    """Structural posts of a unit of ``size`` staff, head first."""
    fam = unit.family
    health = fam in ("KESMAS", "MEDIS")
    fields = _HEALTH_FIELDS if health else ()
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
            posts.append(_structural(_SUBBAG[0][0], "PENGAWAS", "IV.b", "ADMINISTRASI"))
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
            for topic in _SECTION_TOPICS[1 : 1 + min(3, size // 50)]
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
            _structural(title, "PENGAWAS", "IV.a", family) for title, family in _SUBBAG[:n_subbag]
        ]
    for bidang in unit.bidang[:n_bidang]:
        title = bidang if unit.kind == "inspektorat" else "Kepala " + bidang
        bidang_family = "ADMINISTRASI" if bidang.startswith("Bagian") else fam
        posts.append(_structural(title, "ADMINISTRATOR", "III.b", bidang_family, fields))
        posts += _sections(bidang, per_bidang, bidang_family, "IV.a")
    return posts


def _functional_post(name: str, job_class: str, label: str) -> _Post:
    jf = _JF[name]
    lo, hi, edu = _JF_GRADES[job_class]
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


def _pelaksana_post(title: str, unit: _Unit) -> _Post:
    edu, lo, hi, family = _PELAKSANA[title]
    family = family or unit.family
    return _Post(
        title,
        "PELAKSANA",
        "",
        family,
        lo,
        hi,
        edu,
        _FAMILIES[family].fields,
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


def _functional_entries(unit: _Unit) -> list[tuple[_Post, float]]:
    entries: list[tuple[_Post, float]] = []
    for name, weight in unit.jf:
        jf = _JF[name]
        if jf.expert > 0:
            for job_class, label, share in _EXPERT_LEVELS:
                if job_class != "JF_AHLI_UTAMA" or jf.utama:
                    entry = (_functional_post(name, job_class, label), weight * jf.expert * share)
                    entries.append(entry)
        if jf.expert < 1:
            for job_class, label, share in _SKILL_LEVELS:
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


def _build_positions(rng: np.random.Generator, units: Sequence[_Unit], placed: int) -> _Positions:
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
    structural = np.array([p.job_class in _STRUCTURAL for p in posts_all], dtype=bool)
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

_MALE_NAMES: Final = (
    "Agus", "Ahmad", "Andi", "Bambang", "Budi", "Dedi", "Doni", "Eko", "Fajar", "Fauzi",
    "Hendra", "Herman", "Irwan", "Joko", "Khairul", "Lukman", "Muhammad", "Rahmat", "Rizki",
    "Roni", "Syahrial", "Taufik", "Wahyu", "Yusuf", "Zulkifli", "Arif", "Dimas", "Gilang",
    "Hasan", "Ilham", "Indra", "Junaidi", "Mulyadi", "Ridwan", "Sutrisno", "Tommy",
)  # fmt: skip
_FEMALE_NAMES: Final = (
    "Ani", "Citra", "Dewi", "Erna", "Fitri", "Gita", "Hana", "Indah", "Juliana", "Kartika",
    "Lestari", "Maya", "Nur", "Nurhayati", "Putri", "Rahmawati", "Rina", "Sari", "Siti",
    "Sri", "Tuti", "Wulan", "Yanti", "Yuliana", "Ayu", "Desi", "Eka", "Fatimah", "Intan",
    "Lina", "Mawar", "Novita", "Ratna", "Suryani", "Vivi", "Zahra",
)  # fmt: skip
_MIDDLE_NAMES: Final = (
    "Dwi", "Tri", "Nur", "Sri", "Eka", "Adi", "Putra", "Maria", "Rahma", "Wati", "Hidayat",
    "Saputra", "Kurnia", "Pratama", "Lestari", "Wijaya",
)  # fmt: skip
_SURNAMES: Final = (
    "Siregar", "Nasution", "Lubis", "Harahap", "Ginting", "Tarigan", "Sembiring", "Purba",
    "Damanik", "Saragih", "Pane", "Pohan", "Hasibuan", "Sitepu", "Perangin-angin", "Sinaga",
    "Simanjuntak", "Situmorang", "Sitorus", "Manurung", "Pardede", "Panjaitan", "Batubara",
    "Daulay", "Rangkuti", "Matondang", "Surbakti", "Barus", "Bangun", "Karo-karo", "Sebayang",
    "Tambunan",
)  # fmt: skip
#: Degree written after the name, by family and education ("" = none).
_DEGREES: Final[dict[str, tuple[str, str, str]]] = {  # D3, S1/D4, S2/S3
    "PENDIDIKAN": ("A.Md.", "S.Pd.", "M.Pd."),
    "KEPERAWATAN": ("A.Md.Kep.", "S.Kep., Ns.", "M.Kep."),
    "KEBIDANAN": ("A.Md.Keb.", "S.Tr.Keb.", "M.Keb."),
    "MEDIS": ("A.Md.", "", "Sp.PD"),
    "KESMAS": ("A.Md.Kes.", "S.KM", "M.Kes."),
    "FARMASI": ("A.Md.Farm.", "S.Farm., Apt.", "M.Farm."),
    "HUKUM": ("A.Md.", "S.H.", "M.H."),
    "KEUANGAN": ("A.Md.Ak.", "S.E.", "M.Si."),
    "AUDIT": ("A.Md.Ak.", "S.E., Ak.", "M.Ak."),
    "TIK": ("A.Md.Kom.", "S.Kom.", "M.Kom."),
    "TEKNIK": ("A.Md.T.", "S.T.", "M.T."),
    "PERTANIAN": ("A.Md.P.", "S.P.", "M.P."),
}
_DEFAULT_DEGREES: Final = ("A.Md.", "S.Sos.", "M.Si.")


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
    cls_of_post = np.array([_CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)
    # Unplaced people suit an entry-level post: new CPNS hires and staff back from study leave.
    entry_cls = np.isin(
        cls_of_post, [_CLASS_INDEX[c] for c in ("JF_AHLI_PERTAMA", "JF_TERAMPIL", "PELAKSANA")]
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
    fam_names = sorted(_FAMILIES)
    fam_index = {f: i for i, f in enumerate(fam_names)}
    fam = np.array([fam_index[p.family] for p in pos.posts], dtype=np.int64)[profile]

    # Status.
    u = rng.random(n)
    status = np.where(u < _PPPK_SHARE[cls], 1, np.where(u > 1 - _CPNS_SHARE[cls], 2, 0))
    status[unplaced] = 0
    status[new_hire] = 2

    # Education.
    edu_kind = np.array([_EDU_KINDS.index(p.education) for p in pos.posts], dtype=np.int64)[profile]
    edu = (rng.random(n)[:, None] > _EDU_CUMULATIVE[edu_kind]).sum(axis=1).astype(np.int64)
    edu = np.minimum(edu, len(EDUCATION_LEVELS) - 1)
    back_from_study = unplaced & ~new_hire
    edu[back_from_study & (edu == 7)] = 8  # S1 -> S2 after tugas belajar
    entry_grade = _ENTRY_GRADE[edu]

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
    entry_age = _ENTRY_AGE[edu]
    entry_y = entry_age[:, 0] + rng.random(n) * (entry_age[:, 1] - entry_age[:, 0])
    entry_y = np.where(status == 1, 23 + rng.random(n) * 27, entry_y)
    service_d = (service_m * _DAYS_PER_MONTH).astype(np.int64) + rng.integers(0, 28, n)
    entry_d = (entry_y * _DAYS_PER_YEAR).astype(np.int64)
    max_age_d = ((_BUP[cls] * 12 - 2) * _DAYS_PER_MONTH).astype(np.int64) - rng.integers(0, 400, n)
    excess = np.maximum(service_d + entry_d - max_age_d, 0)
    cut = np.minimum(excess, np.maximum(service_d - 400, 0))
    service_d -= cut
    entry_d -= excess - cut
    tmt_day = _month_start(ref_day - service_d)
    birth_day = tmt_day - entry_d

    # Gender and NIP (PNS/CPNS: birth + CPNS TMT YYYYMM + sex + serial; PPPK: birth + year + 21).
    female_p = np.array([_FAMILIES[f].female for f in fam_names])[fam]
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
    school = np.array(_SCHOOL_FIELDS)[rng.integers(0, len(_SCHOOL_FIELDS), n)]
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
        np.array(_FEMALE_NAMES)[rng.integers(0, len(_FEMALE_NAMES), n)],
        np.array(_MALE_NAMES)[rng.integers(0, len(_MALE_NAMES), n)],
    )
    middle = np.array(_MIDDLE_NAMES)[rng.integers(0, len(_MIDDLE_NAMES), n)]
    surname = np.array(_SURNAMES)[rng.integers(0, len(_SURNAMES), n)]
    has_middle = rng.random(n) < 0.35
    has_surname = rng.random(n) < 0.7
    degree_table = np.array([_DEGREES.get(f, _DEFAULT_DEGREES) for f in fam_names])
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
    codes = sorted({c for f in _FAMILIES.values() for c in f.technical})
    index = {c: i for i, c in enumerate(codes)}
    main = np.array([index[_FAMILIES[p.family].technical[0]] for p in pos.posts], dtype=np.int64)
    second = np.array([index[_FAMILIES[p.family].technical[1]] for p in pos.posts], dtype=np.int64)
    return codes, main, second


def _competencies(rng: np.random.Generator, pos: _Positions, emp: _Employees) -> pd.DataFrame:
    n = len(emp.nip)
    codes, main, second = _technical_codes(pos)
    cls = np.array([_CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)[emp.profile]
    std = _STANDARD_LEVEL[cls]
    tstd = _TECHNICAL_LEVEL[cls]
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
    cls = np.array([_CLASS_INDEX[p.job_class] for p in pos.posts], dtype=np.int64)
    std = _STANDARD_LEVEL[cls]
    tstd = _TECHNICAL_LEVEL[cls]
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
        ``requirements``, ``preferences``, ``relations``) with the contract's columns in order,
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
    }
    return {name: tables[name][list(COLUMNS[name])].astype(str) for name in TABLES}


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
