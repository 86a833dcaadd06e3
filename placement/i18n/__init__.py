"""Locale-aware formatting of what a person reads: numbers and dates in Indonesian or English.

The one place that knows how ``1234.5`` is written for a reader (``1.234,5`` in Indonesian,
``1,234.5`` in English), built on Babel's CLDR data rather than hand-written separators.
Message catalogs will join it here.
"""

from placement.i18n.formatting import (
    DEFAULT_LOCALE,
    LOCALES,
    format_date,
    format_decimal,
    format_integer,
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "format_date", "format_decimal", "format_integer"]
