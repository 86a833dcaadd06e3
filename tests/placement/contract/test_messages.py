"""Problems of a refused input and notes on how it was read: Indonesian by default, English on
request, with the table, row and column left as machine fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.errors import DatasetError, Problem
from placement.i18n import use_locale
from tests.paths import DATA


def refusal(source: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as refused:
        load_dataset(source)
    return refused.value.problems


def test_a_refused_upload_lists_its_problems_in_indonesian_by_default() -> None:
    problems = refusal(DATA / "missing_columns")
    assert Problem("employees", None, "nip", "kolom wajib tidak ada") in problems
    assert all(p.table in ("employees", "positions") for p in problems)


def test_the_same_upload_lists_english_problems_on_request() -> None:
    with use_locale("en"):
        problems = refusal(DATA / "missing_columns")
    assert Problem("employees", None, "nip", "required column missing") in problems


def test_date_problems_say_how_the_date_was_read_in_indonesian() -> None:
    messages = {(p.row, p.column): p.message for p in refusal(DATA / "bad_dates.json")}
    assert messages[3, "birth_date"] == (
        "birth_date '2025-02-30' bukan tanggal YYYY-MM-DD (atau DD/MM/YYYY)"
    )
    assert messages[4, "position_since"] == (
        "position_since '02/13/2020' bukan tanggal yang ada (dibaca hari lebih dulu, DD/MM/YYYY)"
    )


def test_a_semicolon_csv_and_export_columns_are_noted_in_the_readers_language(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "semicolons"
    folder.mkdir()
    (folder / "employees.csv").write_text(
        "nipBaru;name;status;grade\n199001012015011001;Ani;PNS;III/a\n", encoding="utf-8"
    )
    (folder / "positions.csv").write_text("position_id,unit,job_class\nP1,U1,PELAKSANA\n")
    assert load_dataset(folder).notes == (
        "employees.csv: dibaca sebagai CSV berpemisah ;",
        "employees: kolom 'nipBaru' dibaca sebagai 'nip'",
    )
    with use_locale("en"):
        assert load_dataset(folder).notes == (
            "employees.csv: read as ;-separated",
            "employees: column 'nipBaru' read as 'nip'",
        )


def test_a_size_limit_is_grouped_in_indonesian_and_plain_in_english(tmp_path: Path) -> None:
    rows = [{"nip": str(i), "status": "PPPK"} for i in range(3)]
    tables = {"employees": rows, "positions": []}
    with pytest.raises(DatasetError) as refused:
        load_dataset(_json(tmp_path, tables), max_rows=2)
    assert refused.value.problems[0].message == "tabel berisi lebih dari 2 baris"
    with pytest.raises(DatasetError) as big:
        dataset_from_tables({"employees": [{"nip": "1", "grade": "IX"}], "positions": []})
    assert any("tidak dikenal (pilihan yang sah: I/a" in p.message for p in big.value.problems)


def test_policy_problems_are_in_the_readers_language() -> None:
    dataset = dataset_from_tables(
        {
            "employees": [{"nip": "1", "status": "PPPK"}],
            "positions": [{"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA"}],
        }
    )
    policy = {"max_moves": -1, "pins": [{"nip": "9", "position_id": "P1"}], "color": 1}
    with pytest.raises(DatasetError) as refused:
        load_policy(policy, dataset)
    messages = {(p.row, p.column): p.message for p in refused.value.problems}
    assert messages == {
        (None, "color"): "kunci kebijakan tidak dikenal",
        (None, "max_moves"): "harus bilangan bulat ≥ 0, diberikan -1",
        (1, "pins"): "nip pegawai '9' tidak dikenal",
    }
    with use_locale("en"), pytest.raises(DatasetError) as english:
        load_policy(policy, dataset)
    assert {p.message for p in english.value.problems} == {
        "unknown policy key",
        "must be a whole number ≥ 0, got -1",
        "unknown employee nip '9'",
    }


def _json(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    path = folder / "data.json"
    path.write_text(json.dumps(tables), encoding="utf-8")
    return path
