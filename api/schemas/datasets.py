"""Bodies of ``/v1/datasets``."""

from __future__ import annotations

import datetime as dt

from api.schemas.common import Out


class DatasetOut(Out):
    """A stored dataset: its id, row counts and the sha256 of its canonical form."""

    id: str
    sha256: str
    counts: dict[str, int]
    created_at: dt.datetime
    created_by: str


class DatasetList(Out):
    """Datasets, newest first; ``next_cursor`` continues the listing (None on the last page)."""

    datasets: list[DatasetOut]
    next_cursor: str | None = None
