"""Message catalogs: rendering by locale, scoping, Accept-Language, and complete catalogs."""

from __future__ import annotations

import datetime as dt
import re
import string
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from placement.i18n import (
    LOCALES,
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

ROOT = Path(__file__).resolve().parents[3]
# A literal key handed to the catalog functions anywhere in the code.
KEY_USE = re.compile(r"""\b(?:t|translate|Message)\(\s*["']([a-z0-9_.]+[a-z0-9_])["']""")


def test_the_default_locale_is_indonesian_and_english_is_on_request() -> None:
    assert current_locale() == "id"
    assert t("locale.name") == "Bahasa Indonesia"
    assert translate("locale.name", "en") == "English"
    with use_locale("en"):
        assert t("locale.name") == "English"
        with use_locale(None):
            assert current_locale() == "en"
    assert current_locale() == "id"


def test_a_thread_starts_in_the_default_locale_not_its_creators() -> None:
    seen: list[str] = []
    with use_locale("en"):
        worker = threading.Thread(target=lambda: seen.append(current_locale()))
        worker.start()
        worker.join()
    assert seen == ["id"]


def test_values_are_formatted_for_the_locale_by_type() -> None:
    template = "{n} | {x} | {x:d1} | {year:raw} | {day} | {items} | {inner}"
    params = {
        "n": 1234567,
        "x": Decimal("95.145"),
        "year": 2026,
        "day": dt.date(2026, 7, 1),
        "items": ["R01", 1500],
        "inner": Message("locale.name"),
    }
    assert render_template(template, "id", **params) == (
        "1.234.567 | 95,15 | 95,1 | 2026 | 1 Juli 2026 | R01, 1.500 | Bahasa Indonesia"
    )
    assert render_template(template, "en", **params) == (
        "1,234,567 | 95.15 | 95.1 | 2026 | July 1, 2026 | R01, 1,500 | English"
    )


def test_a_kept_message_renders_in_the_readers_locale() -> None:
    message = Message("locale.name")
    assert message.render("en") == "English"
    assert str(message) == "Bahasa Indonesia"
    with use_locale("en"):
        assert str(message) == "English"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("id", "id"), ("en", "en"), ("en-US", "en"), ("id_ID", "id"), (" EN-gb ", "en")],
)
def test_regional_forms_resolve_to_their_language(given: str, expected: str) -> None:
    assert resolve_locale(given) == expected


def test_an_unknown_language_or_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        resolve_locale("fr")
    with pytest.raises(ValueError, match="expected one of id, en"):
        translate("locale.name", "jv")
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "id"),
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.8, id;q=0.9", "id"),
        ("fr, de;q=0.5", "id"),
        ("*", "id"),
        ("en;q=0, id", "id"),
        ("en;q=abc, en-GB;q=0.1", "en"),
        ("de;q=1, en;q=0.2", "en"),
    ],
)
def test_accept_language_picks_the_best_locale(header: str | None, expected: str) -> None:
    assert locale_from_accept_language(header) == expected


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_locale_translates_the_same_keys_with_the_same_fields() -> None:
    reference = catalog("id")
    for locale in LOCALES:
        texts = catalog(locale)
        assert set(texts) == set(reference), locale
        for key, text in texts.items():
            assert text.strip(), (locale, key)
            assert _fields(text) == _fields(reference[key]), (locale, key)


def test_every_key_the_code_uses_is_in_every_catalog() -> None:
    used: dict[str, str] = {}
    for package in ("placement", "api", "solvers"):
        for path in (ROOT / package).rglob("*.py"):
            for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                used.setdefault(key, str(path.relative_to(ROOT)))
    for locale in LOCALES:
        missing = {key: where for key, where in used.items() if key not in catalog_keys(locale)}
        assert not missing, (locale, missing)
