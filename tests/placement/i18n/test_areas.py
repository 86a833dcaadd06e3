"""Every message of the engine's areas (input problems, rule reasons, check violations,
explanations, diagnosis, analyses) renders in both locales, in that locale's own words."""

from __future__ import annotations

import string

import pytest

from placement.i18n import LOCALES, catalog, translate

AREAS = (
    "input.", "rule.", "engine.", "check.", "explain.", "diagnose.", "analysis.",
    "batch.", "error.", "runs.",
)  # fmt: skip


def _sample(key: str) -> dict[str, object]:
    """A value for each field of ``key``: a number where the text formats one, else a word."""
    fields = {}
    for locale in LOCALES:
        for _, name, spec, _ in string.Formatter().parse(catalog(locale)[key]):
            if name:
                fields[name] = "12.5" if spec and spec.startswith("d") else f"<{name}>"
    return fields


@pytest.mark.parametrize("area", AREAS)
def test_every_key_of_an_area_renders_in_both_locales(area: str) -> None:
    keys = sorted(k for k in catalog("id") if k.startswith(area))
    assert keys, area
    for key in keys:
        texts = {locale: translate(key, locale, **_sample(key)) for locale in LOCALES}
        for value in _sample(key).values():
            if str(value).startswith("<"):
                assert all(str(value) in text for text in texts.values()), key


@pytest.mark.parametrize("area", AREAS)
def test_an_area_is_translated_not_copied(area: str) -> None:
    """Most Indonesian texts differ from the English ones (a few are only fields or names)."""
    keys = [k for k in catalog("id") if k.startswith(area)]
    same = [k for k in keys if catalog("id")[k] == catalog("en")[k]]
    assert len(same) <= len(keys) // 5, same
