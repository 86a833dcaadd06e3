"""The ``placement`` command line as a whole: every command is registered and has help."""

from __future__ import annotations

import subprocess
import sys

import pytest

from placement.cli import COMMANDS, main


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help", "--lang", "en"])
    assert exit_info.value.code == 0
    assert "usage: placement" in capsys.readouterr().out


def test_importing_the_command_line_loads_neither_the_service_nor_the_benchmarks() -> None:
    code = (
        "import sys, placement.cli; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('api', 'benchmarks')]; "
        "sys.exit(1 if loaded else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
