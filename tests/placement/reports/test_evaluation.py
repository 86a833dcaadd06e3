"""evaluation.html: self-contained, byte-deterministic, and a plain reading that claims only
what the intervals support."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from typing import Any

import pytest

from placement.reports.evaluation import event_study_svg, plain_reading, render_evaluation


def estimate(value: float | None, se: float = 0.05, moves: int = 100) -> dict[str, Any]:
    if value is None:
        return {"estimate": None, "se": None, "ci_low": None, "ci_high": None, "moves": moves}
    low, high = value - 1.96 * se, value + 1.96 * se
    return {"estimate": value, "se": se, "ci_low": low, "ci_high": high, "moves": moves}


def group(att: float | None, year0: float | None = 0.0) -> dict[str, Any]:
    return {"att": estimate(att), "year0": estimate(year0)}


def evaluation() -> dict[str, Any]:
    """KMS clearly negative, MMS within noise of zero, training clearly better, a naive gap of
    the wrong sign, and a hostile string in the warnings."""
    return {
        "outcome": "rating_points",
        "method": "test <method>",
        "years": [2017, 2025],
        "moves": 900,
        "people": 2000,
        "att": estimate(0.12),
        "event_study": [
            {"event_year": k, **estimate(v)}
            for k, v in zip(range(-3, 4), (0.01, -0.02, 0.0, 0.05, 0.1, 0.13, None), strict=True)
        ],
        "groups": {
            "jpm_category": {"MS": group(0.41), "MMS": group(0.03), "KMS": group(-0.4)},
            "prior_tenure": {"<24": group(0.2), "24-60": group(0.1), ">60": group(0.05)},
            "trained": {"yes": group(0.3), "no": group(0.0)},
            "reason": {"rotation": group(0.1), "other": group(None)},
        },
        "naive": {"before_after": 0.08, "movers_vs_stayers": -0.21},
        "warnings": ["<script>alert(1)</script> a warning"],
    }


class Page(HTMLParser):
    """Tags, attributes and nesting errors of a page."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr"})
    SELF = frozenset({"path", "use", "stop", "circle", "rect", "line", "polyline"})

    def __init__(self, text: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()


def test_the_page_is_well_formed_self_contained_and_escaped() -> None:
    text = render_evaluation(evaluation())
    page = Page(text)
    assert page.errors == [] and page.open == []
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names and "link" not in names
    assert "http://" not in text and "https://" not in text
    for tag, attrs in page.tags:
        for key in ("src", "href", "xlink:href"):
            assert attrs.get(key) is None or str(attrs[key]).startswith("#"), (tag, attrs)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)" in text
    assert names.count("svg") == 1 and text.startswith("<!DOCTYPE html>")
    assert '<html lang="id">' in text and 'lang="en"' in text


def test_the_page_is_byte_identical_in_another_process() -> None:
    here = render_evaluation(evaluation()).encode("utf-8")
    code = (
        "import sys; from tests.placement.reports.test_evaluation import evaluation; "
        "from placement.reports.evaluation import render_evaluation; "
        "sys.stdout.buffer.write(render_evaluation(evaluation()).encode('utf-8'))"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert here == there
    assert "Date" not in here.decode() and "dc:date" not in here.decode()


def test_the_chart_has_one_interval_per_estimated_event_year() -> None:
    svg = event_study_svg(evaluation())
    assert svg.startswith("<svg") and "xmlns" not in svg and "<metadata" not in svg
    # Six estimated event years (3 has none), drawn as six caps above and six below.
    assert svg.count('id="event-study') >= 1
    ticks = [t for t in ("−3", "−2", "−1", "0", "1", "2") if f">{t}<" in svg]
    assert ticks == ["−3", "−2", "−1", "0", "1", "2"] and ">3<" not in svg


def test_the_reading_claims_a_direction_only_where_the_interval_leaves_out_zero() -> None:
    reading = [indonesian for indonesian, _ in plain_reading(evaluation())]
    kms = next(r for r in reading if "jabatan KMS" in r)
    assert "menurunkan nilai SKP rata-rata 0,40 poin" in kms
    mms = next(r for r in reading if "jabatan MMS" in r)
    assert "tidak signifikan" in mms and "menaikkan" not in mms
    assert "menaikkan nilai SKP rata-rata 0,41 poin" in next(r for r in reading if "MS " in r)
    training = next(r for r in reading if "pelatihan dalam setahun" in r)
    assert "selisihnya +0,30 poin" in training and "tidak signifikan" not in training
    naive = next(r for r in reading if r.startswith("Perbandingan naif"))
    assert "bukan efek" in naive and "0,21 poin lebih rendah" in naive
    english = [en for _, en in plain_reading(evaluation())]
    assert any("lowered the SKP rating by 0.40 points" in en for en in english)


def test_without_an_overall_estimate_the_reading_says_so() -> None:
    thin = {**evaluation(), "att": estimate(None, moves=4)}
    assert plain_reading(thin) == [
        (
            "Belum cukup mutasi dalam riwayat untuk menaksir efeknya.",
            "The history holds too few moves to estimate their effect.",
        )
    ]
    assert "Belum cukup mutasi" in render_evaluation(thin)


def test_a_pre_move_trend_is_read_as_a_caution() -> None:
    trend = {**evaluation(), "warnings": ["pre-move trend: the leads differ (p = 0.001)"]}
    assert any(i.startswith("Perhatian") for i, _ in plain_reading(trend))


@pytest.fixture
def forecast() -> dict[str, Any]:
    interval = {"estimate": -0.05, "se": 0.02, "ci_low": -0.0892, "ci_high": -0.0108}
    better = {"estimate": 0.02, "se": 0.02, "ci_low": -0.0192, "ci_high": 0.0592}
    change = {"estimate": 0.07, "se": 0.01, "ci_low": 0.0504, "ci_high": 0.0896}
    worst = {
        "nip": "199001012015011001",
        "from_position": "A-1",
        "to_position": "B-<2>",
        "jpm_category": "KMS",
        "prior_tenure": ">60",
        "training_listed": True,
        "without_training": -0.45,
        "with_training": -0.15,
    }
    return {
        "outcome": "rating_points",
        "moves": 40,
        "training_listed": 12,
        "without_training": interval,
        "with_training": better,
        "training_change": change,
        "by_category": {"MS": 10, "MMS": 20, "KMS": 10, "unknown": 0},
        "worst": [worst],
        "warnings": [],
    }


def test_the_forecast_shows_both_training_cases_and_the_worst_moves(
    forecast: dict[str, Any],
) -> None:
    text = render_evaluation(evaluation(), forecast)
    assert Page(text).errors == []
    assert 'id="forecast"' in text
    assert "−0,05 poin tanpa pelatihan" in text and "+0,02 poin bila daftar pelatihan" in text
    assert "12 pegawai" in text and "B-&lt;2&gt;" in text and "−0,45" in text
    assert "sebesar +0,07" in text
    assert 'id="forecast"' not in render_evaluation(evaluation())
