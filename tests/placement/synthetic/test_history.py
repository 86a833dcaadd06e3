"""The history generator: loadable tables, determinism, selection and planted effects."""

from __future__ import annotations

import datetime

import pandas as pd

from placement.contract.history import HISTORY_TABLES, RATING_POINTS
from placement.contract.readers import dataset_from_tables
from placement.synthetic.city import generate
from placement.synthetic.history import city_history, generate_history


def test_the_generated_tables_load_and_the_same_seed_gives_the_same_city() -> None:
    a, b = generate_history(300, seed=5), generate_history(300, seed=5)
    assert a.tables == b.tables and a.truth == b.truth
    assert dataset_from_tables(a.tables).sha256 == dataset_from_tables(b.tables).sha256
    assert generate_history(300, seed=6).tables != a.tables


def test_weaker_people_are_moved_more_often() -> None:
    history = generate_history(3000, seed=0)
    ratings = pd.DataFrame(history.tables["performance_history"])
    points = ratings.assign(points=ratings["rating"].map(RATING_POINTS))
    first_year = points[points["year"] == "2016"].set_index("nip")["points"]
    spells = pd.DataFrame(history.tables["placement_history"])
    movers = set(spells.loc[spells["reason"] != "first", "nip"])
    moved = first_year.index.isin(list(movers))
    assert first_year[moved].mean() < first_year[~moved].mean() - 0.1


def test_the_truth_follows_the_planted_effects() -> None:
    truth = generate_history(3000, seed=0).truth
    ms, mms, kms = (truth.by_category[c][0] for c in ("MS", "MMS", "KMS"))
    assert kms < 0 < mms < ms
    assert truth.by_category["unknown"] == (0.0, 0.0)
    assert abs(truth.year0) < abs(truth.att)
    assert truth.by_trained["yes"][0] > truth.by_trained["no"][0]


def test_a_city_history_agrees_with_the_employees_and_plants_selection() -> None:
    """The latest spell is the current post; people moved inside the years rate lower before."""
    city = generate(1200, seed=3)
    history = city_history(city, reference_date=datetime.date(2026, 7, 1), seed=3)
    tables = {k: v.to_dict("records") for k, v in city.items()}
    tables.update({k: v.to_dict("records") for k, v in history.tables.items()})
    dataset = dataset_from_tables(tables)
    assert sorted(dataset.history) == sorted(HISTORY_TABLES)
    spells = history.tables["placement_history"]
    latest = spells.drop_duplicates("nip", keep="last").set_index("nip")
    emp = city["employees"].set_index("nip").loc[latest.index]
    assert (latest["position_id"] == emp["position_id"]).all()
    assert (latest["start_date"] == emp["position_since"]).all()
    years = history.tables["performance_history"]["year"].astype(int)
    assert (years.min(), years.max(), years.nunique()) == (2017, 2025, 9)
    since = pd.to_datetime(emp["position_since"]).dt.year
    movers = set(since[(since >= 2019) & (since <= 2025)].index)
    first = history.tables["performance_history"].query("year == '2017'").set_index("nip")
    points = first["rating"].map(RATING_POINTS)
    assert points[points.index.isin(movers)].mean() < points[~points.index.isin(movers)].mean()
    truth = history.truth
    assert truth.by_category["KMS"][0] < 0 < truth.by_category["MS"][0]


def test_a_city_history_leaves_the_city_alone_and_repeats_itself() -> None:
    city = generate(300, seed=9)
    before = {k: v.copy() for k, v in city.items()}
    a = city_history(city, reference_date=datetime.date(2026, 7, 1), seed=9)
    b = city_history(city, reference_date=datetime.date(2026, 7, 1), seed=9)
    for name in city:
        pd.testing.assert_frame_equal(city[name], before[name])
    for name in HISTORY_TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
