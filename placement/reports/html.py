"""A self-contained HTML report of a solved run, for HR planners.

One page with no external assets and no script: inline CSS, SVG charts drawn here, and every
data value escaped. The page speaks one language, the current locale's (Indonesian unless
English is asked for): its texts come from the reports catalog and its numbers are in the
locale's format (``1.234,56`` in Indonesian, by :mod:`placement.i18n`). The page depends only
on the run (dataset, policy and solution) and the locale, so the same run always renders the
same bytes. Long per-person
lists are split into collapsible pages and capped at ``max_rows`` rows; the page says when rows
are left out (they are all in plan.csv and gaps.csv).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.enums import MANAGERIAL_COMPETENCIES, SOCIOCULTURAL_COMPETENCIES
from placement.contract.policy import Policy
from placement.engine import Solution
from placement.i18n import current_locale, format_decimal, format_integer, t
from placement.model.rules import Context, index_of
from placement.model.scoring import jpm_text
from placement.reports.decree import pangkat_golongan, transfers
from placement.reports.kpis import (
    CATEGORIES,
    KPI_ROWS,
    Kpis,
    jpm_bins,
    jpm_categories,
    kpi_label,
    kpis,
    move_matrix,
    plan_jpm,
    run_kpis,
    training_needs,
)

#: Rows of a long list shown per collapsible page.
PAGE_ROWS = 200
#: Rows of a long list shown at most; the rest are in plan.csv / gaps.csv.
MAX_ROWS = 3000

#: The catalog keys of the JPM categories' labels.
_CATEGORY_LABELS = {
    "MS": "report.html.category.ms",
    "MMS": "report.html.category.mms",
    "KMS": "report.html.category.kms",
}
_BEFORE_COLOUR, _AFTER_COLOUR = "#9aa5b1", "#1f6feb"
_KIND_LABELS = {"move": "report.html.kind.move", "new": "report.html.kind.new"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1b1f24;background:#fff;line-height:1.4}
main{max-width:1200px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#57606a;font-size:.9rem;margin:.15rem 0}
code{font-size:.85em;word-break:break-all}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td,tr.total th{font-weight:bold;background:#f6f8fa}
.scroll{overflow-x:auto;max-width:100%}
.matrix td,.matrix th{text-align:right;min-width:2.2rem}
.matrix th.row{text-align:left}
.matrix td.diag{outline:2px solid #57606a;outline-offset:-2px}
.status{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;font-weight:bold;
background:#dafbe1;color:#116329}
.status.bad{background:#ffebe9;color:#a40e26}
.note{color:#57606a;font-size:.85rem}
details{margin:.3rem 0}
summary{cursor:pointer;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
svg text{font-family:inherit}
@media print{details{display:block}main{max-width:none}}
"""


def _e(value: object) -> str:
    """Escape any value for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    """A value in the current locale's number format; "–" for none."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return t("report.html.yes") if value else t("report.html.no")
    if isinstance(value, int | np.integer):
        return _int(int(value))
    if isinstance(value, float | np.floating):
        return format_decimal(float(value), 2, current_locale())
    return str(value)


def _int(value: int) -> str:
    return format_integer(value, current_locale())


def _jpm(text: str) -> str:
    """A two-decimal JPM text (``76.92``) in the current locale's format."""
    return format_decimal(text, 2, current_locale()) if text else "–"


def _competency_name(code: str) -> str:
    return (
        MANAGERIAL_COMPETENCIES.get(code)
        or SOCIOCULTURAL_COMPETENCIES.get(code)
        or t("report.html.technical")
    )


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    cls: str = "",
) -> str:
    """An HTML table; cells are already-escaped HTML."""
    num = set(numeric)
    out = [f'<table class="{cls}">' if cls else "<table>", "<thead><tr>"]
    out += [f'<th class="n">{h}</th>' if i in num else f"<th>{h}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = (
            f'<td class="n">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _paged(
    head: Sequence[str],
    rows: list[Sequence[str]],
    *,
    what: str,
    source: str,
    numeric: Sequence[int],
    max_rows: int,
    page_rows: int,
) -> str:
    """A long list as collapsible pages of ``page_rows`` rows, at most ``max_rows`` in all;
    ``what`` is the catalog key of a page's label (fields ``first``, ``last``, ``total``)."""
    if not rows:
        return f'<p class="note">{_e(t("report.html.none"))}</p>'
    shown = rows[:max_rows]
    parts = []
    for start in range(0, len(shown), page_rows):
        page = shown[start : start + page_rows]
        label = _e(t(what, first=start + 1, last=start + len(page), total=len(rows)))
        attr = " open" if start == 0 else ""
        parts.append(
            f"<details{attr}><summary>{label}</summary><div class='scroll'>"
            + _table(head, page, numeric=numeric)
            + "</div></details>"
        )
    if len(rows) > len(shown):
        note = t("report.html.rows_capped", shown=len(shown), total=len(rows), source=source)
        parts.append(f'<p class="note">{_e(note)}</p>')
    return "".join(parts)


