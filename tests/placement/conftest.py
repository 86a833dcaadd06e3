"""Fixtures shared by the domain's tests: one Dask cluster on this machine for the tests that
run solves on Dask (started once, only when such a test runs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from placement.executors import DaskCluster


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[DaskCluster]:
    """A ``LocalCluster`` of two single-threaded worker processes."""
    cluster = DaskCluster("local", workers=2)
    yield cluster
    cluster.close()
