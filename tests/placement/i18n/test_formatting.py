"""Numbers and dates for a reader, in Indonesian and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from placement.i18n import DEFAULT_LOCALE, LOCALES, format_date, format_decimal, format_integer


def test_indonesian_is_the_default_and_english_the_other_locale() -> None:
    assert DEFAULT_LOCALE == "id" and LOCALES == ("id", "en")


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [(0, "0", "0"), (287692, "287.692", "287,692"), (-1234567, "-1.234.567", "-1,234,567")],
)
def test_integers_are_grouped_as_the_locale_groups_them(
    value: int, indonesian: str, english: str
) -> None:
    assert format_integer(value) == indonesian
    assert format_integer(value, "en") == english


@pytest.mark.parametrize(
    ("value", "places", "indonesian", "english"),
    [
        (95.15, 2, "95,15", "95.15"),
        ("100.00", 2, "100,00", "100.00"),
        ("76.925", 2, "76,93", "76.93"),  # half up, as plan.csv rounds JPM
        (Decimal("0.125"), 2, "0,13", "0.13"),
        (0.125, 2, "0,13", "0.13"),  # a float by its shortest text, not its binary value
        (1234.5, 1, "1.234,5", "1,234.5"),
        (2.5, 0, "3", "3"),
    ],
)
def test_decimals_have_fixed_places_rounded_half_up(
    value: float | str | Decimal, places: int, indonesian: str, english: str
) -> None:
    assert format_decimal(value, places) == indonesian
    assert format_decimal(value, places, "en") == english


def test_dates_are_written_in_the_locales_long_form() -> None:
    day = dt.date(2026, 7, 1)
    assert format_date(day) == "1 Juli 2026"
    assert format_date(day, "en") == "July 1, 2026"


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown locale 'fr'"):
        format_integer(1, "fr")
