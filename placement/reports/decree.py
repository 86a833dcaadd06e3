"""The plan as the attachment of a transfer decree (Lampiran Surat Keputusan mutasi), in xlsx.

The workbook lists every move and new placement of a plan with the columns a decree attachment
carries (No, NIP, Nama, Pangkat/Golongan, Jabatan/Unit Lama, Jabatan/Unit Baru, Keterangan),
under a title block whose number and date are left blank and above a signature block left for
the official. Its words come from the reports catalog in the current locale: Indonesian, the
decree's own language, unless English is asked for (a reading copy); rank titles (pangkat) are
Indonesian titles and stay so. Units are shown by name when the dataset's ``units`` table names
them (by code otherwise); the header row is frozen and filterable. Every text cell is written as
text, never as a formula, so a name such as ``=HYPERLINK(...)`` cannot run in a spreadsheet. The
bytes depend only on the run: the workbook's created/modified stamps and the zip entries' times
are the policy's reference date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from placement.contract.dataset import Dataset
from placement.engine import Solution
from placement.i18n import DEFAULT_LOCALE, t, translate
from placement.reports.escaping import is_formula_like

#: Pangkat (rank title) of every golongan/ruang.
PANGKAT: dict[str, str] = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I", "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata", "III/d": "Penata Tingkat I", "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda", "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}  # fmt: skip

#: Columns of the decree table: (catalog key of the label, column width in characters).
COLUMNS: tuple[tuple[str, int], ...] = (
    ("report.decree.column.number", 5),
    ("report.decree.column.nip", 21),
    ("report.decree.column.name", 30),
    ("report.decree.column.rank", 24),
    ("report.decree.column.from_position", 34),
    ("report.decree.column.from_unit", 30),
    ("report.decree.column.to_position", 34),
    ("report.decree.column.to_unit", 30),
    ("report.decree.column.remark", 26),
)


def header(locale: str | None = None) -> tuple[tuple[str, int], ...]:
    """The decree table's header in ``locale`` (the current one by default): (label, width)."""
    return tuple((translate(key, locale), width) for key, width in COLUMNS)


#: The header in the default locale, Indonesian: the decree's own words.
HEADER: tuple[tuple[str, int], ...] = header(DEFAULT_LOCALE)

_FALLBACK_DATE = dt.datetime(2000, 1, 1)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Transfer:
    """One move or new placement of a plan, with the names a decree shows.

    ``kind`` is ``"move"`` or ``"new"``; the ``from_*`` fields are "" for a new placement;
    ``from_state`` is the state of the position left; the ``*_unit_name`` fields are the units'
    names, or their codes where the dataset does not name them.
    """

    nip: str
    name: str
    grade: str
    kind: str
    from_position: str
    from_title: str
    from_unit: str
    from_state: str
    to_position: str
    to_title: str
    to_unit: str
    score: int
    jpm: str
    preference_rank: int | None
    from_unit_name: str
    to_unit_name: str

    @property
    def remark(self) -> str:
        """Keterangan, in the current locale: new placement, move within or between units, and a
        left abolished post."""
        if self.kind == "new":
            return t("report.decree.remark.new")
        if self.from_unit == self.to_unit:
            text = t("report.decree.remark.within_unit")
        else:
            text = t("report.decree.remark.between_units")
        if self.from_state == "abolished":
            text = t("report.decree.remark.abolished", remark=text)
        return text


def transfers(dataset: Dataset, plan: pd.DataFrame) -> list[Transfer]:
    """The moves and new placements of a plan, in plan order (by nip)."""
    emp = dataset.employees.set_index("nip")
    pos = dataset.positions.set_index("position_id")
    rows = plan[(plan["to_position"] != "") & (plan["moved"] | (plan["from_position"] == ""))]

    def text(series: pd.Series) -> list[str]:
        return [str(v) for v in series.fillna("").tolist()]

    ranks = [None if pd.isna(v) else int(v) for v in rows["preference_rank"].tolist()]
    names = dataset.unit_names()
    columns = zip(
        text(rows["nip"]),
        text(rows["nip"].map(emp["name"])),
        text(rows["nip"].map(emp["grade"])),
        ["move" if m else "new" for m in rows["moved"].tolist()],
        text(rows["from_position"]),
        text(rows["from_position"].map(pos["title"])),
        text(rows["from_unit"]),
        text(rows["from_position"].map(pos["state"])),
        text(rows["to_position"]),
        text(rows["to_position"].map(pos["title"])),
        text(rows["to_unit"]),
        [int(v) for v in rows["score"].tolist()],
        text(rows["jpm"]),
        ranks,
        [names.get(u, u) for u in text(rows["from_unit"])],
        [names.get(u, u) for u in text(rows["to_unit"])],
        strict=True,
    )
    return [Transfer(*c) for c in columns]


def pangkat_golongan(grade: str) -> str:
    """``"Penata Muda, III/a"`` for a grade; a dash for an employee without one (PPPK)."""
    if not grade:
        return "—"
    name = PANGKAT.get(grade)
    return f"{name}, {grade}" if name else grade


