"""The contract's month count: the scalar and the array form agree everywhere."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from placement.contract.calendar import months_between, months_between_arrays

DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


@given(st.lists(st.tuples(DATES, DATES), min_size=1, max_size=20))
def test_the_array_form_counts_the_same_months_as_the_scalar_form(
    pairs: list[tuple[dt.date, dt.date]],
) -> None:
    def parts(dates: list[dt.date]) -> list[np.ndarray]:
        return [
            np.array([getattr(d, f) for d in dates], dtype=np.int64)
            for f in ("year", "month", "day")
        ]

    starts, ends = [a for a, _ in pairs], [b for _, b in pairs]
    counted = months_between_arrays(*parts(starts), *parts(ends))
    assert counted.tolist() == [months_between(a, b) for a, b in pairs]
