"""Reading plan.csv back: the checker's text cells and the engine's typed plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from placement.errors import PlanFormatError
from placement.runs.formats import plan_csv_text, read_plan, read_plan_csv, read_previous
from tests.paths import EXAMPLE

pytestmark = pytest.mark.usefixtures("english")


def test_reading_a_missing_plan_file_raises_plan_format_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFormatError, match="not found"):
        read_plan_csv(tmp_path / "plan.csv")


def test_reading_a_plan_without_its_columns_raises_plan_format_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("nip,to_position\n1,A-01\n", encoding="utf-8")
    with pytest.raises(PlanFormatError, match=r"missing column.*from_position"):
        read_plan_csv(path)


def test_a_plan_read_back_typed_writes_the_same_text() -> None:
    text = (EXAMPLE / "plan.csv").read_text(encoding="utf-8")
    assert plan_csv_text(read_plan(text)) == text


def test_a_previous_plan_maps_every_nip_to_its_final_position() -> None:
    previous = read_previous(EXAMPLE / "plan.csv")
    cells = read_plan_csv(EXAMPLE / "plan.csv")
    assert previous == dict(zip(cells["nip"], cells["to_position"], strict=True))
    assert "" in previous.values()
