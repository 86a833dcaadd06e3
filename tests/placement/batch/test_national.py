"""National runs: every agency folder is solved as its own dataset and policy, and the summary
table lists each agency, refused and failed ones with their reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from placement.batch import national, runs
from placement.batch.national import (
    national_table,
    read_agencies,
    run_national,
    write_national,
)
from placement.batch.runs import FAILED, PARTIAL, REFUSED, BatchRun
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.errors import DatasetError
from placement.executors import DaskCluster, Executor, LocalPool
from placement.i18n import use_locale
from tests.paths import EXAMPLE
from tests.placement.killing import KillOnce, KillWhileWriting, killing_cluster

TABLES = ("employees", "positions", "competencies", "requirements", "preferences", "relations")


def _agency(root: Path, name: str, policy: dict[str, Any] | None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for table in TABLES:
        shutil.copy(EXAMPLE / f"{table}.csv", folder / f"{table}.csv")
    if policy is not None:
        (folder / "policy.json").write_text(json.dumps(policy), encoding="utf-8")
    return folder


@pytest.fixture
def agencies(tmp_path: Path) -> Path:
    """Three agencies: the example with its policy, with a tighter policy, and one whose policy
    is refused; plus a folder that is not an agency."""
    root = tmp_path / "agencies"
    base = json.loads((EXAMPLE / "policy.json").read_text(encoding="utf-8"))
    _agency(root, "a-kota", base)
    _agency(root, "b-kabupaten", {**base, "max_moves": 1})
    _agency(root, "c-refused", {**base, "jpm_floor": 150})
    (root / "notes").mkdir()
    return root


def test_every_agency_folder_is_read_in_name_order(agencies: Path) -> None:
    read = read_agencies(agencies)
    assert [a.name for a in read] == ["a-kota", "b-kabupaten", "c-refused"]
    assert "policy.json" in read[0].files and "employees.csv" in read[0].files


def test_a_folder_without_agencies_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"tidak ada subfolder yang berisi employees\.csv"):
        read_agencies(tmp_path)
    with use_locale("en"):
        with pytest.raises(DatasetError, match="no sub-folder"):
            read_agencies(tmp_path)
        with pytest.raises(DatasetError, match="not a folder"):
            read_agencies(tmp_path / "missing")


def test_each_agency_is_solved_under_its_own_policy(agencies: Path) -> None:
    runs = run_national(read_agencies(agencies), LocalPool(2))
    assert [r.agency for r in runs] == ["a-kota", "b-kabupaten", "c-refused"]
    dataset = load_dataset(agencies / "a-kota")
    alone = solve(dataset, load_policy(agencies / "a-kota" / "policy.json", dataset))
    assert runs[0].run.figures["objective"] == alone.objective
    assert runs[1].run.figures["moves"] <= 1
    assert runs[2].run.status == REFUSED
    assert "jpm_floor" in (runs[2].run.error or "")


def test_dask_gives_the_same_agency_plans_as_the_local_pool(
    agencies: Path, dask_cluster: DaskCluster
) -> None:
    read = read_agencies(agencies)
    local = run_national(read, LocalPool(1))
    remote = run_national(read, dask_cluster)
    for a, b in zip(local, remote, strict=True):
        assert a.run.files.get("plan.csv") == b.run.files.get("plan.csv")
        assert a.run.status == b.run.status


@pytest.fixture
def tight_policy_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """An agency whose policy allows one move crashes its worker's solve (an engine error)."""
    real = national.solve_run

    def crash_for_tight_policy(dataset: Any, policy: Any, effect: Any, **kw: Any) -> BatchRun:
        if policy.max_moves == 1:
            raise RuntimeError("worker lost its solver")
        return real(dataset, policy, effect, **kw)

    monkeypatch.setattr(national, "solve_run", crash_for_tight_policy)


