"""The plan as a workbook for people: headers in the reader's language, names, NIPs as text.

``plan.csv`` is the contract's machine form (CONTRACT §5) and stays as it is; this is the form a
planner opens in a spreadsheet. One sheet, one row per employee in plan order (by NIP), with the
columns NIP, Nama, Jabatan asal, Unit asal, Jabatan tujuan, Unit tujuan, Pindah, Skor, JPM (%)
and Peringkat pilihan — Indonesian unless the current locale is English, the sheet's name and
the Ya/Tidak of Pindah too. NIPs are text cells (a spreadsheet would turn an 18-digit number
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
from placement.i18n import DEFAULT_LOCALE, t, translate
from placement.reports.escaping import is_formula_like

__all__ = ["PLAN_COLUMNS", "PLAN_HEADER", "SHEET", "plan_header", "plan_workbook", "sheet_name"]

#: Columns of the people's plan: (catalog key of the label, column width in characters).
PLAN_COLUMNS: tuple[tuple[str, int], ...] = (
    ("report.workbook.nip", 21),
    ("report.workbook.name", 28),
    ("report.workbook.from_position", 40),
    ("report.workbook.from_unit", 30),
    ("report.workbook.to_position", 40),
    ("report.workbook.to_unit", 30),
    ("report.workbook.moved", 8),
    ("report.workbook.score", 9),
    ("report.workbook.jpm", 9),
    ("report.workbook.preference_rank", 10),
)


def plan_header(locale: str | None = None) -> tuple[tuple[str, int], ...]:
    """The plan's header in ``locale`` (the current one by default): (label, width)."""
    return tuple((translate(key, locale), width) for key, width in PLAN_COLUMNS)


def sheet_name(locale: str | None = None) -> str:
    """Name of the plan's sheet in ``locale`` (the current one by default)."""
    return translate("report.workbook.sheet", locale)


#: The header and the sheet's name in the default locale, Indonesian.
PLAN_HEADER: tuple[tuple[str, int], ...] = plan_header(DEFAULT_LOCALE)
SHEET = sheet_name(DEFAULT_LOCALE)


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
    """The people's workbook (xlsx bytes) of ``plan``, labelled from ``dataset``, its header in
    the current locale.

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
    ws = book.create_sheet(sheet_name())
    columns = plan_header()
    for col, (_label, chars) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = chars
    ws.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{len(plan) + 1}"
    bold = Font(bold=True)
    header = []
    for label, _chars in columns:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    moved_text = {True: t("report.workbook.yes"), False: t("report.workbook.no")}
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
                _text(ws, moved_text[bool(moved)]),
                int(score),
                jpm_cell,
                None if pd.isna(rank) else int(rank),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
