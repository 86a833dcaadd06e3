"""Tests of placement.contract: readers, validation, calendar and policy."""
