"""Exact methods built on the back-ends: branch-and-bound, dual and LP bounds, column generation.

Packing branch-and-bound over flow, exact dual bounds from flow potentials, the
column-generated LP bound with reduced-cost fixing, and column generation for pure assignments
too large to list.
"""
