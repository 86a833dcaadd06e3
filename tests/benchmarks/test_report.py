"""The results report: rendered from the suites' results files, whatever else their folder holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from benchmarks.report import RESULTS_DIR, load_results, render


def test_the_report_reads_every_suite_and_ignores_the_committed_ratios(tmp_path: Path) -> None:
    for path in RESULTS_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    assert (tmp_path / "ratios.json").is_file()
    results = load_results(tmp_path)
    suites = {p.stem for p in RESULTS_DIR.glob("*.json") if "machine" in json.loads(p.read_text())}
    assert set(results) == suites and "ratios" not in results
    text = render(results)
    for suite in suites:
        assert f"## {suite}" in text
