"""The independent checker: example plans, one broken plan per rule, exact arithmetic.

Every check here runs both implementations, the vectorised one and the scalar reference, and
requires the same report from both, word for word.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from placement.check import CheckReport, expected_plan, format_violations
from placement.check import check as check_plan
from placement.contract.calendar import months_between, retirement_date
from placement.contract.dataset import Dataset
from placement.contract.plan import PLAN_COLUMNS
from placement.contract.policy import Policy
from placement.errors import PlanFormatError
from placement.runs.formats import read_plan_csv
from tests.paths import EXAMPLE
from tests.placement.builders import (
    ANDI,
    CITRA,
    FAJAR,
    GITA,
    HENDRA,
    INDAH,
    JOKO,
    KARTIKA,
    MAYA,
    NUR,
    example_dataset,
    example_policy,
    make_dataset,
    make_nip,
    make_policy,
)

pytestmark = pytest.mark.usefixtures("english")

#: The mover of the single-move fixtures: born 1990-01-01 (from the NIP).
E1 = make_nip(1)
E2 = make_nip(2)
E3 = make_nip(3)


# -- fixtures ----------------------------------------------------------------------------------


def check(dataset: Dataset, policy: Policy, plan: pd.DataFrame) -> CheckReport:
    """The vectorised report of ``plan``, once the scalar reference gave the same one."""
    report = check_plan(dataset, policy, plan, method="vectorised")
    assert report == check_plan(dataset, policy, plan, method="scalar")
    return report


def one_mover(
    employee: dict[str, Any] | None = None,
    target: dict[str, Any] | None = None,
    current: dict[str, Any] | None = None,
    **tables: Any,
) -> Dataset:
    """One PNS (III/a, S1, 78 months in A-01, born 1990) who can move to B-01 by every rule.

    ``employee``, ``target`` (B-01) and ``current`` (A-01) override fields of the three rows;
    further tables are passed to ``make_dataset``.
    """
    return make_dataset(
        employees=[{"nip": E1, "position_id": "A-01", **(employee or {})}],
        positions=[
            {"position_id": "A-01", **(current or {})},
            {"position_id": "B-01", **(target or {})},
        ],
        **tables,
    )


def run(dataset: Dataset, policy: Policy, placements: dict[str, str]) -> CheckReport:
    """Check the consistent plan that ends every employee in ``placements``."""
    return check(dataset, policy, expected_plan(dataset, policy, placements))


def broken_rules(dataset: Dataset, policy: Policy | None = None, to: str = "B-01") -> set[str]:
    """Rule ids the single mover E1 breaks by ending in ``to``."""
    return set(run(dataset, policy or make_policy(), {E1: to}).rules)


# -- calendar ----------------------------------------------------------------------------------


def test_months_are_whole_calendar_months_and_negative_backwards() -> None:
    assert months_between(dt.date(2021, 7, 1), dt.date(2026, 7, 1)) == 60
    assert months_between(dt.date(2021, 7, 2), dt.date(2026, 7, 1)) == 59
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert months_between(dt.date(2026, 7, 1), dt.date(2026, 5, 15)) == -2


def test_retirement_is_the_first_of_the_month_after_the_bup_birthday() -> None:
    assert retirement_date(dt.date(1970, 2, 15), "PELAKSANA") == dt.date(2028, 3, 1)
    assert retirement_date(dt.date(1970, 12, 1), "PELAKSANA") == dt.date(2029, 1, 1)
    assert retirement_date(dt.date(1970, 2, 15), "JPT_PRATAMA") == dt.date(2030, 3, 1)
    assert retirement_date(dt.date(1970, 2, 15), "JF_AHLI_MADYA") == dt.date(2030, 3, 1)
    assert retirement_date(dt.date(1970, 2, 15), "JF_AHLI_UTAMA") == dt.date(2035, 3, 1)


# -- the worked example ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_report() -> CheckReport:
    """The example's optimal plan checked under its own policy."""
    return check(example_dataset(), example_policy(), read_plan_csv(EXAMPLE / "plan.csv"))


