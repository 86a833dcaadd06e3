"""The service's language: Indonesian unless ``Accept-Language`` asks for English, said in
``Content-Language`` and ``Vary``; machine fields the same in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.core.openapi import openapi_document
from placement import load_dataset
from placement.batch.sweep import SweepBase, read_grid, solve_point
from placement.errors import DatasetError
from placement.i18n import catalog_keys, translate, use_locale
from tests.api.fixtures import example_csv_files, example_policy, wait_for_run, wait_for_sweep
from tests.api.http.conftest import service_settings
from tests.paths import EXAMPLE, ROOT

Headers = dict[str, dict[str, str]]
#: Every catalog key the service names, in calls or in literal tables.
API_KEY = re.compile(r"""["'](api\.[a-z0-9_]+\.[a-z0-9_.]*[a-z0-9_])["']""")


def bad_upload() -> list[tuple[str, tuple[str, bytes, str]]]:
    """The example's CSV files with an unknown grade and a duplicated NIP in employees.csv."""
    files = example_csv_files()
    lines = (EXAMPLE / "employees.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("grade")] = "V/z"
    text = "\n".join([*lines, lines[2], ",".join(bad)]) + "\n"
    return [
        ("files", ("employees.csv", text.encode("utf-8"), "text/csv"))
        if f[1][0] == "employees.csv"
        else f
        for f in files
    ]


def library_problems(
    files: list[tuple[str, tuple[str, bytes, str]]], locale: str, tmp: Path
) -> tuple[str, list[str]]:
    """What the library says of ``files`` in ``locale``: its summary and each message."""
    folder = tmp / locale
    folder.mkdir()
    for _, (name, content, _) in files:
        (folder / name).write_bytes(content)
    with use_locale(locale):
        with pytest.raises(DatasetError) as refused:
            load_dataset(folder)
        return str(refused.value), [str(p.message) for p in refused.value.problems]


def test_a_bad_upload_is_refused_in_indonesian_unless_english_is_asked_for(
    client: httpx.Client, keys: Headers, tmp_path: Path
) -> None:
    files = bad_upload()
    plain = client.post("/v1/datasets", files=files, headers=keys["planner"])
    english = client.post(
        "/v1/datasets",
        files=files,
        headers=keys["planner"] | {"Accept-Language": "en-GB, id;q=0.5"},
    )
    assert plain.status_code == english.status_code == 422
    assert plain.headers["Content-Language"] == "id"
    assert english.headers["Content-Language"] == "en"
    assert "accept-language" in plain.headers["Vary"].lower()
    indonesian, found = plain.json(), english.json()
    n = len(found["problems"])
    assert n == 3
    assert indonesian["title"] == "Isi tidak dapat diproses"
    assert found["title"] == "Unprocessable content"
    # The summary and each message are the library's own, in the language asked for.
    for answer, locale in ((indonesian, "id"), (found, "en")):
        detail, messages = library_problems(files, locale, tmp_path)
        assert answer["detail"] == detail
        assert [p["message"] for p in answer["problems"]] == messages
    # Where the problems are never changes with the language.
    where = [{k: p[k] for k in ("table", "row", "column")} for p in found["problems"]]
    assert where == [{k: p[k] for k in ("table", "row", "column")} for p in indonesian["problems"]]
    assert {k: v for k, v in found.items() if k not in ("title", "detail", "problems")} == {
        k: v for k, v in indonesian.items() if k not in ("title", "detail", "problems")
    }


def test_the_service_own_errors_follow_accept_language(client: httpx.Client) -> None:
    plain = client.get("/v1/datasets")
    english = client.get("/v1/datasets", headers={"Accept-Language": "en-US"})
    assert plain.status_code == english.status_code == 401
    assert plain.json()["detail"] == "kunci API wajib disertakan (Authorization: Bearer KUNCI)"
    assert english.json()["detail"] == "an API key is required (Authorization: Bearer KEY)"
    assert plain.json()["type"] == english.json()["type"]
    # A language the service does not speak, or none acceptable, gives Indonesian.
    for header in ("fr", "*", "en;q=0", ""):
        answer = client.get("/v1/datasets", headers={"Accept-Language": header})
        assert answer.headers["Content-Language"] == "id", header
    unknown = client.get("/v1/nowhere", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    assert unknown.json()["title"] == unknown.json()["detail"] == "Not found"
    assert client.get("/v1/nowhere").json()["detail"] == "Tidak ditemukan"


def test_a_request_validation_problem_is_in_the_requests_language(
    client: httpx.Client, keys: Headers
) -> None:
    for language, expected in (("id", "isian ini wajib diisi"), ("en", "this field is required")):
        answer = client.post(
            "/v1/runs", json={}, headers=keys["planner"] | {"Accept-Language": language}
        )
        assert answer.status_code == 422
        assert answer.headers["Content-Language"] == language
        messages = {p["column"]: p["message"] for p in answer.json()["problems"]}
        assert messages["dataset_id"] == expected


def test_a_run_says_why_it_has_no_plan_in_the_readers_language(
    client: httpx.Client, keys: Headers
) -> None:
    uploaded = client.post("/v1/datasets", files=example_csv_files(), headers=keys["planner"])
    policy = example_policy() | {
        "pins": [
            {"nip": "199803122024061001", "position_id": "DISDIK-04"},
            {"nip": "198705202010011002", "position_id": "DISDIK-04"},
        ]
    }
    english = keys["planner"] | {"Accept-Language": "en"}
    created = client.post(
        "/v1/runs", json={"dataset_id": uploaded.json()["id"], "policy": policy}, headers=english
    )
    run = wait_for_run(client, created.json()["id"], keys["planner"])
    assert run["status"] == "failed" and run["summary"]["status"] == "INFEASIBLE"
    # Indonesian without the solver's own message, an English text kept in the summary.
    assert run["error"] == translate("api.run.error.infeasible", "id")
    again = client.get(f"/v1/runs/{run['id']}", headers=english).json()
    reason, message = "the rules admit no plan (INFEASIBLE)", run["summary"].get("message")
    assert again["error"] == (f"{reason}: {message}" if message else reason)
    assert again["summary"] == run["summary"]
    # The diagnosis the worker made in the run's language, and a new one in the other.
    url = f"/v1/runs/{run['id']}/diagnosis"
    told = {
        lang: client.get(url, headers=keys["planner"] | {"Accept-Language": lang})
        for lang in ("en", "id")
    }
    assert told["en"].status_code == told["id"].status_code == 200
    assert told["en"].headers["Content-Language"] == "en"
    assert told["id"].headers["Content-Language"] == "id"
    assert told["en"].json()["conflict"] == told["id"].json()["conflict"]


def library_reasons(spec: dict[str, Any], policy: dict[str, Any], locale: str) -> dict[int, str]:
    """Why each point of ``spec`` without a plan has none, as the library says it in
    ``locale``."""
    base = SweepBase(load_dataset(EXAMPLE), policy)
    with use_locale(locale):
        runs = {point.number: solve_point(base, point) for point in read_grid(spec)}
    return {number: run.error for number, run in runs.items() if run.error is not None}


def test_a_sweep_says_why_its_points_have_no_plan_in_its_request_s_language(
    client: httpx.Client, keys: Headers
) -> None:
    uploaded = client.post("/v1/datasets", files=example_csv_files(), headers=keys["planner"])
    # Point 1 is infeasible (the pin needs a move), points 2 and 4 refused (JPM floor over 100).
    spec = {"grid": {"max_moves": [0, 3], "jpm_floor": [68, 150]}}
    policy = example_policy() | {"time_limit_s": 20.0}
    body = {"dataset_id": uploaded.json()["id"], "policy": policy, **spec}
    told: dict[str, dict[int, str]] = {}
    for locale, extra in (("id", {}), ("en", {"Accept-Language": "en"})):
        created = client.post("/v1/sweeps", json=body, headers=keys["planner"] | extra)
        assert created.status_code == 202, created.text
        # Read in the other language: the reasons stay those of the request that queued it.
        reader = keys["viewer"] | {"Accept-Language": "id" if locale == "en" else "en"}
        sweep = wait_for_sweep(client, created.json()["id"], reader)
        assert sweep["status"] == "succeeded", sweep
        told[locale] = {p["point"]: p["error"] for p in sweep["failed_points"]}
        table = client.get(f"/v1/sweeps/{sweep['id']}/results", headers=reader).json()
        assert {p["point"]: p["error"] for p in table["points"] if p["error"]} == told[locale]
    for locale in ("id", "en"):
        assert set(told[locale]) == {1, 2, 4}
        assert told[locale] == library_reasons(spec, policy, locale)
    assert all(told["id"][n] != told["en"][n] for n in told["en"])
    assert "got 150" in told["en"][2]


def test_an_idempotent_replay_keeps_the_language_of_its_answer(
    client: httpx.Client, keys: Headers
) -> None:
    headers = keys["planner"] | {"Idempotency-Key": "language-replay", "Accept-Language": "en"}
    first = client.post("/v1/runs", json={}, headers=headers)
    replay = client.post("/v1/runs", json={}, headers=headers | {"Accept-Language": "id"})
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    assert replay.headers["Content-Language"] == "en"


def test_the_openapi_document_names_accept_language_on_every_operation() -> None:
    document = openapi_document(create_app(service_settings("sqlite://")))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            assert "Accept-Language" in names, (method, path)
            for code, response in operation["responses"].items():
                assert "Content-Language" in response.get("headers", {}), (method, path, code)


def test_every_key_the_service_names_is_in_both_catalogs() -> None:
    used = {
        key
        for path in (ROOT / "api").rglob("*.py")
        for key in API_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 50
    for locale in ("id", "en"):
        assert used <= catalog_keys(locale), sorted(used - catalog_keys(locale))