def _nice_step(top: int) -> int:
    """A round gridline step so that about four lines cover ``top``."""
    raw = max(top / 4, 1.0)
    magnitude = 10 ** int(np.floor(np.log10(raw)))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    *,
    width: int = 560,
    height: int = 260,
) -> str:
    """A grouped bar chart as inline SVG: one group per label, one bar per series.

    ``series`` holds ``(name, colour, counts)``; each bar carries its count as a label and as
    a tooltip (``<title>``).
    """
    left, right, top, bottom = 48, 12, 30, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, _, values in series for v in values), default=0)
    step = _nice_step(max(peak, 1))
    y_max = step * max(1, -(-max(peak, 1) // step))
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    out = [
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{_e(title)}</text>',
    ]
    for tick in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * tick / y_max
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{_int(tick)}</text>"
        )
    for g, label in enumerate(labels):
        x0 = left + g * group_w + group_w * 0.1
        for s, (name, colour, values) in enumerate(series):
            value = int(values[g])
            h = plot_h * value / y_max
            x, y = x0 + s * bar_w, top + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{_e(name)} · {_e(label)}: '
                f"{_int(value)}</title></rect>"
            )
            if value:
                out.append(
                    f'<text x="{x + bar_w * 0.46:.1f}" y="{y - 3:.1f}" font-size="9" '
                    f'text-anchor="middle">{_int(value)}</text>'
                )
        out.append(
            f'<text x="{left + (g + 0.5) * group_w:.1f}" y="{top + plot_h + 14}" '
            f'font-size="10" text-anchor="middle">{_e(label)}</text>'
        )
    legend_y = height - 14
    for s, (name, colour, _values) in enumerate(series):
        x = left + s * 150
        out.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{legend_y}" font-size="11">{_e(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _jpm_parts(ctx: Context, e: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return ctx.jpm_parts(e.astype(np.int64), p.astype(np.int64))


def _header(dataset: Dataset, policy: Policy, solution: Solution) -> str:
    s = solution.summary
    policy_json = json.dumps(policy.to_dict(), sort_keys=True, ensure_ascii=False)
    policy_hash = hashlib.sha256(policy_json.encode("utf-8")).hexdigest()[:12]
    status = str(solution.status)
    bad = "" if solution.plan is not None else " bad"
    floor = float(policy.jpm_floor)
    policy_line = t(
        "report.html.header.policy",
        reference_date=policy.reference_date,
        floor=int(floor) if floor.is_integer() else floor,
    )
    return (
        "<header>"
        f"<h1>{_e(t('report.html.title'))}</h1>"
        f'<p class="meta">{_e(t("report.html.header.status"))}: '
        f'<span class="status{bad}">{_e(status)}</span></p>'
        f'<p class="meta">{_e(t("report.html.header.dataset"))} sha256: '
        f"<code>{_e(s.get('input_sha256', ''))}</code></p>"
        f'<p class="meta">{_e(policy_line)} <code>{_e(policy_hash)}</code></p>'
        f'<p class="meta">{_e(t("report.html.header.size", employees=dataset.n_employees, positions=dataset.n_positions))}'  # noqa: E501
        "</p></header>"
    )