def test_the_example_plan_passes_with_objective_287692(example_report: CheckReport) -> None:
    assert example_report.ok, format_violations(example_report)
    assert example_report.objective == 287692


def test_the_rotation_plan_passes_with_objective_285192() -> None:
    plan = read_plan_csv(EXAMPLE / "rotation" / "plan.csv")
    report = check(example_dataset(), example_policy(rotation=True), plan)
    assert report.ok, format_violations(report)
    assert report.objective == 285192


@pytest.mark.parametrize(
    ("nip", "score"),
    [
        pytest.param(ANDI, 19692, id="Andi stays with JPM 10/13"),
        pytest.param(CITRA, 23800, id="Citra's stay earns her unit preference"),
        pytest.param(GITA, 21800, id="Gita's pinned move is scored like any other"),
        pytest.param(HENDRA, 18000, id="Hendra's overdue stay"),
        pytest.param(INDAH, 22000, id="Indah's stay within tenure"),
        pytest.param(JOKO, 30800, id="Joko's displaced move"),
        pytest.param(KARTIKA, 22000, id="Kartika at exactly 60 months is within tenure"),
        pytest.param(MAYA, 18000, id="Maya's overdue stay in a closed post"),
        pytest.param(NUR, 23600, id="Nur's new placement without SKP"),
        pytest.param(FAJAR, 0, id="Fajar unplaced"),
    ],
)
def test_example_scores_are_those_of_the_readme(
    example_report: CheckReport, nip: str, score: int
) -> None:
    assert example_report.scores[nip] == score


def test_the_main_plan_breaks_g06_under_the_rotation_policy() -> None:
    report = check(
        example_dataset(), example_policy(rotation=True), read_plan_csv(EXAMPLE / "plan.csv")
    )
    assert [(v.rule, v.nip) for v in report.violations] == [("G06", HENDRA), ("G06", MAYA)]


def test_the_rotation_plan_breaks_hendras_retirement_buffer_under_the_main_policy() -> None:
    plan = read_plan_csv(EXAMPLE / "rotation" / "plan.csv")
    report = check(example_dataset(), example_policy(), plan)
    assert [v.message for v in report.violations] == [
        "R08 20 months to retirement on 2028-03-01 < buffer 24 for DINKES-02"
    ]


def test_the_example_loaded_from_its_files_gives_the_same_verdict() -> None:
    loading = pytest.importorskip("placement.contract.readers")
    dataset = loading.load_dataset(EXAMPLE)
    report = check(dataset, example_policy(), read_plan_csv(EXAMPLE / "plan.csv"))
    assert report.ok, format_violations(report)
    assert report.objective == 287692


def test_the_example_builder_matches_the_loaded_example() -> None:
    """Names, titles and potentials are left out of the builder: no rule reads them."""
    loading = pytest.importorskip("placement.contract.readers")
    loaded, built = loading.load_dataset(EXAMPLE), example_dataset()
    for table in ("employees", "positions", "competencies", "requirements", "preferences"):
        columns = [
            c for c in getattr(loaded, table).columns if c not in {"name", "title", "potential"}
        ]
        pd.testing.assert_frame_equal(
            getattr(built, table)[columns], getattr(loaded, table)[columns]
        )
    pd.testing.assert_frame_equal(built.relations, loaded.relations)


def test_expected_plan_reproduces_the_example_plan_cell_for_cell() -> None:
    plan = read_plan_csv(EXAMPLE / "plan.csv")
    rebuilt = expected_plan(
        example_dataset(),
        example_policy(),
        dict(zip(plan["nip"], plan["to_position"], strict=True)),
    )
    pd.testing.assert_frame_equal(rebuilt, plan)


