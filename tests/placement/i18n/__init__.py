"""Tests of placement.i18n: numbers and dates formatted for a locale."""
