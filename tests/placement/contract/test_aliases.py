"""Column names of SIASN-style exports read as the contract's columns."""

from __future__ import annotations

import pytest

from placement.contract.aliases import COLUMN_ALIASES, contract_column
from placement.contract.dataset import COLUMNS
from placement.contract.readers import dataset_from_tables, load_dataset
from tests.paths import DATA

pytestmark = pytest.mark.usefixtures("english")

EXPORT = DATA / "siasn_export"


def test_every_alias_names_a_contract_column_of_its_table_and_no_contract_name() -> None:
    for table, aliases in COLUMN_ALIASES.items():
        for alias, column in aliases.items():
            assert column in COLUMNS[table]
            assert alias == alias.lower() and alias not in COLUMNS[table]


def test_aliases_match_case_insensitively_after_trimming() -> None:
    assert contract_column("employees", " NIPBaru ") == "nip"
    assert contract_column("units", "unorNama") == "name"
    assert contract_column("positions", "nipBaru") is None


def test_a_siasn_style_export_loads_and_says_how_it_was_read() -> None:
    dataset = load_dataset(EXPORT)
    emp = dataset.employees.set_index("nip")
    assert emp.loc["199001012015011001", "name"] == "Ani Lestari"
    assert str(emp.loc["199001012015011001", "position_since"].date()) == "2019-03-01"
    assert str(emp.loc["199202022015012002", "position_since"].date()) == "2018-07-15"
    assert emp.loc["199202022015012002", "gender"] == "F"  # from the NIP
    assert dataset.positions.set_index("position_id").loc["P1", "capacity"] == 2
    assert dataset.unit_names()["SMPN-1"] == "SMP Negeri 1 Binjai"
    assert "employees.csv: read as ;-separated" in dataset.notes
    assert "employees: column 'nipBaru' read as 'nip'" in dataset.notes
    assert "units: column 'diatasanId' read as 'parent'" in dataset.notes


def test_a_contract_column_wins_over_an_export_column_of_the_same_meaning() -> None:
    dataset = dataset_from_tables(
        {
            "employees": [{"nip": "A1", "nipBaru": "B2", "status": "PPPK"}],
            "positions": [
                {"jabatanId": "P1", "position_id": "P2", "unit": "U", "job_class": "PELAKSANA"}
            ],
        }
    )
    assert dataset.employees["nip"].tolist() == ["A1"]
    assert dataset.positions["position_id"].tolist() == ["P2"]
    assert dataset.notes == ()
