"""The sweep page: Pareto fronts computed exactly, charts drawn as inline SVG, the same table
always rendering the same bytes, and every value escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from placement.i18n import use_locale
from placement.reports.sweep import pareto_front, scatter_svg, sweep_html

NAN = float("nan")


def test_the_pareto_front_keeps_the_points_nothing_beats() -> None:
    cost = np.array([1, 2, 2, 3, 4, NAN, 1])
    gain = np.array([5, 7, 6, 7, 9, 10, 5])
    assert pareto_front(cost, gain).tolist() == [True, True, False, False, True, False, True]


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=30))
def test_no_pareto_point_is_dominated_and_every_other_point_is(
    points: list[tuple[int, int]],
) -> None:
    cost = np.array([p[0] for p in points], dtype=np.float64)
    gain = np.array([p[1] for p in points], dtype=np.float64)
    front = pareto_front(cost, gain)
    for i in range(len(points)):
        beaten = any(
            cost[j] <= cost[i] and gain[j] >= gain[i] and (cost[j] < cost[i] or gain[j] > gain[i])
            for j in range(len(points))
        )
        assert front[i] == (not beaten)
    assert front.any()


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "point": [1, 2, 3],
            "label": ["max_moves=1", "max_moves=2", "<b>x</b>"],
            "max_moves": [1, 2, 3],
            "objective": [10, 20, None],
            "status": ["OPTIMAL", "OPTIMAL", "REFUSED"],
            "moves": [1, 2, None],
            "vacancies_filled": [0, 1, None],
            "mean_jpm_after": [80.5, 82.0, None],
            "MS_after": [1, 2, None],
            "MMS_after": [0, 0, None],
            "KMS_after": [0, 0, None],
            "preferences_met": [0, 1, None],
            "expected_skp_effect": [None, None, None],
            "pareto": [True, True, False],
            "error": [None, None, "changes, row 1: <refused>"],
        },
        dtype=object,
    )


def test_the_page_has_the_trade_off_charts_and_escapes_every_value() -> None:
    with use_locale("en"):
        page = sweep_html(_table(), settings=["max_moves"], title="A & B")
    assert page.count("<svg") == 4  # three trade-offs and max_moves against the objective
    assert "<title>A &amp; B</title>" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "&lt;refused&gt;" in page
    assert "1 point(s) without a plan" in page


def test_the_same_table_renders_the_same_bytes() -> None:
    assert sweep_html(_table(), settings=["max_moves"], title="t") == sweep_html(
        _table(), settings=["max_moves"], title="t"
    )


def test_a_chart_without_any_complete_point_is_left_out() -> None:
    table = _table().assign(moves=[None, None, None])
    assert scatter_svg(table, "moves", "objective") is None
    assert sweep_html(table, settings=[], title="t").count("<svg") == 0
