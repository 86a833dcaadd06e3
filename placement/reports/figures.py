"""What a screen needs to show a plan: key figures, chart data and the names behind the ids.

One JSON-ready document per solution with a plan: the key figures of
:func:`placement.reports.kpis.kpis`,
the JPM histogram before and after (ten 10-point bins, exact), the moves between units, and the
people and positions of the dataset (name, current JPM; title, unit, job class, state, capacity),
so that a plan table can be labelled and filtered without a second request.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from placement.engine import Solution
from placement.model.rules import index_of
from placement.model.scoring import jpm_text
from placement.reports.html import jpm_bins, move_matrix
from placement.reports.kpis import kpis


def _text(values: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in values]


def plan_figures(solution: Solution) -> dict[str, Any]:
    """Key figures, JPM histograms, unit moves, employees and positions of a solution's plan.

    Returns
    -------
    dict
        ``kpis`` (:class:`placement.reports.kpis.Kpis` as a dict), ``jpm_bins`` (``before`` and
        ``after``: counts in 0–<10, …, 90–100), ``unit_moves`` (``[from_unit, to_unit, count]``,
        sorted by count, largest first), ``employees`` (``nip``, ``name``, ``jpm_before``: the
        JPM in the current position with 2 decimals, empty when unplaced) and ``positions``
        (``position_id``, ``title``, ``unit``, ``job_class``, ``state``, ``capacity``).

    Raises
    ------
    ValueError
        When the solution has no plan.
    """
    if solution.plan is None or solution.compiled is None:
        raise ValueError("a solution without a plan has no figures")
    ctx = solution.compiled.ctx
    plan = solution.plan
    before_e = np.flatnonzero(ctx.cur >= 0).astype(np.int64)
    nb, db = ctx.jpm_parts(before_e, ctx.cur[before_e].astype(np.int64))
    to = index_of(pd.Index(ctx.position_id), plan["to_position"])
    after_e = np.flatnonzero(to >= 0).astype(np.int64)
    na, da = ctx.jpm_parts(after_e, to[after_e].astype(np.int64))
    jpm_before = np.full(len(ctx.cur), "", dtype=object)
    jpm_before[before_e] = jpm_text(nb, db)
    matrix = move_matrix(plan)
    counts = matrix.to_numpy()
    src, dst = np.nonzero(counts)
    order = np.argsort(-counts[src, dst], kind="stable")
    moves = [
        [str(matrix.index[i]), str(matrix.columns[j]), int(counts[i, j])]
        for i, j in zip(src[order], dst[order], strict=True)
    ]
    emp = ctx.dataset.employees
    pos = ctx.dataset.positions
    return {
        "kpis": kpis(solution).to_dict(),
        "jpm_bins": {"before": jpm_bins(nb, db), "after": jpm_bins(na, da)},
        "unit_moves": moves,
        "employees": {
            "nip": _text(emp["nip"]),
            "name": _text(emp["name"]),
            "jpm_before": [str(v) for v in jpm_before],
        },
        "positions": {
            "position_id": _text(pos["position_id"]),
            "title": _text(pos["title"]),
            "unit": _text(pos["unit"]),
            "job_class": _text(pos["job_class"]),
            "state": _text(pos["state"]),
            "capacity": [int(c) for c in pos["capacity"]],
        },
    }
