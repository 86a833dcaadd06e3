"""Synthetic datasets: the deterministic generator of a Binjai-like city government."""