@pytest.mark.usefixtures("tight_policy_crashes")
def test_the_summary_table_lists_and_totals_every_agency(agencies: Path, tmp_path: Path) -> None:
    runs = run_national(read_agencies(agencies), LocalPool(1))
    out = tmp_path / "out"
    written = write_national(runs, out)
    assert [p.name for p in written] == ["agencies.csv", "agencies.json"]
    assert (out / "a-kota" / "plan.csv").is_file()
    assert sorted(p.name for p in (out / "c-refused").iterdir()) == []
    document = json.loads((out / "agencies.json").read_text(encoding="utf-8"))
    rows = {row["agency"]: row for row in document["agencies"]}
    assert rows["b-kabupaten"]["status"] == FAILED
    assert rows["b-kabupaten"]["error"] == "RuntimeError: worker lost its solver"
    assert rows["c-refused"]["status"] == REFUSED
    totals = document["totals"]
    assert totals["agencies"] == 3
    assert totals["status_OPTIMAL"] == totals["status_FAILED"] == totals["status_REFUSED"] == 1
    assert totals["objective"] == rows["a-kota"]["objective"]
    header = (out / "agencies.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("agency,objective,status,moves")


@pytest.mark.parametrize("on_dask", [False, True])
def test_agencies_written_as_they_finish_match_those_written_at_the_end(
    agencies: Path, tmp_path: Path, on_dask: bool, request: pytest.FixtureRequest
) -> None:
    executor = request.getfixturevalue("dask_cluster") if on_dask else LocalPool(2)
    read = read_agencies(agencies)
    kept = run_national(read, LocalPool(1))
    write_national(kept, tmp_path / "end")
    seen: list[str] = []
    streamed = run_national(
        read,
        executor,
        out=tmp_path / "stream",
        on_done=lambda r: seen.append(r.agency),
    )
    assert sorted(seen) == [a.name for a in read]
    assert all(r.run.files == {} for r in streamed)
    assert [r.run.figures for r in streamed] == [r.run.figures for r in kept]
    write_national(streamed, tmp_path / "stream")
    for agency in read:
        end = {p.name: p.read_bytes() for p in (tmp_path / "end" / agency.name).iterdir()}
        stream = {p.name: p.read_bytes() for p in (tmp_path / "stream" / agency.name).iterdir()}
        assert stream.keys() == end.keys()
        for name in ("plan.csv", "gaps.csv"):
            assert stream.get(name) == end.get(name)
    assert (tmp_path / "stream" / "a-kota" / "plan.csv").is_file()


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, hidden ones included; the JSON files
    without their ``timings`` and ``runtime_s``, the part of a run that is not deterministic."""
    tree = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".json":
            document = json.loads(data)
            if isinstance(document, dict):
                for key in ("timings", "runtime_s"):
                    document.pop(key, None)
            data = json.dumps(document, sort_keys=True).encode()
        tree[str(path.relative_to(root))] = data
    return tree


def _solved(agencies: Path, executor: Executor, out: Path) -> dict[str, bytes]:
    """The run directories ``solve-many`` writes for ``agencies`` (the tables aside: they hold
    run times)."""
    written = run_national(read_agencies(agencies, files=False), executor, out=out)
    write_national(written, out)
    tree = _tree(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "a-kota", "agencies.csv", "agencies.json", "b-kabupaten", "c-refused"
    ]  # fmt: skip
    del tree["agencies.csv"], tree["agencies.json"]
    return tree


@pytest.mark.parametrize("where", ["in-process", "process pool", "dask"])
def test_workers_writing_the_folders_and_files_travelling_give_the_same_bytes(
    agencies: Path, tmp_path: Path, where: str, request: pytest.FixtureRequest
) -> None:
    """The reference is the client writing the files an in-process solve sent back."""
    expected = _solved(agencies, LocalPool(1, shared_storage=False), tmp_path / "reference")
    assert {"a-kota/plan.csv", "a-kota/input.json.gz", "b-kabupaten/summary.json"} <= set(expected)
    if where == "dask":
        cluster: DaskCluster = request.getfixturevalue("dask_cluster")
        address = cluster.client.scheduler.address
        shared: Executor = DaskCluster(address, shared_storage=True)
        travelling: Executor = DaskCluster(address)
        assert cluster.shared_storage and not travelling.shared_storage
    else:
        workers = 1 if where == "in-process" else 2
        shared = LocalPool(workers)
        travelling = LocalPool(workers, shared_storage=False)
    try:
        assert _solved(agencies, shared, tmp_path / "shared") == expected
        assert _solved(agencies, travelling, tmp_path / "travelling") == expected
    finally:
        shared.close()
        travelling.close()


@pytest.mark.usefixtures("tight_policy_crashes")
@pytest.mark.parametrize("shared_storage", [True, False])
def test_refused_and_failed_agencies_are_reported_alike_either_way(
    agencies: Path, tmp_path: Path, shared_storage: bool
) -> None:
    kept = run_national(read_agencies(agencies), LocalPool(1))
    out = tmp_path / "out"
    pool = LocalPool(1, shared_storage=shared_storage)
    written = run_national(read_agencies(agencies, files=False), pool, out=out)
    columns = ["agency", "status", "error", "objective", "moves"]
    assert national_table(written)[columns].equals(national_table(kept)[columns])
    assert [r.run.status for r in written] == ["OPTIMAL", FAILED, REFUSED]
    assert written[1].run.error == "RuntimeError: worker lost its solver"
    assert list((out / "b-kabupaten").iterdir()) == list((out / "c-refused").iterdir()) == []


def test_a_task_that_fails_while_writing_is_retried_into_a_whole_directory(
    agencies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first attempt writes the files, then raises before the directory takes its place;
    so does a killed task, which also leaves its hidden folder behind (as the one planted)."""
    expected = _solved(agencies, LocalPool(1, shared_storage=False), tmp_path / "reference")
    real = runs.write_outputs
    attempts: list[str] = []

    def write_then_fail(solution: Any, out_dir: Any) -> Any:
        written = real(solution, out_dir)
        attempts.append(Path(out_dir).name)
        if len(attempts) == 1:
            raise RuntimeError("disk went away")
        return written

    monkeypatch.setattr(runs, "write_outputs", write_then_fail)
    out = tmp_path / "out"
    (out / f".a-kota{PARTIAL}killed").mkdir(parents=True)
    (out / f".a-kota{PARTIAL}killed" / "plan.csv").write_text("half", encoding="utf-8")
    assert _solved(agencies, LocalPool(1), out) == expected
    first, second = attempts[:2]
    assert first != second and first.startswith(f".a-kota{PARTIAL}")
    assert second.startswith(f".a-kota{PARTIAL}")


def test_a_run_directory_replaces_an_earlier_one_whole(agencies: Path, tmp_path: Path) -> None:
    expected = _solved(agencies, LocalPool(1), tmp_path / "reference")
    out = tmp_path / "out"
    (out / "a-kota").mkdir(parents=True)
    (out / "a-kota" / "plan.csv").write_text("an earlier run", encoding="utf-8")
    (out / "a-kota" / "notes.txt").write_text("not of this run", encoding="utf-8")
    assert _solved(agencies, LocalPool(1), out) == expected


@pytest.mark.parametrize("plugin", [KillOnce, KillWhileWriting])
def test_a_worker_killed_mid_run_loses_no_agency_and_leaves_no_half_directory(
    agencies: Path, tmp_path: Path, plugin: type[KillOnce] | type[KillWhileWriting]
) -> None:
    """Killed as it starts an agency, or after writing an agency's files but before the
    directory takes its place: the agency is solved again on the other worker."""
    expected = _solved(agencies, LocalPool(1, shared_storage=False), tmp_path / "reference")
    marker = tmp_path / "killed"
    with killing_cluster(plugin(str(marker)), shared_storage=True) as executor:
        got = _solved(agencies, executor, tmp_path / "out")
    assert marker.is_file()
    assert got == expected
