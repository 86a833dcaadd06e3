"""Date arithmetic of the contract (CONTRACT §2): whole calendar months and retirement.

These are the single definition of "months" and of the retirement date that the rest of the
engine follows: the month count comes in a scalar form over :class:`datetime.date` (the checker)
and an array form over year, month and day columns (the vectorised rules), side by side so the
two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from placement.contract.enums import DEFAULT_RETIREMENT_AGE, RETIREMENT_AGE


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier).

    ``(y2 - y1) * 12 + (m2 - m1) - (1 if d2 < d1 else 0)``, so 2021-07-01 to 2026-07-01 is 60
    months and 2021-07-02 to 2026-07-01 is 59.
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def months_between_arrays(
    y1: npt.NDArray[np.int64],
    m1: npt.NDArray[np.int64],
    d1: npt.NDArray[np.int64],
    y2: npt.NDArray[np.int64],
    m2: npt.NDArray[np.int64],
    d2: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """:func:`months_between` elementwise, from date 1 (``y1, m1, d1``) to date 2 (``y2, m2, d2``).

    The same formula over integer arrays of years, months and days, so the rules can count
    tenure and time to retirement for every candidate pair in one pass.
    """
    months: npt.NDArray[np.int64] = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1).astype(np.int64)
    return months


def retirement_age(job_class: str) -> int:
    """Retirement age (BUP) of a position's job class: 60 for JPT and JF Ahli Madya, 65 for
    JF Ahli Utama, 58 otherwise."""
    return RETIREMENT_AGE.get(job_class, DEFAULT_RETIREMENT_AGE)


def retirement_date(birth_date: dt.date, job_class: str) -> dt.date:
    """First day of the month after the birthday at the retirement age of ``job_class``."""
    return retirement_date_at_age(birth_date, retirement_age(job_class))


def retirement_date_at_age(birth_date: dt.date, age: int) -> dt.date:
    """First day of the month after the birthday at ``age``."""
    year = birth_date.year + age
    if birth_date.month == 12:
        return dt.date(year + 1, 1, 1)
    return dt.date(year, birth_date.month + 1, 1)


def to_date(value: object) -> dt.date | None:
    """A date from a pandas cell: ``Timestamp``, ``datetime``, ``date``; ``None`` when missing.

    ``NaT``, ``None``, ``NaN`` and ``pd.NA`` are missing.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")