def test_a_typed_engine_frame_is_accepted() -> None:
    plan = read_plan_csv(EXAMPLE / "plan.csv")
    typed = plan.assign(
        moved=plan["moved"] == "true",
        score=plan["score"].astype("int64"),
        jpm=[float(x) if x else None for x in plan["jpm"]],
        preference_rank=pd.array([int(x) if x else None for x in plan["preference_rank"]], "Int64"),
    )
    report = check(example_dataset(), example_policy(), typed)
    assert report.ok, format_violations(report)
    assert report.objective == 287692


# -- R rules: one broken plan each -------------------------------------------------------------


def test_the_fixture_move_breaks_no_rule() -> None:
    assert broken_rules(one_mover()) == set()


def test_r01_a_cpns_may_not_move() -> None:
    assert broken_rules(one_mover({"status": "CPNS"})) == {"R01"}


def test_r01_a_pppk_moves_only_when_allowed() -> None:
    pppk = one_mover({"status": "PPPK", "grade": ""})
    assert broken_rules(pppk) == {"R01"}
    assert broken_rules(pppk, make_policy(allow_pppk_moves=True)) == set()


def test_r01_does_not_apply_to_a_new_placement_of_a_cpns() -> None:
    dataset = make_dataset(
        employees=[{"nip": E1, "status": "CPNS"}], positions=[{"position_id": "B-01"}]
    )
    assert broken_rules(dataset) == set()


def test_r02_an_active_discipline_case_blocks_a_move() -> None:
    assert broken_rules(one_mover({"discipline": True})) == {"R02"}


def test_r03_study_leave_blocks_a_move() -> None:
    assert broken_rules(one_mover({"on_leave": True})) == {"R03"}


def test_r04_short_tenure_blocks_a_move_but_exactly_the_minimum_passes() -> None:
    assert broken_rules(one_mover({"position_since": "2024-07-02"})) == {"R04"}
    assert broken_rules(one_mover({"position_since": "2024-07-01"})) == set()


def test_r04_unknown_tenure_blocks_a_move() -> None:
    assert broken_rules(one_mover({"position_since": None})) == {"R04"}


def test_r04_passes_a_move_out_of_an_abolished_post() -> None:
    dataset = one_mover({"position_since": "2026-01-01"}, current={"state": "abolished"})
    assert broken_rules(dataset) == set()


def test_r05_grade_below_the_eselon_band_is_refused() -> None:
    dataset = one_mover({"grade": "III/b"}, {"job_class": "PENGAWAS", "eselon": "IV.a"})
    report = run(dataset, make_policy(), {E1: "B-01"})
    assert [v.message for v in report.violations] == ["R05 grade III/b below min III/c of B-01"]


def test_r05_each_bound_falls_back_to_the_band_on_its_own() -> None:
    target = {"job_class": "PENGAWAS", "eselon": "IV.a", "min_grade": "III/a"}
    assert broken_rules(one_mover({"grade": "III/b"}, target)) == set()
    assert broken_rules(one_mover({"grade": "IV/a"}, target)) == {"R05"}


def test_r05_an_employee_without_grade_may_not_enter_a_structural_post() -> None:
    policy = make_policy(allow_pppk_moves=True)
    pppk = {"status": "PPPK", "grade": ""}
    assert broken_rules(one_mover(pppk, {"job_class": "PENGAWAS"}), policy) == {"R05"}
    assert broken_rules(one_mover(pppk, {"min_grade": "III/a"}), policy) == set()


def test_r06_education_below_the_minimum_is_refused_and_d4_equals_s1() -> None:
    assert broken_rules(one_mover({"education": "D3"}, {"min_education": "S1"})) == {"R06"}
    assert broken_rules(one_mover({"education": "D4"}, {"min_education": "S1"})) == set()
    assert broken_rules(one_mover({"education": ""}, {"min_education": "SMA"})) == {"R06"}


def test_r06_the_field_must_be_listed_compared_case_insensitively() -> None:
    target = {"education_fields": "Keperawatan; Ners"}
    assert broken_rules(one_mover({"education_field": "ners"}, target)) == set()
    assert broken_rules(one_mover({"education_field": "Hukum"}, target)) == {"R06"}
    assert broken_rules(one_mover({"education_field": ""}, target)) == {"R06"}


