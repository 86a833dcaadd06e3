"""The §6 history tables: loaded from every form, every problem named, hash and solve unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_json, dataset_from_tables, load_dataset
from placement.engine import solve
from placement.errors import DatasetError
from tests.paths import EXAMPLE

ANI = "199001012015011001"
BUDI = "199202022015012002"

Tables = dict[str, list[dict[str, Any]]]


def city(**history: list[dict[str, Any]]) -> Tables:
    """Two placed employees in two positions, plus the ``history`` tables."""
    base: Tables = {
        "employees": [
            {"nip": ANI, "grade": "III/a", "position_id": "P1"},
            {"nip": BUDI, "grade": "III/b", "position_id": "P2"},
        ],
        "positions": [
            {"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA"},
            {"position_id": "P2", "unit": "U2", "job_class": "PELAKSANA"},
        ],
    }
    return base | history


def write(tables: Tables, form: str, folder: Path) -> Path:
    """``tables`` written as a CSV folder, a JSON file or an xlsx workbook (text cells)."""
    if form == "json":
        path = folder / "data.json"
        path.write_text(json.dumps(tables), encoding="utf-8")
        return path
    if form == "xlsx":
        path = folder / "data.xlsx"
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in tables.items():
            sheet = book.create_sheet(name)
            header = list(dict.fromkeys(k for r in rows for k in r))
            sheet.append(header)
            for row in rows:
                sheet.append([row.get(c, "") for c in header])
        book.save(path)
        return path
    path = folder / "data"
    path.mkdir()
    for name, rows in tables.items():
        header = list(dict.fromkeys(k for r in rows for k in r))
        with (path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return path


def problems_of(tables: Tables, form: str, folder: Path) -> set[tuple[str, int | None, str | None]]:
    """(table, row, column) of every problem the loader reports for ``tables`` in ``form``."""
    with pytest.raises(DatasetError) as info:
        load_dataset(write(tables, form, folder))
    return {(p.table, p.row, p.column) for p in info.value.problems}


def spell(nip: str, position: str, start: str, end: str = "", **more: str) -> dict[str, str]:
    return {"nip": nip, "position_id": position, "start_date": start, "end_date": end} | more


FORMS = ["csv", "json", "xlsx"]


@pytest.mark.parametrize("form", FORMS)
def test_overlapping_spells_are_refused_on_the_later_row_in_start_date(
    form: str, tmp_path: Path
) -> None:
    tables = city(
        placement_history=[
            spell(ANI, "P1", "2015-01-01", "2018-12-31", reason="first"),
            spell(ANI, "P2", "2018-06-01"),
        ]
    )
    assert problems_of(tables, form, tmp_path) == {("placement_history", 2, "start_date")}


@pytest.mark.parametrize("form", FORMS)
def test_a_duplicate_nip_and_year_is_refused_in_column_year(form: str, tmp_path: Path) -> None:
    tables = city(
        performance_history=[
            {"nip": ANI, "year": "2020", "rating": "B"},
            {"nip": ANI, "year": "2020", "rating": "SB"},
        ]
    )
    assert problems_of(tables, form, tmp_path) == {("performance_history", 2, "year")}


@pytest.mark.parametrize("form", FORMS)
def test_an_unknown_rating_is_refused(form: str, tmp_path: Path) -> None:
    tables = city(performance_history=[{"nip": ANI, "year": "2020", "rating": "excellent"}])
    assert problems_of(tables, form, tmp_path) == {("performance_history", 1, "rating")}


@pytest.mark.parametrize("form", FORMS)
def test_an_end_before_the_start_is_refused(form: str, tmp_path: Path) -> None:
    tables = city(placement_history=[spell(ANI, "P1", "2020-05-01", "2020-04-30")])
    assert problems_of(tables, form, tmp_path) == {("placement_history", 1, "end_date")}


@pytest.mark.parametrize("form", FORMS)
def test_a_duplicate_nip_and_start_date_is_refused(form: str, tmp_path: Path) -> None:
    tables = city(
        placement_history=[spell(ANI, "P1", "2020-05-01"), spell(ANI, "P2", "2020-05-01")]
    )
    assert problems_of(tables, form, tmp_path) == {("placement_history", 2, "start_date")}


@pytest.mark.parametrize("form", FORMS)
def test_every_history_problem_is_listed_with_the_others(form: str, tmp_path: Path) -> None:
    tables = city(
        placement_history=[
            spell(ANI, "GONE", "2020-01-01", reason="sideways", jpm="101"),
            spell(BUDI, "P2", "2019-01-01", "2019-12-31", job_class="boss"),
        ],
        performance_history=[{"nip": ANI, "year": "1999", "rating": "b", "score": "121"}],
        training_history=[{"nip": ANI, "end_date": "2020-13-01", "hours": "-1"}],
    )
    tables["employees"][0]["grade"] = "IX/z"
    assert problems_of(tables, form, tmp_path) == {
        ("employees", 1, "grade"),
        ("placement_history", 1, "unit"),
        ("placement_history", 1, "reason"),
        ("placement_history", 1, "jpm"),
        ("placement_history", 2, "job_class"),
        ("performance_history", 1, "year"),
        ("performance_history", 1, "score"),
        ("training_history", 1, "end_date"),
        ("training_history", 1, "hours"),
    }


def test_history_may_name_people_and_posts_that_are_gone_when_the_unit_is_given() -> None:
    dataset = dataset_from_tables(
        city(
            placement_history=[
                spell("199912312020121001", "OLD-7", "2010-01-01", unit="U9", reason="FIRST"),
                spell(ANI, "P1", "2012-03-04", jpm="79.5"),
            ],
            performance_history=[{"nip": "199912312020121001", "year": "2011", "rating": "sb"}],
            training_history=[{"nip": ANI, "competency": "M01", "end_date": "2012-05-06"}],
        )
    )
    placement = dataset.history["placement_history"]
    assert placement["nip"].tolist() == [ANI, "199912312020121001"]
    assert placement["reason"].tolist() == ["other", "first"]
    assert dataset.history["performance_history"]["rating"].tolist() == ["SB"]
    assert set(dataset.history) == {"placement_history", "performance_history", "training_history"}


def test_history_loads_identically_from_every_form(tmp_path: Path) -> None:
    tables = city(
        placement_history=[spell(ANI, "P1", "2012-03-04", jpm="80", reason="Rotation")],
        performance_history=[{"nip": ANI, "year": "2013", "rating": "B", "score": "88.50"}],
        training_history=[{"nip": ANI, "competency": "M01", "end_date": "2012-05-06"}],
    )
    hashes = set()
    for form in FORMS:
        folder = tmp_path / form
        folder.mkdir()
        hashes.add(load_dataset(write(tables, form, folder)).sha256)
    assert len(hashes) == 1


def test_a_dataset_without_history_hashes_as_before_and_history_changes_the_hash() -> None:
    plain = dataset_from_tables(city())
    assert plain.history == {}
    with_history = dataset_from_tables(
        city(performance_history=[{"nip": ANI, "year": "2020", "rating": "B"}])
    )
    assert with_history.sha256 != plain.sha256
    assert dataset_from_tables(city()).sha256 == plain.sha256


def test_a_dataset_with_history_solves_exactly_as_without() -> None:
    plain = load_dataset(EXAMPLE)
    rows: Tables = {t: list(r) for t, r in plain.contract_rows().items()}
    nips = plain.employees["nip"].tolist()
    rows["performance_history"] = [{"nip": n, "year": "2024", "rating": "B"} for n in nips]
    rows["placement_history"] = [
        {"nip": n, "position_id": "OLD", "unit": "X", "start_date": "2015-01-01"} for n in nips
    ]
    with_history = dataset_from_tables(rows)
    policy_file = EXAMPLE / "policy.json"
    a = solve(plain, load_policy(policy_file, plain))
    b = solve(with_history, load_policy(policy_file, with_history))
    assert a.objective == b.objective
    assert a.plan is not None and b.plan is not None
    assert a.plan.equals(b.plan)


def test_a_dataset_with_history_loads_back_from_its_canonical_form_to_the_same_hash() -> None:
    dataset = dataset_from_tables(
        city(
            placement_history=[spell(ANI, "P1", "2012-03-04", jpm="79.5", unit="U1")],
            performance_history=[{"nip": ANI, "year": "2013", "rating": "B", "score": "88"}],
            training_history=[{"nip": ANI, "end_date": "2012-05-06", "hours": "16"}],
        )
    )
    rows = dataset.contract_rows()
    assert rows["placement_history"][0]["jpm"] == "79.5"
    assert rows["training_history"][0]["hours"] == "16"
    canonical = json.loads(dataset.canonical)
    assert canonical["placement_history"] == [
        {"jpm": "79.5", "nip": ANI, "position_id": "P1", "start_date": "2012-03-04", "unit": "U1"}
    ]
    assert dataset_from_json(canonical).sha256 == dataset.sha256


def test_a_run_of_a_dataset_with_history_is_recorded_with_it_and_replays(tmp_path: Path) -> None:
    from placement.cli import main

    plain = load_dataset(EXAMPLE)
    rows: Tables = {t: list(r) for t, r in plain.contract_rows().items()}
    rows["performance_history"] = [{"nip": ANI, "year": "2024", "rating": "B", "score": "81.5"}]
    source = write(rows, "json", tmp_path)
    out = tmp_path / "run"
    policy = str(EXAMPLE / "policy.json")
    assert main(["solve", str(source), "--policy", policy, "--out", str(out)]) == 0
    assert main(["replay", str(out)]) == 0


def test_the_order_of_history_rows_does_not_change_the_hash() -> None:
    courses = [
        {"nip": ANI, "competency": "M01", "end_date": "2020-01-01", "hours": "8"},
        {"nip": ANI, "competency": "M01", "end_date": "2020-01-01", "hours": "16"},
        {"nip": BUDI, "competency": "", "end_date": "2019-01-01"},
    ]
    forward = dataset_from_tables(city(training_history=courses))
    backward = dataset_from_tables(city(training_history=courses[::-1]))
    assert forward.sha256 == backward.sha256
