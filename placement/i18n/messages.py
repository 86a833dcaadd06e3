"""Message catalogs: every text a person reads, in Indonesian (the default) or English.

A message is named by a stable key (``rule.R02.grade_above``) and rendered from the gettext
catalog of the reader's locale (``placement/i18n/locales/<locale>/LC_MESSAGES/*.po``, one file
per area — input, rules, cli, reports, service — read with Babel), so translators work in the
format their tools know and the code never holds a sentence. Keys, rule ids and machine-readable
fields never change with the locale; only the rendered text does.

Templates use named fields, ``{months}``; each value is formatted for the locale by its type —
``int`` with digit grouping (``1.234``), ``float``/``Decimal`` with two decimals (``95,15``),
``date`` in the long form (``1 Juli 2026``), a list joined by commas — or by an explicit
spec: ``{x:d1}`` one decimal, ``{x:d0}`` none, ``{x:raw}`` the value's own text (years, ids and
codes, which must never be grouped: pass them as ``str`` or use ``raw``).

Which locale applies is a context variable: the command line sets it from ``--lang``, the service
from each request's ``Accept-Language``; :func:`use_locale` scopes it, :func:`current_locale`
reads it. Code that renders later (a stored result read by someone else) keeps a
:class:`Message` and renders it with the reader's locale.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from placement.i18n.formatting import (
    DEFAULT_LOCALE,
    LOCALES,
    format_date,
    format_decimal,
    format_integer,
)

__all__ = [
    "CATALOG_DIR",
    "Message",
    "catalog",
    "catalog_keys",
    "current_locale",
    "locale_from_accept_language",
    "render_template",
    "resolve_locale",
    "t",
    "translate",
    "use_locale",
]

#: Where the gettext catalogs live: ``<locale>/LC_MESSAGES/<area>.po``, a key in one file only.
CATALOG_DIR: Final = Path(__file__).parent / "locales"

_LOCALE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "placement_locale", default=DEFAULT_LOCALE
)


def current_locale() -> str:
    """The locale messages are rendered in here and now (``id`` unless set)."""
    return _LOCALE.get()


@contextlib.contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Render messages in ``locale`` inside the block (``None`` keeps the current one)."""
    chosen = resolve_locale(locale) if locale is not None else current_locale()
    token = _LOCALE.set(chosen)
    try:
        yield chosen
    finally:
        _LOCALE.reset(token)


def resolve_locale(locale: str) -> str:
    """``locale`` as one of :data:`LOCALES`, accepting regional forms (``en-US``, ``id_ID``).

    Anything else is refused with the locales that exist, so that a typo is found at once.
    """
    base = locale.strip().replace("_", "-").split("-", 1)[0].lower()
    if base in LOCALES:
        return base
    raise ValueError(f"unknown language {locale!r} (expected one of {', '.join(LOCALES)})")


def locale_from_accept_language(header: str | None) -> str:
    """The best of :data:`LOCALES` for an HTTP ``Accept-Language`` header (RFC 9110 §12.5.4).

    Ranges are taken by quality (ties in their order); ``*`` or nothing acceptable gives the
    default, Indonesian. A malformed quality counts as 0 rather than failing the request.
    """
    if not header:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, order, tag.strip()))
    for _, _, tag in sorted(ranked):
        if tag == "*":
            return DEFAULT_LOCALE
        with contextlib.suppress(ValueError):
            return resolve_locale(tag)
    return DEFAULT_LOCALE


@functools.cache
def _catalog(locale: str) -> Mapping[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            parsed: Catalog = read_po(handle, locale=locale)
        for message in parsed:
            if not message.id:
                continue
            key = str(message.id)
            if key in texts:
                raise ValueError(f"{path}: message {key!r} is already in another catalog file")
            texts[key] = str(message.string)
    return texts


def catalog(locale: str) -> Mapping[str, str]:
    """The ``locale`` catalog: each key's template, unrendered (for completeness checks)."""
    return MappingProxyType(dict(_catalog(resolve_locale(locale))))


def catalog_keys(locale: str) -> frozenset[str]:
    """Every key the ``locale`` catalog translates."""
    return frozenset(_catalog(resolve_locale(locale)))


class _LocaleFormatter(string.Formatter):
    """``str.format`` whose fields are formatted for a locale (see the module's docstring)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "raw":
            return str(value)
        if format_spec.startswith("d") and format_spec[1:].isdigit():
            return format_decimal(value, int(format_spec[1:]), self.locale)
        if format_spec:
            return super().format_field(value, format_spec)
        if isinstance(value, bool) or value is None:
            return str(value)
        if isinstance(value, int):
            return format_integer(value, self.locale)
        if isinstance(value, float | Decimal):
            return format_decimal(value, 2, self.locale)
        if isinstance(value, dt.datetime):
            return format_date(value.date(), self.locale)
        if isinstance(value, dt.date):
            return format_date(value, self.locale)
        if isinstance(value, Message):
            return value.render(self.locale)
        if isinstance(value, Sequence) and not isinstance(value, str):
            return ", ".join(self.format_field(item, "") for item in value)
        return str(value)


def translate(key: str, locale: str | None = None, /, **params: Any) -> str:
    """The message ``key`` in ``locale`` (the current one by default) with ``params`` filled in.

    A key missing from the catalog is a programming error and raises :class:`KeyError` (a test
    checks that every key the code uses exists in every catalog), never shows the raw key.
    """
    chosen = current_locale() if locale is None else resolve_locale(locale)
    return render_template(_catalog(chosen)[key], chosen, **params)


def render_template(template: str, locale: str, /, **params: Any) -> str:
    """``template`` with ``params`` formatted for ``locale`` as a catalog text would be."""
    return _LocaleFormatter(resolve_locale(locale)).format(template, **params)


def t(key: str, /, **params: Any) -> str:
    """The message ``key`` in the current locale: the short form used throughout the code."""
    return translate(key, None, **params)


@dataclass(frozen=True, slots=True)
class Message:
    """A message kept unrendered, for text that someone reads later in their own language."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, locale: str | None = None) -> str:
        """The text in ``locale`` (the current one by default)."""
        return translate(self.key, locale, **self.params)

    def __str__(self) -> str:
        return self.render()