def _position_text(title: str, position_id: str) -> str:
    if not position_id:
        return "—"
    return f"{title} ({position_id})" if title else position_id


def _fixed_time(solution: Solution) -> dt.datetime:
    """The run's reference date as a timestamp: the only time the workbook records."""
    policy = solution.summary.get("policy") or {}
    try:
        return dt.datetime.combine(dt.date.fromisoformat(str(policy["reference_date"])), dt.time())
    except (KeyError, ValueError):
        return _FALLBACK_DATE


def _put(
    ws: Worksheet, row: int, col: int, value: str | int | None, style: str | None = None
) -> Any:
    """Write a value (after the named ``style``, if any); text always stays text (data type
    ``s``), never a formula."""
    cell = ws.cell(row=row, column=col)
    if style is not None:
        cell.style = style
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            # Also keeps the text a text when someone edits the cell in a spreadsheet.
            cell.quotePrefix = True
    return cell


def _title_block(ws: Worksheet, official: str, width: int) -> int:
    """Write the decree's title block; return the header row."""
    bold = Font(bold=True)
    right = width - 2
    lines = (
        (t("report.decree.attachment"), t("report.decree.decision", official=official)),
        (t("report.decree.number"), ": "),
        (t("report.decree.date"), ": "),
        (t("report.decree.about"), ": " + t("report.decree.subject")),
    )
    for i, (label, text) in enumerate(lines, start=1):
        _put(ws, i, right, label).font = bold
        _put(ws, i, right + 1, text)
    title_row = len(lines) + 2
    _put(ws, title_row, 1, t("report.decree.list_title")).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=width)
    ws.cell(row=title_row, column=1).alignment = Alignment(horizontal="center")
    return title_row + 2


def _signature_block(ws: Worksheet, row: int, official: str, width: int) -> None:
    col = width - 2
    _put(ws, row, col, t("report.decree.signed_at"))
    _put(ws, row + 1, col, t("report.decree.signed_on"))
    _put(ws, row + 3, col, f"{official},").font = Font(bold=True)
    _put(ws, row + 8, col, "(.........................................)")


def decree_workbook(
    dataset: Dataset, solution: Solution, *, official: str = "WALI KOTA …"
) -> bytes:
    """The decree attachment of a solution's plan as xlsx bytes.

    One table row per move and new placement, grouped by new unit and position (then nip).
    ``official`` names the signing official in the title and signature blocks. The words are
    the current locale's. The same solution in the same locale always gives the same bytes.

    Raises
    ------
    ValueError
        When the solution has no plan.
    """
    if solution.plan is None:
        raise ValueError("a solution without a plan has no decree attachment")
    rows = sorted(transfers(dataset, solution.plan), key=lambda t: (t.to_unit, t.to_position))
    wb = Workbook()
    ws = wb.active
    ws.title = t("report.decree.sheet")
    columns = header()
    width = len(columns)
    header_row = _title_block(ws, official, width)

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named styles: one lookup per cell instead of hashing a border and an alignment each time.
    body = NamedStyle(name="lampiran", border=border)
    body.alignment = Alignment(wrap_text=True, vertical="top")
    nip_style = NamedStyle(name="lampiran-nip", border=border, number_format="@")
    nip_style.alignment = Alignment(vertical="top")
    wb.add_named_style(body)
    wb.add_named_style(nip_style)
    for col, (label, chars) in enumerate(columns, start=1):
        cell = _put(ws, header_row, col, label)
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = chars
    ws.column_dimensions["B"].number_format = "@"

    r = header_row
    for no, row in enumerate(rows, start=1):
        r = header_row + no
        values: tuple[str | int, ...] = (
            no,
            row.nip,
            row.name,
            pangkat_golongan(row.grade),
            _position_text(row.from_title, row.from_position),
            row.from_unit_name or "—",
            _position_text(row.to_title, row.to_position),
            row.to_unit_name,
            row.remark,
        )
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value, "lampiran-nip" if col == 2 else "lampiran")

    moves = sum(t.kind == "move" for t in rows)
    _put(ws, r + 2, 1, t("report.decree.total", moves=moves, new_placements=len(rows) - moves))
    _signature_block(ws, r + 4, official, width)

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{max(r, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True

    stamp = _fixed_time(solution)
    wb.properties.creator = "penempatan"
    wb.properties.title = t("report.decree.document_title")
    wb.properties.created = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.modified = stamp
    return _stable_zip(buffer.getvalue(), stamp, tostring(wb.properties.to_tree()))


def _stable_zip(data: bytes, stamp: dt.datetime, core_xml: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry times and the given docProps/core.xml.

    openpyxl stamps the save time into core.xml and every zip entry; both are replaced so
    the bytes depend on the content alone.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    # A zip entry cannot be dated before 1980.
    when = (stamp.year, stamp.month, stamp.day, 0, 0, 0) if stamp.year >= 1980 else _ZIP_EPOCH
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = core_xml if info.filename == "docProps/core.xml" else source.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
