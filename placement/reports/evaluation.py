"""evaluation.html: what past moves did to SKP ratings, for a performance-review team.

A self-contained page (inline CSS and SVG, no script, no external reference) built from the
evaluation.json object (CONTRACT §6) and, when a plan is given, its forecast: the event-study
chart with 95 % intervals (matplotlib, written as SVG), the group table, the naive numbers
labelled as such, the warnings, and a plain reading generated from the numbers that claims only
what the intervals support. Indonesian first, the English in a smaller line marked
``lang="en"``. The same numbers always give the same bytes: the SVG carries no date and a fixed
hash salt.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from placement.i18n import format_decimal, format_integer

__all__ = ["DIMENSION_LABELS", "event_study_svg", "plain_reading", "render_evaluation"]

#: Indonesian and English names of the group dimensions of evaluation.json.
DIMENSION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "jpm_category": ("Kategori JPM jabatan tujuan", "JPM category of the new post"),
    "prior_tenure": ("Masa jabatan sebelumnya (bulan)", "Prior tenure (months)"),
    "trained": ("Pelatihan dalam setahun setelah mutasi", "Training within a year of the move"),
    "reason": ("Alasan mutasi", "Reason for the move"),
}
_GROUP_LABELS: Final[dict[str, tuple[str, str]]] = {
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "rotation": ("rotasi", "rotation"),
    "promotion": ("promosi", "promotion"),
    "request": ("atas permintaan sendiri", "on request"),
    "reorganisation": ("reorganisasi", "reorganisation"),
    "other": ("lainnya", "other"),
    "unknown": ("tidak diketahui", "unknown"),
    "<24": ("< 24", "< 24"),
    "24-60": ("24–60", "24–60"),
    ">60": ("> 60", "> 60"),
}
_SALT: Final[str] = "placement-evaluation"
_CSS: Final[str] = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1b1f24;background:#fff;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0}
h2{font-size:1.2rem;margin:2rem 0 .1rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem}
.en{display:block;color:#57606a;font-size:.8rem;font-weight:normal}
h2 .en,h1 .en{margin-bottom:.4rem}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.reading li{margin:.35rem 0}
.note{color:#57606a;font-size:.85rem}
.chart svg{max-width:100%;height:auto}
.chart svg text{font-family:inherit}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _size(value: float, places: int = 2) -> str:
    """The size of a number in Indonesian format: ``0,43``."""
    return format_decimal(abs(value), places)


def _dec(value: float, places: int = 2) -> str:
    """A number in Indonesian format with a sign: ``+0,09``, ``−0,43``."""
    if round(abs(value), places) == 0:
        return _size(value, places)
    return ("−" if value < 0 else "+") + _size(value, places)


def _int(value: int) -> str:
    return format_integer(int(value))


def _bilingual(indonesian: str, english: str) -> str:
    return f'{_e(indonesian)}<span class="en" lang="en">{_e(english)}</span>'


def _known(estimate: Mapping[str, Any] | None) -> bool:
    return bool(estimate) and estimate is not None and estimate.get("estimate") is not None


def _significant(estimate: Mapping[str, Any]) -> bool:
    """Whether the 95 % interval leaves out zero."""
    return bool(estimate["ci_low"] > 0 or estimate["ci_high"] < 0)


def _interval(estimate: Mapping[str, Any]) -> str:
    return f"{_dec(estimate['ci_low'])} s.d. {_dec(estimate['ci_high'])}"


def _interval_en(estimate: Mapping[str, Any]) -> str:
    return f"{estimate['ci_low']:+.2f} to {estimate['ci_high']:+.2f}"


def event_study_svg(evaluation: Mapping[str, Any]) -> str:
    """The event study as an inline SVG element: effect per event year with its 95 % interval."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    points = [e for e in evaluation.get("event_study", []) if e.get("estimate") is not None]
    fig = Figure(figsize=(7.0, 3.4))
    ax = fig.subplots()
    ax.axhline(0.0, color="#57606a", linewidth=0.8)
    ax.axvline(-0.5, color="#9aa5b1", linewidth=0.8, linestyle="--")
    if points:
        ks = [e["event_year"] for e in points]
        values = [e["estimate"] for e in points]
        low = [e["estimate"] - e["ci_low"] for e in points]
        high = [e["ci_high"] - e["estimate"] for e in points]
        colours = ["#1f6feb" if k >= 0 else "#57606a" for k in ks]
        ax.errorbar(ks, values, yerr=[low, high], fmt="none", ecolor="#9aa5b1", capsize=4)
        ax.scatter(ks, values, c=colours, zorder=3)
        ax.set_xticks(ks)
    ax.set_xlabel("Tahun relatif terhadap mutasi (−1 = acuan) · event year (−1 = reference)")
    ax.set_ylabel("Efek (poin SKP) · effect (points)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": _SALT, "svg.fonttype": "none", "svg.id": "event-study"}):
        fig.savefig(
            out,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    # Inline SVG needs no namespace declarations, and the page refers to nothing outside itself.
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    title = "<title>Studi peristiwa: efek mutasi per tahun, selang 95 %</title>"
    return svg.replace(">", ">" + title, 1).replace(
        "<svg ", '<svg role="img" aria-label="Studi peristiwa / event study" ', 1
    )


def _effect_sentence(subject: tuple[str, str], estimate: Mapping[str, Any]) -> tuple[str, str]:
    """One finding in Indonesian and English, claiming a direction only when significant."""
    who, who_en = subject
    x = estimate["estimate"]
    if not _significant(estimate):
        return (
            f"{who}: tidak ada efek yang nyata pada nilai SKP ({_dec(x)} poin, selang 95 % "
            f"{_interval(estimate)}; tidak signifikan).",
            f"{who_en}: no clear effect on the SKP rating ({x:+.2f} points, 95 % interval "
            f"{_interval_en(estimate)}; not significant).",
        )
    verb, verb_en = ("menaikkan", "raised") if x > 0 else ("menurunkan", "lowered")
    return (
        f"{who} {verb} nilai SKP rata-rata {_size(x)} "
        f"poin pada tahun-tahun berikutnya (selang 95 % {_interval(estimate)}).",
        f"{who_en} {verb_en} the SKP rating by {abs(x):.2f} points on average in the following "
        f"years (95 % interval {_interval_en(estimate)}).",
    )


def _difference(yes: Mapping[str, Any], no: Mapping[str, Any]) -> tuple[float, float, float]:
    """``yes − no`` and its 95 % interval, the two estimates taken as independent."""
    d = yes["estimate"] - no["estimate"]
    se = math.hypot(yes["se"], no["se"])
    return d, d - 1.959963984540054 * se, d + 1.959963984540054 * se


def plain_reading(
    evaluation: Mapping[str, Any], forecast: Mapping[str, Any] | None = None
) -> list[tuple[str, str]]:
    """Findings in plain words, (Indonesian, English) pairs, generated from the numbers.

    A direction is claimed only where the 95 % interval leaves out zero; otherwise the finding
    says "not significant". The training comparison takes the trained and untrained estimates as
    independent.
    """
    out: list[tuple[str, str]] = []
    att = evaluation.get("att")
    if not _known(att):
        return [
            (
                "Belum cukup mutasi dalam riwayat untuk menaksir efeknya.",
                "The history holds too few moves to estimate their effect.",
            )
        ]
    assert att is not None
    out.append(_effect_sentence(("Secara keseluruhan, mutasi", "Overall, a move"), att))
    groups = evaluation.get("groups", {})
    for category in ("MS", "MMS", "KMS"):
        g = groups.get("jpm_category", {}).get(category)
        if g and _known(g["att"]):
            subject = (f"Mutasi ke jabatan {category}", f"A move into a {category} post")
            out.append(_effect_sentence(subject, g["att"]))
    trained = groups.get("trained", {})
    yes, no = trained.get("yes"), trained.get("no")
    if yes and no and _known(yes["att"]) and _known(no["att"]):
        d, low, high = _difference(yes["att"], no["att"])
        clear = low > 0 or high < 0
        tail = f"selisihnya {_dec(d)} poin (selang 95 % {_dec(low)} s.d. {_dec(high)})" + (
            "" if clear else "; tidak signifikan"
        )
        tail_en = f"the difference is {d:+.2f} points (95 % interval {low:+.2f} to {high:+.2f})" + (
            "" if clear else "; not significant"
        )
        out.append(
            (
                f"Mutasi yang diikuti pelatihan dalam setahun: {_dec(yes['att']['estimate'])} "
                f"poin; tanpa pelatihan: {_dec(no['att']['estimate'])} poin; {tail}.",
                f"Moves followed by a training within a year: {yes['att']['estimate']:+.2f} "
                f"points; without: {no['att']['estimate']:+.2f} points; {tail_en}.",
            )
        )
    tenure = groups.get("prior_tenure", {})
    parts, parts_en = [], []
    for label in ("<24", "24-60", ">60"):
        g = tenure.get(label)
        if g and _known(g["att"]):
            flag = "" if _significant(g["att"]) else " (tidak signifikan)"
            flag_en = "" if _significant(g["att"]) else " (not significant)"
            parts.append(f"{_GROUP_LABELS[label][0]} bulan {_dec(g['att']['estimate'])}{flag}")
            parts_en.append(
                f"{_GROUP_LABELS[label][1]} months {g['att']['estimate']:+.2f}{flag_en}"
            )
    if parts:
        out.append(
            (
                "Menurut masa jabatan sebelumnya: " + "; ".join(parts) + " poin.",
                "By prior tenure: " + "; ".join(parts_en) + " points.",
            )
        )
    year0 = next((e for e in evaluation.get("event_study", []) if e["event_year"] == 0), None)
    if year0 and _known(year0):
        flag = "" if _significant(year0) else "; tidak signifikan"
        flag_en = "" if _significant(year0) else "; not significant"
        out.append(
            (
                f"Pada tahun mutasi itu sendiri efeknya {_dec(year0['estimate'])} poin (selang "
                f"95 % {_interval(year0)}{flag}).",
                f"In the year of the move itself the effect is {year0['estimate']:+.2f} points "
                f"(95 % interval {_interval_en(year0)}{flag_en}).",
            )
        )
    naive = evaluation.get("naive", {}).get("movers_vs_stayers")
    if naive is not None:
        side, side_en = ("lebih rendah", "lower") if naive < 0 else ("lebih tinggi", "higher")
        out.append(
            (
                f"Perbandingan naif (bukan efek): setelah mutasi, nilai pegawai yang dimutasi "
                f"{_size(naive)} poin {side} daripada pegawai yang tidak dimutasi — "
                "karena yang dimutasi berbeda dari yang tidak, bukan karena mutasinya.",
                f"Naive comparison (not an effect): after their move, movers rate "
                f"{abs(naive):.2f} points {side_en} than stayers — because movers differ from "
                "stayers, not because of the move.",
            )
        )
    if any(w.startswith("pre-move trend") for w in evaluation.get("warnings", [])):
        out.append(
            (
                "Perhatian: nilai pegawai yang dimutasi sudah berubah sebelum mutasi; taksiran "
                "di atas mungkin bias.",
                "Caution: movers' ratings were already changing before their moves; the "
                "estimates above may be biased.",
            )
        )
    if forecast is not None:
        out.extend(_forecast_reading(forecast))
    return out


def _forecast_reading(forecast: Mapping[str, Any]) -> list[tuple[str, str]]:
    without, with_list = forecast.get("without_training"), forecast.get("with_training")
    if without is None or with_list is None:
        return [("Rencana ini tidak dapat diperkirakan.", "This plan cannot be forecast.")]
    moves, listed = forecast["moves"], forecast["training_listed"]
    return [
        (
            f"Rencana ini memindahkan {_int(moves)} pegawai. Perkiraan perubahan rata-rata nilai "
            f"SKP mereka: {_dec(without['estimate'])} poin tanpa pelatihan (selang 95 % "
            f"{_interval(without)}), {_dec(with_list['estimate'])} poin bila daftar pelatihan "
            f"(gaps.csv, {_int(listed)} pegawai) diberikan dalam setahun (selang 95 % "
            f"{_interval(with_list)}).",
            f"This plan moves {moves:,} people. Expected change in their mean SKP rating: "
            f"{without['estimate']:+.2f} points without training (95 % interval "
            f"{_interval_en(without)}), {with_list['estimate']:+.2f} points when the training "
            f"list (gaps.csv, {listed:,} people) is delivered within a year (95 % interval "
            f"{_interval_en(with_list)}).",
        )
    ]


def _cells(estimate: Mapping[str, Any] | None) -> str:
    if not _known(estimate):
        moves = _int(estimate["moves"]) if estimate else "–"
        return f'<td class="n">–</td><td class="n">–</td><td class="n">{moves}</td>'
    assert estimate is not None
    mark = "" if _significant(estimate) else " *"
    return (
        f'<td class="n">{_e(_dec(estimate["estimate"]))}{mark}</td>'
        f'<td class="n">{_e(_interval(estimate))}</td>'
        f'<td class="n">{_e(_int(estimate["moves"]))}</td>'
    )


def _group_table(groups: Mapping[str, Mapping[str, Any]]) -> str:
    head = (
        "<tr><th>" + _bilingual("Kelompok", "Group") + "</th>"
        f"<th>{_bilingual('Efek tahun ke-1–3', 'Effect, years 1–3')}</th>"
        f"<th>{_bilingual('Selang 95 %', '95 % interval')}</th>"
        f"<th>{_bilingual('Mutasi', 'Moves')}</th>"
        f"<th>{_bilingual('Efek tahun mutasi', 'Effect, move year')}</th>"
        f"<th>{_bilingual('Selang 95 %', '95 % interval')}</th>"
        f"<th>{_bilingual('Mutasi', 'Moves')}</th></tr>"
    )
    rows = []
    for dimension, found in groups.items():
        name, name_en = DIMENSION_LABELS.get(dimension, (dimension, dimension))
        rows.append(f'<tr><th colspan="7">{_bilingual(name, name_en)}</th></tr>')
        for label, g in found.items():
            shown = _GROUP_LABELS.get(label, (label, label))
            cell = _e(shown[0]) if shown[0] == shown[1] else _bilingual(*shown)
            rows.append(f"<tr><td>{cell}</td>{_cells(g['att'])}{_cells(g['year0'])}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _event_table(events: Sequence[Mapping[str, Any]]) -> str:
    head = (
        f"<tr><th>{_bilingual('Tahun ke-', 'Event year')}</th>"
        f"<th>{_bilingual('Efek', 'Effect')}</th>"
        f"<th>{_bilingual('Selang 95 %', '95 % interval')}</th>"
        f"<th>{_bilingual('Mutasi', 'Moves')}</th></tr>"
    )
    reference = (
        '<td class="n">0</td><td>'
        + _bilingual("acuan (tahun sebelum mutasi)", "reference (the year before the move)")
        + "</td>"
    )

    def cells(e: Mapping[str, Any]) -> str:
        if e["event_year"] != -1:
            return _cells(e)
        return f'{reference}<td class="n">{_e(_int(e["moves"]))}</td>'

    rows = "".join(
        f'<tr><td class="n">{_e(_event(e["event_year"]))}</td>{cells(e)}</tr>' for e in events
    )
    return f"<table>{head}{rows}</table>"


def _event(k: int) -> str:
    return f"−{-k}" if k < 0 else str(k)


def _section(title: str, title_en: str, body: str, ident: str) -> str:
    return f'<section id="{ident}"><h2>{_bilingual(title, title_en)}</h2>{body}</section>'


def _forecast_section(forecast: Mapping[str, Any]) -> str:
    reading = "".join(
        f'<p>{_e(i)}<span class="en" lang="en">{_e(en)}</span></p>'
        for i, en in _forecast_reading(forecast)
    )
    change = forecast.get("training_change")
    if change is not None:
        reading += (
            f"<p>{_e('Daftar pelatihan mengubah perkiraan sebesar ' + _dec(change['estimate']))}"
            f' poin (selang 95 % {_e(_interval(change))}).<span class="en" lang="en">'
            f"The training list changes the forecast by {change['estimate']:+.2f} points "
            f"(95 % interval {_e(_interval_en(change))}).</span></p>"
        )
    head = (
        f"<tr><th>NIP</th><th>{_bilingual('Dari', 'From')}</th><th>{_bilingual('Ke', 'To')}</th>"
        f"<th>JPM</th><th>{_bilingual('Masa jabatan (bulan)', 'Tenure (months)')}</th>"
        f"<th>{_bilingual('Tanpa pelatihan', 'Without training')}</th>"
        f"<th>{_bilingual('Dengan daftar pelatihan', 'With the training list')}</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{_e(m['nip'])}</td><td>{_e(m['from_position'])}</td>"
        f"<td>{_e(m['to_position'])}</td><td>{_e(m['jpm_category'])}</td>"
        f"<td>{_e(_GROUP_LABELS.get(m['prior_tenure'], (m['prior_tenure'],))[0])}</td>"
        f'<td class="n">{_e(_dec(m["without_training"]))}</td>'
        f'<td class="n">{_e(_dec(m["with_training"]))}'
        f"{'' if m['training_listed'] else ' ·'}</td></tr>"
        for m in forecast.get("worst", [])
    )
    worst = (
        f"<h3>{_bilingual('Mutasi dengan perkiraan efek terburuk', 'Moves with the worst expected effect')}</h3>"  # noqa: E501
        f"<table>{head}{rows}</table>"
        f'<p class="note">{_bilingual("· = tidak ada dalam daftar pelatihan (gaps.csv).", "· = not on the training list (gaps.csv).")}</p>'  # noqa: E501
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in forecast.get("warnings", []))
    notes = f'<ul class="note" lang="en">{warnings}</ul>' if warnings else ""
    method = _bilingual(
        "Perkiraan: efek keseluruhan ditambah selisih kelompok JPM, masa jabatan dan pelatihan "
        "(dianggap saling menjumlah); selang dihitung dengan menganggap taksiran kelompok saling "
        "bebas.",
        "Forecast: the overall effect plus the differences of the JPM, tenure and training "
        "groups (assumed to add up); the interval treats the group estimates as independent.",
    )
    body = f'{reading}{worst}<p class="note">{method}</p>{notes}'
    return _section("Perkiraan dampak rencana", "What the plan is expected to do", body, "forecast")


def render_evaluation(
    evaluation: Mapping[str, Any], forecast: Mapping[str, Any] | None = None
) -> str:
    """The self-contained evaluation.html of ``evaluation`` (evaluation.json) and a forecast."""
    years = evaluation.get("years")
    span = f"{years[0]}–{years[1]}" if years else "–"
    meta = _bilingual(
        f"Tahun SKP {span}; {_int(evaluation.get('moves', 0))} mutasi dinilai; "
        f"{_int(evaluation.get('people', 0))} pegawai.",
        f"SKP years {span}; {evaluation.get('moves', 0):,} moves evaluated; "
        f"{evaluation.get('people', 0):,} people.",
    )
    reading = "".join(
        f'<li>{_e(i)}<span class="en" lang="en">{_e(en)}</span></li>'
        for i, en in plain_reading(evaluation)
    )
    chart = (
        f'<div class="chart">{event_study_svg(evaluation)}</div>'
        + _event_table(evaluation.get("event_study", []))
        + '<p class="note">'
        + _bilingual(
            "Efek pada nilai SKP (SK 1 … SB 5) pegawai yang dimutasi, dibandingkan dengan nilai "
            "yang sama tanpa mutasi; tahun ke-−1 adalah acuan. * = selang 95 % mencakup 0 "
            "(tidak signifikan).",
            "Effect on movers' SKP rating points (SK 1 … SB 5) against the same people without "
            "the move; event year −1 is the reference. * = the 95 % interval covers 0 (not "
            "significant).",
        )
        + "</p>"
    )
    naive = evaluation.get("naive", {})

    def naive_value(key: str) -> str:
        value = naive.get(key)
        return "–" if value is None else _dec(value)

    naive_body = (
        f"<table><tr><td>{_bilingual('Sebelum → sesudah mutasi', 'Before → after the move')}</td>"
        f'<td class="n">{_e(naive_value("before_after"))}</td></tr>'
        f"<tr><td>{_bilingual('Dimutasi − tidak dimutasi', 'Movers − stayers')}</td>"
        f'<td class="n">{_e(naive_value("movers_vs_stayers"))}</td></tr></table>'
        '<p class="note">'
        + _bilingual(
            "Angka naif, bukan efek: pegawai yang dimutasi tidak sebanding dengan yang tidak "
            "dimutasi, dan nilai berubah dari tahun ke tahun untuk semua orang.",
            "Naive numbers, not effects: movers are not like stayers, and ratings change from "
            "year to year for everyone.",
        )
        + "</p>"
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in evaluation.get("warnings", []))
    method = (
        f'<p class="note">{_bilingual("Metode", "Method")}</p>'
        f'<p class="note" lang="en">{_e(evaluation.get("method", ""))}</p>'
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Evaluasi Mutasi — {_e(span)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{_bilingual('Evaluasi Mutasi', 'Evaluation of past moves')}</h1>",
        f"<p>{meta}</p>",
        _section(
            "Bacaan singkat", "Plain reading", f'<ul class="reading">{reading}</ul>', "reading"
        ),
        _section("Efek per tahun", "Event study", chart, "event-study"),
        _section(
            "Efek per kelompok", "Effect by group", _group_table(evaluation.get("groups", {})),
            "groups",
        ),
        _section("Angka naif", "Naive numbers", naive_body, "naive"),
    ]  # fmt: skip
    if forecast is not None:
        parts.append(_forecast_section(forecast))
    parts.append(
        _section(
            "Peringatan",
            "Warnings",
            f'<ul lang="en">{warnings}</ul>' if warnings else "<p>–</p>",
            "warnings",
        )
    )
    parts += [method, "</main></body></html>"]
    return "\n".join(parts) + "\n"
