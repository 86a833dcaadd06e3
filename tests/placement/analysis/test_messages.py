"""Rule reasons, explanations and analyses read in Indonesian by default (with its decimal
comma) and in English on request; rule ids and JSON field names stay as they are."""

from __future__ import annotations

import json

import pytest

from placement.analysis.compare import compare
from placement.analysis.evaluation import evaluate
from placement.analysis.explain import explain_person
from placement.analysis.fairness import fairness
from placement.analysis.scenario import OPS, apply_changes
from placement.contract.policy import load_policy
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.engine import solve
from placement.errors import DatasetError
from placement.i18n import format_integer, use_locale
from placement.synthetic.history import generate_history
from tests.paths import EXAMPLE
from tests.placement.builders import FAJAR


def test_a_rule_reason_uses_the_indonesian_decimal_comma() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "policy.json", dataset)
    solution = solve(dataset, policy)
    fajar = explain_person(dataset, policy, solution, FAJAR, counterfactuals=False)
    reasons = {
        f.rule: f.text for a in fajar.alternatives if a.position_id == "BKPSDM-01"
        for f in a.blocked_by
    }  # fmt: skip
    assert reasons["R07"] == "JPM 40,00 < batas minimum 68,00"
    assert "skor" in fajar.text() and "JPM" in fajar.text()
    with use_locale("en"):
        english = explain_person(dataset, policy, solution, FAJAR, counterfactuals=False)
    assert "JPM 40.00 < floor 68" in english.text()


def test_a_bad_scenario_change_is_refused_in_indonesian() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = json.loads((EXAMPLE / "policy.json").read_text())
    changes = [{"op": "nope"}, {"op": "close", "position_id": "X"}]
    with pytest.raises(DatasetError) as refused:
        apply_changes(dataset, policy, changes)
    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (1, "op", f"operasi 'nope' tidak dikenal; pilihan yang sah: {', '.join(OPS)}"),
        (2, "position_id", "jabatan X tidak dikenal"),
    ]


def test_runs_under_different_policies_are_compared_with_an_indonesian_warning() -> None:
    dataset = load_dataset(EXAMPLE)
    base = solve(dataset, load_policy(EXAMPLE / "policy.json", dataset))
    rotation = solve(dataset, load_policy(EXAMPLE / "rotation" / "policy.json", dataset))
    found = compare([("dasar", base), ("rotasi", rotation)])
    assert found.warnings[0].startswith("run diselesaikan dengan kebijakan yang berbeda: ")
    text = found.text()
    assert text.startswith("peringatan: run diselesaikan dengan kebijakan yang berbeda")
    assert "jabatan dasar" in text and "skor rotasi" in text
    with use_locale("en"):
        english = compare([("base", base), ("rotation", rotation)])
    assert english.to_dict()["warnings"][0].startswith("the runs were solved under different")


def test_an_evaluation_without_history_warns_in_indonesian() -> None:
    history = generate_history(50, seed=0)
    tables = {k: history.tables[k] for k in ("employees", "positions")}
    result = evaluate(dataset_from_tables(tables)).to_dict()
    assert result["warnings"] == ["tidak ada performance_history: tidak ada yang dapat dievaluasi"]


def test_fairness_reports_in_indonesian_with_grouped_numbers() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "policy.json", dataset)
    report = fairness(dataset, policy, solve(dataset, policy), max_explained=0).text()
    objective = format_integer(int(solve(dataset, policy).objective or 0), "id")
    assert report.startswith(f"rencana OPTIMAL, skor total {objective}\n")
    assert "keinginan terhalang" in report and "skor rata-rata" in report
