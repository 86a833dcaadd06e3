"""Column names of HR-system exports (SIASN-style) read as the contract's columns.

Exports from the national civil-service information system (SIASN, BKN) and the regional
systems built on it name their columns in camelCase Indonesian (``nipBaru``, ``tglLahir``,
``unorId`` …). A column whose name is not a contract column of its table, but is listed here for
that table, is read as that contract column; a contract column given under its own name wins,
and the export's column is then ignored like any unknown one. Names match case-insensitively.
Only names are mapped: the cells must still be in the contract's form (an export's grade
``III/b`` or date ``12-03-1998`` is, a status spelled ``Pegawai Negeri Sipil`` is not).
"""

from __future__ import annotations

__all__ = ["COLUMN_ALIASES", "contract_column"]

#: Per table, the export's column name (lower case) → the contract column it is read as.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "employees": {
        "nipbaru": "nip",
        "nama": "name",
        "statuspegawai": "status",
        "golruangakhir": "grade",
        "jurusanpendidikan": "education_field",
        "tgllahir": "birth_date",
        "jeniskelamin": "gender",
        "jabatanid": "position_id",
        "tmtjabatan": "position_since",
    },
    "positions": {
        "jabatanid": "position_id",
        "jabatannama": "title",
        "namajabatan": "title",
        "unorid": "unit",
        "kebutuhan": "capacity",
    },
    "competencies": {"nipbaru": "nip"},
    "preferences": {"nipbaru": "nip"},
    "units": {
        "unorid": "unit",
        "unornama": "name",
        "unorindukid": "parent",
        "diatasanid": "parent",
    },
}


def contract_column(table: str, name: str) -> str | None:
    """The contract column an export's column ``name`` of ``table`` is read as, or ``None``.

    ``name`` is compared case-insensitively, after trimming.
    """
    return COLUMN_ALIASES.get(table, {}).get(name.strip().lower())
