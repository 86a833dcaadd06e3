"""The optional units table (CONTRACT §1): names by code, in every form, hashed only when given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from placement.contract.readers import dataset_from_json, dataset_from_tables, load_dataset
from placement.errors import DatasetError
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

UNITS = [
    {"unit": "DINKES", "name": "Dinas Kesehatan"},
    {"unit": "DISDIK", "name": "Dinas Pendidikan", "parent": ""},
    {"unit": "BKPSDM", "name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"},
    {"unit": "UPT-1", "name": "UPT Laboratorium", "parent": "DINKES", "kode_lama": "x"},
]


def example_json(**extra: Any) -> dict[str, Any]:
    """The shared example's JSON form, plus ``extra`` tables."""
    data: dict[str, Any] = json.loads((EXAMPLE / "example.json").read_text())
    return data | extra


def refused(tables: dict[str, Any]) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        dataset_from_tables(tables)
    return info.value


def test_a_dataset_without_units_hashes_as_before_and_names_units_by_their_code() -> None:
    plain = load_dataset(EXAMPLE)
    assert plain.units is None and plain.unit_names() == {}
    assert "units" not in plain.contract_rows() and "units" not in plain.counts()
    assert dataset_from_tables(example_json()).sha256 == plain.sha256


def test_units_are_read_sorted_with_unknown_columns_ignored_and_change_the_hash() -> None:
    dataset = dataset_from_tables(example_json(units=UNITS))
    assert dataset.units is not None
    assert dataset.units["unit"].tolist() == ["BKPSDM", "DINKES", "DISDIK", "UPT-1"]
    assert list(dataset.units.columns) == ["unit", "name", "parent"]
    assert dataset.unit_names()["DISDIK"] == "Dinas Pendidikan"
    # A unit no position uses is kept; a code the table does not name is printed as itself.
    assert dataset.unit_names()["UPT-1"] == "UPT Laboratorium"
    assert dataset.unit_names().get("BAPPEDA", "BAPPEDA") == "BAPPEDA"
    assert dataset.counts()["units"] == 4
    assert dataset.sha256 != load_dataset(EXAMPLE).sha256


def test_units_hash_alike_in_the_csv_xlsx_and_json_forms(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("rotation", "*.json", "*.x*"))
    lines = ["unit,name,parent,kode_lama"] + [
        f"{u['unit']},{u['name']},{u.get('parent', '')},x" for u in UNITS
    ]
    (folder / "units.csv").write_text("\n".join(lines) + "\n")
    book = openpyxl.load_workbook(EXAMPLE / "example.xlsx")
    sheet = book.create_sheet("Units")
    sheet.append(["Unit", "Name", "Parent"])
    for u in UNITS:
        sheet.append([u["unit"], u["name"], u.get("parent") or None])
    book.save(tmp_path / "example.xlsx")
    (tmp_path / "example.json").write_text(json.dumps(example_json(units=UNITS)))
    hashes = {load_dataset(p).sha256 for p in (folder, tmp_path / "example.xlsx",
                                                tmp_path / "example.json")}  # fmt: skip
    assert len(hashes) == 1


def test_a_duplicate_unit_and_an_unknown_parent_are_input_errors_with_row_and_column() -> None:
    units = [*UNITS, {"unit": "DINKES", "name": "Dinas"}, {"unit": "X", "parent": "NOWHERE"}]
    error = refused(example_json(units=units))
    assert {(p.table, p.row, p.column) for p in error.problems} == {
        ("units", 5, "unit"),
        ("units", 6, "parent"),
    }
    assert any("duplicate unit 'DINKES'" in str(p) for p in error.problems)


def test_a_unit_row_without_its_code_is_refused() -> None:
    error = refused(example_json(units=[{"name": "Dinas Tanpa Kode"}]))
    assert [(p.table, p.row, p.column) for p in error.problems] == [("units", 1, "unit")]


def test_a_parent_may_name_a_unit_only_positions_use() -> None:
    dataset = dataset_from_tables(example_json(units=[{"unit": "X", "parent": "DINKES"}]))
    assert dataset.units is not None and dataset.units["parent"].tolist() == ["DINKES"]


def test_units_survive_the_canonical_form_a_run_records() -> None:
    """A run directory stores the dataset in its canonical form: units must come back, with the
    same hash, so that a recorded run replays and reports with its units' names; scenarios
    rebuild datasets from the contract rows, which keep the units too."""
    dataset = dataset_from_tables(example_json(units=UNITS))
    rows = dataset.contract_rows()
    assert [r["unit"] for r in rows["units"]] == ["BKPSDM", "DINKES", "DISDIK", "UPT-1"]
    assert dataset_from_tables(rows).unit_names() == dataset.unit_names()
    again = dataset_from_json(json.loads(dataset.canonical))
    assert again.sha256 == dataset.sha256 and again.unit_names() == dataset.unit_names()
