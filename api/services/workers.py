"""Worker pools: the threads of one instance that claim leased jobs (runs, sweeps) from the
database, keep their leases, and stop or put them back when they are lost or the instance stops.

A dispatcher thread claims the oldest claimable job (queued, or running under an expired lease)
whenever a worker is free, and hands it to the worker; it looks again at once when this instance
queues a job and every ``poll_s`` seconds otherwise. A keeper thread renews the leases of the
jobs this instance holds; a job it no longer holds (cancelled by any instance, or taken over
after an expiry) is marked so that its worker stops at its next check. Only the lease's owner
can finish a job.
"""

from __future__ import annotations

import abc
import concurrent.futures
import functools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

from api.db.errors import Unavailable
from api.db.store import Store
from api.settings import Settings

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_Job_co = TypeVar("_Job_co", covariant=True)

#: Seconds a worker waits before each new attempt of a write the database refused.
RETRY_DELAYS_S = (0.1, 0.3, 1.0, 3.0)


class LeasedJob(Protocol):
    """What a pool reads of the record of a job it claimed."""

    @property
    def id(self) -> str:
        """The job's id."""

    @property
    def agency(self) -> str:
        """The agency whose audit trail records the job's steps."""


JobT = TypeVar("JobT", bound=LeasedJob)


class JobQueue(Protocol[_Job_co]):
    """The leased-job queue of the database a pool claims from."""

    def claim(self, *, owner: str, lease_s: float) -> _Job_co | None:
        """Take the oldest claimable job for ``owner``; None when there is none."""

    def renew(self, job_ids: Iterable[str], *, owner: str, lease_s: float) -> set[str]:
        """Extend ``owner``'s leases; return the ids it still holds running."""

    def release(self, job_id: str, *, owner: str) -> bool:
        """Put a job ``owner`` holds back in the queue."""

    def fail_exhausted(self, *, max_attempts: int, reason: str) -> list[str]:
        """Fail every expired job claimed ``max_attempts`` times; return their ids."""

    def get(self, job_id: str, *, agency: str | None = None) -> _Job_co | None:
        """Return a job, or None if unknown."""


class StopWorkError(Exception):
    """Raised inside a worker to end a job that was cancelled, lost or interrupted."""


