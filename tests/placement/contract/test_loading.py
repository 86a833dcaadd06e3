"""Loading and validating datasets: the three forms, normalisation, and every kind of problem."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.contract.dataset import COLUMNS, TABLES, Dataset
from placement.contract.readers import dataset_from_json, dataset_from_tables, load_dataset
from placement.errors import DatasetError
from tests.paths import DATA, EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

ANI = "199001012015011001"
BUDI = "199202022015012002"

KARTIKA = "198808082012122011"
FAJAR = "199405052019031006"
HENDRA = "197002152000031008"
NUR = "200001102026062014"
LUKMAN = "198601012011011012"


def where(err: DatasetError) -> set[tuple[str, int | None, str | None]]:
    """The (table, row, column) of every problem of ``err``."""
    return {(p.table, p.row, p.column) for p in err.problems}


def refused(source: Any) -> DatasetError:
    """The error raised when loading ``source`` (a path or an in-memory table mapping)."""
    with pytest.raises(DatasetError) as info:
        if isinstance(source, dict):
            dataset_from_tables(source)
        else:
            load_dataset(source)
    return info.value


def minimal(**tables: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Two placed employees in two positions, plus ``tables``."""
    base: dict[str, list[dict[str, Any]]] = {
        "employees": [
            {"nip": ANI, "grade": "III/a", "position_id": "P1"},
            {"nip": BUDI, "grade": "III/b", "position_id": "P2"},
        ],
        "positions": [
            {"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA"},
            {"position_id": "P2", "unit": "U2", "job_class": "PELAKSANA"},
        ],
    }
    return base | tables


@pytest.fixture(scope="module")
def example() -> Dataset:
    """The shared 14-employee example, from its CSV folder."""
    return load_dataset(EXAMPLE)


def employee(dataset: Dataset, nip: str) -> pd.Series:
    return dataset.employees.set_index("nip").loc[nip]


# --------------------------------------------------------------------------- the example


@pytest.mark.parametrize("form", ["example.xlsx", "example.json"])
def test_the_example_loads_identically_from_xlsx_and_json_as_from_csv(
    example: Dataset, form: str
) -> None:
    other = load_dataset(EXAMPLE / form)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(other, table), getattr(example, table))
    assert other.sha256 == example.sha256


def test_the_example_has_the_expected_row_counts(example: Dataset) -> None:
    assert example.counts() == {
        "employees": 14,
        "positions": 11,
        "competencies": 54,
        "requirements": 29,
        "preferences": 16,
        "relations": 2,
    }


def test_the_normalised_frames_have_the_contract_columns_dtypes_and_a_fresh_index(
    example: Dataset,
) -> None:
    for table in TABLES:
        frame = getattr(example, table)
        assert tuple(frame.columns) == COLUMNS[table]
        assert frame.index.equals(pd.RangeIndex(len(frame)))
    employees = example.employees
    assert employees["birth_date"].dtype == "datetime64[ns]"
    assert employees["position_since"].dtype == "datetime64[ns]"
    assert employees["discipline"].dtype == bool
    assert pd.api.types.is_string_dtype(employees["nip"].dtype)
    assert example.positions["capacity"].dtype == "int64"
    assert example.requirements["weight"].dtype == "int64"
    assert example.preferences["rank"].dtype == "int64"


def test_tables_are_sorted_by_their_keys(example: Dataset) -> None:
    assert example.employees["nip"].is_monotonic_increasing
    assert example.positions["position_id"].is_monotonic_increasing
    keys = list(zip(example.competencies["nip"], example.competencies["competency"], strict=True))
    assert keys == sorted(keys)


def test_enumerations_are_matched_case_insensitively(example: Dataset) -> None:
    kartika = employee(example, KARTIKA)
    assert (kartika["status"], kartika["grade"]) == ("PNS", "III/b")
    states = example.positions.set_index("position_id")["state"]
    assert states["DISDIK-03"] == "closed"


def test_an_empty_birth_date_comes_from_the_nip(example: Dataset) -> None:
    assert employee(example, FAJAR)["birth_date"] == pd.Timestamp("1994-05-05")
    assert employee(example, HENDRA)["birth_date"] == pd.Timestamp("1970-02-15")


def test_an_empty_gender_comes_from_digit_15_of_the_nip(example: Dataset) -> None:
    assert employee(example, HENDRA)["gender"] == "M"
    assert employee(example, NUR)["gender"] == "F"


def test_a_json_number_nip_keeps_every_digit() -> None:
    dataset = load_dataset(EXAMPLE / "example.json")
    assert NUR in set(dataset.employees["nip"])
    assert NUR in set(dataset.competencies["nip"])
    assert NUR in set(dataset.preferences["nip"])


