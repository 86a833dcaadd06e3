"""Enumerations of the data contract (CONTRACT §1–§3) and their orderings."""

from __future__ import annotations

from typing import Final

#: Golongan/ruang from I/a to IV/e; the index is the rank order (0 = I/a … 16 = IV/e).
GRADES: Final[tuple[str, ...]] = (
    "I/a", "I/b", "I/c", "I/d",
    "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
)  # fmt: skip
GRADE_INDEX: Final[dict[str, int]] = {g: i for i, g in enumerate(GRADES)}

#: Education levels in order; D4 ranks equal to S1.
EDUCATION_LEVELS: Final[tuple[str, ...]] = (
    "SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3",
)  # fmt: skip
EDUCATION_RANK: Final[dict[str, int]] = {
    "SD": 0, "SMP": 1, "SMA": 2, "D1": 3, "D2": 4, "D3": 5, "D4": 6, "S1": 6, "S2": 7, "S3": 8,
}  # fmt: skip

STATUSES: Final[tuple[str, ...]] = ("PNS", "PPPK", "CPNS")

JOB_CLASSES: Final[tuple[str, ...]] = (
    "JPT_UTAMA", "JPT_MADYA", "JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS", "PELAKSANA",
    "JF_AHLI_UTAMA", "JF_AHLI_MADYA", "JF_AHLI_MUDA", "JF_AHLI_PERTAMA",
    "JF_PENYELIA", "JF_MAHIR", "JF_TERAMPIL", "JF_PEMULA",
)  # fmt: skip
JPT_CLASSES: Final[frozenset[str]] = frozenset({"JPT_UTAMA", "JPT_MADYA", "JPT_PRATAMA"})
#: Classes an employee without a grade (PPPK) may not enter (R05).
GRADED_ONLY_CLASSES: Final[frozenset[str]] = JPT_CLASSES | {"ADMINISTRATOR", "PENGAWAS"}

ESELONS: Final[tuple[str, ...]] = ("II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b")
#: Grade band (min, max) per eselon, PP 13/2002.
ESELON_BAND: Final[dict[str, tuple[str, str]]] = {
    "II.a": ("IV/c", "IV/d"),
    "II.b": ("IV/b", "IV/c"),
    "III.a": ("IV/a", "IV/b"),
    "III.b": ("III/d", "IV/a"),
    "IV.a": ("III/c", "III/d"),
    "IV.b": ("III/b", "III/c"),
}

STATES: Final[tuple[str, ...]] = ("open", "closed", "abolished")
PERFORMANCES: Final[tuple[str, ...]] = ("SB", "B", "BP", "K", "SK")
#: Performance term of a move or new placement; an employee without a predicate gets 60.
PERFORMANCE_SCORE: Final[dict[str, int]] = {"SB": 100, "B": 80, "BP": 60, "K": 40, "SK": 20, "": 60}
POTENTIALS: Final[tuple[str, ...]] = ("low", "medium", "high")
GENDERS: Final[tuple[str, ...]] = ("M", "F")
RELATION_KINDS: Final[tuple[str, ...]] = ("spouse", "family", "other")

#: Retirement age (BUP) by the target position's job class; 58 for every other class.
RETIREMENT_AGE: Final[dict[str, int]] = {
    "JPT_UTAMA": 60, "JPT_MADYA": 60, "JPT_PRATAMA": 60, "JF_AHLI_MADYA": 60, "JF_AHLI_UTAMA": 65,
}  # fmt: skip
DEFAULT_RETIREMENT_AGE: Final[int] = 58

#: Managerial (M01–M08) and socio-cultural (S01) competency codes; any other is technical.
MANAGERIAL_COMPETENCIES: Final[dict[str, str]] = {
    "M01": "Integritas",
    "M02": "Kerjasama",
    "M03": "Komunikasi",
    "M04": "Orientasi pada Hasil",
    "M05": "Pelayanan Publik",
    "M06": "Pengembangan Diri dan Orang Lain",
    "M07": "Mengelola Perubahan",
    "M08": "Pengambilan Keputusan",
}
SOCIOCULTURAL_COMPETENCIES: Final[dict[str, str]] = {"S01": "Perekat Bangsa"}

#: Rule ids (CONTRACT §3) with a one-line statement each, used by errors and explanations.
RULES: Final[dict[str, str]] = {
    "R01": "status allows a move (PNS, or PPPK when allowed; CPNS never move)",
    "R02": "no active discipline case",
    "R03": "not on leave",
    "R04": "at least min_tenure_months in the current post",
    "R05": "grade within the position's grade range",
    "R06": "education level and field meet the position's requirement",
    "R07": "Job-Person Match at least jpm_floor",
    "R08": "at least retirement_buffer_months before retirement",
    "R09": "position is open",
    "R10": "position is not JPT (unless allow_jpt)",
    "R11": "placement is not forbidden by the policy",
    "G01": "every employee holds at most one position; pinned employees hold their pin",
    "G02": "every position holds at most its capacity",
    "G03": "related employees do not newly share a unit",
    "G04": "number of moves at most max_moves",
    "G05": "per unit, employees leaving at most floor(max_unit_outflow x headcount)",
    "G06": "with force_rotation, overdue employees who can move do move",
    "G07": "every holder of a non-abolished position ends in a position",
}
