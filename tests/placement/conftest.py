"""Fixtures shared by the domain's tests: one Dask cluster on this machine for the tests that
run solves on Dask (started once, only when such a test runs), and English messages for the
tests that assert English texts (``pytestmark = pytest.mark.usefixtures("english")``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from placement.executors import DaskCluster
from placement.i18n import use_locale


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[DaskCluster]:
    """A ``LocalCluster`` of two single-threaded worker processes."""
    cluster = DaskCluster("local", workers=2)
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def english() -> Iterator[None]:
    """Messages rendered in English in the module's tests and in its module-scoped fixtures
    (Indonesian is the default)."""
    with use_locale("en"):
        yield
