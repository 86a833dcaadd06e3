"""Validation of raw text tables on its own, without any file form in front of it."""

from __future__ import annotations

import pandas as pd
import pytest

from placement.contract.validation import validate_tables
from placement.errors import DatasetError, Problem

ANI = "199001012015011001"


def raw(rows: list[dict[str, str]]) -> pd.DataFrame:
    """A raw text table as the readers hand it over: text cells, rows numbered from 1."""
    return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1), dtype=object)


def test_text_tables_become_a_validated_dataset_with_defaults() -> None:
    dataset = validate_tables(
        {
            "employees": raw([{"nip": ANI, "grade": "iii/a", "position_id": "P1"}]),
            "positions": raw([{"position_id": "P1", "unit": "U1", "job_class": "pelaksana"}]),
        },
        [],
    )
    employee = dataset.employees.iloc[0]
    assert (employee["grade"], employee["status"]) == ("III/a", "PNS")
    assert dataset.positions.iloc[0]["job_class"] == "PELAKSANA"


def test_problems_the_readers_found_are_kept_and_a_missing_table_is_added() -> None:
    earlier = Problem("positions", 3, "unit", "the row is not an object")
    with pytest.raises(DatasetError) as info:
        validate_tables({"employees": raw([{"nip": ANI, "grade": "III/a"}])}, [earlier])
    problems = info.value.problems
    assert earlier in problems
    assert ("positions", None, None) in {(p.table, p.row, p.column) for p in problems}
