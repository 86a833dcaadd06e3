"""The canonical form of CONTRACT §5: the hash any engine following the contract agrees on."""

from __future__ import annotations

import hashlib
import json

import pytest

from placement import dataset_from_tables, load_dataset
from placement.contract.canonical import legacy_sha256, matches
from placement.contract.readers import dataset_from_json
from tests.paths import EXAMPLE

#: What the engine answered for the shared example before it followed §5 (a service database
#: written then stores this hash beside its payloads).
LEGACY_EXAMPLE_SHA256 = "d305e9c744d875f7580385957499b1ccd388a6ba469f4ea2cc60de5ad7736e6f"


def _reference_sha256() -> str:
    summary = json.loads((EXAMPLE / "summary.json").read_text(encoding="utf-8"))
    return str(summary["input_sha256"])


@pytest.mark.parametrize("form", ["", "example.json", "example.xlsx"])
def test_every_form_of_the_shared_example_hashes_as_the_reference_does(form: str) -> None:
    dataset = load_dataset(EXAMPLE / form if form else EXAMPLE)
    assert dataset.sha256 == _reference_sha256()
    assert hashlib.sha256(dataset.canonical).hexdigest() == dataset.sha256


def test_the_canonical_form_is_compact_sorted_json_of_given_cells() -> None:
    dataset = load_dataset(EXAMPLE)
    text = dataset.canonical.decode("utf-8")
    assert not text.endswith("\n") and ", " not in text and ": " not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert set(data) == {
        "competencies", "employees", "positions", "preferences", "relations", "requirements",
    }  # fmt: skip
    for rows in data.values():
        assert all(list(row) == sorted(row) for row in rows)
        assert all(value != "" and isinstance(value, str) for row in rows for value in row.values())


def test_the_canonical_form_loads_back_into_the_same_dataset() -> None:
    dataset = load_dataset(EXAMPLE)
    again = dataset_from_json(json.loads(dataset.canonical))
    assert again.canonical == dataset.canonical and again.sha256 == dataset.sha256


def _tables(**changes: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    tables: dict[str, list[dict[str, str]]] = {
        "employees": [
            {"nip": "199001012015011001", "grade": "III/a", "position_id": "P1"},
            {"nip": "199202022016022002", "grade": "III/b", "status": "PNS"},
        ],
        "positions": [{"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA"}],
    }
    tables.update(changes)
    return tables


def _sha(tables: dict[str, list[dict[str, str]]]) -> str:
    return dataset_from_json(tables).sha256


def test_defaults_are_not_filled_in_before_hashing() -> None:
    plain = _tables()
    spelled = _tables(
        positions=[{"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA", "capacity": "1"}]
    )
    assert _sha(plain) != _sha(spelled)


def test_spellings_of_the_same_values_hash_alike() -> None:
    lower = _tables(
        employees=[
            {"nip": " 199001012015011001 ", "grade": "iii/a", "position_id": "P1"},
            {"nip": "199202022016022002", "grade": "III/B", "status": "pns"},
        ],
        positions=[{"position_id": "P1", "unit": "U1", "job_class": "pelaksana", "capacity": "01"}],
    )
    upper = _tables(
        positions=[{"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA", "capacity": "1"}]
    )
    assert _sha(lower) == _sha(upper)


def test_row_order_and_unknown_columns_do_not_change_the_hash() -> None:
    tables = _tables()
    shuffled = _tables(employees=[{**row, "catatan": "x"} for row in reversed(tables["employees"])])
    assert _sha(tables) == _sha(shuffled)


def test_duplicate_relations_are_hashed_as_given_not_merged() -> None:
    relation = {"nip_a": "199001012015011001", "nip_b": "199202022016022002", "kind": "spouse"}
    once = _sha(_tables(relations=[relation]))
    twice = _sha(_tables(relations=[relation, relation]))
    assert once != twice
    assert dataset_from_json(_tables(relations=[relation, relation])).relations.shape[0] == 1


def test_a_dataset_built_from_tables_hashes_like_its_json_form() -> None:
    import pandas as pd

    tables = _tables()
    frames = {name: pd.DataFrame(rows, dtype=object) for name, rows in tables.items()}
    assert dataset_from_tables(frames).sha256 == _sha(tables)


def test_runs_recorded_before_the_canonical_form_still_match_their_input() -> None:
    dataset = load_dataset(EXAMPLE)
    assert legacy_sha256(dataset) == LEGACY_EXAMPLE_SHA256
    assert matches(dataset, LEGACY_EXAMPLE_SHA256)
    assert matches(dataset, dataset.sha256)
    assert not matches(dataset, "0" * 64)
