"""Locale-aware formatting of what a person reads: numbers and dates in Indonesian or English.

The one place that knows how ``1234.5`` is written for a reader (``1.234,5`` in Indonesian,
``1,234.5`` in English), built on Babel's CLDR data rather than hand-written separators.
The message catalogs (:mod:`placement.i18n.messages`) render every text in the reader's locale.
"""

from placement.i18n.formatting import (
    DEFAULT_LOCALE,
    LOCALES,
    format_date,
    format_decimal,
    format_integer,
)
from placement.i18n.messages import (
    Message,
    catalog,
    catalog_keys,
    current_locale,
    locale_from_accept_language,
    render_template,
    resolve_locale,
    t,
    translate,
    use_locale,
)

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "Message",
    "catalog",
    "catalog_keys",
    "current_locale",
    "format_date",
    "format_decimal",
    "format_integer",
    "locale_from_accept_language",
    "render_template",
    "resolve_locale",
    "t",
    "translate",
    "use_locale",
]
