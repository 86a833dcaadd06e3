"""The literal tables the sample-city generator draws from: posts, units, names and degrees.

Occupational families, functional posts (JF) and their grades, pelaksana posts, job-class
parameters, the city's units, section names, and personal names and degrees.

Only data lives here, with the few lookups derived from it; :mod:`placement.synthetic.city`
holds the logic that draws a city from these tables. Changing a value here changes every
generated dataset (and the embedded sample), so the tables are edited deliberately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from placement.contract.enums import DEFAULT_RETIREMENT_AGE, EDUCATION_LEVELS, RETIREMENT_AGE

# --------------------------------------------------------------------------------------------
# Occupational families, functional posts (JF) and administrative staff posts (pelaksana)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    technical: tuple[str, str]  # main and secondary technical competency
    fields: tuple[str, ...]  # usual fields of study
    female: float  # share of women


FAMILIES: Final[dict[str, Family]] = {
    "ADMINISTRASI": Family(
        ("T.ADMINISTRASI", "T.KEARSIPAN"),
        ("Administrasi Negara", "Manajemen", "Administrasi Perkantoran"),
        0.5,
    ),
    "PEMERINTAHAN": Family(
        ("T.PEMERINTAHAN", "T.PELAYANAN-PUBLIK"),
        ("Ilmu Pemerintahan", "Administrasi Negara", "Ilmu Politik"),
        0.45,
    ),
    "PENDIDIKAN": Family(
        ("T.PEDAGOGIK", "T.KURIKULUM"), ("Pendidikan", "Manajemen Pendidikan"), 0.7
    ),
    "KEPERAWATAN": Family(
        ("T.KEPERAWATAN", "T.PELAYANAN-KESEHATAN"), ("Keperawatan", "Ners"), 0.78
    ),
    "KEBIDANAN": Family(("T.KEBIDANAN", "T.PELAYANAN-KESEHATAN"), ("Kebidanan",), 1.0),
    "MEDIS": Family(
        ("T.MEDIS", "T.PELAYANAN-KESEHATAN"), ("Kedokteran", "Kesehatan Masyarakat"), 0.55
    ),
    "KESMAS": Family(
        ("T.KESMAS", "T.PELAYANAN-KESEHATAN"),
        ("Kesehatan Masyarakat", "Gizi", "Kesehatan Lingkungan"),
        0.68,
    ),
    "FARMASI": Family(("T.FARMASI", "T.PELAYANAN-KESEHATAN"), ("Farmasi",), 0.72),
    "SDM": Family(
        ("T.MANAJEMEN-ASN", "T.ADMINISTRASI"),
        ("Psikologi", "Manajemen Sumber Daya Manusia", "Administrasi Negara"),
        0.55,
    ),
    "AUDIT": Family(("T.AUDIT", "T.KEUANGAN"), ("Akuntansi", "Ekonomi", "Hukum"), 0.5),
    "TIK": Family(
        ("T.TIK", "T.KOMUNIKASI"),
        ("Teknik Informatika", "Sistem Informasi", "Ilmu Komunikasi"),
        0.4,
    ),
    "KEUANGAN": Family(
        ("T.KEUANGAN", "T.ADMINISTRASI"), ("Akuntansi", "Manajemen", "Ekonomi"), 0.6
    ),
    "PERENCANAAN": Family(
        ("T.PERENCANAAN", "T.KEUANGAN"),
        ("Perencanaan Wilayah dan Kota", "Ekonomi Pembangunan", "Statistika"),
        0.5,
    ),
    "HUKUM": Family(("T.HUKUM", "T.ADMINISTRASI"), ("Hukum",), 0.5),
    "SOSIAL": Family(
        ("T.SOSIAL", "T.PELAYANAN-PUBLIK"), ("Kesejahteraan Sosial", "Sosiologi"), 0.6
    ),
    "KEPENDUDUKAN": Family(
        ("T.KEPENDUDUKAN", "T.PELAYANAN-PUBLIK"), ("Sistem Informasi", "Administrasi Negara"), 0.5
    ),
    "PERHUBUNGAN": Family(("T.PERHUBUNGAN", "T.KETEKNIKAN"), ("Teknik Mesin", "Transportasi"), 0.2),
    "LINGKUNGAN": Family(
        ("T.LINGKUNGAN", "T.KETEKNIKAN"), ("Teknik Lingkungan", "Biologi", "Kehutanan"), 0.4
    ),
    "TEKNIK": Family(
        ("T.KETEKNIKAN", "T.PERENCANAAN"),
        ("Teknik Sipil", "Arsitektur", "Perencanaan Wilayah dan Kota"),
        0.3,
    ),
    "TRANTIB": Family(
        ("T.KETENTERAMAN", "T.PELAYANAN-PUBLIK"), ("Hukum", "Ilmu Pemerintahan"), 0.2
    ),
    "KEBENCANAAN": Family(
        ("T.KEBENCANAAN", "T.PELAYANAN-PUBLIK"), ("Geografi", "Teknik Sipil"), 0.35
    ),
    "PERDAGANGAN": Family(
        ("T.PERDAGANGAN", "T.METROLOGI"), ("Ekonomi", "Manajemen", "Teknik Industri"), 0.5
    ),
    "PERTANIAN": Family(
        ("T.PERTANIAN", "T.KETAHANAN-PANGAN"), ("Agroteknologi", "Agribisnis", "Peternakan"), 0.45
    ),
    "KELUARGA-BERENCANA": Family(
        ("T.KELUARGA-BERENCANA", "T.SOSIAL"), ("Kesehatan Masyarakat", "Sosiologi"), 0.7
    ),
    "PERIZINAN": Family(
        ("T.PERIZINAN", "T.PELAYANAN-PUBLIK"), ("Hukum", "Administrasi Negara", "Ekonomi"), 0.5
    ),
    "KEOLAHRAGAAN": Family(
        ("T.KEOLAHRAGAAN", "T.KEPEMUDAAN"), ("Pendidikan Jasmani", "Ilmu Keolahragaan"), 0.3
    ),
}

#: Fields of study of employees with a secondary-school education (SMA/SMK majors).
SCHOOL_FIELDS: Final = (
    "IPA",
    "IPS",
    "Administrasi Perkantoran",
    "Akuntansi",
    "Teknik Komputer dan Jaringan",
)


@dataclass(frozen=True)
class Jf:
    family: str
    expert: float  # share of expert grades (ahli); the rest are skill grades (keterampilan)
    utama: bool  # has an ahli utama grade
    fields: tuple[str, ...]
    strict: bool  # the post lists its fields of study as a requirement


JF_POSTS: Final[dict[str, Jf]] = {
    "Guru Kelas": Jf("PENDIDIKAN", 1, False, ("Pendidikan Guru Sekolah Dasar", "Pendidikan"), True),
    "Guru Matematika": Jf("PENDIDIKAN", 1, False, ("Pendidikan Matematika", "Matematika"), True),
    "Guru Bahasa Indonesia": Jf("PENDIDIKAN", 1, False, ("Pendidikan Bahasa Indonesia",), True),
    "Guru Bahasa Inggris": Jf("PENDIDIKAN", 1, False, ("Pendidikan Bahasa Inggris",), True),
    "Guru IPA": Jf(
        "PENDIDIKAN",
        1,
        False,
        ("Pendidikan Biologi", "Pendidikan Fisika", "Pendidikan Kimia"),
        True,
    ),
    "Guru IPS": Jf(
        "PENDIDIKAN",
        1,
        False,
        ("Pendidikan Ekonomi", "Pendidikan Sejarah", "Pendidikan Geografi"),
        True,
    ),
    "Guru Pendidikan Agama Islam": Jf("PENDIDIKAN", 1, False, ("Pendidikan Agama Islam",), True),
    "Guru Pendidikan Jasmani": Jf("PENDIDIKAN", 1, False, ("Pendidikan Jasmani",), True),
    "Guru Bimbingan dan Konseling": Jf(
        "PENDIDIKAN", 1, False, ("Bimbingan dan Konseling", "Psikologi"), True
    ),
    "Pengawas Sekolah": Jf("PENDIDIKAN", 1, False, ("Pendidikan", "Manajemen Pendidikan"), False),
    "Penilik": Jf("PENDIDIKAN", 1, False, ("Pendidikan Luar Sekolah", "Pendidikan"), False),
    "Perawat": Jf("KEPERAWATAN", 0.4, False, ("Keperawatan", "Ners"), True),
    "Bidan": Jf("KEBIDANAN", 0.3, False, ("Kebidanan",), True),
    "Dokter": Jf("MEDIS", 1, True, ("Kedokteran",), True),
    "Dokter Gigi": Jf("MEDIS", 1, False, ("Kedokteran Gigi",), True),
    "Apoteker": Jf("FARMASI", 1, False, ("Farmasi", "Profesi Apoteker"), True),
    "Asisten Apoteker": Jf("FARMASI", 0, False, ("Farmasi",), True),
    "Nutrisionis": Jf("KESMAS", 0.5, False, ("Gizi",), True),
    "Sanitarian": Jf("KESMAS", 0.5, False, ("Kesehatan Lingkungan",), True),
    "Epidemiolog Kesehatan": Jf(
        "KESMAS", 1, False, ("Kesehatan Masyarakat", "Epidemiologi"), False
    ),
    "Penyuluh Kesehatan Masyarakat": Jf("KESMAS", 1, False, ("Kesehatan Masyarakat",), False),
    "Administrator Kesehatan": Jf(
        "KESMAS", 1, False, ("Kesehatan Masyarakat", "Administrasi Rumah Sakit"), False
    ),
    "Pranata Laboratorium Kesehatan": Jf(
        "KESMAS", 0.2, False, ("Analis Kesehatan", "Teknologi Laboratorium Medis"), True
    ),
    "Radiografer": Jf("KESMAS", 0.2, False, ("Radiologi",), True),
    "Perekam Medis": Jf("KESMAS", 0.2, False, ("Rekam Medis dan Informasi Kesehatan",), True),
    "Analis Sumber Daya Manusia Aparatur": Jf(
        "SDM",
        1,
        False,
        ("Psikologi", "Manajemen Sumber Daya Manusia", "Administrasi Negara"),
        False,
    ),
    "Asesor Sumber Daya Manusia Aparatur": Jf("SDM", 1, False, ("Psikologi",), True),
    "Auditor": Jf("AUDIT", 0.85, True, ("Akuntansi", "Ekonomi", "Manajemen", "Hukum"), False),
    "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah": Jf(
        "AUDIT", 1, False, ("Administrasi Negara", "Hukum", "Ilmu Pemerintahan"), False
    ),
    "Pranata Komputer": Jf(
        "TIK", 0.6, False, ("Teknik Informatika", "Sistem Informasi", "Ilmu Komputer"), True
    ),
    "Pranata Hubungan Masyarakat": Jf("TIK", 0.7, False, ("Ilmu Komunikasi",), False),
    "Statistisi": Jf("TIK", 0.6, False, ("Statistika", "Matematika"), False),
    "Sandiman": Jf("TIK", 0.5, False, ("Teknik Informatika", "Persandian"), False),
    "Analis Keuangan Pusat dan Daerah": Jf(
        "KEUANGAN", 1, False, ("Akuntansi", "Manajemen", "Ekonomi"), False
    ),
    "Analis Anggaran": Jf("KEUANGAN", 1, False, ("Akuntansi", "Ekonomi"), False),
    "Pengelola Pengadaan Barang/Jasa": Jf(
        "KEUANGAN", 1, False, ("Manajemen", "Akuntansi", "Teknik Sipil"), False
    ),
    "Perencana": Jf(
        "PERENCANAAN",
        1,
        True,
        ("Perencanaan Wilayah dan Kota", "Ekonomi Pembangunan", "Teknik Sipil"),
        False,
    ),
    "Analis Kebijakan": Jf(
        "PEMERINTAHAN", 1, True, ("Administrasi Negara", "Ilmu Pemerintahan", "Ilmu Politik"), False
    ),
    "Analis Hukum": Jf("HUKUM", 1, False, ("Hukum",), True),
    "Perancang Peraturan Perundang-undangan": Jf("HUKUM", 1, False, ("Hukum",), True),
    "Arsiparis": Jf("ADMINISTRASI", 0.5, False, ("Kearsipan", "Administrasi Negara"), False),
    "Pustakawan": Jf("ADMINISTRASI", 0.5, False, ("Ilmu Perpustakaan",), False),
    "Pekerja Sosial": Jf("SOSIAL", 0.6, False, ("Kesejahteraan Sosial", "Sosiologi"), False),
    "Penyuluh Sosial": Jf("SOSIAL", 1, False, ("Kesejahteraan Sosial", "Ilmu Komunikasi"), False),
    "Administrator Database Kependudukan": Jf(
        "KEPENDUDUKAN", 0.5, False, ("Sistem Informasi", "Teknik Informatika"), False
    ),
    "Penguji Kendaraan Bermotor": Jf(
        "PERHUBUNGAN", 0.3, False, ("Teknik Mesin", "Teknik Otomotif"), True
    ),
    "Pengendali Dampak Lingkungan": Jf(
        "LINGKUNGAN", 1, False, ("Teknik Lingkungan", "Biologi", "Kesehatan Lingkungan"), False
    ),
    "Pengawas Lingkungan Hidup": Jf("LINGKUNGAN", 1, False, ("Teknik Lingkungan", "Hukum"), False),
    "Teknik Jalan dan Jembatan": Jf("TEKNIK", 0.6, False, ("Teknik Sipil",), True),
    "Teknik Pengairan": Jf("TEKNIK", 0.6, False, ("Teknik Sipil", "Teknik Pengairan"), True),
    "Penata Ruang": Jf("TEKNIK", 1, False, ("Perencanaan Wilayah dan Kota", "Arsitektur"), True),
    "Penata Kelola Bangunan Gedung dan Kawasan Permukiman": Jf(
        "TEKNIK", 1, False, ("Arsitektur", "Teknik Sipil"), True
    ),
    "Polisi Pamong Praja": Jf("TRANTIB", 0.35, False, ("Hukum", "Ilmu Pemerintahan"), False),
    "Pemadam Kebakaran": Jf("TRANTIB", 0, False, ("Teknik Mesin", "Fisika"), False),
    "Analis Kebencanaan": Jf("KEBENCANAAN", 1, False, ("Geografi", "Teknik Sipil"), False),
    "Penata Penanggulangan Bencana": Jf("KEBENCANAAN", 0, False, ("Geografi",), False),
    "Pengawas Perdagangan": Jf("PERDAGANGAN", 1, False, ("Ekonomi", "Manajemen"), False),
    "Penera": Jf("PERDAGANGAN", 0.4, False, ("Teknik Mesin", "Fisika", "Teknik Industri"), False),
    "Analis Perdagangan": Jf("PERDAGANGAN", 1, False, ("Ekonomi", "Manajemen"), False),
    "Penyuluh Pertanian": Jf("PERTANIAN", 0.5, False, ("Agroteknologi", "Agribisnis"), True),
    "Medik Veteriner": Jf("PERTANIAN", 1, False, ("Kedokteran Hewan",), True),
    "Analis Ketahanan Pangan": Jf("PERTANIAN", 1, False, ("Teknologi Pangan", "Agribisnis"), False),
    "Pengawas Mutu Hasil Pertanian": Jf("PERTANIAN", 0.5, False, ("Agroteknologi",), False),
    "Penyuluh Keluarga Berencana": Jf(
        "KELUARGA-BERENCANA", 0.6, False, ("Kesehatan Masyarakat", "Sosiologi"), False
    ),
}

#: Grades (min, max) and minimum education of each functional grade.
JF_GRADES: Final[dict[str, tuple[str, str, str]]] = {
    "JF_AHLI_PERTAMA": ("III/a", "III/b", "S1"),
    "JF_AHLI_MUDA": ("III/c", "III/d", "S1"),
    "JF_AHLI_MADYA": ("IV/a", "IV/c", "S1"),
    "JF_AHLI_UTAMA": ("IV/d", "IV/e", "S1"),
    "JF_PEMULA": ("II/a", "II/b", "SMA"),
    "JF_TERAMPIL": ("II/c", "II/d", "D3"),
    "JF_MAHIR": ("III/a", "III/b", "D3"),
    "JF_PENYELIA": ("III/c", "III/d", "D3"),
}
EXPERT_LEVELS: Final = (
    ("JF_AHLI_PERTAMA", "Ahli Pertama", 0.42),
    ("JF_AHLI_MUDA", "Ahli Muda", 0.36),
    ("JF_AHLI_MADYA", "Ahli Madya", 0.20),
    ("JF_AHLI_UTAMA", "Ahli Utama", 0.02),
)
SKILL_LEVELS: Final = (
    ("JF_PEMULA", "Pemula", 0.03),
    ("JF_TERAMPIL", "Terampil", 0.50),
    ("JF_MAHIR", "Mahir", 0.30),
    ("JF_PENYELIA", "Penyelia", 0.17),
)

#: Pelaksana posts: minimum education, grade range and family ("" = the unit's family).
PELAKSANA_POSTS: Final[dict[str, tuple[str, str, str, str]]] = {
    "Pengadministrasi Perkantoran": ("SMA", "II/a", "III/b", "ADMINISTRASI"),
    "Operator Layanan Operasional": ("SMA", "II/a", "III/a", "ADMINISTRASI"),
    "Pengolah Data dan Informasi": ("D3", "II/c", "III/b", "TIK"),
    "Penata Layanan Operasional": ("S1", "III/a", "III/b", "ADMINISTRASI"),
    "Penelaah Teknis Kebijakan": ("S1", "III/a", "III/b", ""),
    "Pengelola Layanan Operasional": ("D3", "II/c", "III/b", ""),
    "Teknisi Sarana dan Prasarana": ("SMA", "II/a", "III/a", "TEKNIK"),
    "Operator Layanan Kesehatan": ("D3", "II/c", "III/b", "KESMAS"),
}
PEL_OFFICE: Final = (
    ("Pengadministrasi Perkantoran", 4.0),
    ("Operator Layanan Operasional", 2.0),
    ("Pengolah Data dan Informasi", 2.0),
    ("Penata Layanan Operasional", 2.0),
    ("Penelaah Teknis Kebijakan", 1.5),
    ("Pengelola Layanan Operasional", 2.0),
)
PEL_TECHNICAL: Final = (*PEL_OFFICE, ("Teknisi Sarana dan Prasarana", 3.0))
PEL_HEALTH: Final = (*PEL_OFFICE, ("Operator Layanan Kesehatan", 4.0))
PEL_SCHOOL: Final = (
    ("Pengadministrasi Perkantoran", 3.0),
    ("Operator Layanan Operasional", 1.5),
    ("Pengolah Data dan Informasi", 1.0),
)
PEL_LOCAL: Final = (
    ("Pengadministrasi Perkantoran", 3.0),
    ("Operator Layanan Operasional", 2.0),
    ("Penata Layanan Operasional", 1.0),
)

GURU: Final = (
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
HEALTH_CENTRE_JF: Final = (
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
COMMON_JF: Final = (("Arsiparis", 0.4), ("Perencana", 0.4), ("Pranata Komputer", 0.4))

# --------------------------------------------------------------------------------------------
# Job classes: standard competency levels, education, retirement
# --------------------------------------------------------------------------------------------

CLASSES: Final = (
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
CLASS_INDEX: Final = {c: i for i, c in enumerate(CLASSES)}
STRUCTURAL: Final = frozenset({"JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"})
#: Managerial and socio-cultural standard level of each class.
STANDARD_LEVEL: Final = np.array([4, 3, 2, 1, 4, 3, 2, 1, 2, 2, 1, 1], dtype=np.int64)
#: Technical standard level of each class.
TECHNICAL_LEVEL: Final = np.array([4, 3, 2, 1, 5, 4, 3, 2, 3, 2, 2, 1], dtype=np.int64)
#: Probability that a holder of a post of the class is PPPK, resp. a CPNS.
PPPK_SHARE: Final = np.array([0, 0, 0, 0.24, 0, 0.02, 0.12, 0.46, 0.03, 0.12, 0.42, 0.3])
CPNS_SHARE: Final = np.array([0, 0, 0, 0.015, 0, 0, 0, 0.03, 0, 0, 0.03, 0.02])
BUP: Final = np.array(
    [RETIREMENT_AGE.get(c, DEFAULT_RETIREMENT_AGE) for c in CLASSES], dtype=np.int64
)
STRUCTURAL_MIN_EDUCATION: Final = {"JPT_PRATAMA": "S1", "ADMINISTRATOR": "S1", "PENGAWAS": "D3"}

#: Education distributions (probabilities over EDUCATION_LEVELS) by kind of post.
EDUCATION_DISTRIBUTIONS: Final[dict[str, dict[str, float]]] = {
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
EDU_KINDS: Final = tuple(EDUCATION_DISTRIBUTIONS)
EDU_CUMULATIVE: Final = np.cumsum(
    np.array(
        [
            [d.get(level, 0.0) for level in EDUCATION_LEVELS]
            for d in EDUCATION_DISTRIBUTIONS.values()
        ]
    ),
    axis=1,
)
#: Entry grade (index into GRADES) and age range at entry (years) by education level.
ENTRY_GRADE: Final = np.array([0, 2, 4, 4, 5, 6, 8, 8, 9, 10], dtype=np.int64)
ENTRY_AGE: Final = np.array(
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
class Unit:
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
    pelaksana: tuple[tuple[str, float], ...] = PEL_OFFICE,
    head: str = "",
) -> Unit:
    return Unit(code, name, kind, weight, family, jf_share, jf, pelaksana, bidang, head)


CORE_UNITS: Final = (
    _opd(
        "DISDIK",
        "Dinas Pendidikan",
        2050,
        "PENDIDIKAN",
        0.9,
        (*GURU, ("Pengawas Sekolah", 1.0), ("Penilik", 0.4), ("Arsiparis", 0.2)),
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
            *HEALTH_CENTRE_JF,
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
        pelaksana=PEL_HEALTH,
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
            *COMMON_JF,
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
        pelaksana=PEL_HEALTH,
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
        (("Analis Keuangan Pusat dan Daerah", 3.0), ("Analis Anggaran", 2.0), *COMMON_JF),
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
        (("Pekerja Sosial", 4.0), ("Penyuluh Sosial", 2.0), *COMMON_JF),
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
        (("Penguji Kendaraan Bermotor", 3.0), *COMMON_JF),
        ("Bidang Lalu Lintas", "Bidang Angkutan", "Bidang Sarana dan Prasarana"),
        pelaksana=PEL_TECHNICAL,
    ),
    _opd(
        "DLH",
        "Dinas Lingkungan Hidup",
        110,
        "LINGKUNGAN",
        0.25,
        (("Pengendali Dampak Lingkungan", 4.0), ("Pengawas Lingkungan Hidup", 1.0), *COMMON_JF),
        (
            "Bidang Tata Lingkungan",
            "Bidang Pengelolaan Sampah dan Limbah B3",
            "Bidang Pengendalian Pencemaran dan Kerusakan Lingkungan",
            "Bidang Pertamanan",
        ),
        pelaksana=PEL_TECHNICAL,
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
        pelaksana=PEL_TECHNICAL,
    ),
    _opd(
        "PERKIM",
        "Dinas Perumahan dan Kawasan Permukiman",
        55,
        "TEKNIK",
        0.3,
        (("Penata Kelola Bangunan Gedung dan Kawasan Permukiman", 3.0), *COMMON_JF),
        ("Bidang Perumahan", "Bidang Kawasan Permukiman", "Bidang Pertanahan"),
        pelaksana=PEL_TECHNICAL,
    ),
    _opd(
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        45,
        "PERIZINAN",
        0.25,
        (("Analis Kebijakan", 1.0), *COMMON_JF),
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

KECAMATAN: Final = {
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
PUSKESMAS: Final = (
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
UPTD_UNITS: Final = (
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


HEALTH_FIELDS: Final = ("Kedokteran", "Kesehatan Masyarakat", "Keperawatan", "Farmasi")
SECTION_TOPICS: Final = (
    "Perencanaan dan Evaluasi",
    "Pembinaan",
    "Pengendalian",
    "Pelayanan",
    "Data dan Informasi",
)
SUBBAG: Final = (
    ("Kepala Subbagian Umum dan Kepegawaian", "ADMINISTRASI"),
    ("Kepala Subbagian Keuangan dan Aset", "KEUANGAN"),
    ("Kepala Subbagian Perencanaan dan Pelaporan", "PERENCANAAN"),
)


# --------------------------------------------------------------------------------------------
# Names and degrees
# --------------------------------------------------------------------------------------------

MALE_NAMES: Final = (
    "Agus", "Ahmad", "Andi", "Bambang", "Budi", "Dedi", "Doni", "Eko", "Fajar", "Fauzi",
    "Hendra", "Herman", "Irwan", "Joko", "Khairul", "Lukman", "Muhammad", "Rahmat", "Rizki",
    "Roni", "Syahrial", "Taufik", "Wahyu", "Yusuf", "Zulkifli", "Arif", "Dimas", "Gilang",
    "Hasan", "Ilham", "Indra", "Junaidi", "Mulyadi", "Ridwan", "Sutrisno", "Tommy",
)  # fmt: skip
FEMALE_NAMES: Final = (
    "Ani", "Citra", "Dewi", "Erna", "Fitri", "Gita", "Hana", "Indah", "Juliana", "Kartika",
    "Lestari", "Maya", "Nur", "Nurhayati", "Putri", "Rahmawati", "Rina", "Sari", "Siti",
    "Sri", "Tuti", "Wulan", "Yanti", "Yuliana", "Ayu", "Desi", "Eka", "Fatimah", "Intan",
    "Lina", "Mawar", "Novita", "Ratna", "Suryani", "Vivi", "Zahra",
)  # fmt: skip
MIDDLE_NAMES: Final = (
    "Dwi", "Tri", "Nur", "Sri", "Eka", "Adi", "Putra", "Maria", "Rahma", "Wati", "Hidayat",
    "Saputra", "Kurnia", "Pratama", "Lestari", "Wijaya",
)  # fmt: skip
SURNAMES: Final = (
    "Siregar", "Nasution", "Lubis", "Harahap", "Ginting", "Tarigan", "Sembiring", "Purba",
    "Damanik", "Saragih", "Pane", "Pohan", "Hasibuan", "Sitepu", "Perangin-angin", "Sinaga",
    "Simanjuntak", "Situmorang", "Sitorus", "Manurung", "Pardede", "Panjaitan", "Batubara",
    "Daulay", "Rangkuti", "Matondang", "Surbakti", "Barus", "Bangun", "Karo-karo", "Sebayang",
    "Tambunan",
)  # fmt: skip
#: Degree written after the name, by family and education ("" = none).
DEGREES: Final[dict[str, tuple[str, str, str]]] = {  # D3, S1/D4, S2/S3
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
DEFAULT_DEGREES: Final = ("A.Md.", "S.Sos.", "M.Si.")
