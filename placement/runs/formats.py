"""The run output files of CONTRACT §5 — plan.csv, gaps.csv and summary.json — written and read
back in this one place, so that every reader agrees with the writer on every cell."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from placement.check import require_plan_columns
from placement.contract.plan import GAP_COLUMNS, PLAN_COLUMNS
from placement.errors import PlacementError, PlanFormatError
from placement.i18n import t

PLAN = "plan.csv"
GAPS = "gaps.csv"
SUMMARY = "summary.json"


def plan_csv_text(plan: pd.DataFrame) -> str:
    """plan.csv as text: UTF-8, comma, ``\\n`` line ends, quoting only where needed."""
    out = plan.copy()
    out["moved"] = out["moved"].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n")


def gaps_csv_text(gaps: pd.DataFrame) -> str:
    """gaps.csv as text (same CSV conventions as plan.csv)."""
    return gaps.to_csv(index=False, lineterminator="\n")


def summary_json_text(summary: dict[str, Any]) -> str:
    """summary.json as text: indented, keys in contract order, a final newline."""
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` so that a reader sees the old or the new
    file, never half of one: a run directory is read while another run may rewrite it."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _cells(source: str | os.PathLike[str] | io.StringIO, where: str) -> pd.DataFrame:
    """A plan file as text cells (``""`` for empty), header names trimmed and lower-cased."""
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise PlanFormatError(t("runs.plan_not_found", where=where)) from exc
    except pd.errors.EmptyDataError as exc:
        raise PlanFormatError(t("runs.plan_empty", where=where)) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise PlanFormatError(t("runs.plan_unreadable", where=where, reason=str(exc))) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    require_plan_columns(frame, where=where)
    return frame


def read_plan_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a plan.csv as text cells (``""`` for empty), ready for :func:`placement.check.check`.

    Raises
    ------
    PlanFormatError
        When the file is missing or unreadable, or lacks a plan column.
    """
    return _cells(path, os.fspath(path))


def read_previous(source: str | os.PathLike[str] | bytes) -> dict[str, str]:
    """A plan.csv (a path, or the file's bytes) as the previous plan a solve stays close to:
    nip → to_position (``""`` unplaced).

    Raises
    ------
    PlanFormatError
        As :func:`read_plan_csv`.
    """
    if isinstance(source, bytes):
        frame = _cells(io.StringIO(source.decode("utf-8")), "the previous plan")
    else:
        frame = read_plan_csv(source)
    return dict(zip(frame["nip"], frame["to_position"], strict=True))


def read_plan(text: str) -> pd.DataFrame:
    """plan.csv text as the engine's typed plan (``moved`` bool, ``score`` int,
    ``preference_rank`` nullable Int64, every other column text), in the contract's columns.

    Raises
    ------
    PlanFormatError
        When the text is not a CSV with every plan column.
    """
    plan = _cells(io.StringIO(text), "the stored plan").loc[:, list(PLAN_COLUMNS)]
    plan["moved"] = plan["moved"] == "true"
    plan["score"] = plan["score"].astype(np.int64)
    plan["preference_rank"] = pd.array(
        [int(r) if r else pd.NA for r in plan["preference_rank"]], dtype="Int64"
    )
    return plan


def read_gaps(text: str) -> pd.DataFrame:
    """gaps.csv text as the engine's typed gaps (``required`` and ``attained`` int).

    Raises
    ------
    PlacementError
        When a gaps column is missing.
    """
    gaps = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in GAP_COLUMNS if c not in gaps.columns]
    if missing:
        raise PlacementError(t("runs.gaps_columns", columns=", ".join(missing)))
    gaps = gaps.loc[:, list(GAP_COLUMNS)]
    for column in ("required", "attained"):
        gaps[column] = gaps[column].astype(np.int64)
    return gaps


def read_summary(folder: Path) -> dict[str, Any]:
    """The summary.json of a run directory.

    Raises
    ------
    PlacementError
        When there is none: the folder is not a run directory.
    """
    path = folder / SUMMARY
    if not path.is_file():
        raise PlacementError(t("runs.no_summary", path=str(path), folder=str(folder)))
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary
