"""The service as a real subprocess (``python -m api.cli serve``), for the tests that kill it,
starve it or read what it writes to its logs."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from tests.api.fixtures import ROOT, cli_env, reserved_port


@contextlib.contextmanager
def server_process(
    database_url: str,
    *,
    log: Path | None = None,
    file_size_limit: int | None = None,
    **env: str,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start the service in its own process group; yield the process and its URL.

    Parameters
    ----------
    log
        File that receives the process's stdout and stderr (else they are discarded).
    file_size_limit
        RLIMIT_FSIZE of the process, in bytes: a write beyond it fails as on a full disk.
    env
        Extra ``PLACEMENT_*`` variables.
    """
    preexec: Callable[[], None] | None = None
    if file_size_limit is not None:
        limit = file_size_limit

        def preexec() -> None:
            # Writes past the limit fail with EFBIG instead of killing the process.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with contextlib.ExitStack() as cleanup:
        sink = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
        if not isinstance(sink, int):
            cleanup.callback(sink.close)
        # The port stays reserved until the server listens on it.
        with reserved_port() as port:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=cli_env(database_url, **env),
                stdout=sink,
                stderr=sink,
                start_new_session=True,
                preexec_fn=preexec,
            )
            cleanup.callback(terminate, proc)
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, "the server exited at start-up"
                assert time.monotonic() < deadline, "the server did not start"
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
        yield proc, url


def terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it has not ended in 30 s; reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server's whole process group (solver children included) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