def test_r07_a_jpm_below_the_floor_is_refused() -> None:
    dataset = one_mover(competencies={E1: {"M01": 2}}, requirements={"B-01": {"M01": 3}})
    report = run(dataset, make_policy(), {E1: "B-01"})
    assert [v.message for v in report.violations] == ["R07 JPM 66.67 < floor 68 for B-01"]


def test_r07_reads_the_required_competencies_among_others_nobody_requires() -> None:
    dataset = one_mover(
        competencies={E1: {"K01": 5, "M01": 2, "T09": 4}},
        requirements={"B-01": {"M01": 3}, "A-01": {"T10": 1}},
    )
    report = run(dataset, make_policy(), {E1: "B-01"})
    assert [v.message for v in report.violations] == ["R07 JPM 66.67 < floor 68 for B-01"]
    assert not run(dataset, make_policy(jpm_floor="66"), {E1: "B-01"}).violations


def test_r07_is_decided_exactly_at_the_floor() -> None:
    """JPM 2/3 = 66.666…: a floor of 66.666 admits it, 66.667 does not."""
    dataset = one_mover(competencies={E1: {"M01": 2}}, requirements={"B-01": {"M01": 3}})
    assert broken_rules(dataset, make_policy(jpm_floor="66.666")) == set()
    assert broken_rules(dataset, make_policy(jpm_floor="66.667")) == {"R07"}


def test_r08_a_mover_too_close_to_retirement_is_refused_by_the_target_class() -> None:
    """Born 1970-02-15: BUP 58 retires 2028-03-01 (20 months); BUP 60 on 2030-03-01."""
    old = {"birth_date": "1970-02-15"}
    assert broken_rules(one_mover(old)) == {"R08"}
    assert broken_rules(one_mover(old, {"job_class": "JF_AHLI_MADYA"})) == set()
    assert broken_rules(one_mover(old), make_policy(retirement_buffer_months=20)) == set()


def test_r08_is_skipped_without_a_birth_date() -> None:
    dataset = make_dataset(
        employees=[{"nip": "x1", "position_id": "A-01"}],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}],
    )
    assert set(run(dataset, make_policy(), {"x1": "B-01"}).rules) == set()


def test_r09_nobody_new_enters_a_closed_post_but_incumbents_stay() -> None:
    assert broken_rules(one_mover(target={"state": "closed"})) == {"R09"}
    assert broken_rules(one_mover(current={"state": "closed"}), to="A-01") == set()


def test_r09_nobody_stays_in_an_abolished_post() -> None:
    assert broken_rules(one_mover(current={"state": "abolished"}), to="A-01") == {"R09"}


def test_r10_a_jpt_post_takes_no_newcomer_unless_allowed() -> None:
    dataset = one_mover(target={"job_class": "JPT_PRATAMA"})
    assert broken_rules(dataset) == {"R10"}
    assert broken_rules(dataset, make_policy(allow_jpt=True)) == set()


def test_r11_a_forbidden_placement_is_refused_even_as_a_stay() -> None:
    assert broken_rules(one_mover(), make_policy(forbid=[(E1, "B-01")])) == {"R11"}
    assert broken_rules(one_mover(), make_policy(forbid=[(E1, "A-01")]), to="A-01") == {"R11"}


def test_a_pin_overrides_every_r_rule_including_a_closed_post() -> None:
    dataset = one_mover(
        {"status": "CPNS", "discipline": True, "grade": "I/a"},
        {"state": "closed", "min_grade": "II/a"},
    )
    assert broken_rules(dataset) == {"R01", "R02", "R05", "R09"}
    assert broken_rules(dataset, make_policy(pins=[(E1, "B-01")])) == set()


# -- G rules -----------------------------------------------------------------------------------


def test_g01_a_pinned_employee_must_hold_the_pin() -> None:
    report = run(one_mover(), make_policy(pins=[(E1, "B-01")]), {E1: "A-01"})
    assert [v.message for v in report.violations] == ["G01 pinned to B-01 but holds A-01"]


