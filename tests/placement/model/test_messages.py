"""The diagnosis reads in Indonesian by default and in English on request; rule ids, NIPs and
position ids stay as they are."""

from __future__ import annotations

import dataclasses

from placement.contract.policy import load_policy
from placement.contract.readers import load_dataset
from placement.i18n import use_locale
from placement.model.diagnose import diagnose
from tests.paths import EXAMPLE
from tests.placement.builders import make_dataset, make_nip, make_policy


def test_a_diagnosis_reads_in_indonesian_by_default_and_in_english_on_request() -> None:
    e1, e2 = make_nip(1), make_nip(2)
    dataset = make_dataset(
        employees=[
            {"nip": e1, "name": "Ani", "position_id": "B-01"},
            {"nip": e2, "name": "Bayu", "position_id": "B-02"},
        ],
        positions=[{"position_id": "A-01"}, {"position_id": "B-01"}, {"position_id": "B-02"}],
    )
    policy = make_policy(pins=[(e1, "A-01"), (e2, "A-01")])
    found = diagnose(dataset, policy)
    assert found is not None
    assert found.text == (
        f"Penetapan (pin) {e1} (Ani) → A-01 dan {e2} (Bayu) → A-01 membutuhkan 2 formasi, "
        "tetapi kapasitas A-01 hanya 1."
    )
    with use_locale("en"):
        english = diagnose(dataset, policy)
    assert english is not None and english.conflict == found.conflict
    assert english.to_dict()["text"].startswith(f"Pins {e1} (Ani) → A-01 and {e2} (Bayu)")


def test_a_conflict_of_several_rules_is_worded_in_indonesian() -> None:
    dataset = load_dataset(EXAMPLE)
    policy = load_policy(EXAMPLE / "rotation" / "policy.json", dataset)
    found = diagnose(dataset, dataclasses.replace(policy, max_moves=2))
    assert found is not None
    assert found.text.startswith("Aturan-aturan berikut tidak dapat berlaku bersamaan")
    assert "paling banyak 2 pegawai boleh dimutasi (max_moves)" in found.text
