"""Numbers and dates formatted for a locale (``id`` or ``en``) with Babel.

Decimals are rounded half up, as the contract rounds JPM (CONTRACT §5), never half to even, so a
figure reads the same in a report as in plan.csv. Unknown locales are refused rather than
silently falling back, so that a typo in a setting is found at once.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from decimal import Decimal
from typing import Final

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

__all__ = ["DEFAULT_LOCALE", "LOCALES", "format_date", "format_decimal", "format_integer"]

#: The locales a person may read: Indonesian, the default, and English.
LOCALES: Final = ("id", "en")
DEFAULT_LOCALE: Final = "id"


@functools.cache
def _locale(name: str) -> Locale:
    if name not in LOCALES:
        raise ValueError(f"unknown locale {name!r} (expected one of {', '.join(LOCALES)})")
    return Locale.parse(name)


def format_integer(value: int, locale: str = DEFAULT_LOCALE) -> str:
    """``value`` with the locale's digit grouping: ``1.234.567`` (id), ``1,234,567`` (en)."""
    return _integer(int(value), locale)


def format_decimal(
    value: float | Decimal | str, places: int = 2, locale: str = DEFAULT_LOCALE
) -> str:
    """``value`` with exactly ``places`` decimals, rounded half up, in the locale's form:
    ``95,15`` (id), ``95.15`` (en).

    A ``str`` or :class:`~decimal.Decimal` is taken exactly (``"76.925"`` rounds to ``76,93``);
    a float is taken as its shortest decimal text, so ``0.125`` is ``0,13``.
    """
    text = (
        value
        if isinstance(value, str)
        else str(value)
        if isinstance(value, Decimal)
        else repr(value)
    )
    return _decimal(text, places, locale)


def format_date(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A date in the locale's long form: ``1 Juli 2026`` (id), ``July 1, 2026`` (en)."""
    return babel_dates.format_date(value, format="long", locale=_locale(locale))


# A report formats tens of thousands of numbers, most of them repeated (scores, ranks, JPM with
# two decimals); Babel takes tens of microseconds for each, so results are remembered.
@functools.lru_cache(maxsize=1 << 16)
def _integer(value: int, locale: str) -> str:
    return babel_numbers.format_decimal(value, format="#,##0", locale=_locale(locale))


@functools.lru_cache(maxsize=1 << 16)
def _decimal(text: str, places: int, locale: str) -> str:
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        rounded = Decimal(text).quantize(Decimal(1).scaleb(-places))
    return babel_numbers.format_decimal(
        rounded, format=pattern, locale=_locale(locale), decimal_quantization=True
    )
