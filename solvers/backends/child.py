"""Run a back-end apart from the caller — in a child process, or in a thread — streaming back
every improving solution.

In a child process a time limit holds whatever the engine does: some engines overrun their
own limits by minutes. The child gets the model, solves it with the remaining budget, and
streams every improving solution back through a pipe; the parent stops waiting at the
deadline plus a short grace, ends the child's whole process group (which also ends an engine
running as a subprocess of the child, such as CBC) and returns the best solution received.
Processes are started with ``forkserver`` (``spawn`` where that is not available), never plain
``fork``, so a multi-threaded parent is safe. As with any such start method, a script that
calls the solvers must guard its entry point with ``if __name__ == "__main__":``.

In a thread (HiGHS and CP-SAT only: both release the GIL while they search, and both can be
asked to stop from another thread) the back-end costs no process start and no copy of the
model, and streams through the same kind of pipe, so that a caller waits on threads and
processes alike. Stopping it asks the engine to end its search (:class:`Stop`); it ends at the
engine's next check, which a caller that cannot wait for an engine ignoring its limit must not
rely on: those use a process.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import Any

import numpy as np

from solvers.backends import backend
from solvers.backends.common import ProgressCallback, Stop, min_bound
from solvers.errors import SolverError
from solvers.model import AssignmentModel, BoolArray, Result, Status

_log = logging.getLogger(__name__)
#: seconds to wait beyond the deadline for the engine's own answer, plus a share of the limit.
GRACE_S = 1.0
GRACE_SHARE = 0.05
_JOIN_S = 5.0
_ENGINE_MODULES = ("highspy", "ortools.sat.python.cp_model", "pulp")
#: The back-ends that can solve in a thread (see the module docstring).
THREAD_BACKENDS = ("highs", "cpsat")
#: How often a stop request is repeated while waiting for a thread to end: CP-SAT only hears
#: it once its search has begun.
_REPEAT_S = 0.05


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
    """One back-end solving in its own process or thread, and what it has streamed back so far.

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
        *,
        in_thread: bool = False,
    ) -> Child:
        """Start back-end ``name`` on ``model`` in a child process, or in a thread of this one
        (``in_thread``; one of :data:`THREAD_BACKENDS`), with no limit when ``time_limit_s``
        is ``None``, ``niceness`` steps below this process's scheduling priority (a thread's
        priority is its own on Linux only; elsewhere a thread keeps the process's)."""
        started = time.perf_counter()
        deadline_epoch = None if time_limit_s is None else time.time() + time_limit_s
        if in_thread:
            if name not in THREAD_BACKENDS:
                raise SolverError(f"{name} cannot solve in a thread; use one of {THREAD_BACKENDS}")
            receiver, sender = multiprocessing.Pipe(duplex=False)
            thread = SolverThread(sender, name, model, deadline_epoch, seed, warm_start, niceness)
            thread.start()
            return cls(name, model, thread, receiver, started, on_progress)
        ctx = _context()
        receiver, sender = ctx.Pipe(duplex=False)
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
        if isinstance(self.proc, SolverThread):
            self.proc.request_stop()
            # A thread blocked writing to a full pipe wakes up when its reader closes.
            self.receiver.close()
            self.proc.wait_stopped(_JOIN_S)
            return
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

    def solve(limit: float | None, **callbacks: Any) -> Result:
        return backend(name).solve(
            model, time_limit_s=limit, seed=seed, warm_start=warm_start, **callbacks
        )

    try:
        _solve_streaming(send, name, solve, deadline_epoch)
    finally:
        conn.close()


class SolverThread(threading.Thread):
    """A HiGHS or CP-SAT solve in a thread of this process, streaming like a child process.

    ``exitcode`` mirrors a process's: ``None`` while it runs, 0 once it ended.
    """

    def __init__(
        self,
        conn: Connection,
        name: str,
        model: AssignmentModel,
        deadline_epoch: float | None,
        seed: int | None,
        warm_start: BoolArray | None,
        niceness: int,
    ) -> None:
        super().__init__(name=f"solvers-{name}", daemon=True)
        self.conn = conn
        self.backend = name
        self.model = model
        self.deadline_epoch = deadline_epoch
        self.seed = seed
        self.warm_start = warm_start
        self.niceness = niceness
        self.stop_request = Stop()
        self.exitcode: int | None = None

    def request_stop(self) -> None:
        """Ask the engine to end its search (it ends at its next check)."""
        self.stop_request.request()

    def wait_stopped(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the thread to end, repeating the stop request."""
        until = time.perf_counter() + timeout
        while self.is_alive():
            left = min(_REPEAT_S, until - time.perf_counter())
            if left <= 0:
                _log.warning("solver thread %s did not end; it ends at its own limit", self.name)
                return
            self.join(left)
            self.stop_request.request()

    def run(self) -> None:
        """Solve, streaming into the pipe until the reader closes it."""
        if self.niceness and sys.platform == "linux":
            tid = threading.get_native_id()
            current = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, current + self.niceness)
        closed = False

        def send(message: tuple[str, Any]) -> None:
            # The reader closes the pipe once it has what it needs: the search should end.
            nonlocal closed
            if closed:
                return
            try:
                self.conn.send(message)
            except (BrokenPipeError, ConnectionResetError, OSError):
                closed = True
                self.stop_request.request()

        def solve(limit: float | None, **callbacks: Any) -> Result:
            from solvers.backends import cpsat, highs

            engine = highs.solve if self.backend == highs.NAME else cpsat.solve
            return engine(
                self.model, time_limit_s=limit, seed=self.seed, warm_start=self.warm_start,
                stop=self.stop_request, **callbacks,
            )  # fmt: skip

        try:
            _solve_streaming(send, self.backend, solve, self.deadline_epoch)
        finally:
            self.conn.close()
            self.exitcode = 0


def _solve_streaming(
    send: Callable[[tuple[str, Any]], None],
    name: str,
    solve: Callable[..., Result],
    deadline_epoch: float | None,
) -> None:
    """Run ``solve(limit, on_progress=..., on_incumbent=...)`` and send what it finds: each
    incumbent, each bound move, then its result or its error."""

    def incumbent(chosen: BoolArray, objective: int, bound: int | None, _elapsed: float) -> None:
        send(("incumbent", (np.flatnonzero(chosen), objective, bound)))

    def progress(objective: int | None, bound: int | None, _elapsed: float) -> None:
        send(("progress", (objective, bound)))

    limit = None if deadline_epoch is None else max(0.01, deadline_epoch - time.time())
    try:
        result = solve(limit, on_progress=progress, on_incumbent=incumbent)
        send(("result", result))
    except Exception as exc:
        send(("error", f"{name}: {type(exc).__name__}: {exc}"))
