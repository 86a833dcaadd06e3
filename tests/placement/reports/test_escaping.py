"""One escaping rule for every spreadsheet made for people."""

from __future__ import annotations

import pytest

from placement.reports.escaping import is_formula_like, spreadsheet_safe, spreadsheet_safe_csv


@pytest.mark.parametrize(
    "cell", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]
)
def test_formula_looking_cells_get_a_quote_in_front(cell: str) -> None:
    assert is_formula_like(cell)
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-20", "+3.5", "12", "", "Dinas Pendidikan", "a=b"])
def test_plain_numbers_and_text_are_left_alone(cell: str) -> None:
    assert not is_formula_like(cell)
    assert spreadsheet_safe(cell) == cell


def test_a_csv_is_escaped_cell_by_cell_and_keeps_its_quoting() -> None:
    data = b'nip,unit\n"=HYPERLINK(""x"")",-20\n199001012015011001,"a, b"\n'
    out = spreadsheet_safe_csv(data).decode()
    assert out == 'nip,unit\n"\'=HYPERLINK(""x"")",-20\n199001012015011001,"a, b"\n'
