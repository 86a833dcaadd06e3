"""The HTML report and ``placement report``: well-formed, self-contained, escaped, and every
count in it equal to the plan and gaps.csv it reports."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import placement
from placement.cli import main
from placement.cli.exits import EXIT_INFEASIBLE, EXIT_OK
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.contract.readers import dataset_from_json
from placement.i18n import use_locale
from placement.reports.html import render_report
from placement.reports.kpis import move_matrix
from placement.runs.directory import write_outputs
from tests.paths import EXAMPLE
from tests.placement.builders import (
    example_dataset,
    example_policy,
    make_dataset,
    make_nip,
    make_policy,
)

Run = tuple[Dataset, Policy, placement.Solution]

VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "wbr"})
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_TITLE = '"><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """A strict reading of a page: every element closed in order, tags and text collected,
    and the moves-matrix and training cells picked out by their data attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.matrix: dict[tuple[str, str], str] = {}
        self.training: list[dict[str, str | None]] = []
        self._cell: tuple[str, str] | None = None
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, str | None]:
        a = dict(attrs)
        self.tags[tag] += 1
        self.attrs.append((tag, a))
        if tag == "td" and a.get("data-from") is not None:
            self._cell = (str(a["data-from"]), str(a["data-to"]))
            self.matrix[self._cell] = ""
        if tag == "tr" and "data-people" in a:
            self.training.append(a)
        return a

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self.matrix[self._cell] += data


def _well_formed(text: str) -> Page:
    page = Page(text)
    assert page.errors == []
    return page


def _assert_self_contained(text: str, page: Page) -> None:
    assert page.tags["script"] == 0 and page.tags["link"] == 0 and page.tags["img"] == 0
    assert "http://" not in text and "https://" not in text
    for tag, attrs in page.attrs:
        assert not {"src", "href"} & set(attrs), tag


@pytest.fixture(scope="module")
def example() -> Run:
    dataset = placement.load_dataset(EXAMPLE)
    policy = placement.load_policy(EXAMPLE / "policy.json", dataset)
    return dataset, policy, placement.solve(dataset, policy)


def _small() -> tuple[Dataset, Policy]:
    """Three units; overdue employees with first preferences elsewhere, so the optimum moves
    A→B, A→C, B→A and C→C (within a unit) and places one newcomer. The first mover has a
    hostile name and his new post a hostile title; three movers fall short of a competency."""
    employees = [
        {"nip": make_nip(1), "name": HOSTILE_NAME, "position_id": "A-01"},
        {"nip": make_nip(2), "name": "Sari", "position_id": "A-02"},
        {"nip": make_nip(3), "name": "Tono", "position_id": "B-02"},
        {"nip": make_nip(4), "name": "Umi", "position_id": "C-02"},
        {"nip": make_nip(5), "name": "Wati"},
    ]
    positions = [
        {"position_id": "A-01", "title": "Analis"},
        {"position_id": "A-02", "title": "Pengelola"},
        {"position_id": "B-01", "title": HOSTILE_TITLE},
        {"position_id": "B-02", "title": "Pengadministrasi"},
        {"position_id": "C-01", "title": "Penata"},
        {"position_id": "C-02", "title": "Pengolah"},
        {"position_id": "C-03", "title": "Pranata"},
    ]
    competencies = {
        make_nip(1): {"M01": 3, "M02": 2, "T.X": 3},
        make_nip(2): {"M01": 2, "M02": 1},
        make_nip(3): {"T.X": 2},
        make_nip(4): {"M01": 3},
        make_nip(5): {"M01": 1, "M04": 2},
    }
    requirements: dict[str, dict[str, int | tuple[int, int]]] = {
        "B-01": {"M01": 3, "M02": 3, "T.X": 3},
        "C-01": {"M01": 2, "M02": 2},
        "A-01": {"T.X": 2},
        "A-02": {"M01": 1, "M04": 3},
    }
    preferences = {
        make_nip(1): {"B-01": 1},
        make_nip(2): {"C-01": 1},
        make_nip(3): {"A-01": 1},
        make_nip(4): {"C-03": 1},
        make_nip(5): {"A-02": 1},
    }
    dataset = make_dataset(employees, positions, competencies, requirements, preferences)
    return dataset, make_policy()


