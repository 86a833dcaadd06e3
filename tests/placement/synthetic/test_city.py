"""The synthetic city-government dataset generator and the embedded Binjai demo dataset."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.contract.dataset import COLUMNS, TABLES
from placement.contract.enums import (
    EDUCATION_LEVELS,
    ESELON_BAND,
    ESELONS,
    GRADE_INDEX,
    GRADES,
    JOB_CLASSES,
    PERFORMANCES,
    POTENTIALS,
    RELATION_KINDS,
    STATES,
    STATUSES,
)
from placement.synthetic.city import SORT_KEYS, default_n_units, generate, write_csv

DEMO = Path(__file__).resolve().parents[3] / "placement" / "data" / "binjai"
REFERENCE = pd.Timestamp("2026-07-01")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Tables = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def city() -> Tables:
    return generate(5000, seed=2026)


def placed(tables: Tables) -> pd.DataFrame:
    employees = tables["employees"]
    return employees[employees.position_id != ""].merge(tables["positions"], on="position_id")


def holders(tables: Tables) -> np.ndarray:
    positions = tables["positions"]
    counts = tables["employees"].position_id.value_counts()
    return counts.reindex(positions.position_id, fill_value=0).to_numpy()


def months_held(employees: pd.DataFrame) -> pd.Series:
    since = pd.to_datetime(employees.position_since.replace("", None))
    return (
        (REFERENCE.year - since.dt.year) * 12
        + (REFERENCE.month - since.dt.month)
        - (REFERENCE.day < since.dt.day)
    )


def assert_valid(tables: Tables) -> None:
    """Contract columns, unique keys, resolving references and value ranges."""
    assert list(tables) == [*TABLES, "units"]
    for name, frame in tables.items():
        assert list(frame.columns) == list(COLUMNS[name])
        assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
        assert not frame.isna().any().any()
        keys = list(SORT_KEYS[name])
        assert frame.equals(frame.sort_values(keys, kind="stable").reset_index(drop=True))
    emp, pos = tables["employees"], tables["positions"]
    comp, req = tables["competencies"], tables["requirements"]
    pref, rel = tables["preferences"], tables["relations"]
    nips, pids, units = set(emp.nip), set(pos.position_id), set(pos.unit)

    assert emp.nip.is_unique and pos.position_id.is_unique
    assert not comp.duplicated(["nip", "competency"]).any()
    assert not req.duplicated(["position_id", "competency"]).any()
    assert not pref.duplicated(["nip", "target"]).any()
    assert not rel.duplicated(["nip_a", "nip_b"]).any()
    assert not units & pids

    assert set(emp.position_id) - {""} <= pids
    assert set(comp.nip) <= nips and set(pref.nip) <= nips
    assert set(rel.nip_a) | set(rel.nip_b) <= nips
    assert (rel.nip_a < rel.nip_b).all()
    assert set(req.position_id) <= pids
    assert set(pref.target) <= pids | units

    assert set(emp.status) <= set(STATUSES)
    assert set(emp.grade) <= {"", *GRADES}
    assert ((emp.grade == "") == (emp.status == "PPPK")).all()
    assert set(emp.education) <= set(EDUCATION_LEVELS)
    assert emp.birth_date.str.fullmatch(DATE).all()
    assert emp.position_since.str.fullmatch(DATE).sum() == (emp.position_since != "").sum()
    assert ((emp.position_id == "") <= (emp.position_since == "")).all()
    assert set(emp.gender) <= {"M", "F"}
    assert set(emp.performance) <= {"", *PERFORMANCES}
    assert set(emp.potential) <= {"", *POTENTIALS}
    assert set(emp.discipline) | set(emp.on_leave) <= {"true", "false"}

    assert set(pos.job_class) <= set(JOB_CLASSES)
    assert set(pos.eselon) <= {"", *ESELONS}
    assert set(pos.min_grade) | set(pos.max_grade) <= {"", *GRADES}
    assert set(pos.min_education) <= set(EDUCATION_LEVELS)
    assert set(pos.state) <= set(STATES)
    assert (pos.capacity.astype(int) >= 1).all()
    assert (holders(tables) <= pos.capacity.astype(int).to_numpy()).all()

    for frame in (comp, req):
        assert frame.level.astype(int).between(1, 5).all()
    assert req.weight.replace("", "1").astype(int).between(1, 10).all()
    ranks = pref["rank"].astype(int)
    assert ranks.between(1, 5).all()
    assert (ranks.to_numpy() == pref.groupby("nip").cumcount().to_numpy() + 1).all()
    assert set(rel.kind) <= set(RELATION_KINDS)


# --- determinism --------------------------------------------------------------------------


def test_the_same_seed_gives_identical_tables() -> None:
    first, second = generate(800, seed=5), generate(800, seed=5)
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    write_csv(generate(600, seed=9), tmp_path / "a")
    write_csv(generate(600, seed=9), tmp_path / "b")
    for name in TABLES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (
            tmp_path / "b" / f"{name}.csv"
        ).read_bytes()


def test_a_different_seed_gives_different_tables() -> None:
    first, second = generate(800, seed=1), generate(800, seed=2)
    for name in ("employees", "competencies", "preferences"):
        assert not first[name].equals(second[name])


# --- sizes and validity -------------------------------------------------------------------


def test_a_5000_employee_city_has_about_40_units_and_every_table(city: Tables) -> None:
    assert len(city["employees"]) == 5000
    assert 36 <= city["positions"].unit.nunique() <= 45
    assert 600 <= len(city["positions"]) <= 1500
    assert len(city["competencies"]) >= 9 * 5000
    assert len(city["requirements"]) >= 3 * len(city["positions"])
    assert len(city["preferences"]) > 0 and len(city["relations"]) > 0


def test_a_generated_city_satisfies_the_contract(city: Tables) -> None:
    assert_valid(city)


def test_the_number_of_units_can_be_chosen() -> None:
    tables = generate(3000, seed=3, n_units=90)
    assert tables["positions"].unit.nunique() == 90
    assert default_n_units(5000) == 40
    assert_valid(tables)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=400),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    n_units=st.one_of(st.none(), st.integers(min_value=1, max_value=80)),
)
def test_any_size_seed_and_unit_count_give_a_valid_dataset(
    n: int, seed: int, n_units: int | None
) -> None:
    tables = generate(n, seed, n_units=n_units)
    assert len(tables["employees"]) == n
    assert_valid(tables)


def test_invalid_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="n_employees"):
        generate(0, seed=1)
    with pytest.raises(ValueError, match="n_units"):
        generate(10, seed=1, n_units=0)


def test_the_generated_dataset_loads_without_problems(tmp_path: Path) -> None:
    from placement.contract.readers import load_dataset

    write_csv(generate(1500, seed=11), tmp_path)
    dataset = load_dataset(tmp_path)
    assert dataset.n_employees == 1500


# --- realism ------------------------------------------------------------------------------


def test_the_job_class_mix_is_close_to_the_national_one(city: Tables) -> None:
    job_class = placed(city).job_class
    functional = job_class.str.startswith("JF_").mean()
    pelaksana = (job_class == "PELAKSANA").mean()
    structural = job_class.isin(["JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"]).mean()
    assert functional == pytest.approx(0.63, abs=0.03)
    assert pelaksana == pytest.approx(0.31, abs=0.03)
    assert structural == pytest.approx(0.06, abs=0.015)


def test_every_office_has_one_jpt_head_and_structural_posts_use_eselon_bands(
    city: Tables,
) -> None:
    pos = city["positions"]
    structural = pos.job_class.isin(["JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"])
    assert (pos.eselon[structural] != "").all() and (pos.eselon[~structural] == "").all()
    assert (pos.min_grade[structural] == "").all() and (pos.max_grade[structural] == "").all()
    assert (pos.min_grade[~structural] != "").all() and (pos.max_grade[~structural] != "").all()
    assert (pos.capacity[structural] == "1").all()
    heads = pos[pos.job_class == "JPT_PRATAMA"].groupby("unit").size()
    for unit in ("DISDIK", "DINKES", "BKPSDM", "RSUD", "INSPEKTORAT", "BPKPAD"):
        assert heads[unit] == 1
    assert set(pos.unit) >= {
        "SETDA",
        "KEC-BINJAI-KOTA",
        "KEC-BINJAI-UTARA",
        "KEC-BINJAI-SELATAN",
        "KEC-BINJAI-TIMUR",
        "KEC-BINJAI-BARAT",
    }


def test_teachers_and_health_workers_sit_in_their_units(city: Tables) -> None:
    pos = city["positions"]
    assert pos.title[pos.unit == "DISDIK"].str.startswith("Guru").any()
    assert pos.title[pos.unit == "DISDIK"].str.contains("Ahli Madya").any()
    health = pos.title[pos.unit.isin(["DINKES", "RSUD"])]
    for stem in ("Perawat", "Bidan", "Dokter", "Perawat Terampil"):
        assert health.str.startswith(stem).any()
    assert pos.title[pos.unit == "BKPSDM"].str.startswith("Analis Sumber Daya Manusia").any()
    assert pos.title[pos.unit == "INSPEKTORAT"].str.startswith("Auditor").any()
    largest = placed(city).unit.value_counts().index[0]
    assert largest == "DISDIK"


def test_statuses_grades_and_nips_are_consistent(city: Tables) -> None:
    emp = city["employees"]
    status = emp.status.value_counts(normalize=True)
    assert 0.2 <= status["PPPK"] <= 0.3
    assert 0.003 <= status["CPNS"] <= 0.04
    assert emp.nip.str.fullmatch(r"\d{18}").all()
    assert (emp.nip.str[:8] == emp.birth_date.str.replace("-", "")).all()
    assert (emp.nip.str[14] == emp.gender.map({"M": "1", "F": "2"})).all()
    pppk = emp.status == "PPPK"
    assert (emp.nip.str[12:14][pppk] == "21").all()
    tmt_month = emp.nip.str[12:14][~pppk].astype(int)
    assert tmt_month.between(1, 12).all()
    tmt = pd.to_datetime(emp.nip.str[8:14][~pppk] + "01", format="%Y%m%d")
    assert (tmt <= REFERENCE).all()
    assert (pd.to_datetime(emp.birth_date[~pppk]) < tmt).all()
    assert (
        not placed(city)
        .job_class[placed(city).status == "PPPK"]
        .isin(["JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"])
        .any()
    )


def test_grades_mostly_lie_in_the_posts_range(city: Tables) -> None:
    staff = placed(city)
    staff = staff[staff.grade != ""]
    band_lo = staff.eselon.map(lambda e: ESELON_BAND[e][0] if e else "")
    band_hi = staff.eselon.map(lambda e: ESELON_BAND[e][1] if e else "")
    lo = staff.min_grade.where(staff.min_grade != "", band_lo).map(GRADE_INDEX)
    hi = staff.max_grade.where(staff.max_grade != "", band_hi).map(GRADE_INDEX)
    grade = staff.grade.map(GRADE_INDEX)
    within = ((grade >= lo) & (grade <= hi)).mean()
    assert 0.85 <= within < 1.0


def test_ages_span_a_career_and_nobody_is_past_retirement(city: Tables) -> None:
    staff = placed(city)
    age = (REFERENCE - pd.to_datetime(staff.birth_date)).dt.days / 365.2425
    assert age.min() >= 18 and age.quantile(0.05) < 30 and age.quantile(0.95) > 50
    bup = staff.job_class.map({"JF_AHLI_UTAMA": 65, "JF_AHLI_MADYA": 60, "JPT_PRATAMA": 60})
    assert (age < bup.fillna(58)).all()
    assert (age > bup.fillna(58) - 2).sum() >= 10


def test_tenure_spreads_over_twelve_years_with_a_few_unknown(city: Tables) -> None:
    emp = city["employees"]
    months = months_held(emp)
    assert months.max() <= 12 * 12 and months.min() >= 0
    assert 0.1 <= (months > 60).mean() <= 0.3
    assert 0.2 <= (months < 24).mean() <= 0.5
    unknown = ((emp.position_since == "") & (emp.position_id != "")).mean()
    assert 0.015 <= unknown <= 0.05


def test_performance_flags_and_unplaced_people_have_realistic_shares(city: Tables) -> None:
    emp = city["employees"]
    performance = emp.performance.value_counts(normalize=True)
    assert performance["B"] > 0.6 and 0.08 < performance["SB"] < 0.2
    assert performance[["BP", "K", "SK"]].sum() < 0.12 and 0.02 < performance[""] < 0.15
    assert 0.003 <= (emp.discipline == "true").mean() <= 0.02
    assert 0.003 <= (emp.on_leave == "true").mean() <= 0.02
    unplaced = emp[emp.position_id == ""]
    assert 10 <= len(unplaced) <= 60
    assert {"CPNS", "PNS"} <= set(unplaced.status)


def test_about_seven_percent_of_open_seats_are_vacant(city: Tables) -> None:
    pos = city["positions"]
    capacity = pos.capacity.astype(int).to_numpy()
    is_open = (pos.state == "open").to_numpy()
    vacant = (np.maximum(capacity - holders(city), 0) * is_open).sum()
    assert 0.05 <= vacant / capacity.sum() <= 0.10
    states = pos.state.value_counts(normalize=True)
    assert 0.005 <= states["closed"] <= 0.03 and 0.005 <= states["abolished"] <= 0.02
    abolished = (pos.state == "abolished").to_numpy()
    assert (holders(city)[abolished] > 0).all()


def test_competencies_centre_on_the_class_standard(city: Tables) -> None:
    comp = city["competencies"]
    per_employee = comp.groupby("nip").competency.agg(list)
    assert len(per_employee) == 5000
    managerial = [f"M0{i}" for i in range(1, 9)]
    assert per_employee.map(lambda codes: set(managerial) <= set(codes)).all()
    assert per_employee.map(lambda codes: "S01" in codes).mean() > 0.8
    technical = per_employee.map(lambda codes: sum(c.startswith("T.") for c in codes))
    assert technical.between(1, 3).all()

    staff = placed(city)[["nip", "position_id"]]
    req = city["requirements"].assign(
        level=lambda f: f.level.astype(int), w=lambda f: f.weight.replace("", "1").astype(int)
    )
    attained = comp.assign(a=comp.level.astype(int))[["nip", "competency", "a"]]
    rows = staff.merge(req, on="position_id").merge(attained, on=["nip", "competency"], how="left")
    rows["a"] = rows["a"].fillna(0)
    rows["num"] = rows.w * np.minimum(rows.a, rows.level)
    rows["den"] = rows.w * rows.level
    sums = rows.groupby("nip")[["num", "den"]].sum()
    jpm = 100 * sums.num / sums.den
    assert jpm.median() >= 80
    assert 0.01 <= (jpm < 68).mean() <= 0.15
    without = set(city["positions"].position_id) - set(city["requirements"].position_id)
    assert 0.02 <= len(without) / len(city["positions"]) <= 0.12


def test_a_third_of_employees_state_preferences_mostly_for_vacancies(city: Tables) -> None:
    pref, pos = city["preferences"], city["positions"]
    share = pref.nip.nunique() / len(city["employees"])
    assert 0.3 <= share <= 0.4
    assert pref.groupby("nip").size().max() <= 3
    vacant = set(
        pos.position_id[(pos.capacity.astype(int) > holders(city)) & (pos.state == "open")]
    )
    assert pref.target.isin(vacant).mean() > 0.5
    assert 0.03 <= pref.target.isin(set(pos.unit)).mean() <= 0.25


def test_spouses_are_about_three_percent_of_staff_and_some_share_a_unit(city: Tables) -> None:
    rel = city["relations"]
    spouses = rel[rel.kind == "spouse"]
    assert 0.02 * 5000 <= len(spouses) <= 0.04 * 5000
    people = pd.concat([spouses.nip_a, spouses.nip_b])
    assert people.is_unique
    emp = city["employees"].set_index("nip")
    unit = emp.position_id.map(city["positions"].set_index("position_id").unit)
    same = (unit[spouses.nip_a].to_numpy() == unit[spouses.nip_b].to_numpy()).mean()
    assert 0.15 <= same <= 0.6
    assert {"family", "other"} <= set(rel.kind)


def test_the_reference_date_moves_every_date() -> None:
    later = generate(400, seed=4, reference_date=datetime.date(2031, 1, 15))
    emp = later["employees"]
    since = pd.to_datetime(emp.position_since.replace("", None)).dropna()
    assert since.max() <= pd.Timestamp("2031-01-15") and since.max() > REFERENCE
    assert_valid(later)


# --- the embedded demo dataset ------------------------------------------------------------


def test_the_demo_dataset_is_exactly_generate_5000_2026(tmp_path: Path) -> None:
    write_csv(generate(5000, seed=2026), tmp_path)
    for name in (*TABLES, "units"):
        assert (DEMO / f"{name}.csv").read_bytes() == (tmp_path / f"{name}.csv").read_bytes()


def test_every_unit_of_the_city_has_a_name_and_a_parent_it_holds() -> None:
    tables = generate(1500, seed=4, n_units=48)  # kelurahan, puskesmas and schools too
    units = tables["units"]
    assert set(units["unit"]) == set(tables["positions"]["unit"])
    assert units["name"].ne("").all() and units["name"].ne(units["unit"]).all()
    parents = units["parent"][units["parent"] != ""]
    assert not parents.empty and parents.isin(units["unit"]).all()


def test_the_demo_dataset_has_a_policy_readme_and_a_reasonable_size() -> None:
    assert json.loads((DEMO / "policy.json").read_text()) == {"reference_date": "2026-07-01"}
    readme = (DEMO / "README.md").read_text()
    assert "generate(5000, seed=2026)" in readme and "synthetic" in readme.lower()
    assert sum(f.stat().st_size for f in DEMO.iterdir()) < 3_000_000


def test_written_files_are_plain_utf8_with_unix_line_ends(tmp_path: Path) -> None:
    write_csv(generate(300, seed=8), tmp_path)
    raw = (tmp_path / "employees.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    assert raw.split(b"\n", 1)[0].decode() == ",".join(COLUMNS["employees"])
    assert b',"' in raw  # names with a degree such as "Rina, S.Pd." are quoted
    reread = pd.read_csv(tmp_path / "employees.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(reread, generate(300, seed=8)["employees"], check_dtype=False)
