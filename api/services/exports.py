"""plan.csv and gaps.csv as the service hands them out: JSON rows, spreadsheet-safe CSV, xlsx.

Downloads are meant for spreadsheets: CSV cells that a spreadsheet would read as a formula are
escaped by :func:`placement.reports.escaping.spreadsheet_safe_csv`, and xlsx text cells are
written as text, never as formulas. The JSON rows and the CSV keep the contract's machine form
(CONTRACT §5); the plan's xlsx is the form for people
(:func:`placement.reports.workbook.plan_workbook`: Indonesian headers, names, units by name).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

from api.core.problems import ApiError
from api.db.store import Store
from api.schemas.runs import GapRow, PlanRow
from api.services.datasets import load_stored
from api.services.runs import get_run
from placement.i18n import t
from placement.reports.workbook import plan_workbook
from placement.runs.formats import read_gaps, read_plan

#: Columns of plan.csv and gaps.csv whose cells are integers.
NUMERIC = frozenset({"score", "preference_rank", "required", "attained"})


def plan_rows(plan_csv: bytes) -> list[PlanRow]:
    """The rows of plan.csv as DTOs, read by :func:`placement.runs.formats.read_plan`."""
    plan = read_plan(plan_csv.decode("utf-8"))
    ranks = [None if pd.isna(r) else int(r) for r in plan["preference_rank"]]
    return [
        PlanRow(
            nip=nip,
            from_position=from_position,
            to_position=to_position,
            from_unit=from_unit,
            to_unit=to_unit,
            moved=bool(moved),
            score=int(score),
            jpm=jpm,
            preference_rank=rank,
        )
        for nip, from_position, to_position, from_unit, to_unit, moved, score, jpm, rank in zip(
            plan["nip"],
            plan["from_position"],
            plan["to_position"],
            plan["from_unit"],
            plan["to_unit"],
            plan["moved"],
            plan["score"],
            plan["jpm"],
            ranks,
            strict=True,
        )
    ]


def gap_rows(gaps_csv: bytes) -> list[GapRow]:
    """The rows of gaps.csv as DTOs, read by :func:`placement.runs.formats.read_gaps`."""
    gaps = read_gaps(gaps_csv.decode("utf-8"))
    return [
        GapRow(
            nip=nip,
            position_id=position_id,
            competency=competency,
            required=int(required),
            attained=int(attained),
        )
        for nip, position_id, competency, required, attained in zip(
            gaps["nip"],
            gaps["position_id"],
            gaps["competency"],
            gaps["required"],
            gaps["attained"],
            strict=True,
        )
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


def people_plan_xlsx(store: Store, run_id: str, plan_csv: bytes) -> bytes:
    """The plan of run ``run_id`` (its stored ``plan_csv``) as the people's workbook, labelled
    from the run's dataset; 409 when that dataset has been deleted."""
    record = get_run(store, run_id)
    if store.datasets.get(record.dataset_id) is None:
        raise ApiError(409, t("api.dataset.deleted"), kind="dataset-deleted")
    dataset = load_stored(store, record.dataset_id)
    return plan_workbook(dataset, read_plan(plan_csv.decode("utf-8")))
