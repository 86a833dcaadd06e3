"""Datasets as the service stores them: the canonical payload reloads to the same sha256."""

from __future__ import annotations

import pytest

from api.services.datasets import (
    Upload,
    dataset_from_body,
    dataset_from_payload,
    dataset_from_uploads,
    payload_of,
)
from placement import DatasetError, dataset_from_tables, load_dataset
from placement.contract.canonical import matches
from placement.i18n import use_locale
from placement.synthetic.city import generate
from placement.synthetic.history import generate_history
from tests.paths import DATA, EXAMPLE


@pytest.mark.parametrize("form", ["example.json", "example.xlsx", "."])
def test_the_stored_payload_reloads_to_the_same_sha256(form: str) -> None:
    dataset = load_dataset(EXAMPLE / form)
    again = dataset_from_payload(payload_of(dataset))
    assert again.sha256 == dataset.sha256
    assert payload_of(again) == payload_of(dataset)


def test_a_generated_city_round_trips_through_its_payload() -> None:
    dataset = dataset_from_tables(generate(300, 11))
    assert dataset_from_payload(payload_of(dataset)).sha256 == dataset.sha256


def test_the_json_body_keeps_long_numeric_nips_exact() -> None:
    body = (EXAMPLE / "example.json").read_bytes()
    assert dataset_from_body(body).sha256 == load_dataset(EXAMPLE).sha256


def test_uploaded_csv_file_names_match_tables_case_insensitively() -> None:
    files = [Upload(p.name.upper(), p.read_bytes()) for p in sorted(EXAMPLE.glob("*.csv"))]
    files = [Upload(f.filename.replace(".CSV", ".csv"), f.content) for f in files]
    assert dataset_from_uploads(files).sha256 == load_dataset(EXAMPLE).sha256


def test_a_table_uploaded_twice_is_a_problem() -> None:
    employees = (EXAMPLE / "employees.csv").read_bytes()
    twice = [Upload("employees.csv", employees), Upload("Employees.csv", employees)]
    with pytest.raises(DatasetError) as refused:
        dataset_from_uploads(twice)
    assert "dua kali" in refused.value.problems[0].message
    with use_locale("en"), pytest.raises(DatasetError) as refused:
        dataset_from_uploads(twice)
    assert "twice" in refused.value.problems[0].message


def test_no_files_is_a_problem() -> None:
    with pytest.raises(DatasetError):
        dataset_from_uploads([])


def test_a_dataset_with_history_round_trips_through_its_payload() -> None:
    dataset = dataset_from_tables(generate_history(100, seed=0).tables)
    reloaded = dataset_from_payload(payload_of(dataset))
    assert set(reloaded.history) == set(dataset.history)
    assert reloaded.sha256 == dataset.sha256


def test_a_payload_stored_in_the_old_column_form_still_loads_and_matches_its_record() -> None:
    """Databases written before the contract's canonical form store column-oriented payloads
    and the hash of that time (d305e9c7… for the shared example)."""
    payload = (DATA / "legacy_service_payload.json").read_bytes()
    dataset = dataset_from_payload(payload)
    example = load_dataset(EXAMPLE)
    assert matches(dataset, "d305e9c744d875f7580385957499b1ccd388a6ba469f4ea2cc60de5ad7736e6f")
    for table in ("employees", "positions", "competencies", "requirements", "preferences"):
        assert getattr(dataset, table).equals(getattr(example, table))


def test_a_new_payload_is_the_canonical_form_of_the_contract() -> None:
    dataset = load_dataset(EXAMPLE)
    assert payload_of(dataset) == dataset.canonical
    assert dataset_from_payload(payload_of(dataset)).sha256 == dataset.sha256
