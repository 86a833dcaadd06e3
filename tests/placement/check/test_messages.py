"""Violations read in Indonesian by default and in English on request, word for word the same
from the vectorised checker and the scalar reference in each language."""

from __future__ import annotations

import pytest

from placement.check import CheckReport, expected_plan
from placement.check import check as check_plan
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.i18n import use_locale
from tests.placement.builders import make_dataset, make_nip, make_policy

E1 = make_nip(1)


def report(dataset: Dataset, policy: Policy) -> CheckReport:
    """The report of the plan that moves E1 to B-01, the same from both checkers."""
    plan = expected_plan(dataset, policy, {E1: "B-01"})
    vectorised = check_plan(dataset, policy, plan, method="vectorised")
    assert vectorised == check_plan(dataset, policy, plan, method="scalar")
    return vectorised


def mover(employee: dict[str, str], target: dict[str, str], **tables: object) -> Dataset:
    return make_dataset(
        employees=[{"nip": E1, "position_id": "A-01", **employee}],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01", **target}],
        **tables,
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("id", "R07 JPM 66,67 < batas minimum 68,00 untuk B-01"),
        ("en", "R07 JPM 66.67 < floor 68 for B-01"),
    ],
)
def test_a_jpm_below_the_floor_reads_in_the_locale_with_its_decimal_mark(
    locale: str, expected: str
) -> None:
    dataset = mover({}, {}, competencies={E1: {"M01": 2}}, requirements={"B-01": {"M01": 3}})
    with use_locale(locale):
        messages = [v.message for v in report(dataset, make_policy()).violations]
    assert messages == [expected]


def test_the_default_is_indonesian_for_grades_and_retirement_dates() -> None:
    dataset = mover(
        {"grade": "III/b", "birth_date": "1970-02-15"},
        {"job_class": "PENGAWAS", "eselon": "IV.a"},
    )
    messages = {v.rule: v.message for v in report(dataset, make_policy()).violations}
    assert messages["R05"] == "R05 golongan III/b di bawah minimum III/c untuk B-01"
    assert messages["R08"].startswith("R08 ") and "bulan menjelang pensiun pada" in messages["R08"]
    assert "Maret 2028" in messages["R08"]
    with use_locale("en"):
        english = {v.rule: v.message for v in report(dataset, make_policy()).violations}
    assert "months to retirement on 2028-03-01" in english["R08"]