def test_a_json_null_position_means_unplaced() -> None:
    dataset = load_dataset(EXAMPLE / "example.json")
    assert employee(dataset, FAJAR)["position_id"] == ""
    assert pd.isna(employee(dataset, FAJAR)["position_since"])


def test_booleans_accept_ya_tidak_0_and_no(example: Dataset) -> None:
    flags = example.employees.set_index("name")[["discipline", "on_leave"]]
    assert flags.loc["Budi Nasution"].tolist() == [True, False]
    assert flags.loc["Dedi Harahap"].tolist() == [False, False]
    assert flags.loc["Erna Ginting"].tolist() == [False, False]
    assert flags.loc["Citra Lubis"].tolist() == [False, True]


def test_education_d4_is_kept_as_d4_and_fields_as_given(example: Dataset) -> None:
    assert employee(example, LUKMAN)["education"] == "D4"
    assert employee(example, FAJAR)["education_field"] == "pendidikan"


def test_relations_have_nip_a_before_nip_b_and_a_canonical_kind(example: Dataset) -> None:
    assert example.relations.values.tolist() == [
        ["198512102009011004", "198705202010011002", "family"],
        [LUKMAN, KARTIKA, "spouse"],
    ]


def test_duplicate_relations_are_merged_as_unordered_pairs_of_one_kind() -> None:
    dataset = dataset_from_tables(
        minimal(
            relations=[
                {"nip_a": BUDI, "nip_b": ANI, "kind": "Spouse"},
                {"nip_a": ANI, "nip_b": BUDI, "kind": "spouse"},
                {"nip_a": ANI, "nip_b": BUDI, "kind": "family"},
            ]
        )
    )
    assert dataset.relations.values.tolist() == [[ANI, BUDI, "family"], [ANI, BUDI, "spouse"]]


def test_defaults_fill_empty_cells() -> None:
    dataset = dataset_from_tables(
        minimal(requirements=[{"position_id": "P1", "competency": "M01", "level": 2}])
    )
    ani = employee(dataset, ANI)
    assert (ani["status"], ani["discipline"], ani["on_leave"]) == ("PNS", False, False)
    assert dataset.positions["capacity"].tolist() == [1, 1]
    assert dataset.positions["state"].tolist() == ["open", "open"]
    assert dataset.requirements["weight"].tolist() == [1]


def test_a_given_birth_date_and_gender_win_over_the_nip() -> None:
    tables = minimal()
    tables["employees"][0] |= {"birth_date": "1991-06-07", "gender": "f"}
    ani = employee(dataset_from_tables(tables), ANI)
    assert (ani["birth_date"], ani["gender"]) == (pd.Timestamp("1991-06-07"), "F")


def test_a_nip_that_is_not_a_valid_nip_is_kept_as_an_identifier() -> None:
    tables = minimal()
    tables["employees"].append({"nip": "0070", "status": "pppk", "position_id": ""})
    tables["employees"].append({"nip": "199013452015011009", "grade": "II/a"})
    dataset = dataset_from_tables(tables)
    odd = dataset.employees.set_index("nip")
    assert pd.isna(odd.loc["0070", "birth_date"])
    assert pd.isna(odd.loc["199013452015011009", "birth_date"])  # month 13: not a date
    assert odd.loc["199013452015011009", "gender"] == "M"  # digit 15 of an 18-digit NIP


def test_surrounding_whitespace_is_trimmed_and_education_fields_tidied() -> None:
    tables = minimal()
    tables["employees"][0] |= {"nip": f"  {ANI} ", "grade": " iii/a "}
    tables["positions"][0] |= {"education_fields": " Keperawatan ; Ners ;", "eselon": "iv.a"}
    dataset = dataset_from_tables(tables)
    assert ANI in set(dataset.employees["nip"])
    position = dataset.positions.set_index("position_id").loc["P1"]
    assert (position["education_fields"], position["eselon"]) == ("Keperawatan;Ners", "IV.a")


def test_unknown_tables_and_columns_are_ignored() -> None:
    tables: dict[str, Any] = minimal()
    tables["employees"][0]["hobby"] = "chess"
    tables["notes"] = "anything"
    dataset = dataset_from_tables(tables)
    assert "hobby" not in dataset.employees.columns


def test_dataframes_in_memory_load_like_the_csv_folder_without_being_changed(
    example: Dataset,
) -> None:
    frames = {
        path.stem: pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in EXAMPLE.glob("*.csv")
    }
    before = {name: frame.copy() for name, frame in frames.items()}
    dataset = dataset_from_tables(frames)
    assert dataset.sha256 == example.sha256
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_the_json_object_path_reads_numbers_as_written() -> None:
    text = json.dumps(minimal()).replace(f'"{ANI}"', ANI)
    obj = json.loads(text, parse_int=str, parse_float=str)
    assert ANI in set(dataset_from_json(obj).employees["nip"])


