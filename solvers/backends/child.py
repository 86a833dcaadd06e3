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
from dataclasses import dataclass, replace
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
    child = Child.start(name, model, time_limit_s, seed, warm_start, on_progress)
    deadline = child.started + time_limit_s + grace_s(time_limit_s)
    try:
        while not child.done:
            wait = deadline - time.perf_counter()
            if wait <= 0 or not child.receiver.poll(wait):
                break
            child.receive()
    finally:
        child.stop()
    return child.outcome()


@dataclass(eq=False)
class Child:
    """One back-end solving in its own process, and what it has streamed back so far.

    :meth:`receive` reads one message; ``best``/``best_objective`` hold the best incumbent,
    ``bound`` the best bound, ``final`` the child's own result once it arrives; ``done`` turns
    true with the final result, an error, or the end of the pipe.
    """

    name: str
    model: AssignmentModel
    proc: Any
    receiver: Connection
    started: float
    on_progress: ProgressCallback | None = None
    best: BoolArray | None = None
    best_objective: int | None = None
    bound: int | None = None
    final: Result | None = None
    error: str = ""
    ended_early: bool = False

    @classmethod
    def start(
        cls,
        name: str,
        model: AssignmentModel,
        time_limit_s: float | None,
        seed: int | None,
        warm_start: BoolArray | None,
        on_progress: ProgressCallback | None = None,
        niceness: int = 0,
    ) -> Child:
        """Start back-end ``name`` on ``model`` in a child process (no limit when ``None``),
        ``niceness`` steps below this process's scheduling priority."""
        started = time.perf_counter()
        ctx = _context()
        receiver, sender = ctx.Pipe(duplex=False)
        deadline_epoch = None if time_limit_s is None else time.time() + time_limit_s
        proc = ctx.Process(
            target=_child_main,
            args=(sender, name, model, deadline_epoch, seed, warm_start, niceness),
            name=f"solvers-{name}",
            daemon=True,
        )
        proc.start()
        sender.close()
        return cls(name, model, proc, receiver, started, on_progress)

    @property
    def done(self) -> bool:
        """Whether the child has nothing more to say."""
        return self.final is not None or bool(self.error) or self.ended_early

    def receive(self) -> None:
        """Read and record one message (blocks until one arrives)."""
        try:
            kind, payload = self.receiver.recv()
        except EOFError:
            self.ended_early = True
            return
        if kind == "incumbent":
            picked, objective, inc_bound = payload
            if self.best_objective is None or objective > self.best_objective:
                best = np.zeros(self.model.n_pairs, dtype=np.bool_)
                best[picked] = True
                self.best, self.best_objective = best, objective
            self.bound = min_bound(self.bound, inc_bound)
        elif kind == "progress":
            self.bound = min_bound(self.bound, payload[1])
            if self.on_progress is not None:
                self.on_progress(payload[0], payload[1], time.perf_counter() - self.started)
        elif kind == "result":
            self.final = payload
        else:
            self.error = str(payload)

    def stop(self) -> None:
        """End the child and everything it started; close the pipe."""
        _stop(self.proc)
        self.receiver.close()

    def outcome(self) -> Result:
        """The child's result, or, without one, the best solution it streamed.

        Raises
        ------
        SolverError
            When the back-end raised, died without any solution, or streamed an infeasible one.
        """
        runtime_s = time.perf_counter() - self.started
        if self.error:
            raise SolverError(self.error)
        if self.final is not None:
            return replace(self.final, runtime_s=runtime_s)
        if self.best is None and self.ended_early:
            raise SolverError(
                f"the {self.name} process ended without an answer (exit code {self.proc.exitcode})"
            )
        message = "engine process ended early" if self.ended_early else "time limit reached"
        if self.best is not None and self.best_objective is not None:
            if not self.model.is_feasible(self.best):
                raise SolverError(f"{self.name} streamed a selection that violates the model")
            return Result(
                status=Status.FEASIBLE,
                objective=self.best_objective,
                bound=self.bound,
                chosen=self.best,
                solver=self.name,
                runtime_s=runtime_s,
                message=message,
            )
        return Result(
            status=Status.TIMEOUT_NO_SOLUTION,
            objective=None,
            bound=self.bound,
            chosen=None,
            solver=self.name,
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
    deadline_epoch: float | None,
    seed: int | None,
    warm_start: BoolArray | None,
    niceness: int,
) -> None:
    """Entry point of the child process."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
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

    limit = None if deadline_epoch is None else max(0.01, deadline_epoch - time.time())
    try:
        result = backend(name).solve(
            model,
            time_limit_s=limit,
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
