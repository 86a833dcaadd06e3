"""The decree attachment (Lampiran SK mutasi): one text row per move and new placement, no
formulas whatever the data says, print-ready, and the same bytes for the same run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import placement
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.contract.readers import dataset_from_json
from placement.reports.decree import HEADER, decree_workbook
from tests.paths import EXAMPLE
from tests.placement.builders import (
    GITA,
    JOKO,
    NUR,
    example_dataset,
    example_policy,
    make_dataset,
    make_policy,
)

Run = tuple[Dataset, Policy, placement.Solution]
FORMULA_NAME = '=HYPERLINK("x")'


@pytest.fixture(scope="module")
def example() -> Run:
    dataset = placement.load_dataset(EXAMPLE)
    policy = placement.load_policy(EXAMPLE / "policy.json", dataset)
    return dataset, policy, placement.solve(dataset, policy)


def _sheet(data: bytes) -> Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _table(ws: Worksheet) -> tuple[int, list[list[object]]]:
    """The header row number and the data rows under it (up to the first empty row)."""
    header = next(
        c.row for c in ws["A"] if c.value == "No" and ws.cell(row=c.row, column=2).value == "NIP"
    )
    rows = []
    for r in range(header + 1, ws.max_row + 1):
        values = [ws.cell(row=r, column=c).value for c in range(1, len(HEADER) + 1)]
        if all(v is None for v in values):
            break
        rows.append(values)
    return header, rows


def test_the_example_has_one_row_per_move_and_new_placement(example: Run) -> None:
    dataset, _policy, solution = example
    ws = _sheet(decree_workbook(dataset, solution))
    header, rows = _table(ws)
    assert [ws.cell(row=header, column=c).value for c in range(1, 10)] == [h for h, _ in HEADER]
    # grouped by new unit and position: BKPSDM-01 (Nur), DINKES-03 (Gita), DISDIK-02 (Joko)
    assert [r[1] for r in rows] == [NUR, GITA, JOKO]
    assert [r[0] for r in rows] == [1, 2, 3]
    nur, gita, joko = rows
    assert nur[2] == "Nur Sembiring" and nur[4] == "—" and nur[8] == "Penempatan baru"
    assert gita[3] == "Penata Muda, III/a"
    assert gita[5] == "DISDIK" and gita[7] == "DINKES" and gita[8] == "Mutasi antar unit"
    assert str(gita[6]).endswith("(DINKES-03)")
    assert joko[8] == "Mutasi antar unit; jabatan lama dihapus"
    for r in range(header + 1, header + 4):
        cell = ws.cell(row=r, column=2)
        assert cell.data_type == "s" and isinstance(cell.value, str) and len(cell.value) == 18


def test_the_sheet_is_print_ready_with_a_frozen_bold_header(example: Run) -> None:
    ws = _sheet(decree_workbook(example[0], example[2]))
    header, _rows = _table(ws)
    assert ws.cell(row=header, column=1).font.b
    assert ws.cell(row=header + 1, column=2).border.left.style == "thin"
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width >= 18
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "LAMPIRAN" in texts and "NOMOR" in texts and "TANGGAL" in texts
    assert "WALI KOTA …," in texts  # the signature block, left for the official


def test_identifiers_keep_leading_zeros_and_formula_text_stays_text() -> None:
    """An 18-digit NIP with leading zeros, a name and a title that a spreadsheet would run
    as formulas, and a unit code that looks like a negative number."""
    nip = "001234567890123456"
    dataset = make_dataset(
        employees=[
            {"nip": nip, "name": FORMULA_NAME, "position_id": "A-01"},
            {"nip": "000000000000000007", "name": "@SUM(A1:A2)"},
        ],
        positions=[
            {"position_id": "A-01"},
            {"position_id": "B-01", "title": "+1+1", "unit": "-5"},
            {"position_id": "B-02", "unit": "-5"},
        ],
        preferences={nip: {"B-01": 1}},
    )
    solution = placement.solve(dataset, make_policy())
    data = decree_workbook(dataset, solution)
    ws = _sheet(data)
    _header, rows = _table(ws)
    assert sorted(str(r[1]) for r in rows) == ["000000000000000007", nip]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    by_value = {c.value: c for c in cells}
    for text in (FORMULA_NAME, "@SUM(A1:A2)", "+1+1 (B-01)", "-5", nip, "000000000000000007"):
        assert by_value[text].data_type == "s", text
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        sheet_xml = xlsx.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_two_renders_are_byte_identical_and_dated_by_the_reference_date(example: Run) -> None:
    dataset, _policy, solution = example
    first, second = decree_workbook(dataset, solution), decree_workbook(dataset, solution)
    assert first == second
    props = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert props.created == props.modified == dt.datetime(2026, 7, 1)
    with zipfile.ZipFile(io.BytesIO(first)) as xlsx:
        assert {i.date_time for i in xlsx.infolist()} == {(2026, 7, 1, 0, 0, 0)}


def test_the_official_is_named_in_the_title_and_signature(example: Run) -> None:
    ws = _sheet(decree_workbook(example[0], example[2], official="WALI KOTA BINJAI"))
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert "KEPUTUSAN WALI KOTA BINJAI" in texts and "WALI KOTA BINJAI," in texts


def test_a_solution_without_a_plan_has_no_decree() -> None:
    dataset = example_dataset()
    policy = dataclasses.replace(example_policy(rotation=True), max_moves=2)
    solution = placement.solve(dataset, policy)
    with pytest.raises(ValueError, match="without a plan"):
        decree_workbook(dataset, solution)


def test_units_are_named_and_the_header_row_is_filterable() -> None:
    """The example with a units table naming two of its three units: named units print their
    names, BKPSDM (not named) its code."""
    data = json.loads((EXAMPLE / "example.json").read_text())
    data["units"] = [
        {"unit": "DINKES", "name": "Dinas Kesehatan"},
        {"unit": "DISDIK", "name": "Dinas Pendidikan"},
    ]
    dataset = dataset_from_json(data)
    solution = placement.solve(dataset, placement.load_policy(EXAMPLE / "policy.json", dataset))
    ws = _sheet(decree_workbook(dataset, solution))
    header, rows = _table(ws)
    nur, gita, _joko = rows
    assert gita[5] == "Dinas Pendidikan" and gita[7] == "Dinas Kesehatan"
    assert gita[8] == "Mutasi antar unit"
    assert nur[7] == "BKPSDM"
    assert "PKM" not in str(rows) and "'DINKES'" not in str(rows)
    assert ws.auto_filter.ref == f"A{header}:I{header + len(rows)}"
