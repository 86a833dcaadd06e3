"""What-if scenarios and run comparisons, on the shared worked example.

The expected changes of the optimum come from the "lifting the rule" column of
shared/example/README.md beside the checkout (base optimum 287692), and each is verified by solving.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from placement.analysis.compare import compare
from placement.analysis.scenario import apply_changes, run_scenario
from placement.contract.dataset import TABLES, Dataset
from placement.engine import Solution
from placement.errors import DatasetError
from tests.placement.example import (
    BASE_OBJECTIVE,
    FAJAR,
    GITA,
    JOKO,
    MAYA,
    example_dataset,
    example_policy,
    placements,
    solved_example,
)

NEW_NIP = "199501012020121015"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return example_dataset()


@pytest.fixture(scope="module")
def policy() -> dict[str, Any]:
    return example_policy()


@pytest.fixture(scope="module")
def base(dataset: Dataset, policy: dict[str, Any]) -> Solution:
    return solved_example(dataset, policy)


def _problems(err: pytest.ExceptionInfo[DatasetError]) -> list[tuple[str, int | None, str | None]]:
    return [(p.table, p.row, p.column) for p in err.value.problems]


# ----------------------------------------------------------------------------- the optimum moves


@pytest.mark.parametrize(
    ("changes", "delta"),
    [
        pytest.param([{"op": "open", "position_id": "DISDIK-03"}], 22600, id="open DISDIK-03"),
        pytest.param(
            [{"op": "capacity", "position_id": "DISDIK-02", "capacity": 3}], 22600, id="capacity"
        ),
        pytest.param(
            [{"op": "unpin", "nip": GITA, "position_id": "DINKES-03"}], -30600, id="unpin Gita"
        ),
        pytest.param([{"op": "weights", "weights": {"displaced": 0}}], -8200, id="displaced 0"),
        pytest.param([{"op": "policy", "key": "jpm_floor", "value": 40}], 19450, id="floor 40"),
        pytest.param(
            [{"op": "unforbid", "nip": FAJAR, "position_id": "DISDIK-01"}], 23200, id="unforbid"
        ),
        pytest.param([{"op": "policy", "key": "allow_jpt", "value": True}], 2000, id="allow_jpt"),
    ],
)
def test_each_lifted_rule_changes_the_optimum_by_the_documented_amount(
    dataset: Dataset, policy: dict[str, Any], changes: list[dict[str, Any]], delta: int
) -> None:
    """README "lifting the rule": opening DISDIK-03 or a third DISDIK-02 seat lets Fajar in
    (10000 + 10·60 + 30·60 (unit rank 3) + 10000 = 22600); without Gita's pin R06 keeps her
    home (22000 − 21800 = +200) and Joko ends unplaced (−30800): −30600; `displaced` 0 makes
    Joko worth 20800 < Fajar's 22600 (−30800 + 22600 = −8200); floor 40 opens BKPSDM-01 to
    Fajar and DINKES-02 to Maya: +19450; lifting the forbid gives Fajar DISDIK-01: +23200;
    allow_jpt moves Indah to DINKES-01: 24000 − 22000 = +2000."""
    solution = run_scenario(dataset, policy, changes)
    assert solution.status == "OPTIMAL"
    assert solution.objective == BASE_OBJECTIVE + delta


def test_opening_disdik_03_places_fajar_there(dataset: Dataset, policy: dict[str, Any]) -> None:
    """DISDIK-03 has no requirements (JPM 100) and Fajar ranks it 3 through his unit DISDIK."""
    plan = placements(run_scenario(dataset, policy, [{"op": "open", "position_id": "DISDIK-03"}]))
    assert plan[FAJAR] == "DISDIK-03"


def test_closing_disdik_02_leaves_joko_without_a_seat(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """Gita's pin still frees a DISDIK-02 seat, but a closed post takes nobody new; Joko's other
    move, DINKES-05, is Hendra's, so Joko ends unplaced: −30800."""
    closed = run_scenario(dataset, policy, [{"op": "close", "position_id": "DISDIK-02"}])
    assert closed.objective == BASE_OBJECTIVE - 30800
    assert placements(closed)[JOKO] == ""


def test_abolishing_bkpsdm_01_unplaces_lukman_and_nur_and_strips_bkpsdm(
    dataset: Dataset, policy: dict[str, Any], base: Solution
) -> None:
    """Lukman may not stay in an abolished post and has no allowed move (DISDIK-01 would join
    his wife's unit, G03): −22000; Nur's new placement there goes too: −23600; −45600 in all.
    BKPSDM's two holders (Lukman, Joko) both end outside it, more than half: 1 unit stripped."""
    changes = [{"op": "abolish", "position_id": "BKPSDM-01"}]
    abolished = run_scenario(dataset, policy, changes)
    assert abolished.objective == BASE_OBJECTIVE - 45600
    plan = placements(abolished)
    assert plan["198601012011011012"] == plan["200001102026062014"] == ""
    comparison = compare([("base", base), ("abolish", abolished)])
    assert comparison.kpis["units_stripped"] == (0, 1)


