"""Evaluation of past moves: planted effects recovered, naive numbers not, the §6 shape kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from placement.analysis.evaluation import MIN_MOVES, evaluate, find_moves
from placement.contract.dataset import Dataset
from placement.contract.readers import dataset_from_tables, load_dataset
from placement.synthetic.city import generate
from placement.synthetic.history import SyntheticHistory, city_history, generate_history

pytestmark = pytest.mark.usefixtures("english")

SEEDS = range(4)


def dataset_of(history: SyntheticHistory) -> Dataset:
    return dataset_from_tables(history.tables)


def covers(estimate: dict[str, Any], truth: float) -> bool:
    return bool(estimate["ci_low"] <= truth <= estimate["ci_high"])


@pytest.fixture(scope="module")
def runs() -> list[tuple[SyntheticHistory, dict[str, Any]]]:
    """Four generated cities of 1,500 people over 2016–2024, each with its evaluation."""
    out = []
    for seed in SEEDS:
        history = generate_history(1500, seed=seed)
        out.append((history, evaluate(dataset_of(history)).to_dict()))
    return out


def test_the_intervals_cover_the_planted_att_move_year_and_jpm_category_effects(
    runs: list[tuple[SyntheticHistory, dict[str, Any]]],
) -> None:
    """20 intervals of nominal 95 %: at most 3 may miss (a miss rate far above 5 % fails)."""
    checks = []
    for history, result in runs:
        truth = history.truth
        year0 = next(e for e in result["event_study"] if e["event_year"] == 0)
        checks.append(covers(result["att"], truth.att))
        checks.append(covers(year0, truth.year0))
        for category in ("MS", "MMS", "KMS"):
            group = result["groups"]["jpm_category"][category]
            checks.append(covers(group["att"], truth.by_category[category][0]))
    assert sum(checks) >= len(checks) - 3


def test_kms_moves_lower_the_rating_and_training_softens_that(
    runs: list[tuple[SyntheticHistory, dict[str, Any]]],
) -> None:
    for _, result in runs:
        groups = result["groups"]
        assert groups["jpm_category"]["KMS"]["att"]["ci_high"] < 0
        assert groups["jpm_category"]["MS"]["att"]["ci_low"] > 0
        assert (
            groups["trained"]["yes"]["att"]["estimate"] > groups["trained"]["no"]["att"]["estimate"]
        )


def test_the_naive_movers_vs_stayers_number_is_biased_by_selection(
    runs: list[tuple[SyntheticHistory, dict[str, Any]]],
) -> None:
    """Weaker people are moved more often, so movers look worse than stayers."""
    for history, result in runs:
        naive = result["naive"]["movers_vs_stayers"]
        assert not covers(result["att"], naive)
        assert naive < history.truth.att - 0.1


def test_evaluation_json_has_exactly_the_contract_keys(
    runs: list[tuple[SyntheticHistory, dict[str, Any]]],
) -> None:
    _, result = runs[0]
    estimate_keys = {"estimate", "se", "ci_low", "ci_high", "moves"}
    assert set(result) == {
        "outcome", "method", "years", "moves", "people", "att", "event_study", "groups",
        "naive", "warnings",
    }  # fmt: skip
    assert result["outcome"] == "rating_points"
    assert result["years"] == [2016, 2024]
    assert set(result["att"]) == estimate_keys
    assert [e["event_year"] for e in result["event_study"]] == [-3, -2, -1, 0, 1, 2, 3]
    assert all(set(e) == estimate_keys | {"event_year"} for e in result["event_study"])
    assert set(result["groups"]) == {"jpm_category", "prior_tenure", "trained", "reason"}
    assert set(result["groups"]["jpm_category"]) == {"MS", "MMS", "KMS", "unknown"}
    assert set(result["groups"]["trained"]) == {"yes", "no"}
    for groups in result["groups"].values():
        for group in groups.values():
            assert set(group) == {"att", "year0"}
            assert set(group["att"]) == set(group["year0"]) == estimate_keys
    assert set(result["naive"]) == {"before_after", "movers_vs_stayers"}
    assert isinstance(result["warnings"], list)


def test_fewer_than_30_moves_give_a_null_estimate_and_a_warning() -> None:
    result = evaluate(dataset_of(generate_history(60, seed=3))).to_dict()
    assert result["att"]["moves"] < MIN_MOVES
    assert result["att"]["estimate"] is None
    assert result["att"]["se"] is None
    assert any(w.startswith("att: only") for w in result["warnings"])


def test_a_planted_pre_move_trend_is_flagged_and_none_is_flagged_without_it() -> None:
    dipped = evaluate(dataset_of(generate_history(1500, seed=1, pretrend=0.3))).to_dict()
    assert any(w.startswith("pre-move trend") for w in dipped["warnings"])
    clean = evaluate(dataset_of(generate_history(1500, seed=1))).to_dict()
    assert not any(w.startswith("pre-move trend") for w in clean["warnings"])


def spells(*rows: tuple[str, str, str, str, float | None]) -> pd.DataFrame:
    """placement_history frame from (nip, position_id, start, reason, jpm)."""
    return pd.DataFrame(
        {
            "nip": [r[0] for r in rows],
            "position_id": [r[1] for r in rows],
            "start_date": pd.to_datetime([r[2] for r in rows]),
            "end_date": pd.to_datetime([None] * len(rows)),
            "reason": [r[3] for r in rows],
            "jpm": [r[4] if r[4] is not None else float("nan") for r in rows],
        }
    )


def test_a_move_needs_another_post_before_it_and_a_reason_other_than_first() -> None:
    moves = find_moves(
        spells(
            ("a", "P1", "2015-01-01", "first", None),
            ("a", "P1", "2016-01-01", "other", None),  # same post: not a move
            ("a", "P2", "2018-01-01", "first", None),  # reason first: not a move
            ("a", "P3", "2019-01-01", "rotation", 80.0),
            ("b", "P9", "2019-01-01", "rotation", 50.0),  # no spell before: not a move
        ),
        None,
    )
    assert moves["nip"].tolist() == ["a"]
    assert moves["jpm_category"].tolist() == ["MS"]


def test_jpm_categories_and_prior_tenure_bands_have_inclusive_boundaries() -> None:
    rows: list[tuple[str, str, str, str, float | None]] = []
    cases = [(80.0, 24), (79.99, 60), (68.0, 61), (67.9, 23), (None, 30)]
    for i, (jpm, months) in enumerate(cases):
        start = pd.Timestamp("2015-03-15")
        rows.append((f"n{i}", "A", str(start.date()), "first", None))
        moved = start + pd.DateOffset(months=months)
        rows.append((f"n{i}", "B", str(moved.date()), "rotation", jpm))
    moves = find_moves(spells(*rows), None)
    assert moves["jpm_category"].tolist() == ["MS", "MMS", "MMS", "KMS", "unknown"]
    assert moves["prior_tenure"].tolist() == ["24-60", "24-60", ">60", "<24", "24-60"]


def test_trained_counts_a_course_ending_from_the_move_date_until_a_year_later() -> None:
    rows: list[tuple[str, str, str, str, float | None]] = []
    ends = {"same day": "2020-03-01", "day before anniversary": "2021-02-28",
            "anniversary": "2021-03-01", "day before move": "2020-02-29"}  # fmt: skip
    for nip in ends:
        rows += [(nip, "A", "2015-01-01", "first", None), (nip, "B", "2020-03-01", "other", 70.0)]
    training = pd.DataFrame({"nip": list(ends), "end_date": pd.to_datetime(list(ends.values()))})
    moves = find_moves(spells(*rows), training).set_index("nip")["trained"]
    assert moves.to_dict() == {
        "anniversary": "no",
        "day before anniversary": "yes",
        "day before move": "no",
        "same day": "yes",
    }


def test_a_latest_open_spell_that_disagrees_with_the_employee_is_a_warning() -> None:
    history = generate_history(200, seed=0)
    tables = {name: list(rows) for name, rows in history.tables.items()}
    first = dict(tables["employees"][0])
    first["position_since"] = "2001-01-01"
    tables["employees"] = [first, *tables["employees"][1:]]
    result = evaluate(dataset_from_tables(tables)).to_dict()
    assert any(first["nip"] in w and "latest open spell" in w for w in result["warnings"])
    clean = evaluate(dataset_of(history)).to_dict()
    assert not any("latest open spell" in w for w in clean["warnings"])


def test_a_dataset_without_history_evaluates_to_nothing_with_a_warning() -> None:
    history = generate_history(50, seed=0)
    tables = {k: history.tables[k] for k in ("employees", "positions")}
    result = evaluate(dataset_from_tables(tables)).to_dict()
    assert result["moves"] == 0 and result["att"]["estimate"] is None
    assert result["warnings"] == ["no performance_history: nothing to evaluate"]


def test_the_event_year_estimates_equal_pyfixest_did2s_when_every_year_is_rated() -> None:
    """With one move per person and every year rated, the saturated regression is exactly the
    imputation estimator: Gardner's two-stage did2s gives the same event-year effects. Moves
    before 2018 are dropped so that every mover has two untreated years, which did2s needs."""
    import warnings

    import pyfixest as pf

    from placement.contract.history import RATING_POINTS

    tables = {k: list(v) for k, v in generate_history(600, seed=4).tables.items()}
    kept, moved = [], set()
    for row in tables["placement_history"]:
        if row["reason"] == "first":
            kept.append(row)
        elif row["start_date"] >= "2018" and row["nip"] not in moved:
            moved.add(row["nip"])
            kept.append(row)
    tables["placement_history"] = kept
    dataset = dataset_from_tables(tables)
    ours = {e["event_year"]: e for e in evaluate(dataset).to_dict()["event_study"]}

    moves = find_moves(dataset.history["placement_history"], None)
    perf = dataset.history["performance_history"]
    panel = pd.DataFrame(
        {"nip": perf["nip"], "year": perf["year"], "y": perf["rating"].map(RATING_POINTS)}
    )
    panel["g"] = panel["nip"].map(moves.set_index("nip")["year"]).fillna(0).astype(int)
    event = panel["year"] - panel["g"]
    panel["treated"] = (panel["g"] > 0) & (event >= 0)
    for k in range(4):
        panel[f"k{k}"] = (panel["treated"] & (event == k)).astype(float)
    panel["later"] = (panel["treated"] & (event > 3)).astype(float)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="The inplace keyword", category=pd.errors.Pandas4Warning
        )
        fit = pf.did2s(
            panel,
            yname="y",
            first_stage="~ 0 | nip + year",
            second_stage="~ k0 + k1 + k2 + k3 + later",
            treatment="treated",
            cluster="nip",
        )
    theirs = fit.coef()
    for k in range(4):
        assert ours[k]["estimate"] == pytest.approx(theirs[f"k{k}"], abs=1e-4)


def test_the_embedded_samples_evaluation_recovers_what_was_planted_in_it() -> None:
    """The demo city's history (placement/data/binjai) and the truth of the same draws."""
    sample = Path(__file__).resolve().parents[3] / "placement" / "data" / "binjai"
    truth = city_history(generate(5000, seed=2026), reference_date=date(2026, 7, 1), seed=2026)
    found = evaluate(load_dataset(sample)).to_dict()

    def covers(estimate: dict[str, Any], value: float) -> bool:
        return bool(estimate["ci_low"] <= value <= estimate["ci_high"])

    assert covers(found["att"], truth.truth.att)
    for category in ("MS", "MMS", "KMS"):
        group = found["groups"]["jpm_category"][category]["att"]
        assert covers(group, truth.truth.by_category[category][0]), category
    assert found["groups"]["jpm_category"]["KMS"]["att"]["ci_high"] < 0
    for label in ("yes", "no"):
        assert covers(found["groups"]["trained"][label]["att"], truth.truth.by_trained[label][0])
    assert found["naive"]["movers_vs_stayers"] < 0 < truth.truth.att
    assert not any(w.startswith("pre-move trend") for w in found["warnings"])
    assert not any("disagrees with employees" in w for w in found["warnings"])
