"""Exact methods built on the back-ends: branch-and-bound over flow, dual bounds, LP pricing and
column generation."""
