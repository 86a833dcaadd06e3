"""Tests of placement.analysis: explanations, fairness, scenarios and comparisons."""
