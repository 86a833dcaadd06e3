"""What a screen needs to show a plan: key figures, chart data and the names behind the ids.

One JSON-ready document per solution with a plan: the key figures of
:func:`placement.reports.kpis.kpis`,
the JPM histogram before and after (ten 10-point bins, exact), the moves between units, and the
people and positions of the dataset (name, current JPM; title, unit, job class, state, capacity)
and the units' names, so that a plan table can be labelled and filtered without a second request.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from placement.engine import Solution
from placement.model.scoring import jpm_text
from placement.reports.kpis import jpm_bins, kpis, move_matrix, plan_jpm


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
        (``position_id``, ``title``, ``unit``, ``job_class``, ``state``, ``capacity``) and
        ``units`` (``unit``, ``name``: every unit the positions or the ``units`` table name, by
        code; the name is the code where the dataset gives none).

    Raises
    ------
    ValueError
        When the solution has no plan.
    """
    if solution.plan is None or solution.compiled is None:
        raise ValueError("a solution without a plan has no figures")
    ctx = solution.compiled.ctx
    plan = solution.plan
    jpm = plan_jpm(ctx, plan)
    jpm_before = np.full(len(ctx.cur), "", dtype=object)
    jpm_before[jpm.before_e] = jpm_text(jpm.before_num, jpm.before_den)
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
    names = ctx.dataset.unit_names()
    listed = [] if ctx.dataset.units is None else ctx.dataset.units["unit"].tolist()
    codes = sorted({*pos["unit"].tolist(), *listed})
    return {
        "kpis": kpis(solution).to_dict(),
        "jpm_bins": {
            "before": jpm_bins(jpm.before_num, jpm.before_den),
            "after": jpm_bins(jpm.after_num, jpm.after_den),
        },
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
        "units": {"unit": codes, "name": [names.get(c, c) for c in codes]},
    }
