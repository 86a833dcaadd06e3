"""plan.csv and gaps.csv as the service hands them out: JSON rows, spreadsheet-safe CSV, xlsx.

Downloads are meant for spreadsheets: CSV cells that a spreadsheet would read as a formula are
escaped by :func:`placement.reports.escaping.spreadsheet_safe_csv`, and xlsx text cells are
written as text, never as formulas.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from api.schemas.runs import GapRow, PlanRow

#: Columns of plan.csv and gaps.csv whose cells are integers.
NUMERIC = frozenset({"score", "preference_rank", "required", "attained"})


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV table with a header, as dicts of text."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def plan_rows(plan_csv: bytes) -> list[PlanRow]:
    """The rows of plan.csv as DTOs."""
    return [
        PlanRow(
            nip=row["nip"],
            from_position=row["from_position"],
            to_position=row["to_position"],
            from_unit=row["from_unit"],
            to_unit=row["to_unit"],
            moved=row["moved"] == "true",
            score=int(row["score"]),
            jpm=row["jpm"],
            preference_rank=int(row["preference_rank"]) if row["preference_rank"] else None,
        )
        for row in csv_rows(plan_csv)
    ]


def gap_rows(gaps_csv: bytes) -> list[GapRow]:
    """The rows of gaps.csv as DTOs."""
    return [
        GapRow(
            nip=row["nip"],
            position_id=row["position_id"],
            competency=row["competency"],
            required=int(row["required"]),
            attained=int(row["attained"]),
        )
        for row in csv_rows(gaps_csv)
    ]


def csv_to_xlsx(data: bytes, sheet: str) -> bytes:
    """A CSV table as an xlsx workbook of one sheet; numbers stay numbers, NIPs text.

    Text cells are written as text even when they start with ``=``: openpyxl would otherwise
    store them as formulas, which a spreadsheet evaluates on opening.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    header = rows[0] if rows else []
    ws.append(header)
    for row in rows[1:]:
        cells: list[Any] = []
        for name, cell in zip(header, row, strict=True):
            if name in NUMERIC and cell:
                cells.append(int(cell))
            elif name == "moved":
                cells.append(cell == "true")
            else:
                text = WriteOnlyCell(ws, value=cell)
                text.data_type = "s"
                cells.append(text)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
