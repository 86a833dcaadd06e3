"""The plan as a workbook for people: Indonesian headers, names, units by name, NIPs as text,
numbers as numbers, a frozen filterable header, and no formulas whatever the data says."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import placement
from placement.contract.readers import dataset_from_json
from placement.reports.workbook import PLAN_HEADER, SHEET, plan_workbook
from placement.runs.formats import read_plan
from tests.paths import EXAMPLE
from tests.placement.builders import GITA, NUR, make_dataset, make_policy


@pytest.fixture(scope="module")
def sheet() -> Worksheet:
    """The example's reference plan, labelled from the example with DINKES and DISDIK named."""
    data = json.loads((EXAMPLE / "example.json").read_text())
    data["units"] = [
        {"unit": "DINKES", "name": "Dinas Kesehatan"},
        {"unit": "DISDIK", "name": "Dinas Pendidikan"},
    ]
    plan = read_plan((EXAMPLE / "plan.csv").read_text())
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(dataset_from_json(data), plan)))
    return book[SHEET]


def test_the_header_is_indonesian_bold_frozen_and_filterable(sheet: Worksheet) -> None:
    header = [c.value for c in sheet[1]]
    assert header == [label for label, _ in PLAN_HEADER]
    assert header == ["NIP", "Nama", "Jabatan asal", "Unit asal", "Jabatan tujuan",
                      "Unit tujuan", "Pindah", "Skor", "JPM (%)", "Peringkat pilihan"]  # fmt: skip
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{sheet.max_row}"
    assert sheet.column_dimensions["A"].width >= 19


def test_every_employee_is_a_row_with_names_and_numbers(sheet: Worksheet) -> None:
    reference = (EXAMPLE / "plan.csv").read_text().splitlines()[1:]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert list(rows) == [line.split(",")[0] for line in reference]
    for nip_cell, *_ in rows.values():
        assert nip_cell.data_type == "s" and len(nip_cell.value) == 18
    gita = [c.value for c in rows[GITA]]
    assert gita[1] == "Gita Daulay"
    assert gita[3] == "Dinas Pendidikan" and gita[5] == "Dinas Kesehatan"
    assert str(gita[4]).endswith("(DINKES-03)") and gita[6] == "Ya"
    nur = [c.value for c in rows[NUR]]
    assert nur[2] is None and nur[5] == "BKPSDM"  # a new placement; BKPSDM is not named
    by_nip = {line.split(",")[0]: line.split(",") for line in reference}
    for nip, row in rows.items():
        score, jpm, rank = by_nip[nip][6:9]
        assert row[7].value == int(score) and row[7].data_type == "n"
        assert row[8].value == (float(jpm) if jpm else None)
        assert row[9].value == (int(rank) if rank else None)


def test_formula_looking_cells_stay_text() -> None:
    nip = "001234567890123456"
    dataset = make_dataset(
        employees=[{"nip": nip, "name": '=HYPERLINK("x")', "position_id": "A-01"}],
        positions=[{"position_id": "A-01", "title": "+1+1", "unit": "-5"}],
    )
    solution = placement.solve(dataset, make_policy())
    assert solution.plan is not None
    data = plan_workbook(dataset, solution.plan)
    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    values = [c for c in ws[2]]
    assert values[0].value == nip and values[1].value == '=HYPERLINK("x")'
    assert values[2].value == "+1+1 (A-01)" and values[3].value == "-5"
    assert all(c.data_type == "s" for c in values[:7])
    with zipfile.ZipFile(io.BytesIO(data)) as xlsx:
        assert b"<f>" not in xlsx.read("xl/worksheets/sheet1.xml")
