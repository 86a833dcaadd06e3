"""Run a back-end in a child process so that a time limit holds whatever the engine does.

Some engines overrun their own limits by minutes. The child gets the model, solves it with the
remaining budget, and streams every improving solution back through a pipe; the parent stops
waiting at the deadline plus a short grace, ends the child's whole process group (which also
ends an engine running as a subprocess of the child, such as CBC) and returns the best
solution received. Processes are started with ``forkserver`` (``spawn`` where that is not
available), never plain ``fork``, so a multi-threaded parent is safe. As with any such start
method, a script that calls the solvers must guard its entry point with
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import Any

import numpy as np

from solvers.backends import backend
from solvers.backends.common import ProgressCallback, min_bound
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result, Status

_log = logging.getLogger(__name__)
#: seconds to wait beyond the deadline for the engine's own answer, plus a share of the limit.
GRACE_S = 1.0
GRACE_SHARE = 0.05
_JOIN_S = 5.0
_ENGINE_MODULES = ("highspy", "ortools.sat.python.cp_model", "pulp")


def grace_s(time_limit_s: float) -> float:
    """How long past ``time_limit_s`` the parent waits for the child's own answer."""
    return GRACE_S + GRACE_SHARE * time_limit_s


def solve_in_child(
    name: str,
    model: AssignmentModel,
    *,
    time_limit_s: float,
    seed: int | None,
    warm_start: BoolArray | None,
    on_progress: ProgressCallback | None,
) -> Result:
    """Solve with back-end ``name`` in a child process, returning within the limit plus grace.

    Returns the child's result when it arrives in time; otherwise the best solution streamed so
    far (FEASIBLE) or TIMEOUT_NO_SOLUTION, with the best bound seen.

    Raises
    ------
    SolverError
        When the back-end raised in the child, or the child died without any solution.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s + grace_s(time_limit_s)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child_main,
        args=(sender, name, model, time.time() + time_limit_s, seed, warm_start),
        name=f"solvers-{name}",
        daemon=True,
    )
    proc.start()
    sender.close()

    best: BoolArray | None = None
    best_objective: int | None = None
    bound: int | None = None
    final: Result | None = None
    error = ""
    ended_early = False
    try:
        while True:
            wait = deadline - time.perf_counter()
            if wait <= 0 or not receiver.poll(wait):
                break
            try:
                kind, payload = receiver.recv()
            except EOFError:
                ended_early = True
                break
            if kind == "incumbent":
                picked, objective, inc_bound = payload
                if best_objective is None or objective > best_objective:
                    best = np.zeros(model.n_pairs, dtype=np.bool_)
                    best[picked] = True
                    best_objective = objective
                bound = min_bound(bound, inc_bound)
            elif kind == "progress":
                bound = min_bound(bound, payload[1])
                if on_progress is not None:
                    on_progress(payload[0], payload[1], time.perf_counter() - started)
            elif kind == "result":
                final = payload
                break
            else:
                error = str(payload)
                break
    finally:
        _stop(proc)
        receiver.close()

    runtime_s = time.perf_counter() - started
    if error:
        raise SolverError(error)
    if final is not None:
        return replace(final, runtime_s=runtime_s)
    if best is None and ended_early:
        raise SolverError(f"the {name} process ended without an answer (exit code {proc.exitcode})")
    message = "engine process ended early" if ended_early else "time limit reached"
    if best is not None and best_objective is not None:
        if not model.is_feasible(best):
            raise SolverError(f"{name} streamed a selection that violates the model")
        return Result(
            status=Status.FEASIBLE,
            objective=best_objective,
            bound=bound,
            chosen=best,
            solver=name,
            runtime_s=runtime_s,
            message=message,
        )
    return Result(
        status=Status.TIMEOUT_NO_SOLUTION,
        objective=None,
        bound=bound,
        chosen=None,
        solver=name,
        runtime_s=runtime_s,
        message=message,
    )


@functools.cache
def _context() -> ForkServerContext | SpawnContext:
    """The process context: a fork server that has imported the engines, else spawn.

    The server imports the engines once (seconds); each child is then forked from it ready to
    solve. The server itself never solves, so it holds no solver threads when it forks.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__, *_ENGINE_MODULES])
    return ctx


def _stop(proc: Any) -> None:
    """End the child and everything it started."""
    if hasattr(os, "killpg"):
        # The child made itself a group leader; its pid names its group until it is reaped.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.is_alive():
        proc.kill()
    proc.join(_JOIN_S)
    if proc.is_alive():
        _log.warning("solver process %s did not end", proc.pid)


def _end_with(parent: Any) -> None:
    """Wait for the parent to end, then end this process group (no orphaned engines)."""
    parent.join()
    if hasattr(os, "killpg"):
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)


def _child_main(
    conn: Connection,
    name: str,
    model: AssignmentModel,
    deadline_epoch: float,
    seed: int | None,
    warm_start: BoolArray | None,
) -> None:
    """Entry point of the child process."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()

    def send(message: tuple[str, Any]) -> None:
        # The parent stops listening at its deadline or once it has what it needs; nothing
        # this process could still say matters then, so it ends quietly.
        try:
            conn.send(message)
        except (BrokenPipeError, ConnectionResetError):
            os._exit(0)

    def incumbent(chosen: BoolArray, objective: int, bound: int | None, _elapsed: float) -> None:
        send(("incumbent", (np.flatnonzero(chosen), objective, bound)))

    def progress(objective: int | None, bound: int | None, _elapsed: float) -> None:
        send(("progress", (objective, bound)))

    try:
        result = backend(name).solve(
            model,
            time_limit_s=max(0.01, deadline_epoch - time.time()),
            seed=seed,
            warm_start=warm_start,
            on_progress=progress,
            on_incumbent=incumbent,
        )
        send(("result", result))
    except Exception as exc:
        send(("error", f"{name}: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()
