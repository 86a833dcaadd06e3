"""Where independent solves run: one interface, a local process pool or a Dask cluster.

Agencies of a national run and points of a sweep are independent problems; the code that builds
them does not care where they are solved. :class:`LocalPool` (the default) needs nothing beyond
the standard library and solves on this machine; :class:`DaskCluster` hands the same tasks to
Dask ``distributed`` — a ``LocalCluster`` it starts itself or an existing scheduler — which
reschedules the tasks of a worker that dies and retries a task that raised.

Every task runs one solver thread: the CP-SAT and HiGHS back-ends are configured single-threaded
and Dask workers are started with one thread each, so a machine with n cores runs n tasks
without oversubscription. A task is deterministic, so a result never depends on where it ran.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from placement.errors import PlacementError
from placement.i18n import current_locale, use_locale

log = logging.getLogger(__name__)

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: ``--cluster`` value that starts a Dask ``LocalCluster`` on this machine.
LOCAL = "local"


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What became of one task: its value, or the error of its last attempt.

    ``index`` is the task's position in the submitted items.
    """

    index: int
    value: R | None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """Whether the task returned a value."""
        return self.error is None

    def unwrap(self) -> R:
        """The value, or the task's error raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


DoneCallback = Callable[[Outcome[Any]], None]


class Executor(Protocol):
    """Runs ``fn(shared, item)`` for every item; ``shared`` is sent to each worker once."""

    @property
    def workers(self) -> int:
        """How many tasks run at the same time."""

    @property
    def description(self) -> str:
        """Where the tasks run, for progress displays and logs."""

    @property
    def shared_storage(self) -> bool:
        """Whether the workers see this machine's files at the same paths, so that a task can
        carry a path instead of the file's bytes and write its results where they belong."""

    def run(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        retries: int = 0,
        on_done: DoneCallback | None = None,
        keep: Callable[[R], R] | None = None,
    ) -> list[Outcome[R]]:
        """Run every task; return their outcomes in input order.

        A task that raises is run again up to ``retries`` more times; its outcome then carries
        the error of its last attempt (nothing is raised here). ``on_done`` is called with each
        outcome as it arrives, in completion order; the returned outcome then holds
        ``keep(value)`` (the whole value by default), so that a caller which writes each result
        as it arrives need not hold every result until the last one.
        """

    def close(self) -> None:
        """Release the workers (and a cluster this executor started)."""


class LocalPool:
    """Tasks in worker processes of this machine (in this process with one worker).

    Processes are started with ``forkserver`` (``spawn`` where that is not available), so a
    script using it must guard its entry point with ``if __name__ == "__main__":``. A worker
    process that dies breaks the whole pool: every unfinished task is then reported failed.
    Use :class:`DaskCluster` where a lost worker must not lose work. ``shared_storage=False``
    makes its tasks carry their data as if the workers were remote (to compare both ways).
    """

    def __init__(self, workers: int = 2, *, shared_storage: bool = True) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._workers = workers
        self._shared_storage = shared_storage

    @property
    def workers(self) -> int:
        """How many tasks run at the same time."""
        return self._workers

    @property
    def description(self) -> str:
        """Where the tasks run."""
        return f"local pool of {self._workers} process(es)"

    @property
    def shared_storage(self) -> bool:
        """Whether tasks may use this machine's files: the worker processes run on it, so
        unless the constructor said otherwise."""
        return self._shared_storage

    def run(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        retries: int = 0,
        on_done: DoneCallback | None = None,
        keep: Callable[[R], R] | None = None,
    ) -> list[Outcome[R]]:
        """Run every task (see :meth:`Executor.run`)."""
        if self._workers == 1 or len(items) <= 1:
            return self._run_here(fn, shared, items, retries, on_done, keep)
        fn = InLocale(fn, current_locale())
        outcomes: list[Outcome[R] | None] = [None] * len(items)
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        workers = min(self._workers, len(items))
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            tries = dict.fromkeys(range(len(items)), 0)
            running: dict[Future[R], int] = {
                pool.submit(fn, shared, item): i for i, item in enumerate(items)
            }
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    i = running.pop(future)
                    error = future.exception()
                    broken = isinstance(error, BrokenProcessPool)
                    if error is not None and tries[i] < retries and not broken:
                        tries[i] += 1
                        log.warning("task %d failed (%s); retrying", i, error)
                        running[pool.submit(fn, shared, items[i])] = i
                        continue
                    outcome = Outcome(i, None if error else future.result(), error)
                    outcomes[i] = _delivered(outcome, on_done, keep)
        return [o for o in outcomes if o is not None]

    @staticmethod
    def _run_here(
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        retries: int,
        on_done: DoneCallback | None,
        keep: Callable[[R], R] | None,
    ) -> list[Outcome[R]]:
        outcomes: list[Outcome[R]] = []
        for i, item in enumerate(items):
            for attempt in range(retries + 1):
                try:
                    outcome: Outcome[R] = Outcome(i, fn(shared, item))
                    break
                except Exception as exc:  # reported in the outcome, as from a worker process
                    outcome = Outcome(i, None, exc)
                    if attempt < retries:
                        log.warning("task %d failed (%s); retrying", i, exc)
            outcomes.append(_delivered(outcome, on_done, keep))
        return outcomes

    def close(self) -> None:
        """Nothing to release: each :meth:`run` starts and stops its own processes."""


