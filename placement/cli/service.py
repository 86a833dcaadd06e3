"""The HTTP service's commands (``serve``, ``keys``, ``audit``), which live with the service in
:mod:`api.cli`; imported only inside these functions, so the engine never depends on it."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the service's commands to the CLI's subparsers."""
    from api.cli import register as register_service_commands

    register_service_commands(subparsers)


def run(args: argparse.Namespace) -> int:
    """Run one of the service's commands; return the exit status."""
    from api.cli import run as run_service_command

    return run_service_command(args)
