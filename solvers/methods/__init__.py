"""Exact methods built on the back-ends: packing branch-and-bound over flow, exact dual bounds,
the column-generated LP bound with reduced-cost fixing, and column generation for large pure
assignments."""
