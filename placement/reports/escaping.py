"""The one rule for text that a spreadsheet could read as a formula (CSV injection, OWASP).

Every CSV or workbook made for people (the decree attachment, the HTTP downloads, any later
export) asks :func:`is_formula_like` or :func:`spreadsheet_safe`. The contract's machine files
(plan.csv, gaps.csv written by ``placement solve``) are not escaped: they are read back by
programs, and a prefix would change their ids.
"""

from __future__ import annotations

import csv
import io
import re

#: Leading characters with which Excel and LibreOffice start a formula or a DDE call.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def is_formula_like(cell: str) -> bool:
    """Whether a spreadsheet would read ``cell`` as a formula (a plain number like ``-20`` is
    not)."""
    return cell.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell)


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would read it as a formula."""
    return "'" + cell if is_formula_like(cell) else cell


def spreadsheet_safe_csv(data: bytes) -> bytes:
    """A UTF-8 CSV table with every formula-looking cell escaped by :func:`spreadsheet_safe`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8")
