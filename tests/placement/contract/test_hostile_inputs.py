"""Hostile datasets: each is refused with a precise DatasetError (or read as plain text), in
bounded memory, however it was crafted.

Memory is measured with tracemalloc (peak of Python allocations, numpy and pandas buffers
included); sizes are bounded, times are not asserted."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.contract import readers as loading
from placement.contract.dataset import Dataset
from placement.contract.policy import load_policy
from placement.contract.readers import MAX_COLUMNS, dataset_from_json, load_dataset
from placement.errors import MAX_MESSAGE, DatasetError, DatasetTooLargeError, Problem

pytestmark = pytest.mark.usefixtures("english")

FORMULA = "=cmd|' /C calc'!A0"
NIP_A = "199001012015011001"
NIP_B = "199202022016022002"
EMPLOYEES = [
    "nip,name,status,grade,position_id",
    f"{NIP_A},Ani,PNS,III/a,P1",
    f"{NIP_B},Budi,PNS,III/b,P2",
]
POSITIONS = ["position_id,unit,job_class,capacity", "P1,U1,PELAKSANA,1", "P2,U2,PELAKSANA,1"]
MB = 1024 * 1024


def write_csv(folder: Path, employees: list[str] | bytes, positions: list[str] = POSITIONS) -> Path:
    """A CSV dataset folder; ``employees`` as lines of text or as the file's raw bytes."""
    folder.mkdir(exist_ok=True)
    data = employees if isinstance(employees, bytes) else ("\n".join(employees) + "\n").encode()
    (folder / "employees.csv").write_bytes(data)
    (folder / "positions.csv").write_text("\n".join(positions) + "\n", encoding="utf-8")
    return folder


def refusal(load: Callable[[], Any]) -> list[Problem]:
    """The problems of the DatasetError ``load`` raises."""
    with pytest.raises(DatasetError) as refused:
        load()
    return refused.value.problems


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], float]]:
    """Tracemalloc's peak of the test so far, in MiB."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_the_minimal_dataset_of_these_tests_is_valid(tmp_path: Path) -> None:
    dataset = load_dataset(write_csv(tmp_path / "ok", EMPLOYEES))
    assert isinstance(dataset, Dataset) and dataset.n_employees == 2


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-16-le", "cp1252"])
def test_a_csv_file_in_another_encoding_is_refused_naming_the_file(
    tmp_path: Path, encoding: str
) -> None:
    lines = [*EMPLOYEES, "199303032017033003,Ñoño Müller,PNS,III/a,P1"]
    problems = refusal(lambda: load_dataset(write_csv(tmp_path, "\n".join(lines).encode(encoding))))
    assert len(problems) == 1
    assert problems[0].table == "employees" and problems[0].row is None
    assert "employees.csv is not UTF-8" in problems[0].message


def test_a_utf8_bom_is_read_and_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    data = "\ufeff".encode() + ("\n".join(EMPLOYEES) + "\n").encode()
    dataset = load_dataset(write_csv(tmp_path, data))
    assert sorted(dataset.employees["nip"]) == [NIP_A, NIP_B]


def test_formula_looking_cells_are_read_as_plain_text_from_csv(tmp_path: Path) -> None:
    lines = [EMPLOYEES[0], f'{NIP_A},"{FORMULA}",PNS,III/a,P1', EMPLOYEES[2]]
    dataset = load_dataset(write_csv(tmp_path, lines))
    names = dict(zip(dataset.employees["nip"], dataset.employees["name"], strict=True))
    assert names[NIP_A] == FORMULA


def xlsx(path: Path, employees: list[list[Any]], positions: list[list[Any]] | None = None) -> Path:
    """A workbook with an employees and a positions sheet of the given rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "employees"
    for row in employees:
        sheet.append(row)
    other = book.create_sheet("positions")
    for row in positions or [line.split(",") for line in POSITIONS]:
        other.append(row)
    book.save(path)
    return path


def test_an_xlsx_formula_is_never_evaluated_and_a_formula_text_cell_stays_text(
    tmp_path: Path,
) -> None:
    rows = [line.split(",") for line in EMPLOYEES]
    rows[1][1] = FORMULA  # openpyxl stores it as a formula without a cached value
    text_cell = [*rows[2]]
    book_path = xlsx(tmp_path / "formula.xlsx", rows)
    dataset = load_dataset(book_path)
    names = dict(zip(dataset.employees["nip"], dataset.employees["name"], strict=True))
    assert names[NIP_A] == ""  # a formula's value is never computed: read as empty
    assert names[NIP_B] == text_cell[1]

    rows[1][0] = "=1+1"  # a formula in a required identifier column: the value is missing
    problems = refusal(lambda: load_dataset(xlsx(tmp_path / "nip.xlsx", rows)))
    assert Problem("employees", 1, "nip", "required value missing") in problems


def test_a_duplicated_header_is_refused_at_its_column(tmp_path: Path) -> None:
    lines = ["nip,name,status,grade,position_id,name", *(f"{x},x" for x in EMPLOYEES[1:])]
    problems = refusal(lambda: load_dataset(write_csv(tmp_path, lines)))
    assert problems == [Problem("employees", None, "name", "the column is given twice")]


