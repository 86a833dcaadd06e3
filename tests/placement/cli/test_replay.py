"""``placement replay``: the verdict and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import main
from placement.cli.exits import EXIT_OK, EXIT_VIOLATIONS
from tests.paths import EXAMPLE


def _run_dir(tmp_path: Path) -> Path:
    out = tmp_path / "run"
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
                 "--out", str(out), "--quiet"])  # fmt: skip
    assert code == EXIT_OK
    return out


def test_replay_reports_a_tampered_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run_dir(tmp_path)
    record = json.loads((out / "run.json").read_text())
    record["plan_sha256"] = "0" * 64
    (out / "run.json").write_text(json.dumps(record))
    assert main(["replay", str(out), "--lang", "en"]) == EXIT_VIOLATIONS
    assert "DIFFERENT" in capsys.readouterr().out
