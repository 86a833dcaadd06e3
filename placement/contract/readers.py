"""Reading a dataset's files (CONTRACT §1): CSV folder, xlsx workbook or JSON → raw text tables.

Three forms hold the same tables: a folder of ``<table>.csv`` files, one ``.xlsx`` workbook with
one sheet per table, or one ``.json`` object with one array of row objects per table; table and
column names match case-insensitively, unknown tables and columns are ignored. Every cell is
read as text: CSV cells as they are; xlsx and JSON booleans as ``true``/``false``, dates as
``YYYY-MM-DD``, whole numbers as their decimal digits (JSON numbers exactly as written), JSON
``null`` as empty. A number cell of an xlsx identifier column with more than 15 digits is
refused, since a spreadsheet number cannot hold them exactly. Tables, rows and columns beyond
the size limits are refused as soon as they are seen, before a file is read whole.

Two habits of spreadsheets are accepted and said so in the dataset's ``notes``: a CSV file
separated by ``;`` (detected per file from its header line) and the column names of SIASN-style
exports (:mod:`placement.contract.aliases`). The raw
tables then go through :func:`placement.contract.validation.validate_tables`, which returns the
validated dataset or one error listing every problem.

Rows are numbered from 1 for the first data row (the header is not counted), so the numbers
match the lines of a spreadsheet. Problems that concern a whole file carry the table name when
the file holds one table (a CSV file), else ``dataset``; their row is ``None``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from placement.contract.aliases import contract_column
from placement.contract.dataset import COLUMNS, OPTIONAL_TABLES, TABLES, Dataset
from placement.contract.history import HISTORY_TABLES
from placement.contract.validation import validate_tables
from placement.errors import DatasetError, DatasetTooLargeError, Problem
from placement.i18n import t

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "XLSX_MAX_ROWS",
    "canonical_of",
    "dataset_from_json",
    "dataset_from_tables",
    "load_dataset",
]

#: Table name used for problems that concern a whole file rather than one table.
DATASET = "dataset"

#: Columns holding identifiers: whole numbers given for them are read as their digits.
_IDENTIFIER_COLUMNS: frozenset[str] = frozenset(
    {"nip", "nip_a", "nip_b", "position_id", "unit", "target", "parent"}
)

#: Most rows a CSV or JSON table may have by default, blank rows included: room for a national
#: agency's competencies (100,000 people with 10–11 each) several times over, while what is read
#: into memory stays bounded by this many rows (the service sets its own, lower, limit).
MAX_ROWS = 5_000_000
#: Most data rows a sheet of a workbook can hold (a spreadsheet's own limit, header excluded):
#: an xlsx table is held to it whatever larger limit is asked for.
XLSX_MAX_ROWS = 1_048_575
#: Most columns a table's header may have: far more than the contract's, far fewer than a
#: crafted file can declare.
MAX_COLUMNS = 1000
#: Most bytes the parts of an xlsx archive may unpack to, as the archive declares them (the
#: unpacker never yields more than declared): a workbook of a few kilobytes can otherwise
#: unpack to gigabytes.
MAX_XLSX_UNPACKED = 512 * 1024 * 1024

#: A spreadsheet number keeps only this many significant digits.
_EXACT_DIGITS = 15
_LINE_END = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- public API


def load_dataset(source: str | os.PathLike[str], *, max_rows: int = MAX_ROWS) -> Dataset:
    """Load and validate a dataset from a CSV folder, an ``.xlsx`` workbook or a ``.json`` file.

    Parameters
    ----------
    source
        A folder of ``<table>.csv`` files, or a path ending in ``.xlsx`` or ``.json``.
    max_rows
        Most rows (blank ones included) a table may have; a larger table is refused with
        :class:`~placement.errors.DatasetTooLargeError` as soon as it is seen, before it is read
        whole. A workbook's sheets are further held to :data:`XLSX_MAX_ROWS`, a CSV or JSON
        table only to ``max_rows``. Headers wider than :data:`MAX_COLUMNS` are refused the same
        way.

    Returns
    -------
    Dataset
        The validated, normalised dataset.

    Raises
    ------
    DatasetError
        Listing every problem found, each with its table, row and column.
    """
    path = Path(source)
    if not path.exists():
        raise DatasetError([Problem(DATASET, None, None, t("input.no_such_path", path=str(path)))])
    if path.is_dir():
        return validate_tables(*_read_csv_folder(path, max_rows))
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".json"):
        raise DatasetError(
            [Problem(DATASET, None, None, t("input.unsupported_source", path=str(path)))]
        )
    if suffix == ".xlsx":
        return validate_tables(*_read_xlsx(path, min(max_rows, XLSX_MAX_ROWS)))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DatasetError(
            [Problem(DATASET, None, None, t("input.os_error", name=path.name, reason=exc.strerror))]
        ) from None
    except UnicodeDecodeError as exc:
        raise DatasetError(
            [Problem(DATASET, None, None, t("input.not_utf8", name=path.name, byte=str(exc.start)))]
        ) from None
    return dataset_from_json(_parse_json(text, path.name), max_rows=max_rows)


def dataset_from_json(obj: Any, *, max_rows: int = MAX_ROWS) -> Dataset:
    """Validate a dataset given as a parsed JSON value.

    Parameters
    ----------
    obj
        One object with one array of row objects per table. Numbers should have been parsed
        to their text (``json.loads(..., parse_int=str, parse_float=str)``) so that long
        identifiers keep every digit; Python numbers are accepted too.
    max_rows
        Most rows a table may have (see :func:`load_dataset`).

    Raises
    ------
    DatasetError
        Listing every problem found.
    """
    if not isinstance(obj, Mapping):
        raise DatasetError([Problem(DATASET, None, None, t("input.dataset_not_object"))])
    problems: list[Problem] = []
    notes: list[str] = []
    tables: dict[str, Sequence[Mapping[str, Any]]] = {}
    for name, rows in _known_tables(obj, problems).items():
        if isinstance(rows, list):
            _check_rows(name, len(rows), max_rows)
            tables[name] = rows
        else:
            problems.append(Problem(name, None, None, t("input.table_not_array")))
    return validate_tables(_from_tables(tables, problems, notes), problems, notes)


def dataset_from_tables(
    tables: Mapping[str, Sequence[Mapping[str, Any]] | pd.DataFrame],
) -> Dataset:
    """Validate a dataset given in memory, one sequence of row mappings or DataFrame per table.

    Table and column names match case-insensitively; cells may be text or Python values
    (whole numbers become their digits, dates ``YYYY-MM-DD``, ``None`` and NaN empty). The
    caller's data is not modified.

    Raises
    ------
    DatasetError
        Listing every problem found.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    known = _known_tables(tables, problems)
    return validate_tables(_from_tables(known, problems, notes), problems, notes)


