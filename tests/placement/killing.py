"""A Dask worker plugin that kills its worker process mid-task once, for the tests that prove a
lost worker loses no work."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin


class KillOnce(WorkerPlugin):
    """Kills the worker process (SIGKILL) the first time any worker starts executing a task:
    ``marker`` records that it happened."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        """Kill this process when a task starts executing, unless a worker was killed already."""
        if finish == "executing" and not os.path.exists(self.marker):
            Path(self.marker).write_text(str(os.getpid()), encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
