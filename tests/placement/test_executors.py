"""The executors run every task and report each outcome in input order, wherever it ran: a
task that raises is retried and then reported with its error, a killed Dask worker loses
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from placement.errors import PlacementError
from placement.executors import DaskCluster, Executor, LocalPool, Outcome, open_executor
from placement.i18n import current_locale, use_locale
from tests.placement.killing import KillOnce, killing_cluster


def add(shared: int, item: int) -> int:
    """A task: the shared value plus the item."""
    return shared + item


def locale_of(shared: None, item: int) -> str:
    return current_locale()


def fail_on_three(log: str, item: int) -> int:
    """A task that records each attempt in ``log`` and raises for item 3."""
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{item}\n")
    if item == 3:
        raise ValueError("three is refused")
    return item * 10


def _attempts(log: Path) -> list[int]:
    return sorted(int(line) for line in log.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("workers", [1, 2])
def test_the_local_pool_returns_every_value_in_input_order(workers: int) -> None:
    seen: list[int] = []
    outcomes = LocalPool(workers).run(add, 100, [5, 1, 4], on_done=lambda o: seen.append(o.index))
    assert [o.unwrap() for o in outcomes] == [105, 101, 104]
    assert [o.index for o in outcomes] == [0, 1, 2]
    assert sorted(seen) == [0, 1, 2]


@pytest.mark.parametrize("workers", [1, 2])
def test_on_done_sees_each_whole_value_and_the_list_keeps_what_keep_returns(
    workers: int,
) -> None:
    seen: dict[int, int | None] = {}
    outcomes = LocalPool(workers).run(
        add,
        100,
        [5, 1, 4],
        on_done=lambda o: seen.update({o.index: o.value}),
        keep=lambda value: value % 10,
    )
    assert seen == {0: 105, 1: 101, 2: 104}
    assert [o.value for o in outcomes] == [5, 1, 4]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_task_that_raises_is_retried_then_reported_with_its_error(
    workers: int, tmp_path: Path
) -> None:
    log = tmp_path / "attempts"
    outcomes = LocalPool(workers).run(fail_on_three, str(log), [1, 3, 2], retries=1)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert [o.value for o in outcomes] == [10, None, 20]
    assert isinstance(outcomes[1].error, ValueError)
    assert _attempts(log) == [1, 2, 3, 3]
    with pytest.raises(ValueError, match="three"):
        outcomes[1].unwrap()


def test_without_retries_a_failing_task_runs_once(tmp_path: Path) -> None:
    log = tmp_path / "attempts"
    LocalPool(1).run(fail_on_three, str(log), [3])
    assert _attempts(log) == [3]


def test_the_local_pool_refuses_zero_workers() -> None:
    with pytest.raises(ValueError, match="workers"):
        LocalPool(0)


def test_without_a_cluster_the_executor_is_a_local_pool() -> None:
    executor = open_executor(None, 3)
    assert isinstance(executor, LocalPool)
    assert executor.workers == 3


def test_dask_runs_the_same_tasks_with_the_same_outcomes(
    dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    executor: Executor = dask_cluster
    assert executor.workers == 2
    assert "local Dask cluster" in executor.description
    log = tmp_path / "attempts"
    seen: list[Outcome[int]] = []
    outcomes = executor.run(fail_on_three, str(log), [1, 3, 2, 4], retries=1, on_done=seen.append)
    assert [o.value for o in outcomes] == [10, None, 20, 40]
    assert isinstance(outcomes[1].error, ValueError)
    assert "three is refused" in str(outcomes[1].error)
    assert _attempts(log) == [1, 2, 3, 3, 4]
    assert sorted(o.index for o in seen) == [0, 1, 2, 3]
    assert executor.run(add, 1, []) == []


@pytest.mark.parametrize("where", ["here", "pool", "dask"])
def test_tasks_run_in_the_callers_locale(where: str, request: pytest.FixtureRequest) -> None:
    executor: Executor = (
        request.getfixturevalue("dask_cluster")
        if where == "dask"
        else LocalPool(1 if where == "here" else 2)
    )
    for locale in ("en", "id"):
        with use_locale(locale):
            outcomes = executor.run(locale_of, None, [1, 2, 3])
        assert [o.unwrap() for o in outcomes] == [locale] * 3


def test_a_killed_dask_worker_loses_no_task(tmp_path: Path) -> None:
    """The first worker to start a task is killed mid-task; the scheduler gives its task to
    another worker and every task completes."""
    marker = tmp_path / "killed"
    with killing_cluster(KillOnce(str(marker))) as executor:
        outcomes = executor.run(add, 1000, list(range(6)), retries=1)
    assert marker.is_file()
    assert [o.unwrap() for o in outcomes] == [1000, 1001, 1002, 1003, 1004, 1005]


def test_an_unreachable_scheduler_is_a_placement_error() -> None:
    with pytest.raises(PlacementError, match="cannot reach"):
        DaskCluster("tcp://127.0.0.1:9", timeout_s=0.5)


def test_only_a_remote_cluster_said_to_share_storage_reads_the_callers_files(
    dask_cluster: DaskCluster,
) -> None:
    assert LocalPool(2).shared_storage and not LocalPool(2, shared_storage=False).shared_storage
    assert dask_cluster.shared_storage
    address = dask_cluster.client.scheduler.address
    for said, shared in ((None, False), (True, True), (False, False)):
        executor = open_executor(address, shared_storage=said)
        try:
            assert executor.shared_storage is shared
        finally:
            executor.close()
