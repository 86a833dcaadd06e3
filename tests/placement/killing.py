"""Dask worker plugins that kill their worker process mid-task once, for the tests that prove a
lost worker loses no work and leaves no half-written output."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin

from placement.executors import DaskCluster


def first_to_claim(marker: str, text: str) -> bool:
    """Create ``marker`` holding ``text`` unless it exists; True for the one caller that created
    it (atomic: two workers starting their first tasks at the same moment must not both die)."""
    try:
        descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return True


class KillOnce(WorkerPlugin):
    """Kills the worker process (SIGKILL) the first time any worker starts executing a task:
    ``marker`` records that it happened."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        """Kill this process when a task starts executing, unless a worker was killed already."""
        if finish == "executing" and first_to_claim(self.marker, str(os.getpid())):
            os.kill(os.getpid(), signal.SIGKILL)


class KillWhileWriting(WorkerPlugin):
    """Kills the worker process (SIGKILL) the first time any worker has written a run
    directory's files but not yet put the directory in its place: ``marker`` records that it
    happened."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def setup(self, worker: Any) -> None:
        """Make this worker's run-directory writer die once, after writing the files."""
        from placement.batch import runs

        real = runs.write_outputs
        marker = self.marker

        def write_then_die(solution: Any, out_dir: Any) -> Any:
            written = real(solution, out_dir)
            if first_to_claim(marker, str(out_dir)):
                os.kill(os.getpid(), signal.SIGKILL)
            return written

        runs.write_outputs = write_then_die


@contextmanager
def killing_cluster(plugin: WorkerPlugin, *, shared_storage: bool = False) -> Iterator[DaskCluster]:
    """An executor on a fresh local cluster of two single-threaded worker processes, each
    carrying ``plugin``."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(plugin)
        executor = DaskCluster(cluster.scheduler_address, shared_storage=shared_storage)
        try:
            yield executor
        finally:
            executor.close()
