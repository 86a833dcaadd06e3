"""evaluation.html: what past moves did to SKP ratings, for a performance-review team.

A self-contained page (inline CSS and SVG, no script, no external reference) built from the
evaluation.json object (CONTRACT §6) and, when a plan is given, its forecast: the event-study
chart with 95 % intervals (matplotlib, written as SVG), the group table, the naive numbers
labelled as such, the warnings, and a plain reading generated from the numbers that claims only
what the intervals support. The page speaks the current locale (Indonesian unless English is
asked for), its texts from the reports catalog; evaluation.json's method, English in every
locale, is marked ``lang="en"`` on a page in another language. The same numbers always give
the same bytes: the SVG carries no date and a fixed hash salt.
"""

from __future__ import annotations

import html
import io
import math
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any, Final

from placement.i18n import (
    LOCALES,
    catalog,
    current_locale,
    format_decimal,
    format_integer,
    t,
    translate,
)

__all__ = ["DIMENSION_LABELS", "event_study_svg", "plain_reading", "render_evaluation"]

#: The catalog keys naming the group dimensions of evaluation.json.
DIMENSION_LABELS: Final[dict[str, str]] = {
    "jpm_category": "report.evaluation.dimension.jpm_category",
    "prior_tenure": "report.evaluation.dimension.prior_tenure",
    "trained": "report.evaluation.dimension.trained",
    "reason": "report.evaluation.dimension.reason",
}
_GROUP_LABELS: Final[dict[str, str]] = {
    "yes": "report.evaluation.group.yes",
    "no": "report.evaluation.group.no",
    "rotation": "report.evaluation.group.rotation",
    "promotion": "report.evaluation.group.promotion",
    "request": "report.evaluation.group.request",
    "reorganisation": "report.evaluation.group.reorganisation",
    "other": "report.evaluation.group.other",
    "unknown": "report.evaluation.group.unknown",
}
#: Tenure groups are number ranges, the same in every language.
_TENURE_LABELS: Final[dict[str, str]] = {"<24": "< 24", "24-60": "24–60", ">60": "> 60"}
_SALT: Final[str] = "placement-evaluation"
_CSS: Final[str] = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1b1f24;background:#fff;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0}
h2{font-size:1.2rem;margin:2rem 0 .4rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem}
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


def _size(value: float, locale: str, places: int = 2) -> str:
    """The size of a number in the locale's format: ``0,43`` (id), ``0.43`` (en)."""
    return format_decimal(abs(value), places, locale)


def _dec(value: float, locale: str, places: int = 2) -> str:
    """A number in the locale's format with a sign: ``+0,09``, ``−0,43``."""
    if round(abs(value), places) == 0:
        return _size(value, locale, places)
    return ("−" if value < 0 else "+") + _size(value, locale, places)


def _int(value: int) -> str:
    return format_integer(int(value), current_locale())


def _group(label: str, locale: str) -> str:
    """A group's name in ``locale``: tenure ranges as they are, other groups translated."""
    if label in _TENURE_LABELS:
        return _TENURE_LABELS[label]
    key = _GROUP_LABELS.get(label)
    return label if key is None else translate(key, locale)


def _opening(key: str, locale: str) -> str:
    """The text of ``key`` in ``locale`` up to its first field."""
    return next(iter(string.Formatter().parse(catalog(locale)[key])))[0]


#: How the analysis's pre-move trend warning begins in each locale: evaluation.json holds the
#: warning in the locale it was evaluated in, and says so in no other field.
_PRETREND_OPENINGS: Final[tuple[str, ...]] = tuple(
    _opening("analysis.evaluation.pretrend", locale).split(":")[0] for locale in LOCALES
)


def _known(estimate: Mapping[str, Any] | None) -> bool:
    return bool(estimate) and estimate is not None and estimate.get("estimate") is not None


def _significant(estimate: Mapping[str, Any]) -> bool:
    """Whether the 95 % interval leaves out zero."""
    return bool(estimate["ci_low"] > 0 or estimate["ci_high"] < 0)


