"""The memory of slow results behind the trust endpoints: computed once, bounded, never lost."""

from __future__ import annotations

import threading

import anyio
import pytest

from api.core.problems import ApiError
from api.services.trust import Memo, ResultPendingError


def test_a_slow_result_answers_503_and_the_next_request_gets_it_without_recomputing() -> None:
    memo = Memo(size=4, slots=threading.Semaphore(1))
    release = threading.Event()
    calls: list[str] = []

    def compute() -> int:
        calls.append("k")
        release.wait(60)
        return 42

    with pytest.raises(ApiError) as slow:
        anyio.run(memo.get, "k", compute, 0.01)
    assert slow.value.status == 503
    assert "Retry-After" in slow.value.headers
    # Its only slot is taken: another computation is refused for now.
    with pytest.raises(ApiError) as busy:
        memo.start("other", lambda: 0)
    assert busy.value.status == 429
    release.set()
    assert anyio.run(memo.get, "k", compute, 60) == 42
    assert calls == ["k"]
    assert anyio.run(memo.get, "other", lambda: 7, 60) == 7


def test_a_failed_computation_is_not_kept() -> None:
    memo = Memo(size=4, slots=threading.Semaphore(2))
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first attempt")
        return "done"

    with pytest.raises(ValueError, match="first attempt"):
        anyio.run(memo.get, "k", flaky, 60)
    assert anyio.run(memo.get, "k", flaky, 60) == "done"
    assert anyio.run(memo.get, "k", flaky, 60) == "done"
    assert len(attempts) == 2


def test_only_the_most_recently_used_results_are_kept() -> None:
    memo = Memo(size=2, slots=threading.Semaphore(2))
    calls: list[str] = []

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    for key in ("a", "b", "a", "c", "a", "b"):
        assert anyio.run(memo.get, key, lambda k=key: compute(k), 60) == key.upper()
    # "b" was the least recently used when "c" came in, so it is computed twice.
    assert calls == ["a", "b", "c", "b"]


def test_waiting_for_a_slow_result_raises_pending_and_the_result_comes_later() -> None:
    memo = Memo(size=4, slots=threading.Semaphore(1))
    release = threading.Event()

    def compute() -> int:
        release.wait(60)
        return 42

    with pytest.raises(ResultPendingError):
        anyio.run(memo.wait, "k", compute, 0.01)
    release.set()
    assert anyio.run(memo.wait, "k", compute, 60) == 42