def test_the_sha256_changes_when_the_data_changes(example: Dataset) -> None:
    base = dataset_from_tables(minimal())
    changed = minimal()
    changed["positions"][0]["capacity"] = 2
    assert len(base.sha256) == 64
    assert dataset_from_tables(changed).sha256 != base.sha256
    assert base.sha256 != example.sha256


# --------------------------------------------------------------------------- xlsx cells


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


POSITIONS_SHEET = [["position_id", "unit", "job_class", "capacity"], [101, "U1", "PELAKSANA", 2.0]]


def test_xlsx_numeric_cells_become_digits_and_date_cells_dates(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "numbers.xlsx",
        {
            "EMPLOYEES": [
                ["Nip", "Grade", "Position_ID", "Birth_Date", "On_Leave"],
                [12345, "III/a", 101, dt.datetime(1990, 1, 2, 8, 30), True],
            ],
            "Positions": POSITIONS_SHEET,
        },
    )
    dataset = load_dataset(path)
    row = dataset.employees.iloc[0]
    assert (row["nip"], row["position_id"], row["on_leave"]) == ("12345", "101", True)
    assert row["birth_date"] == pd.Timestamp("1990-01-02")
    assert dataset.positions["capacity"].tolist() == [2]


def test_an_18_digit_nip_in_a_numeric_xlsx_cell_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "numeric_nip.xlsx",
        {
            "employees": [
                ["nip", "grade", "position_id"],
                [ANI, "III/a", 101],
                [int(BUDI), "III/a", 101],
            ],
            "positions": POSITIONS_SHEET,
            "relations": [["nip_a", "nip_b", "kind"], [ANI, float(BUDI), "spouse"]],
        },
    )
    err = refused(path)
    assert where(err) >= {("employees", 2, "nip"), ("relations", 1, "nip_b")}
    assert "store it as text" in str(err.problems[0])


def test_an_xlsx_that_is_not_a_workbook_is_a_file_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert where(refused(path)) == {("dataset", None, None)}


def test_two_sheets_for_one_table_are_a_problem(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "twice.xlsx",
        {
            "employees": [["nip", "status"], ["1", "PPPK"]],
            "Employees ": [["nip", "status"], ["2", "PPPK"]],
            "positions": POSITIONS_SHEET,
        },
    )
    assert where(refused(path)) == {("employees", None, None)}


# --------------------------------------------------------------------------- malformed inputs

