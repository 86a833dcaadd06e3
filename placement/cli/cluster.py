"""The ``--cluster``/``--workers`` options of the commands that solve many problems at once, and
the progress bar they show while the runs come back."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from placement.batch.runs import FAILED
from placement.cli.exits import EXIT_ERROR, EXIT_OK
from placement.cli.options import add_output_options, positive_int
from placement.executors import Executor, open_executor
from placement.i18n import t

R = TypeVar("R")


def add_cluster_options(p: argparse.ArgumentParser, *, shared_storage: bool = False) -> None:
    """Add ``--cluster``, ``--workers``, ``--json`` and ``--quiet``, and ``--shared-storage``
    for a command whose workers can read and write the caller's files themselves."""
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help=t("cli.cluster.cluster"),
    )
    if shared_storage:
        p.add_argument(
            "--shared-storage", action="store_true", help=t("cli.cluster.shared_storage")
        )
    else:
        p.set_defaults(shared_storage=False)
    p.add_argument("--workers", type=positive_int, help=t("cli.cluster.workers", default=2))
    add_output_options(p, json_help=t("cli.cluster.json"), quiet_help=t("cli.cluster.quiet"))


@contextlib.contextmanager
def executor_for(args: argparse.Namespace) -> Iterator[Executor]:
    """The executor the options ask for, closed on exit.

    Dask logs every connection and cancelled key at INFO; a command shows them only with
    ``--verbose``.
    """
    if args.cluster is not None:
        # Importing distributed sets its loggers' levels: import first, then quieten.
        with contextlib.suppress(ImportError):
            importlib.import_module("distributed")
        verbose = bool(getattr(args, "verbose", False))
        logging.getLogger("distributed").setLevel(logging.DEBUG if verbose else logging.WARNING)
    shared = True if args.shared_storage else None  # else each executor's own default
    executor = open_executor(args.cluster, args.workers, shared_storage=shared)
    try:
        yield executor
    finally:
        executor.close()


@contextlib.contextmanager
def progress_bar(
    console: Console, total: int, what: str, *, quiet: bool
) -> Iterator[Callable[[str], None]]:
    """A bar advanced by one for each finished run (called with its status); nothing when
    ``quiet`` or not on a terminal."""
    if quiet or not console.is_terminal:
        yield lambda _status: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(t("cli.cluster.without_plan", failed="{task.fields[failed]}")),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(what, total=total, failed=0)
        failed = 0

        def advance(status: str) -> None:
            nonlocal failed
            if status not in ("OPTIMAL", "FEASIBLE"):
                failed += 1
            progress.update(task, advance=1, failed=failed)

        yield advance


def run_batch(
    args: argparse.Namespace,
    count: int,
    announce: Callable[[str], str],
    bar: str,
    solve: Callable[[Executor, Callable[[Any], None]], R],
) -> R:
    """``solve(executor, done)`` on the executor the options ask for, announcing it with
    ``announce(executor.description)`` and advancing a bar of ``count`` steps each time ``done``
    is called with a finished batch run (``--quiet`` and ``--json`` show neither)."""
    console = Console(stderr=True)
    with executor_for(args) as executor:
        quiet = args.quiet or args.json
        if not quiet:
            console.print(announce(executor.description), markup=False, highlight=False)
        with progress_bar(console, count, bar, quiet=quiet) as advance:
            return solve(executor, lambda finished: advance(finished.run.status))


def finish(
    runs: Sequence[Any], written: list[Path], *, as_json: bool, name: Callable[[Any], str]
) -> int:
    """Print what a batch command produced — the table as JSON, or each run that failed or
    had no plan (named by ``name``) and the files written — and return its exit status: 1 when
    any run failed with an error, else 0."""
    if as_json:
        print(written[1].read_text(encoding="utf-8"), end="")
    else:
        for r in runs:
            if r.run.error:
                print(
                    t(
                        "cli.cluster.failed_run",
                        name=name(r),
                        status=r.run.status,
                        error=r.run.error,
                    )
                )
        for path in written:
            print(t("cli.wrote", path=str(path)))
    return EXIT_ERROR if any(r.run.status == FAILED for r in runs) else EXIT_OK