def test_adding_an_employee_with_competencies_gives_a_new_placement(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """With DISDIK-03 opened (2 seats, no requirements, JPM 100), a new PNS with grade II/c and
    D3, no preference and no SKP scores 10000 + 10·60 + 10000 = 20600 there, and Fajar 22600.
    Maya gives up her seat for DISDIK-04 (17900 against her 18000 stay: −100) so that both fit:
    +22600 + 20600 − 100 = +43100."""
    changes: list[dict[str, Any]] = [
        {"op": "open", "position_id": "DISDIK-03"},
        {
            "op": "add_employee",
            "employee": {"nip": NEW_NIP, "name": "Baru", "grade": "II/c", "education": "D3"},
            "competencies": [{"competency": "M01", "level": 3}],
        },
    ]
    new_dataset, _ = apply_changes(dataset, policy, changes)
    assert NEW_NIP in set(new_dataset.employees["nip"])
    assert new_dataset.sha256 != dataset.sha256
    solution = run_scenario(dataset, policy, changes)
    assert solution.objective == BASE_OBJECTIVE + 43100
    plan = placements(solution)
    assert (plan[FAJAR], plan[NEW_NIP], plan[MAYA]) == ("DISDIK-03", "DISDIK-03", "DISDIK-04")


def test_removing_an_unplaced_employee_leaves_the_optimum_unchanged(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """Fajar ends unplaced (score 0) in the base plan; without him the optimum is the same, and
    his forbid is dropped with him."""
    changes = [{"op": "remove_employee", "nip": FAJAR}]
    new_dataset, new_policy = apply_changes(dataset, policy, changes)
    assert FAJAR not in set(new_dataset.employees["nip"])
    assert new_policy["forbid"] == []
    assert run_scenario(dataset, policy, changes).objective == BASE_OBJECTIVE


def test_pinning_maya_to_disdik_04_costs_the_difference_to_her_stay(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """Maya in DISDIK-04 scores 17900 against 18000 for her stay: −100."""
    changes = [{"op": "pin", "nip": MAYA, "position_id": "DISDIK-04"}]
    solution = run_scenario(dataset, policy, changes)
    assert solution.objective == BASE_OBJECTIVE - 100
    assert placements(solution)[MAYA] == "DISDIK-04"


def test_forbidding_joko_from_disdik_02_lets_fajar_take_the_seat(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """Joko's only other move (DINKES-05) is full, so he ends unplaced and Fajar takes DISDIK-02:
    −30800 + 22600 = −8200, the same as the `displaced` weight 0."""
    changes = [{"op": "forbid", "nip": JOKO, "position_id": "DISDIK-02"}]
    solution = run_scenario(dataset, policy, changes)
    assert solution.objective == BASE_OBJECTIVE - 8200
    assert placements(solution)[FAJAR] == "DISDIK-02"


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        pytest.param([{"op": "rename"}], [("changes", 1, "op")], id="unknown op"),
        pytest.param(
            [{"op": "open", "position_id": "DISDIK-03"}, {"op": "open", "position_id": "X-99"}],
            [("changes", 2, "position_id")],
            id="unknown position",
        ),
        pytest.param(
            [{"op": "remove_employee", "nip": "1"}], [("changes", 1, "nip")], id="unknown nip"
        ),
        pytest.param(
            [{"op": "capacity", "position_id": "DISDIK-02"}],
            [("changes", 1, "capacity")],
            id="missing field",
        ),
        pytest.param(
            [{"op": "capacity", "position_id": "DISDIK-02", "capacity": 0}],
            [("changes", 1, "capacity")],
            id="capacity the loader refuses",
        ),
        pytest.param(
            [{"op": "add_employee", "employee": {"nip": NEW_NIP, "grade": "V/z"}}],
            [("changes", 1, "employee.grade")],
            id="bad grade of a new employee",
        ),
        pytest.param(
            [{"op": "add_employee", "employee": {"nip": FAJAR}}],
            [("changes", 1, "employee.nip")],
            id="duplicate nip",
        ),
        pytest.param(
            [{"op": "policy", "key": "jpm_floor", "value": 170}],
            [("changes", 1, "value")],
            id="policy value out of range",
        ),
        pytest.param(
            [{"op": "policy", "key": "colour", "value": 1}],
            [("changes", 1, "key")],
            id="unknown policy key",
        ),
        pytest.param(
            [{"op": "weights", "weights": {"jpm": 0.0001}}],
            [("changes", 1, "weights.jpm")],
            id="weight with four decimals",
        ),
        pytest.param(
            [{"op": "pin", "nip": FAJAR, "position_id": "BKPSDM-02"}],
            [("changes", 1, "position_id")],
            id="pin to an abolished post",
        ),
        pytest.param(
            [{"op": "unpin", "nip": FAJAR, "position_id": "DISDIK-02"}],
            [("changes", 1, "position_id")],
            id="unpin of no pin",
        ),
    ],
)
def test_a_bad_change_is_refused_naming_the_change_and_its_field(
    dataset: Dataset,
    policy: dict[str, Any],
    changes: list[dict[str, Any]],
    where: list[tuple[str, int, str]],
) -> None:
    """Every problem is reported as (changes, 1-based index of the change, field)."""
    with pytest.raises(DatasetError) as err:
        apply_changes(dataset, policy, changes)
    assert _problems(err) == where


def test_every_bad_change_is_listed_in_one_error(dataset: Dataset, policy: dict[str, Any]) -> None:
    """Two independent mistakes give one error with two problems."""
    changes = [{"op": "nope"}, {"op": "close", "position_id": "X"}]
    with pytest.raises(DatasetError) as err:
        apply_changes(dataset, policy, changes)
    assert _problems(err) == [("changes", 1, "op"), ("changes", 2, "position_id")]


def test_the_base_dataset_and_policy_are_unchanged_after_apply_changes(
    dataset: Dataset, policy: dict[str, Any]
) -> None:
    """The scenario works on copies of the contract rows and of the policy object."""
    frames = {t: getattr(dataset, t).copy() for t in TABLES}
    sha, before = dataset.sha256, json.dumps(policy, sort_keys=True)
    apply_changes(
        dataset,
        policy,
        [
            {"op": "open", "position_id": "DISDIK-03"},
            {"op": "remove_employee", "nip": GITA},
            {"op": "forbid", "nip": JOKO, "position_id": "DISDIK-02"},
            {"op": "weights", "weights": {"displaced": 0}},
        ],
    )
    for table, frame in frames.items():
        pd.testing.assert_frame_equal(getattr(dataset, table), frame)
    assert dataset.sha256 == sha
    assert json.dumps(policy, sort_keys=True) == before


def test_no_changes_give_the_same_dataset_hash(dataset: Dataset, policy: dict[str, Any]) -> None:
    """The contract rows rebuild exactly the normalised data, so the canonical hash matches."""
    new_dataset, new_policy = apply_changes(dataset, policy, [])
    assert new_dataset.sha256 == dataset.sha256
    assert new_policy == policy


# ----------------------------------------------------------------------------- comparisons


def test_compare_lists_exactly_the_people_whose_position_changed(
    dataset: Dataset, policy: dict[str, Any], base: Solution
) -> None:
    """Opening DISDIK-03 changes one placement: Fajar, unplaced (0) → DISDIK-03 (22600)."""
    scenario = run_scenario(dataset, policy, [{"op": "open", "position_id": "DISDIK-03"}])
    comparison = compare([("base", base), ("open", scenario)])
    assert [(p.nip, p.positions, p.scores) for p in comparison.people] == [
        (FAJAR, ("", "DISDIK-03"), (0, 22600))
    ]
    assert comparison.kpis["objective"] == (BASE_OBJECTIVE, BASE_OBJECTIVE + 22600)
    assert comparison.kpis["unplaced"] == (1, 0)
    assert comparison.kpis["new_placements"] == (1, 2)
    assert comparison.kpis["vacancies_filled"] == (2, 3)
    data = comparison.to_dict()
    assert data["people"][0]["scores"] == {"base": 0, "open": 22600}
    assert "DISDIK-03" in comparison.text() and "22600" in comparison.text()


def test_compare_of_three_runs_diffs_each_against_the_first(
    dataset: Dataset, policy: dict[str, Any], base: Solution
) -> None:
    """`displaced` 0: Joko DISDIK-02 → unplaced, Fajar unplaced → DISDIK-02; open DISDIK-03:
    Fajar → DISDIK-03. Union: Fajar and Joko; Joko's row shows his base seat in the third run."""
    weights = run_scenario(dataset, policy, [{"op": "weights", "weights": {"displaced": 0}}])
    opened = run_scenario(dataset, policy, [{"op": "open", "position_id": "DISDIK-03"}])
    comparison = compare([("base", base), ("w", weights), ("o", opened)])
    rows = {p.nip: p.positions for p in comparison.people}
    assert rows == {FAJAR: ("", "DISDIK-02", "DISDIK-03"), JOKO: ("DISDIK-02", "", "DISDIK-02")}


def test_compare_needs_two_distinctly_named_runs(base: Solution) -> None:
    with pytest.raises(ValueError):
        compare([("base", base)])
    with pytest.raises(ValueError):
        compare([("a", base), ("a", base)])