class DaskCluster:
    """Tasks on a Dask ``distributed`` cluster.

    ``address`` :data:`LOCAL` starts a ``LocalCluster`` on this machine with ``workers``
    single-threaded worker processes (default: one per core) and stops it on :meth:`close`;
    any other address (``tcp://host:8786``) connects to a running scheduler, whose workers must
    be able to import this package (same version). Its workers need no access to this machine's
    files — the data travel with the tasks — unless ``shared_storage`` says they see the same
    filesystem at the same paths (the default for a ``LocalCluster``).

    A task whose worker dies (killed, out of memory, machine lost) is rescheduled on another
    worker by the scheduler (up to its ``distributed.scheduler.allowed-failures``, 3 by
    default); a task that raises is retried ``retries`` times.

    Raises
    ------
    PlacementError
        When ``distributed`` is not installed or the scheduler cannot be reached.
    """

    def __init__(
        self,
        address: str = LOCAL,
        *,
        workers: int | None = None,
        timeout_s: float = 30.0,
        shared_storage: bool | None = None,
    ) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise PlacementError(
                "running on a Dask cluster needs the 'distributed' package "
                "(pip install 'penempatan[dask]')"
            ) from None
        self._cluster: LocalCluster | None = None
        try:
            if address == LOCAL:
                # A solve with a time limit, or a race of two back-ends, starts child
                # processes, which a daemonic worker process may not have.
                with dask.config.set({"distributed.worker.daemon": False}):
                    self._cluster = LocalCluster(
                        n_workers=workers or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        # Its HTTP server (health checks) on any free port: clusters may share
                        # a machine. No dashboard: nobody looks at one of a cluster that lives
                        # for one command, and it would take CPU from the workers.
                        dashboard_address=":0",
                        scheduler_kwargs={"dashboard": False},
                    )
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=timeout_s)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise PlacementError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self._address = address
        self._shared_storage = address == LOCAL if shared_storage is None else shared_storage

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (for callers that watch or tune the cluster)."""
        return self._client

    @property
    def workers(self) -> int:
        """How many worker threads the cluster has now."""
        info = self._client.scheduler_info(n_workers=-1)
        return sum(int(w.get("nthreads", 1)) for w in info["workers"].values())

    @property
    def description(self) -> str:
        """Where the tasks run."""
        where = "local Dask cluster" if self._cluster is not None else self._address
        return f"{where} ({self.workers} worker thread(s))"

    @property
    def shared_storage(self) -> bool:
        """Whether the workers see this machine's files: by default for a ``LocalCluster``, for a
        running scheduler when the constructor was told so."""
        return self._shared_storage

    def run(
        self,
        fn: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        *,
        retries: int = 0,
        on_done: DoneCallback | None = None,
        keep: Callable[[R], R] | None = None,
    ) -> list[Outcome[R]]:
        """Run every task (see :meth:`Executor.run`).

        Each result is released on the cluster as soon as it is read, so workers do not hold
        every finished result until the last task ends.
        """
        from distributed import as_completed

        if not items:
            return []
        fn = InLocale(fn, current_locale())
        # Sent to every worker once rather than with each task; hash=False because a dataset
        # is not worth tokenising to deduplicate.
        [shared_future] = self._client.scatter([shared], broadcast=True, hash=False)
        batch = uuid.uuid4().hex[:12]
        futures = [
            self._client.submit(
                fn,
                shared_future,
                item,
                key=f"placement-{batch}-{i}",
                retries=retries,
                pure=False,
            )
            for i, item in enumerate(items)
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        pending = dict(zip(index, futures, strict=True))
        completed = as_completed(futures)
        del futures
        outcomes: list[Outcome[R] | None] = [None] * len(items)
        try:
            for future in completed:
                i = index[future.key]
                if future.status == "finished":
                    outcome: Outcome[R] = Outcome(i, future.result())
                else:
                    outcome = Outcome(i, None, _task_error(future))
                del pending[future.key]
                future.release()
                outcomes[i] = _delivered(outcome, on_done, keep)
        finally:
            self._client.cancel([*pending.values(), shared_future])
        return [o for o in outcomes if o is not None]

    def close(self) -> None:
        """Disconnect, and stop the cluster if this executor started it."""
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


@dataclass(frozen=True)
class InLocale(Generic[S, T, R]):
    """``fn`` run in the caller's locale: a worker process or thread starts in the default one,
    so without this the texts of a task (refusals, diagnoses) ignored the caller's ``--lang``."""

    fn: Callable[[S, T], R]
    locale: str

    def __call__(self, shared: S, item: T) -> R:
        with use_locale(self.locale):
            return self.fn(shared, item)


def _delivered(
    outcome: Outcome[R], on_done: DoneCallback | None, keep: Callable[[R], R] | None
) -> Outcome[R]:
    """Hand ``outcome`` to ``on_done``; return what the caller's list keeps of it."""
    if on_done is not None:
        on_done(outcome)
    if keep is None or outcome.value is None:
        return outcome
    return Outcome(outcome.index, keep(outcome.value), outcome.error)


def _task_error(future: Any) -> BaseException:
    """The exception of a failed Dask task; a cancelled one (scheduler lost) becomes an error."""
    if future.status == "cancelled":
        return PlacementError("the task was cancelled (the scheduler lost it)")
    error = future.exception()
    return error if isinstance(error, BaseException) else PlacementError(str(error))


def open_executor(
    cluster: str | None, workers: int | None = None, *, shared_storage: bool | None = None
) -> Executor:
    """The executor for a ``--cluster`` option: ``None`` a :class:`LocalPool` of ``workers``
    processes (default 2), :data:`LOCAL` or a scheduler address a :class:`DaskCluster`
    (``shared_storage`` as there)."""
    if cluster is None:
        return LocalPool(workers or 2)
    return DaskCluster(cluster, workers=workers, shared_storage=shared_storage)
