"""Runs on disk: the plan, gaps and summary formats, run records, and the run directory
(written, loaded back once for every caller, replayed)."""
