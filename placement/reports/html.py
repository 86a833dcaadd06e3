"""A self-contained HTML report of a solved run, for HR planners.

One page with no external assets and no script: inline CSS, SVG charts drawn here, and every
data value escaped. Labels are Indonesian with the English in parentheses; numbers use the
Indonesian format (``1.234,56``, by :mod:`placement.i18n`). The page depends only on the run
(dataset, policy and solution), so the same run always renders the same bytes. Long per-person
lists are split into collapsible pages and capped at ``max_rows`` rows; the page says when rows
are left out (they are all in plan.csv and gaps.csv).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from placement.contract.dataset import Dataset
from placement.contract.enums import MANAGERIAL_COMPETENCIES, SOCIOCULTURAL_COMPETENCIES
from placement.contract.policy import Policy
from placement.engine import Solution
from placement.i18n import format_decimal, format_integer
from placement.model.rules import Context, index_of
from placement.model.scoring import jpm_text
from placement.reports.decree import pangkat_golongan, transfers
from placement.reports.kpis import (
    CATEGORIES,
    KPI_ROWS,
    Kpis,
    jpm_bins,
    jpm_categories,
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

#: Bilingual labels of the key figures of :data:`placement.reports.kpis.KPI_ROWS`.
KPI_LABELS: dict[str, str] = {
    "objective": "Nilai objektif (objective)",
    "status": "Status",
    "moves": "Mutasi (moves)",
    "new_placements": "Penempatan baru (new placements)",
    "unplaced": "Tidak ditempatkan (unplaced)",
    "vacancies_filled": "Formasi terisi (vacancies filled)",
    "mean_jpm_before": "Rata-rata JPM sebelum (mean JPM before), %",
    "mean_jpm_after": "Rata-rata JPM sesudah (mean JPM after), %",
    "MS_after": "JPM Memenuhi Syarat sesudah (MS after)",
    "MMS_after": "JPM Masih Memenuhi Syarat sesudah (MMS after)",
    "KMS_after": "JPM Kurang Memenuhi Syarat sesudah (KMS after)",
    "preferences_met": "Pilihan pegawai terpenuhi (preferences met)",
    "units_stripped": "Unit kehilangan > 50% pegawai (units stripped)",
    "training_items": "Butir kebutuhan pelatihan (training items)",
}

_CATEGORY_LABELS = {
    "MS": "MS ≥ 80 (Memenuhi Syarat)",
    "MMS": "MMS 68–<80 (Masih Memenuhi Syarat)",
    "KMS": "KMS < 68 (Kurang Memenuhi Syarat)",
}
_BEFORE_COLOUR, _AFTER_COLOUR = "#9aa5b1", "#1f6feb"
_KIND_LABELS = {"move": "Mutasi (move)", "new": "Penempatan baru (new)"}

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
    """A value in Indonesian number format; "–" for none."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "ya (yes)" if value else "tidak (no)"
    if isinstance(value, int | np.integer):
        return format_integer(int(value))
    if isinstance(value, float | np.floating):
        return format_decimal(float(value))
    return str(value)


def _jpm(text: str) -> str:
    """A two-decimal JPM text (``76.92``) in Indonesian format."""
    return format_decimal(text) if text else "–"