def two_movers(**tables: Any) -> Dataset:
    """E1 and E2 in A-01 (capacity 3, so a third may join); B-01 and B-02 open; E3 in C-01."""
    return make_dataset(
        employees=[
            {"nip": E1, "position_id": "A-01"},
            {"nip": E2, "position_id": "A-01"},
            {"nip": E3, "position_id": "C-01"},
        ],
        positions=[
            {"position_id": "A-01", "capacity": 3},
            {"position_id": "B-01"},
            {"position_id": "B-02"},
            {"position_id": "C-01"},
        ],
        **tables,
    )


def test_g02_a_position_holds_at_most_its_capacity() -> None:
    report = run(two_movers(), make_policy(), {E1: "B-01", E2: "B-01", E3: "C-01"})
    assert [v.message for v in report.violations] == ["G02 B-01 holds 2 > capacity 1"]


def test_g03_related_employees_may_not_newly_share_a_unit() -> None:
    dataset = two_movers(relations=[(E1, E3, "spouse")])
    report = run(dataset, make_policy(), {E1: "A-01", E2: "A-01", E3: "A-01"})
    assert report.rules == {"G03"}


def test_g03_related_employees_already_together_may_stay_together() -> None:
    dataset = two_movers(relations=[(E1, E2, "spouse")])
    report = run(dataset, make_policy(), {E1: "A-01", E2: "A-01", E3: "C-01"})
    assert report.ok


def test_g03_ignores_kinds_not_in_separate_relations() -> None:
    dataset = two_movers(relations=[(E1, E3, "family")])
    report = run(dataset, make_policy(), {E1: "A-01", E2: "A-01", E3: "A-01"})
    assert report.ok


def test_g04_counts_moves_but_not_new_placements() -> None:
    dataset = make_dataset(
        employees=[
            {"nip": E1, "position_id": "A-01"},
            {"nip": E2, "position_id": "A-02"},
            {"nip": E3},
        ],
        positions=[{"position_id": p} for p in ("A-01", "A-02", "B-01", "B-02", "B-03")],
    )
    placements = {E1: "B-01", E2: "B-02", E3: "B-03"}
    assert run(dataset, make_policy(max_moves=2), placements).ok
    report = run(dataset, make_policy(max_moves=1), placements)
    assert [v.message for v in report.violations] == ["G04 2 moves > max_moves 1"]


def test_g05_limits_the_outflow_of_a_unit_to_the_floor_of_its_share() -> None:
    """Unit A has 2 holders; 0.5 × 2 lets one leave."""
    policy = make_policy(max_unit_outflow="0.5")
    dataset = two_movers()
    assert run(dataset, policy, {E1: "B-01", E2: "A-01", E3: "C-01"}).ok
    report = run(dataset, policy, {E1: "B-01", E2: "B-02", E3: "C-01"})
    assert [v.message for v in report.violations] == ["G05 2 leave A > floor(0.5 × 2) = 1"]


def test_g05_does_not_count_holders_of_abolished_posts_as_leaving() -> None:
    dataset = one_mover(current={"state": "abolished"})
    policy = make_policy(max_unit_outflow="0.5")
    assert run(dataset, policy, {E1: "B-01"}).ok
    assert run(dataset, policy, {}).ok


def test_g05_counts_an_unplaced_employee_as_leaving() -> None:
    dataset = one_mover()
    report = run(dataset, make_policy(max_unit_outflow="0.5"), {})
    assert report.rules == {"G05", "G07"}


def test_g06_an_overdue_employee_who_may_move_must_move() -> None:
    policy = make_policy(force_rotation=True)
    report = run(one_mover(), policy, {E1: "A-01"})
    assert [v.message for v in report.violations] == [
        "G06 78 months in A-01 > max 60 and may move (e.g. to B-01), but stays in A-01"
    ]
    assert run(one_mover(), policy, {E1: "B-01"}).ok