def test_a_huge_cell_is_quoted_in_a_problem_only_up_to_a_bounded_length(tmp_path: Path) -> None:
    huge = "X" * (2 * MB)
    lines = [EMPLOYEES[0], f"{NIP_A},Ani,PNS,III/a,{huge}", EMPLOYEES[2]]
    problems = refusal(lambda: load_dataset(write_csv(tmp_path, lines)))
    assert [(p.table, p.row, p.column) for p in problems] == [("employees", 1, "position_id")]
    assert problems[0].message.startswith("unknown position_id 'XXX")
    assert len(problems[0].message) < MAX_MESSAGE + 50


def test_a_million_empty_rows_are_refused_before_they_are_parsed(
    tmp_path: Path, peak_memory: Callable[[], float]
) -> None:
    data = ("\n".join(EMPLOYEES) + "\n" + ",,,,\n" * 1_000_000).encode()
    folder = write_csv(tmp_path, data)
    del data
    start = peak_memory()
    problems = refusal(lambda: load_dataset(folder, max_rows=100_000))
    assert problems == [Problem("employees", None, None, "the table has more than 100000 rows")]
    # The 5 MB file is read and counted, never parsed into a million-row frame.
    assert peak_memory() - start < 40


def test_empty_rows_within_the_limit_are_skipped(tmp_path: Path) -> None:
    data = ("\n".join(EMPLOYEES) + "\n" + "\n" * 100_000).encode()
    dataset = load_dataset(write_csv(tmp_path, data))
    assert dataset.n_employees == 2


def test_a_header_of_a_million_columns_is_refused(tmp_path: Path) -> None:
    lines = [EMPLOYEES[0] + "," * 1_000_000, *EMPLOYEES[1:]]
    problems = refusal(lambda: load_dataset(write_csv(tmp_path, lines)))
    assert problems == [
        Problem("employees", None, None, f"the header has more than {MAX_COLUMNS} columns")
    ]


