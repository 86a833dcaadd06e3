"""Tests of placement.reports: key figures, HTML report, figures, decree and escaping."""
