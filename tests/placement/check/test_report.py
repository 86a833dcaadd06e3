"""Plan cells as text: the column-wise conversion agrees with the cell-by-cell one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placement.check.report import cell_text, column_text

TEXTS = [
    "198001012005011001",
    " 198001012005011002",
    "198001012005011003\t",
    "\u00a0P-001 ",
    "P-001",
    "a\0 b",
    " ",
    "",
    "198001012005011001",
]


@pytest.mark.parametrize("column", ["nip", "to_position"])
@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_text_columns_are_stripped_cell_by_cell_alike(dtype: object, column: str) -> None:
    series = pd.Series([*TEXTS, None], dtype=dtype)  # type: ignore[call-overload]
    got = column_text(series, column).tolist()
    assert got == [cell_text(v, column) for v in series.tolist()]
    assert got[:6] == [
        "198001012005011001",
        "198001012005011002",
        "198001012005011003",
        "P-001",
        "P-001",
        "a\0 b",
    ]
    assert got[6:] == ["", "", "198001012005011001", ""]


def test_a_column_of_distinct_digits_keeps_every_cell() -> None:
    nips = [f"{19800101200501 * 10_000 + i}" for i in range(2_000)]
    series = pd.Series(nips, dtype="str")
    assert np.array_equal(column_text(series, "nip"), np.array(nips, dtype=object))


@pytest.mark.parametrize("dtype", ["bool", "boolean"])
def test_bool_columns_are_spelled_true_and_false(dtype: str) -> None:
    series = pd.Series([True, False, False, True], dtype=dtype)
    got = column_text(series, "moved")
    assert got.tolist() == ["true", "false", "false", "true"]
    got[0] = "changed"
    assert column_text(series, "moved")[0] == "true"