@pytest.fixture(scope="module")
def small() -> Run:
    dataset, policy = _small()
    return dataset, policy, placement.solve(dataset, policy)


def test_the_example_report_is_well_formed_and_self_contained(example: Run) -> None:
    text = render_report(*example)
    page = _well_formed(text)
    _assert_self_contained(text, page)
    assert page.tags["svg"] == 2 and page.tags["details"] >= 2
    body = " ".join(page.text)
    assert example[2].summary["input_sha256"] in body and "OPTIMAL" in body
    assert "287.692" in body  # the objective, in Indonesian number format


def test_every_move_and_new_placement_of_the_example_is_listed(example: Run) -> None:
    page = _well_formed(render_report(*example))
    cells = set(page.text)
    plan = example[2].plan
    assert plan is not None
    listed = plan[plan["moved"] | ((plan["from_position"] == "") & (plan["to_position"] != ""))]
    assert len(listed) == 3  # Gita and Joko move, Nur is placed
    assert set(listed["nip"]) <= cells
    assert "Fajar Tarigan" in cells  # the one unplaced employee has his own list


def test_the_moves_matrix_counts_equal_the_plans_moves_per_unit_pair(
    example: Run, small: Run
) -> None:
    for _dataset, _policy, solution in (example, small):
        plan = solution.plan
        assert plan is not None
        moved = plan[plan["moved"]]
        expected = Counter(zip(moved["from_unit"], moved["to_unit"], strict=True))
        page = _well_formed(render_report(*(_dataset, _policy, solution)))
        shown = {pair: int(n) for pair, n in page.matrix.items()}
        assert shown == dict(expected)
    plan = small[2].plan
    assert plan is not None
    moved = plan[plan["moved"]]
    pairs = Counter(zip(moved["from_unit"], moved["to_unit"], strict=True))
    assert pairs == {("A", "B"): 1, ("A", "C"): 1, ("B", "A"): 1, ("C", "C"): 1}


def test_the_move_matrix_leaves_out_new_placements(small: Run) -> None:
    plan = small[2].plan
    assert plan is not None
    assert ((plan["from_position"] == "") & (plan["to_position"] != "")).sum() == 1
    matrix = move_matrix(plan)
    assert int(matrix.to_numpy().sum()) == int(plan["moved"].sum()) == 4
    assert matrix.loc["C", "C"] == 1 and "" not in matrix.index


