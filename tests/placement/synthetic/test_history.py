"""The history generator: loadable tables, determinism, selection and planted effects."""

from __future__ import annotations

import pandas as pd

from placement.contract.history import RATING_POINTS
from placement.contract.readers import dataset_from_tables
from placement.synthetic.history import generate_history


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