def _summary_section(solution: Solution) -> str:
    s = solution.summary
    rows = [
        (t("report.html.summary.status"), s.get("status")),
        (kpi_label("objective"), s.get("objective")),
        (t("report.html.summary.bound"), s.get("bound")),
        (t("report.html.summary.solver"), s.get("solver")),
        (t("report.html.summary.runtime"), s.get("runtime_s")),
        (kpi_label("moves"), s.get("moves")),
        (kpi_label("new_placements"), s.get("new_placements")),
        (kpi_label("unplaced"), s.get("unplaced")),
        (kpi_label("vacancies_filled"), s.get("vacancies_filled")),
        (t("report.html.summary.engine_version"), s.get("engine_version")),
    ]
    body = _table(
        (_e(t("report.html.item")), _e(t("report.html.value"))),
        [(_e(k), _e(_fmt(v))) for k, v in rows],
        numeric=(1,),
    )
    reason = (s.get("diagnosis") or {}).get("text") or s.get("message")
    if solution.plan is None and reason:
        body += f'<p class="note">{_e(t("report.html.summary.reason", reason=reason))}</p>'
    return f"<section><h2>{_e(t('report.html.summary.title'))}</h2>{body}</section>"


def _policy_section(policy: Policy) -> str:
    rows = [
        (_e(k), f"<code>{_e(json.dumps(v, ensure_ascii=False))}</code>")
        for k, v in policy.to_dict().items()
    ]
    return (
        f"<section><details><summary>{_e(t('report.html.policy.title'))}</summary>"
        + _table((_e(t("report.html.policy.key")), _e(t("report.html.value"))), rows)
        + "</details></section>"
    )


def _kpi_section(solution: Solution, k: Kpis) -> str:
    figures = run_kpis(solution)
    head = (_e(t("report.html.kpi.figure")), _e(t("report.html.value")))
    main = _table(
        head,
        [(_e(kpi_label(key)), _e(_fmt(figures[key]))) for key in KPI_ROWS],
        numeric=(1,),
    )
    extra = [
        (t("report.html.kpi.with_preferences"), k.preferences_given),
        (t("report.html.kpi.needing_training"), k.people_needing_training),
    ]
    main += _table(head, [(_e(a), _e(_fmt(b))) for a, b in extra], numeric=(1,))
    rows = [(t("report.html.kpi.mean_jpm"), _fmt(k.mean_jpm_before), _fmt(k.mean_jpm_after))]
    rows += [
        (t(_CATEGORY_LABELS[c]), _fmt(k.categories_before[c]), _fmt(k.categories_after[c]))
        for c in CATEGORIES
    ]
    before_after = _table(
        ("JPM", _e(t("report.html.before")), _e(t("report.html.after"))),
        [tuple(_e(x) for x in r) for r in rows],
        numeric=(1, 2),
    )
    return (
        f"<section><h2>{_e(t('report.html.kpi.title'))}</h2>"
        + main
        + f"<h3>{_e(t('report.html.kpi.jpm_title'))}</h3>"
        + before_after
        + f'<p class="note">{_e(t("report.html.kpi.jpm_note"))}</p>'
        "</section>"
    )


def _signed(value: float) -> str:
    """A signed number in the current locale's format: ``+0,09``, ``−0,43``."""
    locale = current_locale()
    text = format_decimal(abs(value), 2, locale)
    return text if text == format_decimal(0.0, 2, locale) else ("−" if value < 0 else "+") + text


def _range(estimate: Mapping[str, Any]) -> str:
    low, high = _signed(estimate["ci_low"]), _signed(estimate["ci_high"])
    return t("report.html.skp.range", low=low, high=high)


def _skp_section(forecast: Mapping[str, Any]) -> str:
    """The expected SKP effect of the plan's moves (a forecast as a dict), with and without the
    training list."""
    head = f"<h2>{_e(t('report.html.skp.title'))}</h2>"
    without, with_list = forecast.get("without_training"), forecast.get("with_training")
    if without is None or with_list is None:
        return (
            f'<section id="expected-skp">{head}'
            f'<p class="note">{_e(t("report.html.skp.not_enough"))}</p></section>'
        )
    rows = [
        (
            _e(t("report.html.skp.without")),
            _e(_signed(without["estimate"])),
            _e(_range(without)),
        ),
        (
            _e(t("report.html.skp.with", listed=int(forecast["training_listed"]))),
            _e(_signed(with_list["estimate"])),
            _e(_range(with_list)),
        ),
    ]
    table = _table(
        (
            _e(t("report.html.skp.scenario")),
            _e(t("report.html.skp.points")),
            _e(t("report.html.skp.interval")),
        ),
        rows,
        numeric=(1, 2),
    )
    return (
        f'<section id="expected-skp">{head}'
        f"<p>{_e(t('report.html.skp.intro', moves=int(forecast['moves'])))}</p>"
        f"{table}"
        f'<p class="note">{_e(t("report.html.skp.note"))}</p></section>'
    )