def instance_name() -> str:
    """A name for this instance in the leases, unique among the instances sharing a database."""
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class LeasedPool(abc.ABC, Generic[JobT]):
    """The worker threads of one instance, working on the jobs they claim from one queue.

    Parameters
    ----------
    store
        Where the jobs, their results and the audit trail live.
    settings
        The poll interval, the lease and the most claims a job may take.
    workers
        How many jobs this instance works on at once.
    noun
        What one job is called in audit actions, logs and thread names.
    threads
        The prefix of the names of the dispatcher and lease keeper threads.
    exhausted
        The error of a job failed for ending its instances too many times.
    owner
        This instance's name in the leases; a new unique one when not given.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        workers: int,
        noun: str,
        threads: str,
        exhausted: str,
        owner: str | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._noun = noun
        self._exhausted = exhausted
        self.owner = owner or instance_name()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=f"placement-{noun}"
        )
        self._free = threading.Semaphore(workers)
        self._lock = threading.Lock()
        self._held: set[str] = set()
        self._cancelled: set[str] = set()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._threads = [
            threading.Thread(target=self._dispatch, name=f"{threads}-claims", daemon=True),
            threading.Thread(target=self._keep_leases, name=f"{threads}-leases", daemon=True),
        ]

    @property
    @abc.abstractmethod
    def queue(self) -> JobQueue[JobT]:
        """The queue this pool claims from."""

    @abc.abstractmethod
    def work(self, job: JobT) -> None:
        """Work on a claimed job until it is finished, or stopped by :class:`StopWorkError`."""

    def held_changed(self, count: int) -> None:
        """Called with the number of jobs held whenever it changes (for the metrics)."""

    def start(self) -> None:
        """Start claiming and working on jobs."""
        for thread in self._threads:
            thread.start()

    @property
    def held(self) -> int:
        """Jobs this instance is working on now."""
        with self._lock:
            return len(self._held)

    @property
    def alive(self) -> bool:
        """True while the claiming and lease threads run (readiness)."""
        return not self._stopping.is_set() and all(t.is_alive() for t in self._threads)

    def submit(self, job_id: str) -> None:
        """Say that ``job_id`` was queued: a free worker claims it (or an older job) at once."""
        self._wake.set()

    def cancel(self, job_id: str) -> None:
        """Stop working on ``job_id`` if this instance holds it (the store already marks it
        ``cancelled``; another instance holding it stops at its next lease renewal)."""
        with self._lock:
            self._cancelled.add(job_id)

    def shutdown(self) -> None:
        """Stop claiming, stop the jobs held and put them back in the queue, and wait for the
        workers."""
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def should_stop(self, job_id: str) -> bool:
        """True when the worker on ``job_id`` must stop: the job was cancelled or lost, or the
        instance is stopping."""
        with self._lock:
            return self._stopping.is_set() or job_id in self._cancelled

    def retrying(self, write: Callable[[], _T]) -> _T:
        """``write()``, tried again after :data:`RETRY_DELAYS_S` while the database is
        unavailable (locked, restarting, full); the last failure is raised."""
        for delay in RETRY_DELAYS_S:
            try:
                return write()
            except Unavailable:
                if self._stopping.is_set():
                    raise
                time.sleep(delay)
        return write()

    def audit(self, job: JobT, action: str, details: dict[str, Any]) -> None:
        """Record a worker's step on ``job`` in its agency's audit trail."""
        self.retrying(
            lambda: self._store.audit.append(
                actor="worker", action=action, target=job.id, details=details, agency=job.agency
            )
        )

    def released(self, job: JobT) -> bool:
        """When the instance is stopping, put ``job`` back in the queue (audited if it was
        still this instance's) and return True; False otherwise."""
        if not self._stopping.is_set():
            return False
        if self.retrying(lambda: self.queue.release(job.id, owner=self.owner)):
            self.audit(job, f"{self._noun}.released", {"reason": "the instance stopped"})
        return True

    def fail_exhausted(self) -> list[str]:
        """Fail the jobs whose lease expired too many times, audit it; return their ids."""
        failed = self.queue.fail_exhausted(
            max_attempts=self._settings.max_attempts, reason=self._exhausted
        )
        for job_id in failed:
            record = self.queue.get(job_id)
            self._store.audit.append(
                actor="server", action=f"{self._noun}.failed", target=job_id,
                details={"error": self._exhausted}, agency=record.agency if record else None,
            )  # fmt: skip
        return failed

    def _dispatch(self) -> None:
        settings = self._settings
        while not self._stopping.is_set():
            if not self._free.acquire(timeout=settings.poll_s):
                continue
            job: JobT | None = None
            try:
                if not self._stopping.is_set():
                    self.fail_exhausted()
                    job = self.queue.claim(owner=self.owner, lease_s=settings.lease_s)
            except Unavailable as exc:
                log.warning("cannot claim %ss: %s", self._noun, exc)
            except Exception:
                log.exception("claiming a %s failed", self._noun)
            if job is None:
                self._free.release()
                self._wake.wait(settings.poll_s)
                self._wake.clear()
                continue
            with self._lock:
                self._held.add(job.id)
                self.held_changed(len(self._held))
            future = self._executor.submit(self._execute, job)
            future.add_done_callback(functools.partial(self._forget, job.id))

    def _keep_leases(self) -> None:
        every = max(0.1, min(self._settings.lease_s / 3, 2.0))
        while not self._stopping.wait(every):
            with self._lock:
                held = list(self._held)
            if not held:
                continue
            try:
                kept = self.queue.renew(held, owner=self.owner, lease_s=self._settings.lease_s)
            except Unavailable as exc:
                log.warning("cannot renew %s leases: %s", self._noun, exc)
                continue
            with self._lock:
                self._cancelled.update((set(held) - kept) & self._held)

    def _forget(self, job_id: str, _done: object = None) -> None:
        with self._lock:
            self._held.discard(job_id)
            self._cancelled.discard(job_id)
            self.held_changed(len(self._held))
        self._free.release()

    def _execute(self, job: JobT) -> None:
        try:
            self.work(job)
        except Unavailable as exc:
            # The job stays running under a lease nobody renews: when it expires, an instance
            # claims it again, so it is never lost nor stuck for good.
            log.error("%s %s: the database stayed unavailable (%s)", self._noun, job.id, exc)