def _cell_text(value: Any, column: str) -> tuple[str, str | None]:
    """One cell as text, and a problem message or ``None``.

    ``None``, NA and NaN are empty; booleans become ``true``/``false``; dates and datetimes
    ``YYYY-MM-DD``; whole numbers their decimal digits. A float in an identifier column that
    cannot hold its digits exactly (more than 15) is refused.
    """
    if value is None or value is pd.NA:
        return "", None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, str):
        return value, None
    if isinstance(value, bool | np.bool_):
        return ("true" if value else "false"), None
    if isinstance(value, int | np.integer):
        return str(int(value)), None
    if isinstance(value, float | np.floating):
        return _float_text(float(value), column)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value), None
        return (str(int(value)) if value == value.to_integral_value() else format(value, "f")), None
    if isinstance(value, dt.datetime | dt.date):
        if value is pd.NaT:
            return "", None
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat(), None
    if isinstance(value, Mapping | list | tuple | set):
        return "", t("input.nested_cell")
    return str(value), None


# --------------------------------------------------------------------------- readers


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        message = t(
            "input.invalid_json",
            name=name,
            line=str(exc.lineno),
            column=str(exc.colno),
            detail=exc.msg,
        )
        raise DatasetError([Problem(DATASET, None, None, message)]) from None
    except RecursionError:
        message = t("input.nested_too_deeply", name=name)
        raise DatasetError([Problem(DATASET, None, None, message)]) from None


def _table_name(name: object) -> str:
    return str(name).strip().lower()


