"""Run records: self-contained run directories that replay to the same bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from placement.cli import main
from placement.cli.exits import EXIT_OK
from placement.contract.readers import dataset_from_json, load_dataset
from placement.runs.record import dataset_rows, load_input
from tests.paths import EXAMPLE


def _run_dir(tmp_path: Path, policy: str = "policy.json") -> Path:
    out = tmp_path / "run"
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / policy), "--out", str(out),
                 "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    return out


def test_the_contract_json_form_of_a_dataset_loads_back_to_the_same_data() -> None:
    for form in (EXAMPLE, EXAMPLE / "example.xlsx", EXAMPLE / "example.json"):
        dataset = load_dataset(form)
        rows = json.loads(json.dumps(dataset_rows(dataset)), parse_int=str, parse_float=str)
        again = dataset_from_json(rows)
        for table in ("employees", "positions", "competencies", "requirements", "relations"):
            assert getattr(again, table).equals(getattr(dataset, table))


def test_the_recorded_input_is_the_canonical_form_and_loads_back_to_the_same_hash(
    tmp_path: Path,
) -> None:
    out = _run_dir(tmp_path)
    dataset = load_dataset(EXAMPLE)
    assert gzip.decompress((out / "input.json.gz").read_bytes()) == dataset.canonical
    assert load_input(out / "input.json.gz").sha256 == dataset.sha256


def test_solve_records_the_input_and_the_plan_hash(tmp_path: Path) -> None:
    out = _run_dir(tmp_path)
    record = json.loads((out / "run.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    assert (
        record["input_sha256"]
        == summary["input_sha256"]
        == load_input(out / "input.json.gz").sha256
    )
    assert record["policy"] == summary["policy"] and record["objective"] == 287692
    assert record["plan_sha256"] is not None