def _jpm_section(ctx: Context, plan: pd.DataFrame) -> str:
    jpm = plan_jpm(ctx, plan)
    before_e, nb, db = jpm.before_e, jpm.before_num, jpm.before_den
    after_e, na, da = jpm.after_e, jpm.after_num, jpm.after_den
    cb, ca = jpm_categories(nb, db), jpm_categories(na, da)
    before, after = t("report.html.before"), t("report.html.after")
    by_category = bar_chart(
        t("report.html.jpm.category_chart"),
        list(CATEGORIES),
        [
            (before, _BEFORE_COLOUR, [cb[c] for c in CATEGORIES]),
            (after, _AFTER_COLOUR, [ca[c] for c in CATEGORIES]),
        ],
        width=420,
    )
    labels = [f"{10 * i}–<{10 * i + 10}" for i in range(9)] + ["90–100"]
    histogram = bar_chart(
        t("report.html.jpm.histogram"),
        labels,
        [
            (before, _BEFORE_COLOUR, jpm_bins(nb, db)),
            (after, _AFTER_COLOUR, jpm_bins(na, da)),
        ],
        width=720,
    )
    note = t("report.html.jpm.note", before=len(before_e), after=len(after_e))
    return (
        f"<section><h2>{_e(t('report.html.jpm.title'))}</h2>"
        f'<div class="charts">{by_category}{histogram}</div>'
        f'<p class="note">MS ≥ 80, MMS 68–&lt;80, KMS &lt; 68. {_e(note)}</p></section>'
    )


