"""The plan as a workbook for people: Indonesian headers, names instead of codes, NIPs as text.

``plan.csv`` is the contract's machine form (CONTRACT §5) and stays as it is; this is the form a
planner opens in a spreadsheet. One sheet, one row per employee in plan order (by NIP), with
the columns NIP, Nama, Jabatan asal, Unit asal, Jabatan tujuan, Unit tujuan, Pindah, Skor,
JPM (%) and Peringkat pilihan. NIPs are text cells (a spreadsheet would turn an 18-digit number
into ``1.96609E+17``); a position is its title with its id in brackets; a unit its name from the
``units`` table, or its code; Skor, JPM and the preference rank are numbers, so they sort and
sum; the header row is bold, frozen and filterable. Text cells are never formulas.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from placement.contract.dataset import Dataset
from placement.reports.escaping import is_formula_like

__all__ = ["PLAN_HEADER", "SHEET", "plan_workbook"]

#: Header of the people's plan: (label, column width in characters).
PLAN_HEADER: tuple[tuple[str, int], ...] = (
    ("NIP", 21),
    ("Nama", 28),
    ("Jabatan asal", 40),
    ("Unit asal", 30),
    ("Jabatan tujuan", 40),
    ("Unit tujuan", 30),
    ("Pindah", 8),
    ("Skor", 9),
    ("JPM (%)", 9),
    ("Peringkat pilihan", 10),
)
#: Name of the plan's sheet.
SHEET = "Rencana Penempatan"


def _position(title: str, position_id: str) -> str:
    if not position_id:
        return ""
    return f"{title} ({position_id})" if title else position_id


def _text(ws: Worksheet, value: str) -> WriteOnlyCell | None:
    """A text cell, or an empty one for empty text."""
    if not value:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if is_formula_like(value):
        # Keeps the text a text when someone edits the cell in a spreadsheet, too.
        cell.quotePrefix = True
    return cell


def plan_workbook(dataset: Dataset, plan: pd.DataFrame) -> bytes:
    """The people's workbook (xlsx bytes) of ``plan``, labelled from ``dataset``.

    Parameters
    ----------
    dataset
        The dataset the plan was made from: names, titles and unit names.
    plan
        The plan in the contract's columns, as :func:`placement.runs.formats.read_plan` reads it
        (or as :func:`placement.solve` returns it).
    """
    names = dict(zip(dataset.employees["nip"], dataset.employees["name"], strict=True))
    pos = dataset.positions
    titles = dict(zip(pos["position_id"], pos["title"], strict=True))
    units = dataset.unit_names()
    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET)
    for col, (_label, chars) in enumerate(PLAN_HEADER, start=1):
        ws.column_dimensions[get_column_letter(col)].width = chars
    ws.freeze_panes = "A2"
    last = get_column_letter(len(PLAN_HEADER))
    ws.auto_filter.ref = f"A1:{last}{len(plan) + 1}"
    bold = Font(bold=True)
    header = []
    for label, _chars in PLAN_HEADER:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    rows = zip(
        plan["nip"].tolist(),
        plan["from_position"].tolist(),
        plan["from_unit"].tolist(),
        plan["to_position"].tolist(),
        plan["to_unit"].tolist(),
        plan["moved"].tolist(),
        plan["score"].tolist(),
        plan["jpm"].tolist(),
        plan["preference_rank"].tolist(),
        strict=True,
    )
    for nip, src, src_unit, dst, dst_unit, moved, score, jpm, rank in rows:
        nip_cell = WriteOnlyCell(ws, value=str(nip))
        nip_cell.data_type = "s"
        nip_cell.number_format = "@"
        jpm_cell = WriteOnlyCell(ws, value=float(Decimal(jpm)) if jpm else None)
        jpm_cell.number_format = "0.00"
        ws.append(
            [
                nip_cell,
                _text(ws, str(names.get(nip, ""))),
                _text(ws, _position(titles.get(src, ""), src)),
                _text(ws, units.get(src_unit, src_unit)),
                _text(ws, _position(titles.get(dst, ""), dst)),
                _text(ws, units.get(dst_unit, dst_unit)),
                _text(ws, "Ya" if moved else "Tidak"),
                int(score),
                jpm_cell,
                None if pd.isna(rank) else int(rank),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