def _interval(estimate: Mapping[str, Any], locale: str) -> str:
    low, high = _dec(estimate["ci_low"], locale), _dec(estimate["ci_high"], locale)
    return translate("report.evaluation.interval_range", locale, low=low, high=high)


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
    ax.set_xlabel(t("report.evaluation.chart.x"))
    ax.set_ylabel(t("report.evaluation.chart.y"))
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
    title = f"<title>{_e(t('report.evaluation.chart.title'))}</title>"
    label = _e(t("report.evaluation.chart.label"))
    return svg.replace(">", ">" + title, 1).replace(
        "<svg ", f'<svg role="img" aria-label="{label}" ', 1
    )


def _effect_sentence(who: str, estimate: Mapping[str, Any], locale: str) -> str:
    """One finding about ``who``, claiming a direction only when significant."""
    x = estimate["estimate"]
    interval = _interval(estimate, locale)
    if not _significant(estimate):
        return translate(
            "report.evaluation.reading.no_effect",
            locale,
            who=who,
            x=_dec(x, locale),
            interval=interval,
        )
    key = "report.evaluation.reading.raised" if x > 0 else "report.evaluation.reading.lowered"
    return translate(key, locale, who=who, size=_size(x, locale), interval=interval)


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
    independent. The page shows the reader's language only (:func:`reading`).
    """
    return list(zip(reading(evaluation, forecast, "id"), reading(evaluation, forecast, "en"),
                    strict=True))  # fmt: skip


def reading(
    evaluation: Mapping[str, Any], forecast: Mapping[str, Any] | None, locale: str
) -> list[str]:
    """The findings of :func:`plain_reading` in ``locale``."""
    att = evaluation.get("att")
    if not _known(att):
        return [translate("report.evaluation.reading.too_few", locale)]
    assert att is not None
    out = [_effect_sentence(translate("report.evaluation.reading.overall", locale), att, locale)]
    groups = evaluation.get("groups", {})
    for category in ("MS", "MMS", "KMS"):
        g = groups.get("jpm_category", {}).get(category)
        if g and _known(g["att"]):
            who = translate("report.evaluation.reading.into_category", locale, category=category)
            out.append(_effect_sentence(who, g["att"], locale))
    trained = groups.get("trained", {})
    yes, no = trained.get("yes"), trained.get("no")
    if yes and no and _known(yes["att"]) and _known(no["att"]):
        d, low, high = _difference(yes["att"], no["att"])
        key = (
            "report.evaluation.reading.training"
            if low > 0 or high < 0
            else "report.evaluation.reading.training_not_significant"
        )
        out.append(
            translate(
                key,
                locale,
                trained=_dec(yes["att"]["estimate"], locale),
                untrained=_dec(no["att"]["estimate"], locale),
                difference=_dec(d, locale),
                low=_dec(low, locale),
                high=_dec(high, locale),
            )
        )
    tenure = groups.get("prior_tenure", {})
    parts = []
    for label in ("<24", "24-60", ">60"):
        g = tenure.get(label)
        if g and _known(g["att"]):
            key = (
                "report.evaluation.reading.tenure_part"
                if _significant(g["att"])
                else "report.evaluation.reading.tenure_part_not_significant"
            )
            parts.append(
                translate(
                    key,
                    locale,
                    months=_TENURE_LABELS[label],
                    x=_dec(g["att"]["estimate"], locale),
                )
            )
    if parts:
        out.append(translate("report.evaluation.reading.tenure", locale, parts="; ".join(parts)))
    year0 = next((e for e in evaluation.get("event_study", []) if e["event_year"] == 0), None)
    if year0 and _known(year0):
        key = (
            "report.evaluation.reading.year0"
            if _significant(year0)
            else "report.evaluation.reading.year0_not_significant"
        )
        out.append(
            translate(
                key,
                locale,
                x=_dec(year0["estimate"], locale),
                interval=_interval(year0, locale),
            )
        )
    naive = evaluation.get("naive", {}).get("movers_vs_stayers")
    if naive is not None:
        key = (
            "report.evaluation.reading.naive_lower"
            if naive < 0
            else "report.evaluation.reading.naive_higher"
        )
        out.append(translate(key, locale, size=_size(naive, locale)))
    if any(w.startswith(_PRETREND_OPENINGS) for w in evaluation.get("warnings", [])):
        out.append(translate("report.evaluation.reading.trend", locale))
    if forecast is not None:
        out.extend(_forecast_reading(forecast, locale))
    return out


def _forecast_reading(forecast: Mapping[str, Any], locale: str) -> list[str]:
    without, with_list = forecast.get("without_training"), forecast.get("with_training")
    if without is None or with_list is None:
        return [translate("report.evaluation.forecast.none", locale)]
    return [
        translate(
            "report.evaluation.forecast.reading",
            locale,
            moves=int(forecast["moves"]),
            without=_dec(without["estimate"], locale),
            without_interval=_interval(without, locale),
            with_list=_dec(with_list["estimate"], locale),
            with_interval=_interval(with_list, locale),
            listed=int(forecast["training_listed"]),
        )
    ]


def _cells(estimate: Mapping[str, Any] | None) -> str:
    locale = current_locale()
    if not _known(estimate):
        moves = _int(estimate["moves"]) if estimate else "–"
        return f'<td class="n">–</td><td class="n">–</td><td class="n">{moves}</td>'
    assert estimate is not None
    mark = "" if _significant(estimate) else " *"
    return (
        f'<td class="n">{_e(_dec(estimate["estimate"], locale))}{mark}</td>'
        f'<td class="n">{_e(_interval(estimate, locale))}</td>'
        f'<td class="n">{_e(_int(estimate["moves"]))}</td>'
    )


def _th(key: str) -> str:
    return f"<th>{_e(t(key))}</th>"


def _group_table(groups: Mapping[str, Mapping[str, Any]]) -> str:
    head = (
        "<tr>"
        + _th("report.evaluation.table.group")
        + _th("report.evaluation.table.effect_years")
        + _th("report.evaluation.table.interval")
        + _th("report.evaluation.table.moves")
        + _th("report.evaluation.table.effect_move_year")
        + _th("report.evaluation.table.interval")
        + _th("report.evaluation.table.moves")
        + "</tr>"
    )
    rows = []
    for dimension, found in groups.items():
        key = DIMENSION_LABELS.get(dimension)
        name = dimension if key is None else t(key)
        rows.append(f'<tr><th colspan="7">{_e(name)}</th></tr>')
        for label, g in found.items():
            cell = _e(_group(label, current_locale()))
            rows.append(f"<tr><td>{cell}</td>{_cells(g['att'])}{_cells(g['year0'])}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _event_table(events: Sequence[Mapping[str, Any]]) -> str:
    head = (
        "<tr>"
        + _th("report.evaluation.table.event_year")
        + _th("report.evaluation.table.effect")
        + _th("report.evaluation.table.interval")
        + _th("report.evaluation.table.moves")
        + "</tr>"
    )
    reference = f'<td class="n">0</td><td>{_e(t("report.evaluation.table.reference"))}</td>'

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


def _section(title_key: str, body: str, ident: str) -> str:
    return f'<section id="{ident}"><h2>{_e(t(title_key))}</h2>{body}</section>'


def _english(locale: str) -> str:
    """The ``lang`` attribute of the text evaluation.json holds in English whatever the locale
    (its method), on a page in another language."""
    return "" if locale == "en" else ' lang="en"'


def _forecast_section(forecast: Mapping[str, Any]) -> str:
    locale = current_locale()
    text = "".join(f"<p>{_e(line)}</p>" for line in _forecast_reading(forecast, locale))
    change = forecast.get("training_change")
    if change is not None:
        sentence = t(
            "report.evaluation.forecast.change",
            x=_dec(change["estimate"], locale),
            interval=_interval(change, locale),
        )
        text += f"<p>{_e(sentence)}</p>"
    head = (
        "<tr><th>NIP</th>"
        + _th("report.evaluation.forecast.from")
        + _th("report.evaluation.forecast.to")
        + "<th>JPM</th>"
        + _th("report.evaluation.forecast.tenure")
        + _th("report.evaluation.forecast.without")
        + _th("report.evaluation.forecast.with")
        + "</tr>"
    )
    rows = "".join(
        f"<tr><td>{_e(m['nip'])}</td><td>{_e(m['from_position'])}</td>"
        f"<td>{_e(m['to_position'])}</td><td>{_e(m['jpm_category'])}</td>"
        f"<td>{_e(_group(m['prior_tenure'], locale))}</td>"
        f'<td class="n">{_e(_dec(m["without_training"], locale))}</td>'
        f'<td class="n">{_e(_dec(m["with_training"], locale))}'
        f"{'' if m['training_listed'] else ' ·'}</td></tr>"
        for m in forecast.get("worst", [])
    )
    worst = (
        f"<h3>{_e(t('report.evaluation.forecast.worst'))}</h3>"
        f"<table>{head}{rows}</table>"
        f'<p class="note">{_e(t("report.evaluation.forecast.not_listed"))}</p>'
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in forecast.get("warnings", []))
    notes = f'<ul class="note">{warnings}</ul>' if warnings else ""
    method = _e(t("report.evaluation.forecast.method"))
    body = f'{text}{worst}<p class="note">{method}</p>{notes}'
    return _section("report.evaluation.section.forecast", body, "forecast")


def render_evaluation(
    evaluation: Mapping[str, Any], forecast: Mapping[str, Any] | None = None
) -> str:
    """The self-contained evaluation.html of ``evaluation`` (evaluation.json) and a forecast,
    in the current locale."""
    locale = current_locale()
    years = evaluation.get("years")
    span = f"{years[0]}–{years[1]}" if years else "–"
    meta = t(
        "report.evaluation.meta",
        span=span,
        moves=int(evaluation.get("moves", 0)),
        people=int(evaluation.get("people", 0)),
    )
    findings = "".join(f"<li>{_e(line)}</li>" for line in reading(evaluation, None, locale))
    chart = (
        f'<div class="chart">{event_study_svg(evaluation)}</div>'
        + _event_table(evaluation.get("event_study", []))
        + f'<p class="note">{_e(t("report.evaluation.chart.note"))}</p>'
    )
    naive = evaluation.get("naive", {})

    def naive_value(key: str) -> str:
        value = naive.get(key)
        return "–" if value is None else _dec(value, locale)

    naive_body = (
        f"<table><tr><td>{_e(t('report.evaluation.naive.before_after'))}</td>"
        f'<td class="n">{_e(naive_value("before_after"))}</td></tr>'
        f"<tr><td>{_e(t('report.evaluation.naive.movers_stayers'))}</td>"
        f'<td class="n">{_e(naive_value("movers_vs_stayers"))}</td></tr></table>'
        f'<p class="note">{_e(t("report.evaluation.naive.note"))}</p>'
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in evaluation.get("warnings", []))
    method = (
        f'<p class="note">{_e(t("report.evaluation.method"))}</p>'
        f'<p class="note"{_english(locale)}>{_e(evaluation.get("method", ""))}</p>'
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{locale}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('report.evaluation.page_title', span=span))}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(t('report.evaluation.title'))}</h1>",
        f"<p>{_e(meta)}</p>",
        _section("report.evaluation.section.reading", f'<ul class="reading">{findings}</ul>',
                 "reading"),
        _section("report.evaluation.section.event_study", chart, "event-study"),
        _section("report.evaluation.section.groups", _group_table(evaluation.get("groups", {})),
                 "groups"),
        _section("report.evaluation.section.naive", naive_body, "naive"),
    ]  # fmt: skip
    if forecast is not None:
        parts.append(_forecast_section(forecast))
    parts.append(
        _section(
            "report.evaluation.section.warnings",
            f"<ul>{warnings}</ul>" if warnings else "<p>–</p>",
            "warnings",
        )
    )
    parts += [method, "</main></body></html>"]
    return "\n".join(parts) + "\n"
