"""The key figures that need no solved run: JPM bins, categories and stripped units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.reports.kpis import jpm_bins, jpm_categories, mean_jpm, units_stripped


def test_jpm_bins_are_exact_at_the_bin_edges() -> None:
    # 100·N/D: 0, 9.99…, 10, 79.99…, 80, 99.99…, 100
    num = np.array([0, 999, 1, 7999, 4, 9999, 1], dtype=np.int64)
    den = np.array([1, 10000, 10, 10000, 5, 10000, 1], dtype=np.int64)
    assert jpm_bins(num, den) == [2, 1, 0, 0, 0, 0, 0, 1, 1, 2]


def test_jpm_categories_are_exact_at_68_and_80() -> None:
    # 100·N/D: 67.99…, 68, 79.99…, 80
    num = np.array([6799, 17, 7999, 4], dtype=np.int64)
    den = np.array([10000, 25, 10000, 5], dtype=np.int64)
    assert jpm_categories(num, den) == {"MS": 1, "MMS": 2, "KMS": 1}


def test_the_mean_jpm_of_nobody_is_none() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert mean_jpm(empty, empty) is None


def test_a_unit_is_stripped_when_more_than_half_of_its_holders_leave_it() -> None:
    plan = pd.DataFrame(
        {
            "from_unit": ["A", "A", "A", "B", "B", ""],
            "to_unit": ["C", "", "A", "B", "C", "A"],
        }
    )
    assert units_stripped(plan) == 1