def _matrix_section(plan: pd.DataFrame, names: dict[str, str]) -> str:
    matrix = move_matrix(plan)
    head = f"<h2>{_e(t('report.html.matrix.title'))}</h2>"
    if matrix.empty:
        return (
            f'<section>{head}<p class="note">{_e(t("report.html.matrix.no_moves"))}</p></section>'
        )
    units = [str(u) for u in matrix.index]
    values = matrix.to_numpy()
    peak = int(values.max())
    total = _e(t("report.html.total"))
    out = [
        head,
        f'<p class="note">{_e(t("report.html.matrix.note"))}</p>',
        '<div class="scroll"><table class="matrix"><thead><tr>'
        f"<th>{_e(t('report.html.matrix.corner'))}</th>",
    ]
    out += [f'<th title="{_e(names.get(u, u))}">{_e(u)}</th>' for u in units]
    out.append(f"<th>{total}</th></tr></thead><tbody>")
    for i, src in enumerate(units):
        cells = [f'<th class="row" title="{_e(src)}">{_e(names.get(src, src))}</th>']
        for j, dst in enumerate(units):
            n = int(values[i, j])
            diag = ' class="diag"' if i == j else ""
            if n == 0:
                cells.append(f"<td{diag}></td>")
                continue
            alpha = 0.12 + 0.78 * n / peak
            ink = "#fff" if alpha > 0.55 else "#1b1f24"
            cells.append(
                f'<td{diag} data-from="{_e(src)}" data-to="{_e(dst)}" '
                f'style="background:rgba(31,111,235,{alpha:.2f});color:{ink}" '
                f'title="{_e(src)} → {_e(dst)}: {n}">{_int(n)}</td>'
            )
        cells.append(f'<td class="n"><b>{_int(int(values[i].sum()))}</b></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    totals = "".join(f"<td>{_int(int(c))}</td>" for c in values.sum(axis=0))
    out.append(
        f'<tr class="total"><th class="row">{total}</th>{totals}'
        f"<td>{_int(int(values.sum()))}</td></tr>"
    )
    out.append("</tbody></table></div>")
    return "<section>" + "".join(out) + "</section>"


def _training_section(
    dataset: Dataset, gaps: pd.DataFrame, *, max_rows: int, page_rows: int
) -> str:
    head = f"<h2>{_e(t('report.html.training.title'))}</h2>"
    if gaps.empty:
        return f'<section>{head}<p class="note">{_e(t("report.html.training.none"))}</p></section>'
    needs = training_needs(gaps)
    locale = current_locale()
    rows = []
    for code, r in needs.iterrows():
        rows.append(
            f'<tr data-competency="{_e(code)}" data-people="{int(r["people"])}" '
            f'data-shortfall="{int(r["total_shortfall"])}">'
            f"<td>{_e(code)}</td><td>{_e(_competency_name(str(code)))}</td>"
            f'<td class="n">{_int(int(r["people"]))}</td>'
            f'<td class="n">{format_decimal(float(r["mean_shortfall"]), 2, locale)}</td>'
            f'<td class="n">{_int(int(r["total_shortfall"]))}</td></tr>'
        )
    people = int(gaps["nip"].nunique())
    table = (
        f"<table><thead><tr><th>{_e(t('report.html.training.code'))}</th>"
        f"<th>{_e(t('report.html.competency'))}</th>"
        f'<th class="n">{_e(t("report.html.training.people"))}</th>'
        f'<th class="n">{_e(t("report.html.training.mean_shortfall"))}</th>'
        f'<th class="n">{_e(t("report.html.training.total_shortfall"))}</th></tr></thead><tbody>'
        + "".join(rows)
        + f'<tr class="total" data-people="{people}" data-items="{len(gaps)}">'
        f"<td>{_e(t('report.html.total'))}</td>"
        f"<td>{_e(t('report.html.training.items', items=len(gaps)))}</td>"
        f'<td class="n">{_int(people)}</td><td></td>'
        f'<td class="n">{_int(int(needs["total_shortfall"].sum()))}</td></tr>'
        "</tbody></table>"
        f'<p class="note">{_e(t("report.html.training.note"))}</p>'
    )
    emp = dataset.employees.set_index("nip")["name"]
    titles = dataset.positions.set_index("position_id")["title"]
    per_person: list[Sequence[str]] = [
        (
            _e(nip),
            _e(emp.get(nip, "")),
            _e(f"{titles.get(pid, '')} ({pid})"),
            _e(code),
            _int(int(req)),
            _int(int(att)),
            _int(int(req) - int(att)),
        )
        for nip, pid, code, req, att in zip(
            gaps["nip"], gaps["position_id"], gaps["competency"], gaps["required"],
            gaps["attained"], strict=True,
        )
    ]  # fmt: skip
    listing = _paged(
        ("NIP", _e(t("report.html.name")), _e(t("report.html.training.new_position")),
         _e(t("report.html.competency")), _e(t("report.html.training.required")),
         _e(t("report.html.training.attained")), _e(t("report.html.training.shortfall"))),
        per_person,
        what="report.html.rows_page",
        source="gaps.csv",
        numeric=(4, 5, 6),
        max_rows=max_rows,
        page_rows=page_rows,
    )  # fmt: skip
    per_person_title = _e(t("report.html.training.per_person"))
    return f"<section>{head}{table}<h3>{per_person_title}</h3>{listing}</section>"


def _moves_section(
    dataset: Dataset, ctx: Context, plan: pd.DataFrame, *, max_rows: int, page_rows: int
) -> str:
    rows = transfers(dataset, plan)
    e = index_of(pd.Index(ctx.nip), [r.nip for r in rows])
    cur = ctx.cur[e]
    held = np.flatnonzero(cur >= 0)
    before = [""] * len(rows)
    if len(held):
        num, den = _jpm_parts(ctx, e[held], cur[held])
        for i, text in zip(held.tolist(), jpm_text(num, den), strict=True):
            before[i] = text
    kinds = {kind: t(key) for kind, key in _KIND_LABELS.items()}
    listing: list[Sequence[str]] = [
        (
            _int(i + 1),
            _e(r.nip),
            _e(r.name),
            _e(pangkat_golongan(r.grade)),
            _e(kinds[r.kind]),
            _e(f"{r.from_title} ({r.from_position})" if r.from_position else "—"),
            _e(r.from_unit_name or "—"),
            _e(f"{r.to_title} ({r.to_position})"),
            _e(r.to_unit_name),
            _e(_jpm(before[i])),
            _e(_jpm(r.jpm)),
            _int(r.score),
            "–" if r.preference_rank is None else _int(r.preference_rank),
        )
        for i, r in enumerate(rows)
    ]
    body = _paged(
        (_e(t("report.html.moves.number")), "NIP", _e(t("report.html.name")),
         _e(t("report.html.moves.rank")), _e(t("report.html.moves.kind")),
         _e(t("report.html.from_position")), _e(t("report.html.from_unit")),
         _e(t("report.html.moves.to_position")), _e(t("report.html.moves.to_unit")),
         _e(t("report.html.moves.jpm_before")), _e(t("report.html.moves.jpm_after")),
         _e(t("report.html.moves.score")), _e(t("report.html.moves.preference_rank"))),
        listing,
        what="report.html.rows_page",
        source="plan.csv",
        numeric=(0, 9, 10, 11, 12),
        max_rows=max_rows,
        page_rows=page_rows,
    )  # fmt: skip
    moves = sum(r.kind == "move" for r in rows)
    note = t("report.html.moves.note", moves=moves, new_placements=len(rows) - moves)
    return (
        f"<section><h2>{_e(t('report.html.moves.title'))}</h2>"
        f'<p class="note">{_e(note)}</p>' + body + "</section>"
    )


def _unplaced_section(dataset: Dataset, plan: pd.DataFrame) -> str:
    out = plan[plan["to_position"] == ""]
    if out.empty:
        return ""
    names = dataset.employees.set_index("nip")["name"]
    units = dataset.unit_names()
    rows = [
        (_e(nip), _e(names.get(nip, "")), _e(pid or "—"), _e(units.get(unit, unit) or "—"))
        for nip, pid, unit in zip(out["nip"], out["from_position"], out["from_unit"], strict=True)
    ]
    head = ("NIP", _e(t("report.html.name")), _e(t("report.html.from_position")),
            _e(t("report.html.from_unit")))  # fmt: skip
    return (
        f"<section><h2>{_e(t('report.html.unplaced.title'))}</h2>"
        + _table(head, rows)
        + "</section>"
    )


def render_report(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    *,
    max_rows: int = MAX_ROWS,
    page_rows: int = PAGE_ROWS,
    forecast: Mapping[str, Any] | None = None,
) -> str:
    """The self-contained HTML report of a solved run, in the current locale.

    ``forecast`` is the plan's expected SKP effect as a dict (``placement evaluate --plan``'s
    forecast.json), shown after the key figures when given.

    Sections: summary, key figures (:func:`placement.reports.kpis.kpis`,
    :func:`placement.reports.kpis.run_kpis`), JPM distribution before and after as SVG bar
    charts, the moves matrix between units, training needs (gaps per competency and per
    person), the moves and new placements, and the unplaced. A solution without a plan gives
    the summary and its reason only; a plan needs the solution's compiled model (as
    :func:`solve` returns it). Per-person lists show at most ``max_rows`` rows, in collapsible
    pages of ``page_rows``. The same inputs in the same locale always give the same text.
    """
    title = t(
        "report.html.page_title",
        status=solution.status,
        sha=str(solution.summary.get("input_sha256", ""))[:12],
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_locale()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        _header(dataset, policy, solution),
        _summary_section(solution),
        _policy_section(policy),
    ]
    if solution.plan is not None and solution.gaps is not None:
        if solution.compiled is None:
            raise ValueError("a solution with a plan must come from solve()")
        ctx = solution.compiled.ctx
        parts += [
            _kpi_section(solution, kpis(solution)),
            *([] if forecast is None else [_skp_section(forecast)]),
            _jpm_section(ctx, solution.plan),
            _matrix_section(solution.plan, dataset.unit_names()),
            _training_section(dataset, solution.gaps, max_rows=max_rows, page_rows=page_rows),
            _moves_section(dataset, ctx, solution.plan, max_rows=max_rows, page_rows=page_rows),
            _unplaced_section(dataset, solution.plan),
        ]
    else:
        parts.append(f'<p class="note">{_e(t("report.html.no_plan"))}</p>')
    footer = t("report.html.footer", engine=str(solution.summary.get("engine_version", "")))
    parts.append(f'<footer><p class="note">{_e(footer)}</p></footer>')
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
