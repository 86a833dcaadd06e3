"""What a spreadsheet under Indonesian regional settings writes: ``;``-separated CSV, day-first
dates. Read as the contract's form, said so, and refused clearly where a date is not a date."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_INPUT, EXIT_OK
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.errors import DatasetError
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

DATE_COLUMNS = ("birth_date", "position_since")


def day_first(iso: str, separator: str = "/") -> str:
    if not iso:
        return iso
    year, month, day = iso.split("-")
    return separator.join((day, month, year))


def excel_export(target: Path) -> Path:
    """The shared example's CSV folder as Excel writes it in Indonesia: ``;`` between cells,
    ``DD/MM/YYYY`` dates, CRLF line ends and a BOM."""
    target.mkdir()
    for source in sorted(EXAMPLE.glob("*.csv")):
        if source.name in ("plan.csv", "gaps.csv"):
            continue
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = list(rows[0])
        for row in rows:
            for column in DATE_COLUMNS:
                if column in row:
                    row[column] = day_first(row[column])
        with (target / source.name).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fields, delimiter=";", lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
    return target


def test_an_excel_export_of_the_example_solves_to_the_same_plan_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = excel_export(tmp_path / "export")
    written = (export / "employees.csv").read_text()
    assert re.search(r";[0-9]{2}/[0-9]{2}/[0-9]{4};", written)
    assert not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", written)
    policy = str(EXAMPLE / "policy.json")
    assert main(["solve", str(EXAMPLE), "--policy", policy, "--out", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    code = main(["solve", str(export), "--policy", policy, "--out", str(tmp_path / "b")])
    assert code == EXIT_OK
    assert (tmp_path / "b" / "plan.csv").read_bytes() == (tmp_path / "a" / "plan.csv").read_bytes()
    assert (tmp_path / "b" / "plan.csv").read_bytes() == (EXAMPLE / "plan.csv").read_bytes()
    err = capsys.readouterr().err
    assert "employees.csv: read as ;-separated" in err and "positions.csv" in err


def test_the_export_hashes_as_the_contract_form_and_notes_every_file(tmp_path: Path) -> None:
    export = load_dataset(excel_export(tmp_path / "export"))
    assert export.sha256 == load_dataset(EXAMPLE).sha256
    files = sorted((tmp_path / "export").glob("*.csv"))
    assert sorted(export.notes) == [f"{p.name}: read as ;-separated" for p in files]


def test_the_quiet_check_of_an_export_prints_no_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = excel_export(tmp_path / "export")
    args = ["check", str(export), str(EXAMPLE / "plan.csv"), "--policy",
            str(EXAMPLE / "policy.json")]  # fmt: skip
    assert main([*args, "--quiet"]) == EXIT_OK
    assert "separated" not in capsys.readouterr().err
    assert main(args) == EXIT_OK
    assert "read as ;-separated" in capsys.readouterr().err


def test_a_comma_file_is_read_without_a_note() -> None:
    assert load_dataset(EXAMPLE).notes == ()


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("12/03/1998", "1998-03-12"),  # day first, never month first
        ("3/7/2001", "2001-07-03"),
        ("31-12-2020", "2020-12-31"),
        ("29.02.2024", "2024-02-29"),
        ("2019-03-01", "2019-03-01"),
    ],
)
def test_dates_are_read_in_the_contract_form_or_day_first(cell: str, iso: str) -> None:
    dataset = dataset_from_tables(
        {
            "employees": [{"nip": "A", "status": "PPPK", "position_since": cell}],
            "positions": [{"position_id": "P", "unit": "U", "job_class": "PELAKSANA"}],
        }
    )
    assert str(dataset.employees.loc[0, "position_since"].date()) == iso


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("31/02/1998", "is not a real date (read day first, DD/MM/YYYY)"),
        ("03/25/1998", "is not a real date (read day first, DD/MM/YYYY)"),  # month first
        ("12/03/98", "two-digit year, which is ambiguous"),
        ("12/03-1998", "is not a date YYYY-MM-DD (or DD/MM/YYYY)"),
        ("1998/03/12", "is not a date YYYY-MM-DD (or DD/MM/YYYY)"),
    ],
)
def test_an_impossible_or_ambiguous_date_is_a_problem_with_table_row_and_column(
    cell: str, fragment: str
) -> None:
    with pytest.raises(DatasetError) as info:
        dataset_from_tables(
            {
                "employees": [
                    {"nip": "A", "status": "PPPK"},
                    {"nip": "B", "status": "PPPK", "birth_date": cell},
                ],
                "positions": [{"position_id": "P", "unit": "U", "job_class": "PELAKSANA"}],
            }
        )
    [problem] = info.value.problems
    assert (problem.table, problem.row, problem.column) == ("employees", 2, "birth_date")
    assert fragment in str(problem) and repr(cell) in str(problem)


def test_a_semicolon_file_refused_for_its_content_still_names_table_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = excel_export(tmp_path / "export")
    text = (export / "employees.csv").read_bytes().decode("utf-8-sig")
    header, first, *rest = text.split("\r\n")
    cells = first.split(";")
    cells[header.split(";").index("birth_date")] = "30/02/1980"
    (export / "employees.csv").write_bytes("\r\n".join([header, ";".join(cells), *rest]).encode())
    assert main(["solve", str(export), "--out", str(tmp_path / "out"), "--quiet"]) == EXIT_INPUT
    assert "employees, row 1, column birth_date" in capsys.readouterr().err