def test_an_xlsx_sheet_declaring_a_million_rows_is_refused_in_bounded_memory(
    tmp_path: Path, peak_memory: Callable[[], float]
) -> None:
    rows = [line.split(",") for line in EMPLOYEES]
    path = xlsx(tmp_path / "rows.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book["employees"]["E1048576"] = "P1"  # one cell in the last row: a 5 kB file
    book.save(path)
    assert path.stat().st_size < 10_000
    start = peak_memory()
    problems = refusal(lambda: load_dataset(path, max_rows=10_000))
    assert problems == [Problem("employees", None, None, "the table has more than 10000 rows")]
    assert peak_memory() - start < 40


def test_an_xlsx_sheet_as_wide_as_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    rows = [line.split(",") for line in EMPLOYEES]
    path = xlsx(tmp_path / "wide.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book["employees"]["XFD1"] = "last"  # header cell in the last column
    book.save(path)
    problems = refusal(lambda: load_dataset(path))
    assert problems == [
        Problem("employees", None, None, f"the header has more than {MAX_COLUMNS} columns")
    ]


def test_a_data_cell_far_to_the_right_of_the_header_is_not_read(tmp_path: Path) -> None:
    rows = [line.split(",") for line in EMPLOYEES]
    path = xlsx(tmp_path / "far.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book["employees"]["XFD3"] = "ignored"
    book.save(path)
    assert load_dataset(path).n_employees == 2


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = xlsx(tmp_path / "bomb.xlsx", [line.split(",") for line in EMPLOYEES])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(3 * MB))  # a few kilobytes packed
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert path.stat().st_size < 100_000 < 3 * MB < unpacked
    monkeypatch.setattr(loading, "MAX_XLSX_UNPACKED", 2 * MB)
    with pytest.raises(DatasetTooLargeError) as refused:
        load_dataset(path)
    (problem,) = refused.value.problems
    assert problem.table == "dataset"
    assert problem.message.startswith(f"bomb.xlsx unpacks to more than {2 * MB} bytes")


def test_deeply_nested_json_is_refused_as_too_deep_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"employees": ' + "[" * 200_000 + "]" * 200_000 + "}")
    problems = refusal(lambda: load_dataset(path))
    assert problems == [Problem("dataset", None, None, "deep.json is nested too deeply")]


def test_a_nested_cell_is_refused_at_its_row_and_column() -> None:
    nested: Any = "x"
    for _ in range(500):
        nested = [nested]
    tables = json.loads(json.dumps(contract_json()))
    tables["employees"][0]["name"] = nested
    problems = refusal(lambda: dataset_from_json(tables))
    assert problems == [
        Problem("employees", 1, "name", "expected a single value, got a nested structure")
    ]


def contract_json() -> dict[str, list[dict[str, Any]]]:
    """The minimal dataset in the JSON form."""
    employees = [
        dict(zip(EMPLOYEES[0].split(","), r.split(","), strict=True)) for r in EMPLOYEES[1:]
    ]
    header = POSITIONS[0].split(",")
    positions = [dict(zip(header, r.split(","), strict=True)) for r in POSITIONS[1:]]
    return {"employees": employees, "positions": positions}


@pytest.mark.parametrize("capacity", ["NaN", "Infinity", "-Infinity", "-3", "0", "1e309", "2.5"])
def test_a_capacity_that_is_not_a_positive_integer_is_refused(capacity: str) -> None:
    text = json.dumps(contract_json()).replace('"capacity": "1"', f'"capacity": {capacity}', 1)
    assert capacity in text
    obj = json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    problems = refusal(lambda: dataset_from_json(obj))
    assert [(p.table, p.row, p.column) for p in problems] == [("positions", 1, "capacity")]
    assert problems[0].message == f"capacity must be an integer ≥ 1, got {capacity!r}"


def test_python_nan_and_inf_cells_are_empty_or_refused() -> None:
    tables = contract_json()
    tables["positions"][0]["capacity"] = float("nan")  # NaN is pandas' empty cell: default 1
    tables["positions"][1]["capacity"] = float("inf")
    problems = refusal(lambda: dataset_from_json(tables))
    assert [(p.table, p.row, p.column) for p in problems] == [("positions", 2, "capacity")]


def test_two_pins_of_one_employee_and_a_pinned_forbidden_pair_are_both_refused() -> None:
    dataset = dataset_from_json(contract_json())
    policy = {
        "pins": [
            {"nip": NIP_A, "position_id": "P1"},
            {"nip": NIP_A, "position_id": "P2"},
            {"nip": NIP_B, "position_id": "P2"},
        ],
        "forbid": [{"nip": NIP_B, "position_id": "P2"}],
    }
    problems = refusal(lambda: load_policy(policy, dataset))
    assert {p.table for p in problems} == {"policy"}
    assert len(problems) == 2
    assert {(p.column, p.row) for p in problems} >= {("pins", 2)}
    assert any("forbid" in p.message or p.column == "forbid" for p in problems)


HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [FORMULA, "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "NaN", "inf", "-0", "", " ", "\x00"]
    ),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
)
CELLS = st.one_of(
    HOSTILE_TEXT, st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.none())
)
COLUMN_NAMES = st.sampled_from(
    ["nip", "NIP ", "name", "status", "grade", "position_id", "unit", "job_class", "capacity", "x"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.dictionaries(
        st.sampled_from(["employees", "positions", "Employees", "relations"]),
        st.lists(st.dictionaries(COLUMN_NAMES, CELLS, max_size=6), max_size=6),
        max_size=3,
    )
)
def test_generated_hostile_tables_give_a_dataset_or_a_precise_dataset_error(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    try:
        dataset = dataset_from_json(rows)
    except DatasetError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.table in ("dataset", "employees", "positions", "relations")
            assert problem.row is None or 1 <= problem.row <= 6
            assert len(problem.message) <= MAX_MESSAGE + 40
    else:
        given = [
            row for name, table in rows.items() if name.lower() == "employees" for row in table
        ]
        nips = list(dataset.employees["nip"])
        assert len(nips) <= len(given)
        assert all(isinstance(nip, str) and nip == nip.strip() and nip for nip in nips)


def test_the_spreadsheet_row_limit_holds_only_for_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sheet limit of 1 row, the same two employees load from CSV and JSON and are
    refused from xlsx, under the same ``max_rows``."""
    monkeypatch.setattr(loading, "XLSX_MAX_ROWS", 1)
    csv_dataset = load_dataset(write_csv(tmp_path / "csv", EMPLOYEES), max_rows=10)
    assert csv_dataset.n_employees == 2
    rows = {
        "employees": [dict(zip(EMPLOYEES[0].split(","), line.split(","), strict=True))
                      for line in EMPLOYEES[1:]],
        "positions": [dict(zip(POSITIONS[0].split(","), line.split(","), strict=True))
                      for line in POSITIONS[1:]],
    }  # fmt: skip
    (tmp_path / "d.json").write_text(json.dumps(rows), encoding="utf-8")
    assert load_dataset(tmp_path / "d.json", max_rows=10).n_employees == 2
    path = xlsx(tmp_path / "rows.xlsx", [line.split(",") for line in EMPLOYEES])
    problems = refusal(lambda: load_dataset(path, max_rows=10))
    assert problems == [Problem("employees", None, None, "the table has more than 1 rows")]


def test_csv_and_json_tables_may_be_longer_than_a_spreadsheet_by_default() -> None:
    assert loading.MAX_ROWS > loading.XLSX_MAX_ROWS
    rows = [{"nip": NIP_A, "competency": f"T{i}", "level": "1"} for i in range(3)]
    problems = refusal(
        lambda: dataset_from_json({"employees": [], "positions": [], "competencies": rows},
                                  max_rows=2)
    )  # fmt: skip
    assert problems == [Problem("competencies", None, None, "the table has more than 2 rows")]
