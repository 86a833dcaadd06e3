"""Writing a solution as the files of CONTRACT §5: plan.csv, summary.json, gaps.csv."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from placement.engine import Solution
from placement.runs.record import INPUT, RECORD, input_bytes, previous_plan, run_record


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


def _write_atomic(path: Path, text: str) -> None:
    _write_atomic_bytes(path, text.encode("utf-8"))


def _write_atomic_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_outputs(solution: Solution, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the solution's files into ``out_dir`` (created if needed); return their paths.

    With a plan: plan.csv, gaps.csv, the run record (run.json and input.json.gz, see
    :mod:`placement.runs.record`) and summary.json. Without a plan only summary.json is written,
    and files left there by an earlier run are removed so the folder never mixes two runs.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    plan_path, gaps_path = out / "plan.csv", out / "gaps.csv"
    record_path, input_path = out / RECORD, out / INPUT
    if solution.plan is not None and solution.gaps is not None:
        plan_text = plan_csv_text(solution.plan)
        _write_atomic(plan_path, plan_text)
        _write_atomic(gaps_path, gaps_csv_text(solution.gaps))
        written += [plan_path, gaps_path]
        if solution.compiled is not None:
            _write_atomic_bytes(input_path, input_bytes(solution.compiled.ctx.dataset))
            record = run_record(solution.summary, plan_text, previous_plan(solution))
            _write_atomic(record_path, summary_json_text(record))
            written += [input_path, record_path]
    else:
        for stale in (plan_path, gaps_path, record_path, input_path):
            stale.unlink(missing_ok=True)
    summary_path = out / "summary.json"
    _write_atomic(summary_path, summary_json_text(solution.summary))
    written.append(summary_path)
    return written