def _known_tables(tables: Mapping[Any, Any], problems: list[Problem]) -> dict[str, Any]:
    """The known tables of ``tables`` under their canonical names; unknown ones are ignored."""
    found: dict[str, Any] = {}
    for key, value in tables.items():
        name = _table_name(key)
        if name not in TABLES and name not in OPTIONAL_TABLES and name not in HISTORY_TABLES:
            continue
        if name in found:
            message = t("input.table_given_twice", given=repr(key))
            problems.append(Problem(name, None, None, message))
            continue
        found[name] = value
    return found


def _too_large(name: str, message: str) -> DatasetTooLargeError:
    return DatasetTooLargeError([Problem(name, None, None, message)])


def _check_rows(name: str, n_rows: int, max_rows: int) -> None:
    if n_rows > max_rows:
        raise _too_large(name, t("input.too_many_rows", limit=max_rows))


def _check_columns(name: str, n_columns: int) -> None:
    if n_columns > MAX_COLUMNS:
        raise _too_large(name, t("input.too_many_columns", limit=MAX_COLUMNS))


def _read_csv_folder(
    folder: Path, max_rows: int = MAX_ROWS
) -> tuple[dict[str, pd.DataFrame], list[Problem], list[str]]:
    problems: list[Problem] = []
    notes: list[str] = []
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    except OSError as exc:
        message = t("input.os_error", name=str(folder), reason=exc.strerror)
        raise DatasetError([Problem(DATASET, None, None, message)]) from None
    raw: dict[str, pd.DataFrame] = {}
    for name, path in _known_tables({p.stem: p for p in files}, problems).items():
        frame = _read_csv(path, name, problems, notes, max_rows)
        if frame is not None:
            raw[name] = frame
    return raw, problems, notes


def _read_csv(
    path: Path, name: str, problems: list[Problem], notes: list[str], max_rows: int = MAX_ROWS
) -> pd.DataFrame | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.append(
            Problem(name, None, None, t("input.os_error", name=path.name, reason=exc.strerror))
        )
        return None
    except UnicodeDecodeError as exc:
        message = t("input.not_utf8", name=path.name, byte=str(exc.start))
        problems.append(Problem(name, None, None, message))
        return None
    if not text.strip():
        return _frame_from_rows(name, [], [], problems, notes)
    # Bounds first, counted without parsing: a line is at most a row (quoted cells may span
    # lines), and the header's cells are counted by the csv module on the first line alone.
    end = len(text.rstrip("\r\n"))
    _check_rows(name, max(text.count("\n", 0, end), text.count("\r", 0, end)), max_rows)
    first = _LINE_END.split(text, maxsplit=1)[0]
    separator, width = _separator(first)
    _check_columns(name, width)
    if separator != ",":
        notes.append(t("input.note.separator", name=path.name, separator=separator))
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        message = t("input.invalid_csv", name=path.name, detail=detail)
        problems.append(Problem(name, None, None, message))
        return None
    header = cells.iloc[0].tolist()
    body = cells.iloc[1:]
    columns = [body.iloc[:, i] for i in range(body.shape[1])]
    return _frame_from_columns(name, header, columns, len(body), problems, notes)


def _separator(header: str) -> tuple[str, int]:
    """The cell separator of a CSV file, told from its header line, and the header's width.

    A comma, unless the header splits into more cells at semicolons: what a spreadsheet saves as
    "CSV" under Indonesian (and most European) regional settings, where the comma is the decimal
    mark. Header cells are column names, which hold neither character.
    """
    widths = {}
    for separator in (",", ";"):
        try:
            widths[separator] = len(next(csv.reader([header], delimiter=separator), []))
        except csv.Error:  # the parser reports what is wrong with the line
            widths[separator] = header.count(separator) + 1
    return (";", widths[";"]) if widths[";"] > widths[","] else (",", widths[","])


def _read_xlsx(
    path: Path, max_rows: int = MAX_ROWS
) -> tuple[dict[str, pd.DataFrame], list[Problem], list[str]]:
    import openpyxl

    problems: list[Problem] = []
    notes: list[str] = []
    _check_unpacked(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a malformed archive
        raise DatasetError(
            [Problem(DATASET, None, None, t("input.unreadable_xlsx", name=path.name, detail=exc))]
        ) from None
    raw: dict[str, pd.DataFrame] = {}
    try:
        sheets = _known_tables({ws.title: ws for ws in book.worksheets}, problems)
        for name, sheet in sheets.items():
            try:
                header, rows = _sheet_rows(name, sheet, max_rows)
            except DatasetTooLargeError:
                raise
            except Exception as exc:  # a corrupt sheet inside a valid archive
                problems.append(Problem(name, None, None, t("input.unreadable_sheet", detail=exc)))
                continue
            raw[name] = _frame_from_rows(name, header, rows, problems, notes)
    finally:
        book.close()
    return raw, problems, notes


def _check_unpacked(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        return  # openpyxl reports the unreadable archive
    if unpacked > MAX_XLSX_UNPACKED:
        raise _too_large(
            DATASET,
            t(
                "input.xlsx_too_large",
                name=path.name,
                limit=MAX_XLSX_UNPACKED,
                size=unpacked,
            ),
        )


def _sheet_rows(name: str, sheet: Any, max_rows: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The header and the data rows of a read-only worksheet, within the bounds.

    A sheet may declare (or hold one cell at) row 1048576 and column XFD while its file is a few
    kilobytes: the header is read alone, trailing empty header cells are dropped, and data rows
    are read only as wide as the header and only up to ``max_rows``.
    """
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = [_cell_text(v, "")[0] for v in first]
    while header and not header[-1].strip():
        header.pop()
    _check_columns(name, len(header))
    rows: list[tuple[Any, ...]] = []
    if not header:
        return header, rows
    for row in sheet.iter_rows(min_row=2, max_col=len(header), values_only=True):
        if len(rows) == max_rows:
            _check_rows(name, max_rows + 1, max_rows)
        # A spreadsheet number is a double whatever openpyxl makes of it, so whole numbers
        # go through the same 15-digit check as any other number cell.
        rows.append(tuple(float(v) if type(v) is int else v for v in row))
    return header, rows


def _from_tables(
    tables: Mapping[str, Any], problems: list[Problem], notes: list[str]
) -> dict[str, pd.DataFrame]:
    raw: dict[str, pd.DataFrame] = {}
    for name, rows in tables.items():
        if isinstance(rows, pd.DataFrame):
            raw[name] = _frame_from_dataframe(name, rows, problems, notes)
        elif isinstance(rows, Sequence) and not isinstance(rows, str | bytes):
            raw[name] = _frame_from_records(name, rows, problems, notes)
        else:
            problems.append(Problem(name, None, None, t("input.table_not_sequence")))
    return raw


def _frame_from_records(
    name: str, records: Sequence[Any], problems: list[Problem], notes: list[str]
) -> pd.DataFrame:
    """Rows given as mappings; keys match case-insensitively row by row, export names
    (:mod:`placement.contract.aliases`) where a row does not give the contract's name.

    Every contract column is present: a key a row leaves out is an empty cell, so a required
    value left out is reported on its row.
    """
    header = COLUMNS[name]
    # Rows mostly share one set of keys: group them by it and read each group column-wise.
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, record in enumerate(records):
        if type(record) is dict or isinstance(record, Mapping):
            groups.setdefault(tuple(record), []).append(i)
        else:
            problems.append(Problem(name, i + 1, None, t("input.row_not_object")))
    whole = len(groups) == 1 and len(next(iter(groups.values()))) == len(records)
    columns: dict[str, list[Any]] = {c: [None] * len(records) for c in header}
    for keys, rows in groups.items():
        sources: dict[str, Any] = {}
        for key in keys:
            column = _table_name(key)
            if column in sources:
                problems.extend(
                    Problem(name, i + 1, column, t("input.column_given_twice")) for i in rows
                )
            elif column in columns:
                sources[column] = key
        for key, column in _aliased(name, keys, sources, notes).items():
            sources[column] = key
        for column, key in sources.items():
            values = [records[i][key] for i in rows]
            if whole:
                columns[column] = values
            else:
                cells = columns[column]
                for i, value in zip(rows, values, strict=True):
                    cells[i] = value
    return _frame_from_columns(name, header, list(columns.values()), len(records), problems, notes)


def _frame_from_dataframe(
    name: str, frame: pd.DataFrame, problems: list[Problem], notes: list[str]
) -> pd.DataFrame:
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    return _frame_from_columns(name, list(frame.columns), columns, len(frame), problems, notes)


def _frame_from_rows(
    name: str,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    problems: list[Problem],
    notes: list[str],
) -> pd.DataFrame:
    width = len(header)
    padded = [list(r[:width]) + [None] * (width - len(r)) for r in rows]
    columns = list(zip(*padded, strict=True)) if padded else [() for _ in header]
    return _frame_from_columns(name, header, columns, len(rows), problems, notes)


def _aliased(
    name: str, labels: Sequence[Any], taken: Mapping[str, Any], notes: list[str]
) -> dict[Any, str]:
    """Export column names among ``labels`` read as the contract columns not already ``taken``
    (:mod:`placement.contract.aliases`); each use noted once per table."""
    found: dict[Any, str] = {}
    for label in labels:
        column = contract_column(name, str(label))
        if column is None or column in taken or column in found.values():
            continue
        found[label] = column
        note = t(
            "input.note.alias", table=name, label=repr(str(label).strip()), column=repr(column)
        )
        if note not in notes:
            notes.append(note)
    return found


def _frame_from_columns(
    name: str,
    header: Sequence[Any],
    columns: Sequence[Sequence[Any] | pd.Series],
    n_rows: int,
    problems: list[Problem],
    notes: list[str],
) -> pd.DataFrame:
    """Text frame (object cells) with canonical column names, indexed by data row number."""
    known = set(COLUMNS[name])
    texts: dict[str, np.ndarray] = {}
    given = list(zip(header, columns, strict=True))
    for label, values in given:
        column = _table_name(label)
        if column not in known:
            continue
        if column in texts:
            problems.append(Problem(name, None, column, t("input.column_given_twice")))
            continue
        texts[column] = _texts(name, column, values, problems)
    aliased = _aliased(name, [label for label, _ in given], texts, notes)
    for label, values in given:
        if label in aliased:
            texts[aliased[label]] = _texts(name, aliased[label], values, problems)
    return pd.DataFrame(texts, index=pd.RangeIndex(1, n_rows + 1), dtype=object)


def _texts(
    name: str, column: str, values: Sequence[Any] | pd.Series, problems: list[Problem]
) -> np.ndarray:
    """A column of cells as text; cells that cannot be text are reported and left empty."""
    if isinstance(values, pd.Series):
        if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
            return values.fillna("").to_numpy(dtype=object)
        values = values.tolist()
    texts = [v if type(v) is str else None for v in values]
    for i in [i for i, v in enumerate(texts) if v is None]:
        text, message = _cell_text(values[i], column)
        if message is not None:
            problems.append(Problem(name, i + 1, column, message))
        texts[i] = text
    cells = np.empty(len(texts), dtype=object)
    cells[:] = texts
    return cells


def _float_text(value: float, column: str) -> tuple[str, str | None]:
    if math.isnan(value):
        return "", None
    if math.isinf(value) or value != math.floor(value):
        return repr(value), None
    digits = str(int(value))
    if column in _IDENTIFIER_COLUMNS and len(digits.lstrip("-")) > _EXACT_DIGITS:
        shown = f"{value:.15g}"
        if column in ("nip", "nip_a", "nip_b"):
            return digits, t("input.nip_in_number_cell", digits=_EXACT_DIGITS, value=shown)
        return digits, t("input.identifier_in_number_cell", digits=_EXACT_DIGITS, value=shown)
    return digits, None


def canonical_of(dataset: Dataset) -> bytes:
    """The canonical form (CONTRACT §5) of ``dataset``: the one its loader recorded, or, for a
    dataset built in code rather than loaded, the form of its contract rows loaded anew."""
    if dataset.canonical:
        return dataset.canonical
    rows = {
        table: [{k: v for k, v in row.items() if v} for row in rows]
        for table, rows in dataset.contract_rows().items()
    }
    return dataset_from_json(rows).canonical