def _competency_name(code: str) -> str:
    return MANAGERIAL_COMPETENCIES.get(code) or SOCIOCULTURAL_COMPETENCIES.get(code) or "teknis"


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
    """A long list as collapsible pages of ``page_rows`` rows, at most ``max_rows`` in all."""
    if not rows:
        return '<p class="note">Tidak ada (none).</p>'
    shown = rows[:max_rows]
    parts = []
    for start in range(0, len(shown), page_rows):
        page = shown[start : start + page_rows]
        first, last = format_integer(start + 1), format_integer(start + len(page))
        label = f"{what} {first}–{last} dari (of) {format_integer(len(rows))}"
        attr = " open" if start == 0 else ""
        parts.append(
            f"<details{attr}><summary>{label}</summary><div class='scroll'>"
            + _table(head, page, numeric=numeric)
            + "</div></details>"
        )
    if len(rows) > len(shown):
        n_shown, n_rows = format_integer(len(shown)), format_integer(len(rows))
        parts.append(
            f'<p class="note">Ditampilkan {n_shown} dari {n_rows} baris; '
            f"daftar lengkap ada di {_e(source)} (showing {n_shown} of "
            f"{n_rows} rows; the full list is in {_e(source)}).</p>"
        )
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
            f"{format_integer(tick)}</text>"
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
                f"{format_integer(value)}</title></rect>"
            )
            if value:
                out.append(
                    f'<text x="{x + bar_w * 0.46:.1f}" y="{y - 3:.1f}" font-size="9" '
                    f'text-anchor="middle">{format_integer(value)}</text>'
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
    return (
        "<header>"
        "<h1>Laporan Rencana Penempatan ASN (ASN placement plan report)</h1>"
        f'<p class="meta">Status: <span class="status{bad}">{_e(status)}</span></p>'
        f'<p class="meta">Data (dataset) sha256: <code>{_e(s.get("input_sha256", ""))}'
        "</code></p>"
        f'<p class="meta">Kebijakan (policy): tanggal acuan (reference date) '
        f"{_e(policy.reference_date.isoformat())}, batas JPM (floor) {_e(policy.jpm_floor)}, "
        f"sidik (fingerprint) <code>{_e(policy_hash)}</code></p>"
        f'<p class="meta">{format_integer(dataset.n_employees)} pegawai (employees), '
        f"{format_integer(dataset.n_positions)} jabatan (positions)</p>"
        "</header>"
    )


def _summary_section(solution: Solution) -> str:
    s = solution.summary
    rows = [
        ("Status", s.get("status")),
        ("Nilai objektif (objective)", s.get("objective")),
        ("Batas atas (bound)", s.get("bound")),
        ("Solver", s.get("solver")),
        ("Waktu proses (runtime), detik (s)", s.get("runtime_s")),
        ("Mutasi (moves)", s.get("moves")),
        ("Penempatan baru (new placements)", s.get("new_placements")),
        ("Tidak ditempatkan (unplaced)", s.get("unplaced")),
        ("Formasi terisi (vacancies filled)", s.get("vacancies_filled")),
        ("Versi mesin (engine version)", s.get("engine_version")),
    ]
    body = _table(
        ("Butir (item)", "Nilai (value)"),
        [(_e(k), _e(_fmt(v))) for k, v in rows],
        numeric=(1,),
    )
    reason = (s.get("diagnosis") or {}).get("text") or s.get("message")
    if solution.plan is None and reason:
        body += f'<p class="note">Sebab (reason): {_e(reason)}</p>'
    return "<section><h2>Ringkasan (Summary)</h2>" + body + "</section>"


def _policy_section(policy: Policy) -> str:
    rows = [
        (_e(k), f"<code>{_e(json.dumps(v, ensure_ascii=False))}</code>")
        for k, v in policy.to_dict().items()
    ]
    return (
        "<section><details><summary>Kebijakan lengkap (full policy)</summary>"
        + _table(("Kunci (key)", "Nilai (value)"), rows)
        + "</details></section>"
    )


def _kpi_section(solution: Solution, k: Kpis) -> str:
    figures = run_kpis(solution)
    main = _table(
        ("Indikator (key figure)", "Nilai (value)"),
        [(_e(KPI_LABELS[key]), _e(_fmt(figures[key]))) for key in KPI_ROWS],
        numeric=(1,),
    )
    extra = [
        ("Pegawai dengan pilihan (employees with preferences)", k.preferences_given),
        ("Pegawai perlu pelatihan (people needing training)", k.people_needing_training),
    ]
    main += _table(
        ("Indikator (key figure)", "Nilai (value)"),
        [(_e(a), _e(_fmt(b))) for a, b in extra],
        numeric=(1,),
    )
    rows = [("Rata-rata JPM (mean JPM), %", _fmt(k.mean_jpm_before), _fmt(k.mean_jpm_after))]
    rows += [
        (_CATEGORY_LABELS[c], _fmt(k.categories_before[c]), _fmt(k.categories_after[c]))
        for c in CATEGORIES
    ]
    before_after = _table(
        ("JPM", "Sebelum (before)", "Sesudah (after)"),
        [tuple(_e(x) for x in r) for r in rows],
        numeric=(1, 2),
    )
    return (
        "<section><h2>Indikator Utama (Key figures)</h2>"
        + main
        + "<h3>JPM sebelum dan sesudah (JPM before and after)</h3>"
        + before_after
        + '<p class="note">Sebelum: JPM pegawai pada jabatan saat ini; sesudah: pada jabatan '
        "rencana (before: JPM in the current position; after: in the planned position).</p>"
        "</section>"
    )


def _jpm_section(ctx: Context, plan: pd.DataFrame) -> str:
    jpm = plan_jpm(ctx, plan)
    before_e, nb, db = jpm.before_e, jpm.before_num, jpm.before_den
    after_e, na, da = jpm.after_e, jpm.after_num, jpm.after_den
    cb, ca = jpm_categories(nb, db), jpm_categories(na, da)
    by_category = bar_chart(
        "Kategori JPM (JPM category)",
        list(CATEGORIES),
        [
            ("Sebelum (before)", _BEFORE_COLOUR, [cb[c] for c in CATEGORIES]),
            ("Sesudah (after)", _AFTER_COLOUR, [ca[c] for c in CATEGORIES]),
        ],
        width=420,
    )
    labels = [f"{10 * i}–<{10 * i + 10}" for i in range(9)] + ["90–100"]
    histogram = bar_chart(
        "Sebaran JPM per 10 poin (JPM histogram, 10-point bins)",
        labels,
        [
            ("Sebelum (before)", _BEFORE_COLOUR, jpm_bins(nb, db)),
            ("Sesudah (after)", _AFTER_COLOUR, jpm_bins(na, da)),
        ],
        width=720,
    )
    n_before, n_after = format_integer(len(before_e)), format_integer(len(after_e))
    return (
        "<section><h2>Sebaran JPM (JPM distribution)</h2>"
        f'<div class="charts">{by_category}{histogram}</div>'
        '<p class="note">MS ≥ 80, MMS 68–&lt;80, KMS &lt; 68. Sebelum: '
        f"{n_before} pegawai yang menjabat; sesudah: {n_after} pegawai "
        f"yang ditempatkan (before: {n_before} employees holding a position; "
        f"after: {n_after} placed).</p></section>"
    )


def _matrix_section(plan: pd.DataFrame, names: dict[str, str]) -> str:
    matrix = move_matrix(plan)
    head = "<h2>Matriks Mutasi antar Unit (Moves between units)</h2>"
    if matrix.empty:
        return f'<section>{head}<p class="note">Tidak ada mutasi (no moves).</p></section>'
    units = [str(u) for u in matrix.index]
    values = matrix.to_numpy()
    peak = int(values.max())
    out = [
        head,
        '<p class="note">Baris: unit asal; kolom: unit tujuan; diagonal: mutasi dalam unit '
        "(rows: from unit; columns: to unit; diagonal: moves within a unit).</p>",
        '<div class="scroll"><table class="matrix"><thead><tr><th>Dari \\ Ke (from \\ to)</th>',
    ]
    out += [f'<th title="{_e(names.get(u, u))}">{_e(u)}</th>' for u in units]
    out.append("<th>Jumlah (total)</th></tr></thead><tbody>")
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
                f'title="{_e(src)} → {_e(dst)}: {n}">{format_integer(n)}</td>'
            )
        cells.append(f'<td class="n"><b>{format_integer(int(values[i].sum()))}</b></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    totals = "".join(f"<td>{format_integer(int(c))}</td>" for c in values.sum(axis=0))
    out.append(
        f'<tr class="total"><th class="row">Jumlah (total)</th>{totals}'
        f"<td>{format_integer(int(values.sum()))}</td></tr>"
    )
    out.append("</tbody></table></div>")
    return "<section>" + "".join(out) + "</section>"


def _training_section(
    dataset: Dataset, gaps: pd.DataFrame, *, max_rows: int, page_rows: int
) -> str:
    head = "<h2>Kebutuhan Pelatihan (Training needs)</h2>"
    if gaps.empty:
        return (
            f'<section>{head}<p class="note">Tidak ada kesenjangan kompetensi setelah mutasi '
            "(no competency gaps after the transfers).</p></section>"
        )
    needs = training_needs(gaps)
    rows = []
    for code, r in needs.iterrows():
        rows.append(
            f'<tr data-competency="{_e(code)}" data-people="{int(r["people"])}" '
            f'data-shortfall="{int(r["total_shortfall"])}">'
            f"<td>{_e(code)}</td><td>{_e(_competency_name(str(code)))}</td>"
            f'<td class="n">{format_integer(int(r["people"]))}</td>'
            f'<td class="n">{format_decimal(float(r["mean_shortfall"]))}</td>'
            f'<td class="n">{format_integer(int(r["total_shortfall"]))}</td></tr>'
        )
    people = int(gaps["nip"].nunique())
    table = (
        "<table><thead><tr><th>Kode (code)</th><th>Kompetensi (competency)</th>"
        '<th class="n">Jumlah pegawai (people)</th>'
        '<th class="n">Rata-rata kekurangan (mean shortfall), level</th>'
        '<th class="n">Total kekurangan (total shortfall)</th></tr></thead><tbody>'
        + "".join(rows)
        + f'<tr class="total" data-people="{people}" data-items="{len(gaps)}">'
        f"<td>Jumlah (total)</td><td>{format_integer(len(gaps))} butir (items)</td>"
        f'<td class="n">{format_integer(people)}</td><td></td>'
        f'<td class="n">{format_integer(int(needs["total_shortfall"].sum()))}</td></tr>'
        "</tbody></table>"
        '<p class="note">Jumlah pegawai pada baris total: pegawai berbeda yang perlu sedikitnya '
        "satu pelatihan (people in the total row: distinct people needing at least one "
        "training).</p>"
    )
    emp = dataset.employees.set_index("nip")["name"]
    titles = dataset.positions.set_index("position_id")["title"]
    per_person: list[Sequence[str]] = [
        (
            _e(nip),
            _e(emp.get(nip, "")),
            _e(f"{titles.get(pid, '')} ({pid})"),
            _e(code),
            format_integer(int(req)),
            format_integer(int(att)),
            format_integer(int(req) - int(att)),
        )
        for nip, pid, code, req, att in zip(
            gaps["nip"], gaps["position_id"], gaps["competency"], gaps["required"],
            gaps["attained"], strict=True,
        )
    ]  # fmt: skip
    listing = _paged(
        ("NIP", "Nama (name)", "Jabatan baru (new position)", "Kompetensi (competency)",
         "Dibutuhkan (required)", "Dimiliki (attained)", "Kekurangan (shortfall)"),
        per_person,
        what="Baris (rows)",
        source="gaps.csv",
        numeric=(4, 5, 6),
        max_rows=max_rows,
        page_rows=page_rows,
    )  # fmt: skip
    return f"<section>{head}{table}<h3>Per pegawai (per person)</h3>{listing}</section>"


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
    listing: list[Sequence[str]] = [
        (
            format_integer(i + 1),
            _e(r.nip),
            _e(r.name),
            _e(pangkat_golongan(r.grade)),
            _e(_KIND_LABELS[r.kind]),
            _e(f"{r.from_title} ({r.from_position})" if r.from_position else "—"),
            _e(r.from_unit_name or "—"),
            _e(f"{r.to_title} ({r.to_position})"),
            _e(r.to_unit_name),
            _e(_jpm(before[i])),
            _e(_jpm(r.jpm)),
            format_integer(r.score),
            "–" if r.preference_rank is None else format_integer(r.preference_rank),
        )
        for i, r in enumerate(rows)
    ]
    body = _paged(
        ("No", "NIP", "Nama (name)", "Pangkat/Golongan (rank)", "Jenis (kind)",
         "Jabatan lama (from position)", "Unit lama (from unit)", "Jabatan baru (to position)",
         "Unit baru (to unit)", "JPM lama (before)", "JPM baru (after)", "Skor (score)",
         "Pilihan ke- (preference rank)"),
        listing,
        what="Baris (rows)",
        source="plan.csv",
        numeric=(0, 9, 10, 11, 12),
        max_rows=max_rows,
        page_rows=page_rows,
    )  # fmt: skip
    moves = sum(r.kind == "move" for r in rows)
    return (
        "<section><h2>Daftar Mutasi dan Penempatan Baru (Moves and new placements)</h2>"
        f'<p class="note">{format_integer(moves)} mutasi (moves), '
        f"{format_integer(len(rows) - moves)} penempatan baru (new placements), "
        "urut NIP (sorted by NIP).</p>" + body + "</section>"
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
    return (
        "<section><h2>Tidak Ditempatkan (Unplaced)</h2>"
        + _table(("NIP", "Nama (name)", "Jabatan lama (from position)", "Unit lama (from unit)"),
                 rows)
        + "</section>"
    )  # fmt: skip


def render_report(
    dataset: Dataset,
    policy: Policy,
    solution: Solution,
    *,
    max_rows: int = MAX_ROWS,
    page_rows: int = PAGE_ROWS,
) -> str:
    """The self-contained HTML report of a solved run.

    Sections: summary, key figures (:func:`placement.reports.kpis.kpis`,
    :func:`placement.reports.kpis.run_kpis`), JPM distribution before and after as SVG bar
    charts, the moves matrix between units, training needs (gaps per competency and per
    person), the moves and new placements, and the unplaced. A solution without a plan gives
    the summary and its reason only; a plan needs the solution's compiled model (as
    :func:`solve` returns it). Per-person lists show at most ``max_rows`` rows, in collapsible
    pages of ``page_rows``. The same inputs always give the same text.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Laporan Penempatan ASN — {_e(solution.status)} — "
        f"{_e(str(solution.summary.get('input_sha256', ''))[:12])}</title>",
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
            _jpm_section(ctx, solution.plan),
            _matrix_section(solution.plan, dataset.unit_names()),
            _training_section(dataset, solution.gaps, max_rows=max_rows, page_rows=page_rows),
            _moves_section(dataset, ctx, solution.plan, max_rows=max_rows, page_rows=page_rows),
            _unplaced_section(dataset, solution.plan),
        ]
    else:
        parts.append(
            '<p class="note">Tidak ada rencana untuk status ini (no plan for this status).</p>'
        )
    parts.append(
        '<footer><p class="note">Angka dalam format Indonesia: 1.234,56 (numbers in Indonesian '
        "format). Rekomendasi untuk tim penilai kinerja; keputusan ada pada Pejabat Pembina "
        "Kepegawaian (recommendations for the performance review team; the decision rests with "
        f"the PPK). {_e(solution.summary.get('engine_version', ''))}</p></footer>"
    )
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
