"""Tests of solvers.methods: dual bounds, the LP bound and reduced-cost fixing."""