def test_g06_spares_those_who_cannot_move_or_are_not_past_the_limit() -> None:
    policy = make_policy(force_rotation=True)
    assert run(one_mover({"discipline": True}), policy, {E1: "A-01"}).ok
    assert run(one_mover(target={"state": "closed"}), policy, {E1: "A-01"}).ok
    assert run(one_mover({"position_since": "2021-07-01"}), policy, {E1: "A-01"}).ok
    assert run(one_mover({"position_since": None}), policy, {E1: "A-01"}).ok


def test_g06_judges_alike_employees_one_by_one() -> None:
    """E1 and E2 look alike to R05–R08, but E1 is forbidden from B-01, the only other post."""
    dataset = make_dataset(
        employees=[{"nip": E1, "position_id": "A-01"}, {"nip": E2, "position_id": "A-01"}],
        positions=[{"position_id": "A-01", "capacity": 2}, {"position_id": "B-01"}],
    )
    policy = make_policy(force_rotation=True, forbid=[(E1, "B-01")])
    report = run(dataset, policy, {E1: "A-01", E2: "A-01"})
    assert [(v.rule, v.nip) for v in report.violations] == [("G06", E2)]
    assert run(dataset, policy, {E1: "A-01", E2: "B-01"}).ok


def test_g06_counts_ending_unplaced_as_not_moving() -> None:
    report = run(one_mover(), make_policy(force_rotation=True), {})
    assert report.rules == {"G06", "G07"}


def test_g07_a_holder_of_a_live_post_must_end_in_a_position() -> None:
    report = run(one_mover(), make_policy(), {})
    assert [v.message for v in report.violations] == ["G07 holds A-01 (open) but ends unplaced"]


def test_g07_lets_a_holder_of_an_abolished_post_end_unplaced() -> None:
    assert run(one_mover(current={"state": "abolished"}), make_policy(), {}).ok


# -- plan consistency --------------------------------------------------------------------------


def mutate(plan: pd.DataFrame, row: int, **cells: str) -> pd.DataFrame:
    """A copy of ``plan`` with some cells of one row replaced."""
    out = plan.copy()
    for column, value in cells.items():
        out.loc[row, column] = value
    return out


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.iloc[1:].reset_index(drop=True), id="missing employee"),
        pytest.param(
            lambda p: pd.concat([p, mutate(p, 0, nip="999")[:1]], ignore_index=True),
            id="unknown employee",
        ),
        pytest.param(
            lambda p: pd.concat([p, p[:1]], ignore_index=True).sort_values("nip"),
            id="duplicate row",
        ),
        pytest.param(
            lambda p: mutate(p, 0, to_position="Z-99", to_unit="Z"), id="unknown position"
        ),
        pytest.param(lambda p: mutate(p, 0, from_position="B-01"), id="wrong from_position"),
        pytest.param(lambda p: mutate(p, 0, from_unit="B"), id="wrong from_unit"),
        pytest.param(lambda p: mutate(p, 0, to_unit="A"), id="wrong to_unit"),
        pytest.param(lambda p: mutate(p, 0, moved="false"), id="wrong moved"),
        pytest.param(lambda p: mutate(p, 0, score="21001"), id="wrong score"),
        pytest.param(lambda p: mutate(p, 0, score="abc"), id="score not an integer"),
        pytest.param(lambda p: mutate(p, 0, jpm="100"), id="jpm not in 2 decimals"),
        pytest.param(lambda p: mutate(p, 0, preference_rank="1"), id="wrong preference_rank"),
        pytest.param(lambda p: p.iloc[::-1].reset_index(drop=True), id="rows not sorted by nip"),
    ],
)
def test_an_inconsistent_plan_is_reported_as_plan(change: Any) -> None:
    """E1 moves A-01 → B-01 (unit B); E2 stays in A-01."""
    dataset = make_dataset(
        employees=[{"nip": E1, "position_id": "A-01"}, {"nip": E2, "position_id": "A-02"}],
        positions=[{"position_id": p} for p in ("A-01", "A-02", "B-01")],
    )
    policy = make_policy()
    plan = expected_plan(dataset, policy, {E1: "B-01", E2: "A-02"})
    assert check(dataset, policy, plan).ok
    assert check(dataset, policy, change(plan)).rules == {"PLAN"}


