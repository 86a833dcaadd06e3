"""Tests of solvers.backends: each back-end and its time limit."""
