"""Tests of solvers: back-ends, methods and the portfolio."""