def test_moved_is_read_case_insensitively_and_a_wrong_one_in_capitals_is_reported() -> None:
    """E1 moves A-01 → B-01; E2 stays in A-01."""
    dataset = make_dataset(
        employees=[{"nip": E1, "position_id": "A-01"}, {"nip": E2, "position_id": "A-02"}],
        positions=[{"position_id": p} for p in ("A-01", "A-02", "B-01")],
    )
    policy = make_policy()
    plan = expected_plan(dataset, policy, {E1: "B-01", E2: "A-02"})
    assert check(dataset, policy, mutate(mutate(plan, 0, moved="TRUE"), 1, moved="False")).ok
    wrong = check(dataset, policy, mutate(plan, 1, moved="TRUE"))
    assert wrong.rules == {"PLAN"}
    assert [v.nip for v in wrong.violations] == [E2]


def test_two_rows_placing_one_employee_twice_break_g01() -> None:
    dataset = two_movers()
    policy = make_policy()
    plan = expected_plan(dataset, policy, {E1: "A-01", E2: "A-01", E3: "C-01"})
    second = expected_plan(dataset, policy, {E1: "B-01"})[:1]
    report = check(dataset, policy, pd.concat([plan[:1], second, plan[1:]], ignore_index=True))
    assert report.rules == {"PLAN", "G01"}


def test_checking_a_frame_without_the_plan_columns_raises_plan_format_error() -> None:
    with pytest.raises(PlanFormatError, match="score"):
        check(one_mover(), make_policy(), pd.DataFrame(columns=list(PLAN_COLUMNS[:6])))


def test_violations_are_formatted_one_per_line_with_the_nip() -> None:
    report = run(one_mover({"discipline": True}), make_policy(max_moves=0), {E1: "B-01"})
    assert format_violations(report) == [
        f"nip {E1}: R02 active discipline case",
        "G04 1 moves > max_moves 0",
    ]


# -- exact arithmetic --------------------------------------------------------------------------


def test_a_score_landing_exactly_on_half_rounds_up_where_float_rounds_down() -> None:
    """A stay within tenure with JPM 1/4 = 25 and jpm weight 1.003: 2507.5 + 12000 = 14507.5."""
    dataset = one_mover(
        {"position_since": "2024-01-01"},
        competencies={E1: {"M01": 1}},
        requirements={"A-01": {"M01": 4}},
    )
    policy = make_policy(weights={"jpm": "1.003"})
    report = run(dataset, policy, {E1: "A-01"})
    assert report.ok
    assert report.scores[E1] == 14508
    assert math.floor(100 * (1.003 * (100 * 1 / 4) + 0.2 * 100 + 1.0 * 100) + 0.5) == 14507


def test_jpm_is_rendered_rounding_half_up_exactly() -> None:
    """JPM 5/32 = 15.625 is written 15.63, where float formatting gives 15.62."""
    dataset = one_mover(
        competencies={E1: {"M01": 1, "M02": 0}},
        requirements={"B-01": {"M01": (5, 5), "M02": (1, 7)}},
    )
    plan = expected_plan(dataset, make_policy(jpm_floor=0), {E1: "B-01"})
    assert plan.loc[0, "jpm"] == "15.63"
    assert f"{100 * 5 / 32:.2f}" == "15.62"


def test_the_effective_rank_is_the_best_of_position_and_unit_preferences() -> None:
    """B-01 ranked 3 by name and 2 through its unit B: the effective rank is 2."""
    dataset = one_mover(preferences={E1: {"B-01": 3, "B": 2}})
    plan = expected_plan(dataset, make_policy(), {E1: "B-01"})
    assert plan.loc[0, "preference_rank"] == "2"
    assert plan.loc[0, "score"] == str(10000 + 10 * 60 + 30 * 80 + 10000)