def _gaps_csv(solution: placement.Solution, folder: Path) -> list[dict[str, str]]:
    write_outputs(solution, folder)
    with (folder / "gaps.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_training_table_totals_equal_gaps_csv(example: Run, small: Run, tmp_path: Path) -> None:
    for name, run in (("example", example), ("small", small)):
        rows = _gaps_csv(run[2], tmp_path / name)
        page = _well_formed(render_report(*run))
        *per_competency, total = page.training
        people: dict[str, set[str]] = {}
        shortfall: Counter[str] = Counter()
        for r in rows:
            people.setdefault(r["competency"], set()).add(r["nip"])
            shortfall[r["competency"]] += int(r["required"]) - int(r["attained"])
        assert {str(a["data-competency"]): int(str(a["data-people"])) for a in per_competency} == {
            c: len(n) for c, n in people.items()
        }
        assert {
            str(a["data-competency"]): int(str(a["data-shortfall"])) for a in per_competency
        } == dict(shortfall)
        assert int(str(total["data-items"])) == len(rows)
        assert int(str(total["data-people"])) == len({r["nip"] for r in rows})
    assert len(_gaps_csv(small[2], tmp_path / "again")) == 3  # two short of M02, one of M04


def test_a_hostile_name_and_title_are_escaped(small: Run) -> None:
    text = render_report(*small)
    page = _well_formed(text)
    assert page.tags["script"] == 0 and page.tags["img"] == 0
    assert HOSTILE_NAME in page.text
    assert any(HOSTILE_TITLE in t for t in page.text)
    assert HOSTILE_NAME not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_rendering_the_same_run_twice_gives_the_same_text(small: Run) -> None:
    assert render_report(*small) == render_report(*small)


def test_the_jpm_charts_count_holders_before_and_placed_after(example: Run) -> None:
    page = _well_formed(render_report(*example))
    bars = [str(a["x"]) for tag, a in page.attrs if tag == "rect" and "height" in a]
    assert len(bars) == 2 * 3 + 2 * 10 + 2 * 2  # bars of two series in two charts, legends
    titles = [t for t in page.text if " · " in t and ": " in t]
    before = sum(int(t.rsplit(": ", 1)[1]) for t in titles[0:6:2])
    after = sum(int(t.rsplit(": ", 1)[1]) for t in titles[1:6:2])
    plan = example[2].plan
    assert plan is not None
    assert before == int((plan["from_position"] != "").sum()) == 12
    assert after == int((plan["to_position"] != "").sum()) == 13


def test_long_lists_are_paged_and_capped_with_a_note(small: Run) -> None:
    text = render_report(*small, max_rows=3, page_rows=2)
    page = _well_formed(text)
    body = " ".join(page.text)
    assert "Baris 1–2 dari 5" in body and "Baris 3–3 dari 5" in body
    assert "Ditampilkan 3 dari 5 baris; daftar lengkap ada di plan.csv" in body
    assert "Ditampilkan 3 dari 3" not in body  # the three training rows fit
    with use_locale("en"):
        english = " ".join(_well_formed(render_report(*small, max_rows=3, page_rows=2)).text)
    assert "Rows 1–2 of 5" in english and "Rows 3–3 of 5" in english
    assert "Showing 3 of 5 rows; the full list is in plan.csv" in english
    assert "Showing 3 of 3" not in english  # the three training rows fit


def test_a_run_without_a_plan_reports_its_status_and_reason() -> None:
    dataset = example_dataset()
    policy = dataclasses.replace(example_policy(rotation=True), max_moves=2)
    solution = placement.solve(dataset, policy)
    assert solution.status == "INFEASIBLE"
    text = render_report(dataset, policy, solution)
    page = _well_formed(text)
    body = " ".join(page.text)
    assert "INFEASIBLE" in body and "Sebab: " in body and page.tags["svg"] == 0
    with use_locale("en"):
        english = " ".join(_well_formed(render_report(dataset, policy, solution)).text)
    assert "INFEASIBLE" in english and "Reason: " in english


def _solve_example(out: Path) -> None:
    code = main(["solve", str(EXAMPLE), "--policy", str(EXAMPLE / "policy.json"),
                 "--out", str(out), "--quiet"])  # fmt: skip
    assert code == EXIT_OK


def test_the_report_command_writes_both_files_into_the_run_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "run"
    _solve_example(run_dir)
    capsys.readouterr()
    assert main(["report", str(run_dir), "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"wrote {run_dir / 'report.html'}" in out
    assert "2 moves and 1 new placements" in out and "training items: 1" in out
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(text, _well_formed(text))
    assert (run_dir / "lampiran-sk-mutasi.xlsx").stat().st_size > 0


def test_the_report_command_prints_json_and_writes_the_same_bytes_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "run"
    _solve_example(run_dir)
    written = []
    for name in ("first", "second"):
        capsys.readouterr()
        assert main(["report", str(run_dir), "--out", str(tmp_path / name), "--json"]) == EXIT_OK
        written.append(json.loads(capsys.readouterr().out))
    first, second = written
    assert first["moves"] == 2 and first["new_placements"] == 1 and first["training_items"] == 1
    assert first["html"] == str(tmp_path / "first" / "report.html")
    assert Path(first["html"]).stat().st_size == first["html_bytes"]
    for key in ("html", "xlsx"):
        assert Path(first[key]).read_bytes() == Path(second[key]).read_bytes()
    assert not (run_dir / "report.html").exists()


def test_the_report_command_refuses_a_run_without_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = json.loads((EXAMPLE / "rotation" / "policy.json").read_text()) | {"max_moves": 2}
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(policy))
    run_dir = tmp_path / "run"
    main(["solve", str(EXAMPLE), "--policy", str(policy_file), "--out", str(run_dir), "--quiet"])
    capsys.readouterr()
    assert main(["report", str(run_dir), "--lang", "en"]) == EXIT_INFEASIBLE
    assert "has no plan (status INFEASIBLE)" in capsys.readouterr().err
    assert sorted(p.name for p in run_dir.iterdir()) == ["summary.json"]


def test_the_training_needs_frame_matches_the_example_gaps(example: Run) -> None:
    gaps = pd.read_csv(EXAMPLE / "gaps.csv", dtype=str)
    assert list(gaps["competency"]) == ["T.KESMAS"]
    page = _well_formed(render_report(*example))
    assert [a["data-competency"] for a in page.training[:-1]] == ["T.KESMAS"]


def test_the_expected_skp_effect_is_shown_only_with_a_forecast(example: Run) -> None:
    interval = {"estimate": -0.051, "se": 0.02, "ci_low": -0.09, "ci_high": -0.012}
    trained = {"estimate": 0.02, "se": 0.02, "ci_low": -0.019, "ci_high": 0.059}
    forecast = {"moves": 7, "training_listed": 3, "without_training": interval,
                "with_training": trained}  # fmt: skip
    text = render_report(*example, forecast=forecast)
    _assert_self_contained(text, _well_formed(text))
    assert 'id="expected-skp"' in text and "7 pegawai" in text and "3 pegawai" in text
    assert "−0,05" in text and "−0,09 s.d. −0,01" in text and "+0,02" in text
    assert 'id="expected-skp"' not in render_report(*example)
    thin = render_report(*example, forecast={**forecast, "without_training": None})
    assert "Riwayat tidak cukup" in thin


def test_the_report_command_shows_the_expected_skp_effect_when_the_dataset_has_history(
    tmp_path: Path,
) -> None:
    data, run = tmp_path / "city", tmp_path / "run"
    sample = ["sample", "--employees", "400", "--seed", "3", "--history", "--quiet"]
    assert main([*sample, "--out", str(data)]) == EXIT_OK
    policy = tmp_path / "policy.json"
    policy.write_text('{"reference_date": "2026-07-01"}')
    assert main(["solve", str(data), "--policy", str(policy), "--out", str(run), "--quiet"]) == 0
    assert main(["report", str(run), "--quiet"]) == EXIT_OK
    text = (run / "report.html").read_text(encoding="utf-8")
    assert 'id="expected-skp"' in text
    assert main(["evaluate", str(data), "--plan", str(run), "--out", str(tmp_path / "e"),
                 "--quiet"]) == EXIT_OK  # fmt: skip
    forecast = json.loads((tmp_path / "e" / "forecast.json").read_text(encoding="utf-8"))
    moves = f"{forecast['moves']:,}".replace(",", ".")
    assert f"dari {moves} pegawai yang dimutasi" in text


def test_units_are_shown_by_name_where_the_dataset_names_them() -> None:
    data = json.loads((EXAMPLE / "example.json").read_text())
    data["units"] = [{"unit": "DINKES", "name": "Dinas Kesehatan"}, {"unit": "DISDIK"}]
    dataset = dataset_from_json(data)
    policy = placement.load_policy(EXAMPLE / "policy.json", dataset)
    page = render_report(dataset, policy, placement.solve(dataset, policy))
    _well_formed(page)
    assert "<td>Dinas Kesehatan</td>" in page  # Gita's new unit in the list of moves
    assert '<th class="row" title="DINKES">Dinas Kesehatan</th>' in page
    assert '<th title="Dinas Kesehatan">DINKES</th>' in page
    assert "<td>DISDIK</td>" in page  # given without a name: its code
