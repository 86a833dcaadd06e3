"""Loading and validating a policy: defaults, exact weights, and every kind of problem."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from placement.contract.dataset import Dataset
from placement.contract.policy import DEFAULT_WEIGHTS, Policy, load_policy
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.errors import DatasetError
from tests.paths import DATA, EXAMPLE

pytestmark = pytest.mark.usefixtures("english")

TODAY = dt.date(2026, 1, 15)

ANI = "199001012015011001"
BUDI = "199202022015012002"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """Two employees; P1, P2 open, P3 abolished, P4 closed."""
    return dataset_from_tables(
        {
            "employees": [
                {"nip": ANI, "grade": "III/a", "position_id": "P1"},
                {"nip": BUDI, "grade": "III/b", "position_id": "P2"},
            ],
            "positions": [
                {"position_id": "P1", "unit": "U1", "job_class": "PELAKSANA"},
                {"position_id": "P2", "unit": "U2", "job_class": "PELAKSANA"},
                {"position_id": "P3", "unit": "U2", "job_class": "PELAKSANA", "state": "abolished"},
                {"position_id": "P4", "unit": "U2", "job_class": "PELAKSANA", "state": "closed"},
            ],
        }
    )


def where(err: DatasetError) -> set[tuple[str, int | None, str | None]]:
    return {(p.table, p.row, p.column) for p in err.problems}


def refused(source: Any, dataset: Dataset) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        load_policy(source, dataset, today=TODAY)
    return info.value


# --------------------------------------------------------------------------- defaults


def test_no_policy_gives_every_default_with_the_injected_date(dataset: Dataset) -> None:
    policy = load_policy(None, dataset, today=TODAY)
    assert policy == Policy(reference_date=TODAY)
    assert policy.to_dict() == {
        "reference_date": "2026-01-15",
        "min_tenure_months": 24,
        "max_tenure_months": 60,
        "retirement_buffer_months": 24,
        "jpm_floor": 68,
        "allow_pppk_moves": False,
        "allow_jpt": False,
        "separate_relations": ["spouse"],
        "max_moves": None,
        "max_unit_outflow": None,
        "force_rotation": False,
        "weights": {
            "jpm": 1,
            "preference": 0.3,
            "stay": 0.2,
            "performance": 0.1,
            "fill": 1,
            "displaced": 1,
        },
        "pins": [],
        "forbid": [],
        "time_limit_s": None,
        "seed": None,
        "solver": None,
        "disruption_weight": 0,
        "no_justified_envy": False,
    }


def test_an_empty_object_also_gives_every_default(dataset: Dataset) -> None:
    assert load_policy({}, dataset, today=TODAY) == Policy(reference_date=TODAY)


def test_the_reference_date_defaults_to_today(dataset: Dataset) -> None:
    assert load_policy(None, dataset).reference_date in {
        dt.date.today(),
        dt.date.today() - dt.timedelta(days=1),
    }


def test_the_example_policy_file_loads() -> None:
    example = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "policy.json", example, today=TODAY)
    assert policy == Policy(
        reference_date=dt.date(2026, 7, 1),
        pins=(("199207072016022007", "DINKES-03"),),
        forbid=(("199405052019031006", "DISDIK-01"),),
    )


def test_the_rotation_policy_file_loads_with_exact_values() -> None:
    example = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "rotation" / "policy.json", example, today=TODAY)
    assert policy.force_rotation is True
    assert (policy.jpm_floor, policy.retirement_buffer_months) == (Decimal(60), 12)
    assert (policy.max_moves, policy.max_unit_outflow) == (3, Decimal("0.2"))


def test_every_key_can_be_set(dataset: Dataset) -> None:
    policy = load_policy(
        {
            "reference_date": "2027-03-31",
            "min_tenure_months": 0,
            "max_tenure_months": 48,
            "retirement_buffer_months": 6,
            "jpm_floor": 72.5,
            "allow_pppk_moves": True,
            "allow_jpt": True,
            "separate_relations": ["Family", "spouse", "family"],
            "max_moves": 0,
            "max_unit_outflow": 1,
            "force_rotation": True,
            "weights": {"fill": 2},
            "pins": [{"nip": ANI, "position_id": "P4"}],  # a pin may enter a closed position
            "forbid": [{"nip": BUDI, "position_id": "P1"}],
            "time_limit_s": 2.5,
            "seed": 7,
            "solver": "HiGHS",
        },
        dataset,
        today=TODAY,
    )
    assert policy == Policy(
        reference_date=dt.date(2027, 3, 31),
        min_tenure_months=0,
        max_tenure_months=48,
        retirement_buffer_months=6,
        jpm_floor=Decimal("72.5"),
        allow_pppk_moves=True,
        allow_jpt=True,
        separate_relations=("spouse", "family"),
        max_moves=0,
        max_unit_outflow=Decimal(1),
        force_rotation=True,
        weights=DEFAULT_WEIGHTS | {"fill": Decimal(2)},
        pins=((ANI, "P4"),),
        forbid=((BUDI, "P1"),),
        time_limit_s=2.5,
        seed=7,
        solver="highs",
    )


# --------------------------------------------------------------------------- exact weights


def test_weights_from_a_file_are_exact_decimals(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text('{"weights": {"preference": 0.3, "stay": 0.125, "jpm": -2}}')
    policy = load_policy(path, dataset, today=TODAY)
    assert policy.weights == DEFAULT_WEIGHTS | {
        "preference": Decimal("0.3"),
        "stay": Decimal("0.125"),
        "jpm": Decimal(-2),
    }
    assert [policy.weight_milli(t) for t in ("preference", "stay", "jpm")] == [300, 125, -2000]


def test_float_weights_in_a_mapping_are_read_as_their_shortest_decimal(dataset: Dataset) -> None:
    policy = load_policy({"weights": {"preference": 0.3, "stay": 0.1}}, dataset, today=TODAY)
    assert (policy.weights["preference"], policy.weights["stay"]) == (
        Decimal("0.3"),
        Decimal("0.1"),
    )


def test_weights_merge_key_by_key_with_the_defaults(dataset: Dataset) -> None:
    policy = load_policy({"weights": {"displaced": 0}}, dataset, today=TODAY)
    assert policy.weights == DEFAULT_WEIGHTS | {"displaced": Decimal(0)}


def test_a_weight_with_trailing_zeros_beyond_3_places_is_still_exact(
    dataset: Dataset, tmp_path: Path
) -> None:
    path = tmp_path / "policy.json"
    path.write_text('{"weights": {"stay": 0.25000}}')
    assert load_policy(path, dataset, today=TODAY).weight_milli("stay") == 250


# --------------------------------------------------------------------------- problems

BAD_VALUES: list[tuple[str, Any, str]] = [
    ("reference_date", "2026-02-30", "reference_date"),
    ("reference_date", "1/7/2026", "reference_date"),
    ("min_tenure_months", -1, "min_tenure_months"),
    ("max_tenure_months", 1.5, "max_tenure_months"),
    ("retirement_buffer_months", "24", "retirement_buffer_months"),
    ("min_tenure_months", True, "min_tenure_months"),
    ("jpm_floor", 100.5, "jpm_floor"),
    ("jpm_floor", -1, "jpm_floor"),
    ("jpm_floor", "68", "jpm_floor"),
    ("allow_pppk_moves", "yes", "allow_pppk_moves"),
    ("allow_jpt", 1, "allow_jpt"),
    ("force_rotation", None, "force_rotation"),
    ("separate_relations", ["enemy"], "separate_relations"),
    ("separate_relations", "spouse", "separate_relations"),
    ("max_moves", -1, "max_moves"),
    ("max_moves", 2.5, "max_moves"),
    ("max_unit_outflow", 0, "max_unit_outflow"),
    ("max_unit_outflow", 1.01, "max_unit_outflow"),
    ("weights", [1, 2], "weights"),
    ("weights", {"bonus": 1}, "weights.bonus"),
    ("weights", {"stay": 0.1234}, "weights.stay"),
    ("weights", {"jpm": 1000.5}, "weights.jpm"),
    ("weights", {"jpm": "1"}, "weights.jpm"),
    ("weights", {"jpm": float("nan")}, "weights.jpm"),
    ("time_limit_s", 0, "time_limit_s"),
    ("time_limit_s", "10", "time_limit_s"),
    ("seed", -1, "seed"),
    ("seed", 1.5, "seed"),
    ("solver", "gurobi", "solver"),
    ("solver", 3, "solver"),
    ("pins", {"nip": ANI}, "pins"),
    ("forbid", "none", "forbid"),
    ("tenure", 24, "tenure"),
]


@pytest.mark.parametrize(("key", "value", "column"), BAD_VALUES)
def test_a_value_outside_its_type_or_range_is_a_problem_at_its_key(
    dataset: Dataset, key: str, value: Any, column: str
) -> None:
    assert where(refused({key: value}, dataset)) == {("policy", None, column)}


def test_the_largest_allowed_values_are_accepted(dataset: Dataset) -> None:
    policy = load_policy(
        {"jpm_floor": 100, "max_unit_outflow": 1, "weights": {"jpm": -1000, "fill": 1000}},
        dataset,
        today=TODAY,
    )
    assert (policy.jpm_floor, policy.max_unit_outflow) == (Decimal(100), Decimal(1))


def test_every_problem_of_a_policy_is_reported_at_once(dataset: Dataset) -> None:
    err = refused({"seed": -1, "solver": "x", "weights": {"a": 1, "stay": 0.0001}}, dataset)
    assert where(err) == {
        ("policy", None, "seed"),
        ("policy", None, "solver"),
        ("policy", None, "weights.a"),
        ("policy", None, "weights.stay"),
    }


def test_pin_and_forbid_problems_are_reported_at_their_index(dataset: Dataset) -> None:
    err = refused(
        {
            "pins": [
                {"nip": ANI, "position_id": "P2"},  # 1: fine on its own
                {"nip": "X", "position_id": "P1"},  # 2: unknown employee
                {"nip": BUDI, "position_id": "P9"},  # 3: unknown position
                {"nip": BUDI, "position_id": "P3"},  # 4: abolished
                {"nip": ANI, "position_id": "P1"},  # 5: a second pin of ANI
                {"nip": ANI, "position_id": "P2"},  # 6: duplicate of 1
                {"nip": ANI},  # 7: no position_id
                "P1",  # 8: not an object
            ],
            "forbid": [
                {"nip": BUDI, "position_id": "P1"},  # 1: fine
                {"nip": ANI, "position_id": "P2"},  # 2: contradicts pin 1
                {"nip": BUDI, "position_id": "P1"},  # 3: duplicate of 1
                {"nip": BUDI, "position_id": "Q"},  # 4: unknown position
                {"nip": ANI, "position_id": "P3"},  # 5: forbidding an abolished post is fine
            ],
        },
        dataset,
    )
    assert where(err) == {
        ("policy", 2, "pins"),
        ("policy", 3, "pins"),
        ("policy", 4, "pins"),
        ("policy", 5, "pins"),
        ("policy", 6, "pins"),
        ("policy", 7, "pins"),
        ("policy", 8, "pins"),
        ("policy", 2, "forbid"),
        ("policy", 3, "forbid"),
        ("policy", 4, "forbid"),
    }
    messages = {(p.row, p.column): p.message for p in err.problems}
    assert "abolished" in messages[(4, "pins")]
    assert "second pin" in messages[(5, "pins")]
    assert "pin 1" in messages[(2, "forbid")]


def test_a_pin_may_name_its_employee_by_a_json_number(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(f'{{"pins": [{{"nip": {ANI}, "position_id": "P2"}}]}}')
    assert load_policy(path, dataset, today=TODAY).pins == ((ANI, "P2"),)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"seed": 1,}', "not valid JSON"),
        (b"[1, 2]", "not hold a JSON object"),
        (b'{"solver": "\xff"}', "not UTF-8"),
    ],
)
def test_a_policy_file_that_cannot_be_read_is_one_problem(
    dataset: Dataset, tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(content)
    err = refused(path, dataset)
    assert where(err) == {("policy", None, None)}
    assert fragment in err.problems[0].message


def test_a_missing_policy_file_is_a_problem_not_an_exception(
    dataset: Dataset, tmp_path: Path
) -> None:
    assert where(refused(tmp_path / "missing.json", dataset)) == {("policy", None, None)}


def test_a_policy_file_pinning_to_an_unknown_position_is_refused_at_its_index() -> None:
    dataset = load_dataset(EXAMPLE)
    with pytest.raises(DatasetError) as info:
        load_policy(DATA / "policy_pin_unknown_position.json", dataset)
    assert {(p.table, p.row, p.column) for p in info.value.problems} == {
        ("policy", 1, "pins"),
        ("policy", 1, "forbid"),
    }
    assert any("DINKES-99" in p.message for p in info.value.problems)