MALFORMED: dict[str, set[tuple[str, int | None, str | None]]] = {
    "missing_required_values.json": {
        ("employees", 3, "nip"),
        ("employees", 4, "grade"),  # PNS without a grade
        ("employees", 6, "grade"),  # CPNS without a grade (row 5, PPPK, may lack one)
        ("positions", 3, "unit"),
        ("positions", 4, "job_class"),
        ("positions", 5, "position_id"),
        ("competencies", 1, "level"),
        ("competencies", 2, "competency"),
        ("requirements", 1, "level"),
        ("preferences", 1, "target"),
        ("preferences", 2, "rank"),
        ("relations", 1, "kind"),
        ("relations", 2, "nip_b"),
    },
    "missing_columns": {
        ("employees", None, "nip"),
        ("positions", None, "unit"),
        ("positions", None, "job_class"),
    },
    "missing_positions_table.json": {("positions", None, None)},
    "duplicate_nip.json": {("employees", 3, "nip"), ("employees", 4, "nip")},
    "duplicate_position_id.json": {("positions", 3, "position_id")},
    "duplicate_competency.json": {("competencies", 3, "competency")},
    "duplicate_requirement.json": {("requirements", 3, "competency")},
    "unknown_references.json": {
        ("employees", 3, "position_id"),
        ("competencies", 2, "nip"),
        ("requirements", 2, "position_id"),  # identifiers are case-sensitive
        ("preferences", 3, "target"),
        ("preferences", 4, "nip"),
        ("relations", 1, "nip_b"),
        ("relations", 2, "nip_a"),
    },
    "bad_grades.json": {
        ("employees", 3, "grade"),
        ("employees", 4, "grade"),
        ("positions", 3, "min_grade"),
        ("positions", 3, "max_grade"),
    },
    "out_of_range_numbers.json": {
        ("competencies", 1, "level"),
        ("competencies", 2, "level"),
        ("competencies", 3, "level"),
        ("requirements", 1, "weight"),
        ("requirements", 2, "weight"),
        ("preferences", 1, "rank"),
        ("preferences", 2, "rank"),
        ("positions", 3, "capacity"),
        ("positions", 4, "capacity"),
    },
    "bad_dates.json": {
        ("employees", 3, "birth_date"),
        ("employees", 4, "birth_date"),
        ("employees", 4, "position_since"),
        ("employees", 5, "position_since"),
    },
    "bad_booleans.json": {("employees", 3, "discipline"), ("employees", 4, "discipline")},
    "unknown_enum_values.json": {
        ("employees", 3, "status"),
        ("employees", 3, "education"),
        ("employees", 3, "gender"),
        ("employees", 3, "performance"),
        ("employees", 3, "potential"),
        ("positions", 3, "job_class"),
        ("positions", 3, "eselon"),
        ("positions", 3, "min_education"),
        ("positions", 3, "state"),
        ("relations", 1, "kind"),
    },
    "inverted_grade_range.json": {("positions", 3, "max_grade")},
    "self_relation.json": {("relations", 2, "nip_b")},
    "nested_value.json": {("employees", 3, "name"), ("positions", 3, "unit")},
    "blank_rows": {("employees", 4, "nip")},  # blank rows keep their number
    "duplicate_column": {("employees", None, "nip")},
    "not_utf8": {("employees", None, None)},
    "bad_csv": {("positions", None, None)},
    "invalid.json": {("dataset", None, None)},
    "not_an_object.json": {("dataset", None, None)},
    "table_not_an_array.json": {("employees", None, None), ("preferences", None, None)},
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_every_problem_of_a_malformed_input_is_reported_where_it_is(name: str) -> None:
    assert where(refused(DATA / name)) == MALFORMED[name]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("missing_required_values.json", "required value missing"),
        ("missing_columns", "required column missing"),
        ("missing_positions_table.json", "required table missing"),
        ("duplicate_nip.json", "(first in row 1)"),
        ("unknown_references.json", "unknown target (position or unit) 'U9'"),
        ("bad_grades.json", "unknown grade 'III/x'"),
        ("out_of_range_numbers.json", "level must be an integer from 1 to 5, got '7'"),
        ("bad_dates.json", "'2025-02-30' is not a date"),
        ("inverted_grade_range.json", "below min_grade"),
        ("self_relation.json", "with themselves"),
        ("not_utf8", "not UTF-8"),
        ("invalid.json", "line 2"),
    ],
)
def test_problem_messages_say_what_is_wrong(name: str, fragment: str) -> None:
    assert any(fragment in str(p) for p in refused(DATA / name).problems)


def test_a_missing_source_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    assert where(refused(tmp_path / "nowhere")) == {("dataset", None, None)}
    (tmp_path / "data.txt").write_text("nip\n")
    assert where(refused(tmp_path / "data.txt")) == {("dataset", None, None)}


def test_a_float_identifier_too_long_to_be_exact_is_refused() -> None:
    tables = minimal()
    tables["employees"].append({"nip": 1.9940505201903101e17, "grade": "III/a"})
    assert where(refused(tables)) == {("employees", 3, "nip")}


def test_nothing_is_partly_loaded_when_one_table_is_bad() -> None:
    err = refused(minimal(competencies=[{"nip": ANI, "competency": "M01", "level": 9}]))
    assert len(err.problems) == 1
    assert "1 problem" in str(err)


# --------------------------------------------------------------------------- junk never crashes

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["", " ", "III/b", "ya", "2024-02-30", ANI, BUDI, "P1", "U1", "spouse", "7"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)
COLUMN_NAMES = st.sampled_from(sorted({c for cs in COLUMNS.values() for c in cs} | {"x", "NIP"}))
ROWS = st.lists(st.dictionaries(COLUMN_NAMES, JUNK, max_size=6), max_size=4)
TABLE_NAMES = st.sampled_from([*TABLES, "Employees", "other"])


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TABLE_NAMES, st.one_of(ROWS, JUNK), max_size=7))
def test_junk_cells_raise_nothing_but_a_dataset_error(tables: dict[str, Any]) -> None:
    try:
        dataset = dataset_from_tables(tables)
    except DatasetError as err:
        assert err.problems
    else:
        assert all(tuple(getattr(dataset, t).columns) == COLUMNS[t] for t in TABLES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200), st.binary(max_size=60))
def test_junk_files_raise_nothing_but_a_dataset_error(text: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "employees.csv").write_text(text, encoding="utf-8")
        (root / "positions.csv").write_bytes(raw)
        (root / "junk.json").write_bytes(raw)
        (root / "junk.xlsx").write_bytes(raw)
        for source in (root, root / "junk.json", root / "junk.xlsx"):
            try:
                load_dataset(source)
            except DatasetError as err:
                assert err.problems
