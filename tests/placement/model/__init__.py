"""Tests of placement.model: rules and diagnosis."""
