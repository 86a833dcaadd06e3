"""Rule reasons, explanations and analyses read in Indonesian by default (with its decimal
comma) and in English on request; rule ids and JSON field names stay as they are."""

from __future__ import annotations

from placement.analysis.explain import explain_person
from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.engine import solve
from placement.i18n import use_locale
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
