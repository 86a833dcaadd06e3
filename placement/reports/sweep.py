"""The page of a parameter sweep: trade-off charts with the Pareto-efficient points marked, and
the table of every point, failed ones with their reason, in the current locale (its texts
from the reports catalog, its numbers in the locale's format).

Charts are drawn by matplotlib as inline SVG (text kept as text, fixed ids), so the page has no
external assets and the same table always renders the same bytes.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from placement.i18n import current_locale, format_decimal, format_integer, t
from placement.reports.kpis import kpi_label

#: (x column, y column): the trade-offs every sweep page shows; y is to be maximised and x,
#: a number of moves, minimised.
TRADE_OFFS: tuple[tuple[str, str], ...] = (
    ("moves", "mean_jpm_after"),
    ("moves", "objective"),
    ("moves", "preferences_met"),
)
#: Columns of the table shown on the page, after the point's settings.
SHOWN: tuple[str, ...] = (
    "status",
    "objective",
    "moves",
    "vacancies_filled",
    "mean_jpm_after",
    "MS_after",
    "MMS_after",
    "KMS_after",
    "preferences_met",
    "expected_skp_effect",
    "pareto",
    "error",
)

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}"
    "table{border-collapse:collapse;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}"
    "td.t,th.t{text-align:left}tr.failed td{background:#fdecea}"
    ".charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0}"
)


def pareto_front(cost: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Which points are Pareto-efficient for a lower ``cost`` and a higher ``gain``.

    A point is efficient when no other point has a cost at most and a gain at least as good,
    one of them strictly. Points with a missing (NaN) value are never efficient; equal points
    are all efficient.
    """
    cost = np.asarray(cost, dtype=np.float64)
    gain = np.asarray(gain, dtype=np.float64)
    known = ~(np.isnan(cost) | np.isnan(gain))
    c, g = cost[known], gain[known]
    # dominated[i, j]: point j dominates point i.
    dominated = (c[None, :] <= c[:, None]) & (g[None, :] >= g[:, None])
    dominated &= (c[None, :] < c[:, None]) | (g[None, :] > g[:, None])
    out = np.zeros(len(cost), dtype=bool)
    out[known] = ~dominated.any(axis=1)
    return out


def _svg(figure: object) -> str:
    text = io.StringIO()
    figure.savefig(text, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    svg = text.getvalue()
    return svg[svg.index("<svg") :]


def scatter_svg(
    table: pd.DataFrame, x: str, y: str, *, efficient: np.ndarray | None = None
) -> str | None:
    """A scatter of ``y`` against ``x`` over the points that have both, the ``efficient`` ones
    marked and joined (the Pareto front); ``None`` when no point has both."""
    import matplotlib
    from matplotlib.figure import Figure

    xs = pd.to_numeric(table[x], errors="coerce").to_numpy(dtype=np.float64)
    ys = pd.to_numeric(table[y], errors="coerce").to_numpy(dtype=np.float64)
    known = ~(np.isnan(xs) | np.isnan(ys))
    if not known.any():
        return None
    with matplotlib.rc_context({"svg.hashsalt": "placement-sweep", "svg.fonttype": "none"}):
        figure = Figure(figsize=(5.2, 3.6))
        ax = figure.add_subplot()
        ax.scatter(xs[known], ys[known], color="#8a9bb0", label=t("report.sweep.point"), zorder=2)
        for number, px, py in zip(table["point"][known], xs[known], ys[known], strict=True):
            ax.annotate(
                str(number), (px, py), textcoords="offset points", xytext=(4, 4), fontsize=7
            )
        if efficient is not None and efficient.any():
            order = np.argsort(xs[efficient], kind="stable")
            ax.plot(
                xs[efficient][order],
                ys[efficient][order],
                color="#c0392b",
                marker="o",
                label=t("report.sweep.efficient"),
                zorder=3,
            )
            ax.legend(fontsize=8)
        ax.set_xlabel(kpi_label(x))
        ax.set_ylabel(kpi_label(y))
        ax.grid(alpha=0.3)
        figure.tight_layout()
        return _svg(figure)


def _cell(value: object) -> str:
    """A table value: numbers in the current locale's format, text as it is."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "✓" if value else ""
    if isinstance(value, int | np.integer):
        return format_integer(int(value), current_locale())
    if isinstance(value, float | np.floating):
        return format_decimal(float(value), 2, current_locale())
    return html.escape(str(value))


def _table(table: pd.DataFrame, settings: Sequence[str]) -> str:
    columns = ["point", "label", *settings, *[c for c in SHOWN if c in table.columns]]
    text_columns = {"label", "status", "error", *settings}
    head = "".join(
        f'<th class="{"t" if c in text_columns else ""}" scope="col">'
        f"{html.escape(kpi_label(c))}</th>"
        for c in columns
    )
    body = []
    for _, row in table.iterrows():
        failed = row["objective"] is None or pd.isna(row["objective"])
        cells = "".join(
            f'<td class="{"t" if c in text_columns else ""}">{_cell(row[c])}</td>' for c in columns
        )
        body.append(f'<tr class="{"failed" if failed else ""}">{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def sweep_html(table: pd.DataFrame, *, settings: Sequence[str], title: str) -> str:
    """The sweep page: the trade-off charts (moves against mean JPM, objective and preferences
    met, the Pareto front of each marked), each numeric setting against the objective, and the
    table (see :func:`placement.batch.sweep.sweep_table` for its columns)."""
    charts = []
    for x, y in TRADE_OFFS:
        xs = pd.to_numeric(table[x], errors="coerce").to_numpy(dtype=np.float64)
        ys = pd.to_numeric(table[y], errors="coerce").to_numpy(dtype=np.float64)
        svg = scatter_svg(table, x, y, efficient=pareto_front(xs, ys))
        if svg is not None:
            charts.append(svg)
    for setting in settings:
        numeric = pd.to_numeric(table[setting], errors="coerce")
        if numeric.notna().all() and numeric.nunique() > 1:
            svg = scatter_svg(table.assign(**{setting: numeric}), setting, "objective")
            if svg is not None:
                charts.append(svg)
    failed = int(table["objective"].isna().sum())
    note = f"<p>{html.escape(t('report.sweep.failed', failed=failed))}</p>" if failed else ""
    figures = "".join(f"<figure>{svg}</figure>" for svg in charts)
    return (
        f'<!DOCTYPE html><html lang="{current_locale()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(t('report.sweep.intro', points=len(table)))}</p>"
        f'{note}<div class="charts">{figures}</div>'
        f"<h2>{html.escape(t('report.sweep.points'))}</h2>{_table(table, settings)}"
        "</main></body></html>\n"
    )
